// Test driver: a TLS client over the host's TCP Socket, driving the sans-IO engine by hand.
//   build/xsh tests/xs/tls/connect.js <host> <port> [JSON options]
// Prints JSON lines: {"event":"connected", version, suite, group, alpn, resumed}, {"event":"data", text},
// {"event":"error", message, alert, remote}, {"event":"closed", clean}.
// Options: minVersion, maxVersion ("TLS 1.2"/"TLS 1.3"), suites, groups (names), shares,
// signatureAlgorithms, alpn, request (text to send once connected), resume (connect twice, the
// second time with the first session), keyUpdate (send KeyUpdate after connecting), keylog, trace.
import { Socket } from "socket";
import { argv } from "xsh";
import { TLSClient } from "tls/client";
import { SUITES } from "tls/suites";
import { TLS12, TLS13, GROUP_X25519, GROUP_SECP256R1, GROUP_SECP384R1 } from "tls/constants";
import { leafKey } from "./leafkey.js";

const host = argv[1], port = Number(argv[2]);
const o = argv[3] ? JSON.parse(argv[3]) : {};
const groupCodes = { x25519: GROUP_X25519, secp256r1: GROUP_SECP256R1, secp384r1: GROUP_SECP384R1 };
const out = (object) => trace(JSON.stringify(object) + "\n");

function connect(session, then) {
	const client = new TLSClient({
		serverName: o.serverName ?? "localhost",
		minVersion: o.minVersion === "TLS 1.3" ? TLS13 : TLS12,
		maxVersion: o.maxVersion === "TLS 1.2" ? TLS12 : TLS13,
		suites: o.suites ? o.suites.map((n) => SUITES.find((s) => s.name === n).code) : SUITES.map((s) => s.code),
		groups: (o.groups ?? ["x25519", "secp256r1", "secp384r1"]).map((g) => groupCodes[g]),
		shares: o.shares,
		signatureAlgorithms: o.signatureAlgorithms ?? [0x0403, 0x0503, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601],
		alpn: o.alpn,
		maxFragmentLength: o.maxFragmentLength,
		recordSizeLimit: o.recordSizeLimit,
		session,
		certificates: (chain) => leafKey(chain[0]),
		keylog: o.keylog ? (line) => out({ event: "keylog", line }) : undefined,
		trace: o.trace ? (line) => out({ event: "trace", line }) : undefined,
		onSession: (s) => { if (!sessions.length) out({ event: "session", version: s.version === TLS13 ? "TLS 1.3" : "TLS 1.2" }); sessions.push(s); },
	});
	const sessions = [];
	const socket = new Socket({ host, port });
	let pending = undefined;   // raw bytes not yet taken by the engine
	let connected = false, received = "";
	function flush() {
		for (let chunk = client.takeOutput(); chunk; chunk = client.takeOutput()) {
			if (socket.write() < chunk.length) { out({ event: "error", message: "test: socket buffer full" }); return; }
			socket.write(chunk);
		}
	}
	function feed() {
		while (pending && pending.length) {
			const used = client.receive(pending);
			pending = used < pending.length ? pending.subarray(used) : undefined;
			for (let text = client.read(); text; text = client.read())
				received += String.fromArrayBuffer(text.slice().buffer);
			if (!connected && client.state === "connected") {
				connected = true;
				out({ event: "connected", ...client.describe() });
				if (o.keyUpdate) client.updateKeys(true);
				if (o.request) client.write(new Uint8Array(ArrayBuffer.fromString(o.request)));
			}
		}
	}
	socket.callback = function (message, value) {
		try {
			if (message === 1) {
				client.start();
				flush();
			}
			else if (message === 2) {
				const bytes = new Uint8Array(this.read(ArrayBuffer));
				pending = pending ? concat(pending, bytes) : bytes;
				feed();
				flush();
				if (client.state === "closed") {
					out({ event: "data", text: received });
					out({ event: "closed", clean: client.peerClosed });
					this.close();
					then?.(sessions[sessions.length - 1]);
				}
			}
			else if (message === -1) {
				out({ event: "data", text: received });
				out({ event: "closed", clean: client.peerClosed });
				then?.(sessions[sessions.length - 1]);
			}
			else if (message === -2)
				out({ event: "error", message: "socket error" });
		}
		catch (e) {
			out({ event: "error", message: e.message, alert: e.alert, remote: e.remote });
			try { flush(); } catch {}
			this.close();
		}
	};
}

function concat(a, b) {
	const c = new Uint8Array(a.length + b.length);
	c.set(a); c.set(b, a.length);
	return c;
}

connect(undefined, o.resume ? (session) => connect(session) : undefined);
