// Test driver: a TLS client over the host's TCP Socket, driving the sans-IO engine by hand.
//   build/xsh tests/xs/tls/connect.js <host> <port> [JSON options]
// Prints JSON lines: {"event":"connected", version, suite, group, alpn, resumed, certificates,
// certificateBytes, recordLimit, connection}, {"event":"data", text}, {"event":"error", message,
// alert, remote}, {"event":"closed", clean}, and with `records` a {"event":"records", ...} line per
// connection (see below).
// Options: minVersion, maxVersion ("TLS 1.2"/"TLS 1.3"), suites, groups (names), shares,
// signatureAlgorithms, alpn, maxFragmentLength, recordSizeLimit, serverName,
// request (text to send once connected), resume (connect twice, the second time with the first
// session), connections (N sequential connections; with resume each one offers the session the
// previous one received), keyUpdate (send KeyUpdate, with update_requested, after connecting),
// keylog, trace, clientKey (a DER private key file: PKCS#8, SEC1 or PKCS#1) with clientCertificates
// (DER certificate files, leaf first): mutual TLS.
// Test extensions:
//   stream: prints {"event":"chunk", text} for each piece of plaintext as it arrives.
//   replies: [[trigger, text], ...]: once the plaintext received so far contains `trigger`, sends
//     `text` (each pair fires once, in order).
//   closeOn: once the plaintext received so far contains this text, sends close_notify and closes.
//   badFinished: our Finished carries a wrong verify_data (its record is protected as usual).
//   badBinder: with a session to resume (TLS 1.3), the last byte of the ClientHello (the PSK binder's) is flipped.
//   records: frames the raw bytes from the server (independently of the engine) and prints, when
//     the connection ends, {"event":"records", count, maxProtected, maxPlain, types}: the largest
//     body of an application_data-typed record (all protected TLS 1.3 records, and TLS 1.2
//     application data), the largest body of the others, a count by content type, and
//     serverRandom: the random of the first ServerHello (hex), to see a downgrade sentinel.
import { Socket } from "socket";
import { argv, readFile } from "xsh";
import { newClient } from "tls/client12";
import { SUITES } from "tls/suites";
import { TLS12, TLS13, GROUP_X25519, GROUP_SECP256R1, GROUP_SECP384R1 } from "tls/constants";
import { leafKey, leafSink } from "./leafkey.js";
import { appendRead, endIfClosed, writeAll, reportEnd } from "./drive.js";
import { Key } from "crypto/keys";


const host = argv[1], port = Number(argv[2]);
const o = argv[3] ? JSON.parse(argv[3]) : {};
const groupCodes = { x25519: GROUP_X25519, secp256r1: GROUP_SECP256R1, secp384r1: GROUP_SECP384R1 };
const out = (object) => trace(JSON.stringify(object) + "\n");
const total = o.connections ?? (o.resume ? 2 : 1);
const clientKey = o.clientKey ? Key.fromPrivateKey(readFile(o.clientKey)) : undefined;
const clientCertificates = o.clientCertificates?.map((name) => readFile(name));

function suiteCode(name) {
	const suite = SUITES.find((s) => s.name === name);
	if (!suite) throw new Error(`connect.js: unknown suite ${name}`);
	return suite.code;
}

/** frames raw record headers: the record sizes the server really sent */
class RecordCounter {
	constructor() {
		this.header = new Uint8Array(5);
		this.have = 0;
		this.body = 0;
		this.count = 0;
		this.maxProtected = 0;
		this.maxPlain = 0;
		this.types = {};
		this.hello = undefined;     // the first bytes of the first handshake record
		this.serverRandom = undefined;
	}
	push(bytes) {
		let i = 0;
		while (i < bytes.length) {
			if (this.body) {
				const n = Math.min(this.body, bytes.length - i);
				if (this.hello && this.hello.length < 38) {
					this.hello.push(...bytes.subarray(i, i + Math.min(n, 38 - this.hello.length)));
					// ServerHello: type(1) length(3) legacy_version(2) random(32)
					if (this.hello.length === 38 && this.hello[0] === 2)
						this.serverRandom = this.hello.slice(6, 38).map((b) => (b < 16 ? "0" : "") + b.toString(16)).join("");
				}
				this.body -= n;
				i += n;
				continue;
			}
			this.header[this.have++] = bytes[i++];
			if (this.have === 5) {
				this.have = 0;
				const type = this.header[0], length = (this.header[3] << 8) | this.header[4];
				this.body = length;
				this.count++;
				this.types[type] = (this.types[type] ?? 0) + 1;
				if (type === 22 && !this.hello)
					this.hello = [];
				if (type === 23)
					this.maxProtected = Math.max(this.maxProtected, length);
				else
					this.maxPlain = Math.max(this.maxPlain, length);
			}
		}
	}
	report(connection) {
		return { event: "records", connection, count: this.count, maxProtected: this.maxProtected, maxPlain: this.maxPlain, types: this.types, serverRandom: this.serverRandom };
	}
}

function connect(index, session) {
	const sessions = [];
	const client = newClient({
		serverName: o.serverName ?? "localhost",
		minVersion: o.minVersion === "TLS 1.3" ? TLS13 : TLS12,
		maxVersion: o.maxVersion === "TLS 1.2" ? TLS12 : TLS13,
		suites: o.suites ? o.suites.map(suiteCode) : SUITES.map((s) => s.code),
		groups: (o.groups ?? ["x25519", "secp256r1", "secp384r1"]).map((g) => groupCodes[g]),
		shares: o.shares,
		signatureAlgorithms: o.signatureAlgorithms ?? [0x0403, 0x0503, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601],
		alpn: o.alpn,
		maxFragmentLength: o.maxFragmentLength,
		recordSizeLimit: o.recordSizeLimit,
		session,
		certificates: () => leafSink(),
		clientKey,
		clientCertificates,
		keylog: o.keylog ? (line) => out({ event: "keylog", line }) : undefined,
		trace: o.trace ? (line) => out({ event: "trace", line, connection: index }) : undefined,
		onSession: (s) => {
			if (!sessions.length)
				out({ event: "session", version: s.version === TLS13 ? "TLS 1.3" : "TLS 1.2", connection: index, ticket: s.ticket !== undefined, id: s.id !== undefined });
			sessions.push(s);
		},
	});
	if (o.badFinished) {
		// a test hook on the engine's one way to send handshake messages (protected in TS, an own property here)
		const send = client.sendHandshake;
		client.sendHandshake = function (type, body) {
			return send.call(this, type, type === 20 ? body.map((b) => b ^ 1) : body);
		};
	}
	if (o.badBinder && session) {
		const sendRecord = client.sendRecord;
		let first = true;
		client.sendRecord = function (type, content) {
			if (first && type === 22) {
				first = false;
				content = content.slice();
				content[content.length - 1] ^= 1;
			}
			return sendRecord.call(this, type, content);
		};
	}
	const counter = o.records ? new RecordCounter() : undefined;
	const socket = new Socket({ host, port });
	let pending = undefined;   // raw bytes not yet taken by the engine
	let connected = false, received = "", finished = false;
	const replies = (o.replies ?? []).map(([trigger, text]) => ({ trigger, text, done: false }));
	function flush() {
		for (let chunk = client.takeOutput(); chunk; chunk = client.takeOutput()) {
			if (socket.write() < chunk.length) { out({ event: "error", message: "test: socket buffer full" }); return; }
			socket.write(chunk);
		}
	}
	function send(text) {
		writeAll(client, new Uint8Array(ArrayBuffer.fromString(text)));
	}
	function finish(clean) {
		if (finished)
			return;
		finished = true;
		reportEnd(out, index, received, clean);
		if (counter)
			out(counter.report(index));
		if (index + 1 < total)
			connect(index + 1, o.resume ? sessions[sessions.length - 1] : undefined);
	}
	function afterPlaintext() {
		for (const r of replies)
			if (!r.done && received.includes(r.trigger)) {
				r.done = true;
				send(r.text);
			}
		if (o.closeOn && client.state === "connected" && received.includes(o.closeOn))
			client.close();
	}
	function feed() {
		while (pending && pending.length) {
			const used = client.receive(pending);
			pending = used < pending.length ? pending.subarray(used) : undefined;
			let got = false;
			for (let text = client.read(); text; text = client.read()) {
				const s = String.fromArrayBuffer(text.slice().buffer);
				received += s;
				got = true;
				if (o.stream) out({ event: "chunk", text: s, connection: index });
			}
			if (!connected && client.state === "connected") {
				connected = true;
				const certificateBytes = client.peerCertificateBytes;
				out({ event: "connected", ...client.describe(), certificates: client.peerCertificateCount, certificateBytes, recordLimit: client.maxRecordPayload, recordBuffer: client.recordBufferSize, connection: index });
				if (o.keyUpdate) client.updateKeys(true);
				if (o.request) send(o.request);
			}
			if (got)
				afterPlaintext();
			if (used === 0 && !got)
				break;    // the engine takes nothing more (closed)
		}
	}
	socket.callback = function (message, value) {
		try {
			if (message === 1) {
				client.start();
				flush();
			}
			else if (message === 2) {
				pending = appendRead(this, pending, (bytes) => counter?.push(bytes));
				feed();
				flush();
				endIfClosed(this, client, finish);
			}
			else if (message === -1)
				finish(client.peerClosed);
			else if (message === -2) {
				out({ event: "error", message: "socket error", connection: index });
				finished = true;
			}
		}
		catch (e) {
			out({ event: "error", message: e.message, alert: e.alert, remote: e.remote, connection: index });
			try { flush(); } catch {}
			this.close();
			finished = true;
			if (counter)
				out(counter.report(index));
		}
	};
}

connect(0, undefined);
