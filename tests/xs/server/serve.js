// A TLS server in xsh for tests/securesocket-server*.test.mjs and tools/scan.mjs: a Listener on a
// free port, each connection accepted with new SecureSocket({listener, secure}), answering one
// HTTP/1.1 request with what was negotiated, then closing (close_notify).
//   build/xsh tests/xs/server/serve.js '<JSON config>'
// config:
//   certificate: a DER file name or an array of them (leaf first); key: a PKCS#8 DER file name
//   secure: passed on (ca: a file name or an array, read like certificate; keylog/trace: true logs
//     {event: "keylog"/"trace", line})
//   sni: {name: {certificate, key}}: secure.serverName answers these names with those files
//   body: bytes of padding after the JSON in each response (written as message 3 allows)
//   phases: closed-connection counts after which the memory is logged (after Debug.gc()), e.g.
//     [1, 201, 209]; the server exits after the last one
// Lines: {event: "listening", port}; {event: "memory", after, chunks, slots, native} (after: 0 is
// the idle server before any connection); per connection id: {event: "connected", id, tls},
// {event: "request", id, line}, {event: "closed", id, clean}, {event: "error", id, message, reason}.
import SecureSocket from "securesocket";
import "securesocket/server";   // the server side (manifest_server.json)
import { Listener } from "socket";
import Instrumentation from "instrumentation";
import Timer from "timer";
import Debug from "debug";
import { argv, readFile, exit } from "xsh";

const config = JSON.parse(argv[1]);
const log = (o) => trace(JSON.stringify(o) + "\n");
const files = (v) => Array.isArray(v) ? v.map((f) => readFile(f)) : readFile(v);
const I = {};
for (const [key, name] of [["chunks", "XS Chunk Heap Used"], ["slots", "XS Slots Used"], ["native", "Native Heap Used"],
	["chunksPeak", "XS Chunk Heap Peak"], ["slotsPeak", "XS Slots Peak"], ["nativePeak", "Native Heap Peak"]])
	I[key] = Instrumentation.map(name);

const secure = Object.assign({}, config.secure ?? {});
secure.certificate = files(config.certificate);
secure.key = readFile(config.key);
if (secure.ca !== undefined)
	secure.ca = files(secure.ca);
if (secure.keylog === true)
	secure.keylog = (line) => log({ event: "keylog", line });
if (secure.trace === true)
	secure.trace = (line) => log({ event: "trace", line });
if (config.sni) {
	const identities = {};
	for (const name in config.sni)
		identities[name] = { certificate: files(config.sni[name].certificate), key: readFile(config.sni[name].key) };
	secure.serverName = (name) => identities[name];
}

const phases = config.phases ?? [];
let accepted = 0, ended = 0;

/** what is in use after a collection, and the peaks since the previous phase (then reset) */
function memory(after) {
	const peaks = { chunksPeak: Instrumentation.get(I.chunksPeak), slotsPeak: Instrumentation.get(I.slotsPeak), nativePeak: Instrumentation.get(I.nativePeak) };
	Debug.gc();
	log({ event: "memory", after, chunks: Instrumentation.get(I.chunks), slots: Instrumentation.get(I.slots), native: Instrumentation.get(I.native), ...peaks });
	Instrumentation.resetPeaks();
}

function connectionEnded() {
	ended++;
	if (!phases.includes(ended))
		return;
	// after the socket's callback has returned: nothing of the connection on the stack
	Timer.set(() => {
		memory(ended);
		if (ended === phases[phases.length - 1]) {
			listener.close();
			exit(0);
		}
	}, 1);
}

function serve(socket, id) {
	let request = "", answered = false, body = "";
	socket.callback = function (message, value) {
		switch (message) {
			case 1:
				log({ event: "connected", id, tls: { ...this.tls, peerCertificate: this.tls.peerCertificate?.subject.commonName } });
				break;
			case 2:
				request += this.read(String);
				if (!answered && request.includes("\r\n\r\n")) {
					answered = true;
					log({ event: "request", id, line: request.slice(0, request.indexOf("\r\n")) });
					const t = this.tls;
					body = JSON.stringify({ version: t.version, cipherSuite: t.cipherSuite, group: t.group, alpn: t.alpn, resumed: t.resumed,
						client: t.peerCertificate?.subject.commonName }) + "\n" + "x".repeat(config.body ?? 0);
					this.write(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
					send(this);
				}
				break;
			case 3:
				if (answered)
					send(this);
				break;
			case -1:
				log({ event: "closed", id, clean: true });
				connectionEnded();
				break;
			case -2:
				log({ event: "error", id, message: this.error.message, reason: this.error.reason });
				connectionEnded();
				break;
		}
	};
	function send(s) {
		if (!body.length) {
			if (answered !== "closed") {
				answered = "closed";
				s.close();
				log({ event: "closed", id, clean: true, by: "server" });
				connectionEnded();
			}
			return;
		}
		const room = s.write();
		if (room <= 0)
			return;
		s.write(body.slice(0, room));
		body = body.slice(room);
	}
}

const listener = new Listener({ port: 0 });
listener.callback = function () {
	const id = ++accepted;
	let socket;
	try {
		socket = new SecureSocket({ listener: this, secure });
	}
	catch (e) {
		log({ event: "error", id, message: e.message, reason: "constructor" });
		connectionEnded();
		return;
	}
	serve(socket, id);
};
memory(0);
log({ event: "listening", port: listener.port });
