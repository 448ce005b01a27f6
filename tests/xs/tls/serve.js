// Test driver: a TLS server over the host's Listener/Socket, driving the sans-IO TLSServer by hand.
//   build/xsh tests/xs/tls/serve.js [JSON options]
// Prints JSON lines: {"event":"listening", port}, then per connection {"event":"connected",
// connection, version, suite, group, alpn, resumed, serverName, clientCertificates},
// {"event":"data", text, connection} (all plaintext received, at the end), {"event":"error",
// message, alert, remote, connection}, {"event":"closed", clean, connection}; with `trace`
// {"event":"trace", line, connection}; with `memory` {"event":"memory", ...} per connection.
// Plaintext received is echoed back. Options:
//   certificates: [DER files, leaf first], key: PKCS#8 DER file (the default credentials)
//   sni: { name: { certificates, key } }: credentials chosen by server_name
//   minVersion, maxVersion ("TLS 1.2"/"TLS 1.3"), suites (names), groups (names),
//   signatureAlgorithms (codes), alpn, clientAuthentication ("none"/"request"/"require"),
//   clientRoots: [DER files]: trust anchors for client certificates, tickets (default true),
//   ticketLifetime, ticketKey (64 hex digits), recordSizeLimit, trace, keylog,
//   connections: how many connections to serve before exiting (default 1),
//   keyUpdate: after the first plaintext, send KeyUpdate (update_requested) before echoing,
//   memory: prints the peaks of the handshake (and, with trace, the figures at each trace line),
//   closeOn: once the plaintext received contains this text, send close_notify and close.
import { Socket, Listener } from "socket";
import { argv, readFile } from "xsh";
import { TLSServer } from "tls/server";
import { TLSError } from "tls/alert";
import { SUITES } from "tls/suites";
import { TLS12, TLS13, GROUP_X25519, GROUP_SECP256R1, GROUP_SECP384R1 } from "tls/constants";
import { Key } from "crypto/keys";
import { ChainVerifier, X509Error } from "x509";
import Instrumentation from "instrumentation";
import Debug from "debug";
import { appendRead, endIfClosed, writeAll, reportEnd } from "./drive.js";

const o = argv[1] ? JSON.parse(argv[1]) : {};
const out = (object) => trace(JSON.stringify(object) + "\n");
const groupCodes = { x25519: GROUP_X25519, secp256r1: GROUP_SECP256R1, secp384r1: GROUP_SECP384R1 };
const total = o.connections ?? 1;

function credentials(c) {
	return { certificates: c.certificates.map((f) => readFile(f)), key: Key.fromPrivateKey(readFile(c.key)) };
}
function suiteCode(name) {
	const suite = SUITES.find((s) => s.name === name);
	if (!suite) throw new Error(`serve.js: unknown suite ${name}`);
	return suite.code;
}

const defaults = credentials(o);
const byName = {};
for (const name in o.sni ?? {})
	byName[name] = credentials(o.sni[name]);
const clientRoots = (o.clientRoots ?? []).map((f) => readFile(f));

/** the client's chain through the X.509 verifier, against clientRoots only */
function clientSink() {
	const verifier = new ChainVerifier({ roots: clientRoots, store: false, usage: "clientAuth" });
	const wrap = (f) => {
		try {
			return f();
		}
		catch (e) {
			if (e instanceof X509Error)
				throw new TLSError(e.code === "unknownIssuer" ? 48 : 42, `tls: ${e.message}`);
			throw e;
		}
	};
	return {
		begin: (length) => wrap(() => verifier.beginCertificate(length)),
		update: (bytes) => wrap(() => verifier.update(bytes, 0, bytes.length)),
		end: () => wrap(() => verifier.endCertificate()),
		finish: () => wrap(() => verifier.finish()[0].publicKey),
		close: () => verifier.close(),
	};
}

const options = {
	minVersion: o.minVersion === "TLS 1.3" ? TLS13 : TLS12,
	maxVersion: o.maxVersion === "TLS 1.2" ? TLS12 : TLS13,
	suites: o.suites ? o.suites.map(suiteCode) : SUITES.map((s) => s.code),
	groups: (o.groups ?? ["x25519", "secp256r1", "secp384r1"]).map((g) => groupCodes[g]),
	signatureAlgorithms: o.signatureAlgorithms ?? [0x0403, 0x0503, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601],
	credentials: defaults,
	selectCredentials: (name) => byName[name],
	alpn: o.alpn,
	clientAuthentication: o.clientAuthentication ?? "none",
	clientCertificates: clientSink,
	tickets: o.tickets,
	ticketLifetime: o.ticketLifetime,
	ticketKey: o.ticketKey ? hexBytes(o.ticketKey) : undefined,
	recordSizeLimit: o.recordSizeLimit,
};

const listener = new Listener({ port: 0 });
out({ event: "listening", port: listener.port });
let accepted = 0, done = 0;

// memory: the peaks from accepting the connection to the end of the handshake, over a baseline after a collection
const I = {};
for (const [key, name] of [["chunks", "XS Chunk Heap Used"], ["chunksPeak", "XS Chunk Heap Peak"], ["slots", "XS Slots Used"], ["slotsPeak", "XS Slots Peak"]])
	I[key] = Instrumentation.map(name);
const get = (key) => Instrumentation.get(I[key]);

function connectionEnded() {
	if (++done === total)
		listener.close();
}

listener.callback = function () {
	const index = accepted++;
	let base;
	if (o.memory) {
		Debug.gc();
		Instrumentation.resetPeaks();
		base = { chunks: get("chunks"), slots: get("slots") };
	}
	const server = new TLSServer({
		...options,
		trace: o.trace ? (line) => out({ event: "trace", line, connection: index, ...(o.memory ? { chunks: get("chunks") - base.chunks, peakChunks: get("chunksPeak") - base.chunks, slots: get("slots") - base.slots, peakSlots: get("slotsPeak") - base.slots } : {}) }) : undefined,
		keylog: o.keylog ? (line) => out({ event: "keylog", line, connection: index }) : undefined,
	});
	const socket = new Socket({ listener: this });
	let pending, connected = false, received = "", finished = false, updated = false;
	server.start();
	function flush() {
		for (let chunk = server.takeOutput(); chunk; chunk = server.takeOutput())
			socket.write(chunk);
	}
	function finish(clean) {
		if (finished)
			return;
		finished = true;
		reportEnd(out, index, received, clean);
		server.dispose();
		connectionEnded();
	}
	function feed() {
		while (pending && pending.length) {
			const used = server.receive(pending);
			pending = used < pending.length ? pending.subarray(used) : undefined;
			let got = false;
			if (!connected && server.state === "connected") {
				connected = true;
				const d = server.describe();
				out({ event: "connected", connection: index, ...d, serverName: server.serverName, clientCertificates: server.peerCertificateCount });
				if (o.memory)
					out({ event: "memory", connection: index, peakChunks: get("chunksPeak") - base.chunks, peakSlots: get("slotsPeak") - base.slots });
			}
			for (let data = server.read(); data; data = server.read()) {
				const copy = data.slice();
				received += String.fromArrayBuffer(copy.buffer);
				got = true;
				if (o.keyUpdate && !updated) {
					updated = true;
					server.updateKeys(true);
				}
				writeAll(server, copy);
			}
			if (o.closeOn && server.state === "connected" && received.includes(o.closeOn))
				server.close();
			if (used === 0 && !got)
				break;
		}
	}
	socket.callback = function (message) {
		try {
			if (message === 2) {
				pending = appendRead(this, pending);
				feed();
				flush();
				endIfClosed(this, server, finish);
			}
			else if (message === -1)
				finish(server.peerClosed);
			else if (message === -2)
				finish(false);
		}
		catch (e) {
			out({ event: "error", message: e.message, alert: e.alert, remote: e.remote, connection: index });
			try { flush(); } catch {}
			this.close();
			finish(false);
		}
	};
};

function hexBytes(text) {
	const bytes = new Uint8Array(text.length / 2);
	for (let i = 0; i < bytes.length; i++)
		bytes[i] = parseInt(text.substr(2 * i, 2), 16);
	return bytes.buffer;
}
