// An HTTPS GET with SecureSocket: TLS 1.3 preferred, certificate verification on.
// Prints what was negotiated, the server's certificate subject, the status line, the handshake
// time and the peak memory of the connection.
//   build/xsh examples/https-get.js <https-url> [root-ca.der]
// Without a root, the built-in CA store (Mozilla's roots) is used.
import SecureSocket from "securesocket";
import Instrumentation from "instrumentation";
import Debug from "debug";
import { argv, readFile } from "xsh";

const url = argv[1] ?? "https://localhost:8443/";
const match = /^https:\/\/([^/:]+|\[[^\]]+\])(?::(\d+))?(\/.*)?$/.exec(url);
if (!match)
	throw new Error(`https-get: not an https URL: ${url}`);
const host = match[1].replace(/^\[|\]$/g, ""), port = Number(match[2] ?? 443), path = match[3] ?? "/";
const secure = {};
if (argv[2])
	secure.certificate = readFile(argv[2]);

const names = ["XS Chunk Heap Peak", "XS Slots Peak", "Native Heap Peak", "C Stack Peak"].map((n) => Instrumentation.map(n));
// the idle baseline: what is live before the connection (garbage from loading the modules collected)
Debug.gc();
Instrumentation.resetPeaks();
const baseline = names.map((i) => Instrumentation.get(i));

const started = Date.now();
let status, handshake, peaks;
const socket = new SecureSocket({ host, port, secure });
socket.callback = function (message, value) {
	switch (message) {
	case 1: {
		handshake = Date.now() - started;
		peaks = names.map((i, n) => Instrumentation.get(i) - baseline[n]);
		const tls = this.tls;
		const subject = tls.peerCertificate.subject;
		trace(`${tls.version}, ${tls.cipherSuite}, ${tls.group}\n`);
		trace(`server certificate: CN=${subject.commonName ?? "?"}${subject.organization ? `, O=${subject.organization}` : ""}\n`);
		this.write(`GET ${path} HTTP/1.1\r\n`, `Host: ${host}\r\n`, "Connection: close\r\n\r\n");
		break;
	}
	case 2:
		if (status === undefined) {
			status = this.read(String, "\n").trim();
			trace(`${status}\n`);
		}
		this.read(null);
		break;
	case -1:
		trace(`handshake: ${handshake} ms; peak above idle during the handshake: XS chunks ${peaks[0]} bytes, XS slots ${peaks[1]}, native heap ${peaks[2]} bytes, C stack ${peaks[3]} bytes\n`);
		break;
	case -2:
		trace(`error: ${this.error?.message}\n`);
		break;
	}
};
