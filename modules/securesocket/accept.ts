/*
 * The server side of SecureSocket: the engine (modules/tls/server.ts TLSServer) made from the
 * resolved server options (serveroptions.ts), with the client-certificate check of verify.ts.
 * SecureSocket drives it exactly like the client engine.
 */
import { TLSServer } from "tls/server";
import type { TLSEngine } from "tls/engine";
import type { ResolvedServerOptions, Credentials } from "securesocket/serveroptions";
import { clientCheck, type PeerCertificate } from "securesocket/verify";

export interface ServerEngine {
	engine: TLSEngine;
	/** frees the private keys this connection loaded (when the connection ends) */
	release(): void;
}

export function serverEngine(options: ResolvedServerOptions, onPeer: (leaf: PeerCertificate) => void): ServerEngine {
	const keys = [options.credentials.key];
	const select = options.selectCredentials;
	const engine = new TLSServer({
		minVersion: options.minVersion,
		maxVersion: options.maxVersion,
		suites: options.suites,
		groups: options.groups,
		signatureAlgorithms: options.signatureAlgorithms,
		credentials: options.credentials,
		selectCredentials: select && ((name: string | undefined): Credentials | undefined => {
			const chosen = select(name);
			if (chosen)
				keys.push(chosen.key);
			return chosen;
		}),
		alpn: options.alpn,
		clientAuthentication: options.clientAuthentication,
		clientCertificates: options.clientAuthentication === "none" ? undefined : clientCheck(options.ca, options.time, options.trace, onPeer),
		tickets: options.tickets,
		ticketKey: options.ticketKey,
		ticketLifetime: options.ticketLifetime,
		recordSizeLimit: options.recordSizeLimit,
		keylog: options.keylog,
		trace: options.trace,
	});
	return {
		engine,
		release() {
			for (const key of keys.splice(0))
				key.close();
		},
	};
}
