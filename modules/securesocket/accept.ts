/*
 * The server side of SecureSocket: the engine (modules/tls/server.ts TLSServer) made from the
 * resolved server options (serveroptions.ts), with the client-certificate check of verify.ts.
 * SecureSocket drives it exactly like the client engine.
 */
import { TLSServer, type ServerOptions } from "tls/server";
import type { Key } from "crypto/keys";
import type { TLSEngine } from "tls/engine";
import type { ResolvedServerOptions, Credentials } from "securesocket/serveroptions";
import { clientCheck } from "securesocket/verify";
import { compact } from "securesocket/options";

/** the server engine of one connection: dispose() also frees the private keys it loaded */
class ServerConnection extends TLSServer {
	constructor(private readonly keys: Key[], options: ServerOptions) {
		super(options);
	}
	override dispose(): void {
		super.dispose();
		const keys = this.keys.splice(0);
		for (let i = 0; i < keys.length; i++)
			keys[i].close();
	}
}

export function serverEngine(options: ResolvedServerOptions): TLSEngine {
	const keys = [options.credentials.key];
	const select = options.selectCredentials;
	const engine = new ServerConnection(keys, compact({
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
		clientCertificates: options.clientAuthentication === "none" ? undefined : clientCheck(options.ca, options.time, options.trace),
		tickets: options.tickets,
		ticketKey: options.ticketKey,
		ticketLifetime: options.ticketLifetime,
		recordSizeLimit: options.recordSizeLimit,
		keylog: options.keylog,
		trace: options.trace,
	}));
	return engine;
}
