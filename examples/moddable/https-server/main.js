// An HTTPS server on a device: SecureSocket as a TLS server on a Listener, one small HTTP/1.1
// response per connection (../../https-responder.js, the same as examples/https-server.js in the
// XS host). Put server.der (certificate, DER) and server.key.der (PKCS#8 DER key) in this folder.
import SecureSocket from "securesocket";
import "securesocket/server";   // the server side (manifest_server.json)
import { Listener } from "socket";
import Resource from "Resource";
import respond from "https-responder";

const secure = {
	certificate: new Resource("server.der"),
	key: new Resource("server.key.der"),
	applicationLayerProtocolNegotiation: "http/1.1",
};
const listener = new Listener({ port: 443 });
listener.callback = function () {
	const socket = new SecureSocket({ listener: this, secure });
	respond(socket, (method, path, s) => path === "/"
		? { type: "text/html", body: `<h1>Hello over ${s.tls.version}</h1>` }
		: undefined, (line) => trace(`${line}\n`));
};
trace("https-server: listening on port 443\n");
