/*
 * "securesocket/server": SecureSocket's server side. Importing it lets
 *   new SecureSocket({listener, secure: {certificate, key, ...}})
 * accept TLS connections in a Listener's callback. It is a module of its own (manifest_server.json)
 * so that client-only apps carry neither the server engine (tls/server, tls/tickets) nor its
 * options: on an ESP8266 that is flash, and in a host that loads modules, RAM.
 *
 *   import SecureSocket from "securesocket";
 *   import "securesocket/server";
 */
import { installServerSide } from "securesocket";
import { resolveServerOptions } from "securesocket/serveroptions";
import { serverEngine } from "securesocket/accept";

installServerSide({
	accept(secure) {
		const options = resolveServerOptions(secure);
		return { options, engine: serverEngine(options) };
	},
});
