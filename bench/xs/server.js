// The server side of npm run bench (bench/run.mjs): our SecureSocket server (a Listener, each
// connection accepted with new SecureSocket({listener, secure})), with Instrumentation figures; the
// clients are Node's tls.connect, driven by bench/run.mjs. Prints JSON lines: {listening: port}
// once the baseline is taken, then the result (the last line).
//   build/xsh --manifest manifest_server.json bench/xs/server.js '<JSON config>'
// config:
//   certificate: a DER file name (the leaf); key: a PKCS#8 DER file name; secure: more options
//   mode: "memory"  one measured connection: handshake peaks at message 1, retained memory after the
//                   handshake, peaks while the request is read and answered (default)
//         "time"    serves count connections one after the other (the clients time them), then exits
//         "idle"    nothing: the figures in use, after Debug.gc(), when a connection would be accepted
//   sample (true, or "live"), collect, ballast, room: as bench/xs/handshake.js (the room's live-use caps are set with the
//     baseline, before the connection is accepted; the slot room is lifted at message 1)
// The connection answers one HTTP request (anything ending in an empty line) with 5 bytes, then
// closes (close_notify). Figures are above the idle baseline taken after Debug.gc(), listening.
import SecureSocket from "securesocket";
import "securesocket/server";
import { Listener } from "socket";
import Instrumentation from "instrumentation";
import Debug from "debug";
import Timer from "timer";
import { argv, readFile, now, exit, chunkRoom, slotRoom } from "xsh";
import { liveSampler } from "./live.js";

const config = JSON.parse(argv[1]);
const mode = config.mode ?? "memory";
const log = (o) => trace(JSON.stringify(o) + "\n");
const RESPONSE = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";

const I = {};
for (const [key, name] of [["chunks", "XS Chunk Heap Used"], ["chunksPeak", "XS Chunk Heap Peak"], ["slots", "XS Slots Used"],
	["slotsPeak", "XS Slots Peak"], ["native", "Native Heap Used"], ["nativePeak", "Native Heap Peak"], ["stackPeak", "C Stack Peak"]])
	I[key] = Instrumentation.map(name);
const get = (key) => Instrumentation.get(I[key]);

const secure = Object.assign({}, config.secure ?? {});
secure.certificate = readFile(config.certificate);
secure.key = readFile(config.key);

/** answers the request, closes; then ended() from the event loop */
function serve(socket, hooks) {
	let request = "";
	socket.callback = function (message) {
		hooks.message?.(this, message);
		if (message === 2) {
			request += this.read(String);
			if (request.includes("\r\n\r\n")) {
				request = "";
				this.write(RESPONSE);
				this.close();
				Timer.set(hooks.ended);
			}
		}
		else if (message < 0)
			fail(this);
	};
}

function fail(socket) {
	const e = socket?.error;
	log({ ok: false, error: e ? { message: e.message, reason: e.reason, alert: e.alert, remote: e.remote } : undefined });
	exit(1);
}

let listener;
function listen(then) {
	listener = new Listener({ port: 0 });
	// from the next turn: the module's evaluation and the listener's creation are over
	Timer.set(() => {
		if (config.ballast) {
			// in 1 KB pieces, as bench/xs/handshake.js; held by the global object (XS closures capture
			// only the variables they use: a module variable nothing alive uses would be collected)
			const ballast = globalThis.ballast = { buffers: [], list: null };
			for (let n = config.ballast.chunks ?? 0; n >= 1024; n -= 1024 + 16)
				ballast.buffers.push(new ArrayBuffer(1024));
			for (let i = config.ballast.objects ?? 0; i > 0; i--)
				ballast.list = { next: ballast.list };
		}
		Timer.set(then);
	});
}

function memory() {
	const samples = [];
	let base;
	const figures = () => ({ chunks: get("chunks") - base.chunks, slots: get("slots") - base.slots, native: get("native") - base.native });
	const peaks = () => ({ chunks: get("chunksPeak") - base.chunks, slots: get("slotsPeak") - base.slots,
		native: get("nativePeak") - base.native, stack: get("stackPeak") - base.stack });
	const live = config.sample === "live" ? liveSampler(get, () => base) : undefined;
	if (live)
		secure.trace = live.trace;
	else if (config.sample)
		secure.trace = (line) => samples.push(Object.assign({ t: now() - base.t, step: line.slice(0, 60) }, figures()));
	const result = { ok: false };
	listener.callback = function () {
		const socket = new SecureSocket({ listener: this, secure });
		if (config.sample)
			samples.push(Object.assign({ t: now() - base.t, step: "accepted" }, figures()));
		serve(socket, {
			message(s, message) {
				if (config.sample)
					samples.push(Object.assign({ t: now() - base.t, step: `message ${message}` }, figures()));
				if (message !== 1)
					return;
				if (config.room?.slots !== undefined)
					slotRoom(Infinity);   // the slot room is the handshake's
				result.handshakeMs = now() - base.t;
				result.handshake = peaks();
				result.tls = { version: s.tls.version, cipherSuite: s.tls.cipherSuite, group: s.tls.group, resumed: s.tls.resumed };
				Debug.gc();
				result.retained = figures();
				Instrumentation.resetPeaks();
			},
			ended() {
				if (live)
					result.samples = live.samples();
				log(Object.assign(result, { ok: true, transfer: peaks() }, config.sample && !live ? { samples } : {}));
				exit(0);
			},
		});
	};
	log({ listening: listener.port });
	Debug.gc();
	Instrumentation.resetPeaks();
	const stack = Instrumentation.get(I.stackPeak);   // the stack's zero, before anything allocates (a collection there would deepen it; a string literal allocates in this host)
	base = { chunks: get("chunks"), slots: get("slots"), native: get("native"), stack, t: now() };
	result.idle = { chunks: base.chunks, slots: base.slots, native: base.native };
	if (config.ballast)
		log({ start: { chunks: base.chunks, slots: base.slots } });
	if (config.collect === false)
		Debug.gc(false);
	if (config.room?.chunks !== undefined)
		chunkRoom(config.room.chunks);
	if (config.room?.slots !== undefined)
		slotRoom(config.room.slots);
}

function time() {
	let served = 0;
	const collections = Instrumentation.map("XS Garbage Collection Count"), collected = Instrumentation.get(collections);
	listener.callback = function () {
		serve(new SecureSocket({ listener: this, secure }), {
			ended() {
				if (++served >= (config.count ?? 50)) {
					log({ ok: true, served, collections: Instrumentation.get(collections) - collected });
					exit(0);
				}
			},
		});
	};
	log({ listening: listener.port });
}

function idle() {
	Debug.gc();
	log({ ok: true, idle: { chunks: get("chunks"), slots: get("slots"), native: get("native") } });
	exit(0);
}

listen(mode === "time" ? time : mode === "idle" ? idle : memory);
