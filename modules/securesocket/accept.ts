/*
 * The server side of SecureSocket: the engine (modules/tls/server.ts TLSServer) made from the
 * resolved server options (serveroptions.ts), with the client-certificate check of verify.ts (the CA
 * given as `ca` only, for clientAuth).
 * SecureSocket drives it exactly like the client engine.
 */
import { TLSServer } from "tls/server";
import type { TLSEngine } from "tls/engine";
import type { ResolvedServerOptions } from "securesocket/serveroptions";
import { certificateCheck } from "securesocket/verify";
import { compact, ENGINE_DEFAULTS } from "securesocket/options";

/**
 * The server engine of one connection: dispose() also frees the private keys it loaded (the default
 * credentials' and those serverName() chose for this connection: no list of them, no closure)
 */
class ServerConnection extends TLSServer {
	override dispose(): void {
		super.dispose();
		const defaults = this.options.credentials.key, chosen = this.chosenKey;
		defaults.close();
		if (chosen !== defaults)
			chosen.close();
	}
}

export function serverEngine(options: ResolvedServerOptions): TLSEngine {
	const engine = new ServerConnection(compact({
		minVersion: options.protocolVersion,
		maxVersion: options.maxVersion,
		suites: options.cipherSuites,
		groups: options.groups,
		signatureAlgorithms: options.tls_signature_algorithms,
		credentials: options.credentials,
		selectCredentials: options.selectCredentials,
		alpn: options.tls_application_layer_protocol_negotiation ?? options.applicationLayerProtocolNegotiation,
		// the engine's defaults (ENGINE_DEFAULTS, and "none") are left out: a property less on each connection
		// (ca is there exactly when clientCertificates is "request" or "require": serveroptions.ts)
		clientAuthentication: options.ca && options.clientCertificates,
		// a client's chain: against ca only (never the CA store), for clientAuth, no name
		clientCertificates: options.ca && certificateCheck({ verify: true, roots: options.ca, time: options.time, verifyName: undefined, trace: options.trace, usage: "clientAuth", store: false }),
		tickets: options.tickets,
		ticketKey: options.ticketKey,
		ticketLifetime: options.ticketLifetime,
		recordSizeLimit: options.recordSizeLimit,
		keylog: options.keylog,
		trace: options.trace,
	}, ENGINE_DEFAULTS));
	return engine;
}
