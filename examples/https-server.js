// An HTTPS server in the XS host: a Listener, each connection accepted with SecureSocket as a TLS
// server (TLS 1.3 and 1.2), one small HTTP/1.1 response per connection (https-responder.js).
//   build/xsh examples/https-server.js <port (0: any free one)> <certificate.der> <key.pk8.der> [ca.der: require client certificates from it]
// Prints the URL; `curl --cacert ca.pem https://localhost:<port>/` fetches the page.
import SecureSocket from "securesocket";
import "securesocket/server";   // the server side (manifest_server.json)
import { Listener } from "socket";
import { argv, readFile } from "xsh";
import respond from "./https-responder.js";

const [, port = "8443", certificate, key, ca] = argv;
if (!certificate || !key)
	throw new Error("https-server: usage: https-server.js <port> <certificate.der> <key.pk8.der> [client-ca.der]");
const secure = {
	certificate: readFile(certificate),
	key: readFile(key),
	applicationLayerProtocolNegotiation: "http/1.1",
};
if (ca) {
	secure.clientCertificates = "require";
	secure.ca = readFile(ca);
}

let served = 0;
const listener = new Listener({ port: Number(port) });
listener.callback = function () {
	const id = ++served;
	let socket;
	try {
		socket = new SecureSocket({ listener: this, secure });
	}
	catch (e) {
		trace(`#${id}: ${e.message}\n`);
		return;
	}
	respond(socket, (method, path, s) => {
		if (path !== "/")
			return undefined;
		const t = s.tls;
		const who = t.peerCertificate ? `, client certificate CN=${t.peerCertificate.subject.commonName}` : "";
		return { type: "text/plain", body: `hello over ${t.version}, ${t.cipherSuite}, ${t.group}${who}\n` };
	}, (line) => trace(`#${id}: ${line}\n`));
};
trace(`https-server: https://localhost:${listener.port}/\n`);
