// The XS side of npm run bench (bench/run.mjs): SecureSocket connections to a local server, with
// Instrumentation figures. Prints JSON lines; the last one is the result.
//   build/xsh [--chunks N] [--slots N] bench/xs/handshake.js '<JSON config>'
// config:
//   port, host ("localhost"), certificate (a DER file name: the root to trust), secure (more options)
//   mode: "memory"   one measured connection: handshake peaks at message 1, retained memory after
//                    the handshake, peaks while the response is received (default)
//         "time"     count connections one after the other: time from the constructor to message 1 (and
//                    how many collections XS made meanwhile)
//         "download" one connection, bytes/ms of the response; read: "buffer" (read(buffer) into
//                    one reused 16 KB Uint8Array, default), "arraybuffer" (read(ArrayBuffer)) or
//                    "null" (skipped); body: the body's size, of pattern bytes: checked; heapRoom:
//                    bytes the chunk heap is grown by first (room between collections)
//   resume: an unmeasured first connection gives the session the measured ones offer
//         "idle"     nothing: the figures in use, after Debug.gc(), when a connection would start
//   sample: in "memory" mode, records the figures after each engine trace line and each callback;
//     "live": what is live (collected first) after each engine trace line
//   collect: false: no collection during the measured connection (with sample: what each step allocates)
//   ballast: {chunks: bytes, objects: count}: held from before the measured connection to the end (an
//     1 KB ArrayBuffers; a list of small objects, about 2 slots each), so that under --chunks/--slots caps
//     only the room left above it is the connection's; logs {start: {chunks, slots}} (in use) first
//   room: {chunks: bytes, slots: count}: the connection may use at most this many bytes of XS chunks
//     above what is live when it starts, at any moment (xsh's chunkRoom(): a live-use cap; failing exits
//     3); the handshake (constructor to message 1) at most this many XS slots (xsh's slotRoom(), the same)
//   transferRoom: bytes: the same live-use cap from message 1 on (after the GET is written), for what
//     receiving the response needs; skipRead: the response is skipped with read(null), not read into
//     ArrayBuffers (what the connection itself needs, without the app's copies)
//   request: written at message 1 (default a GET of /)
// Figures are above the idle baseline taken after Debug.gc() right before the measured connection.
import SecureSocket from "securesocket";
import Instrumentation from "instrumentation";
import Debug from "debug";
import Timer from "timer";
import { argv, readFile, now, exit, chunkRoom, slotRoom } from "xsh";
import { liveSampler } from "./live.js";

const config = JSON.parse(argv[1]);
const mode = config.mode ?? "memory";
const request = config.request ?? "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
const log = (o) => trace(JSON.stringify(o) + "\n");
const root = config.certificate ? readFile(config.certificate) : undefined;

const I = {};
for (const [key, name] of [["chunks", "XS Chunk Heap Used"], ["chunksPeak", "XS Chunk Heap Peak"], ["slots", "XS Slots Used"],
	["slotsPeak", "XS Slots Peak"], ["collections", "XS Garbage Collection Count"], ["turns", "Turns"], ["native", "Native Heap Used"], ["nativePeak", "Native Heap Peak"], ["stackPeak", "C Stack Peak"]])
	I[key] = Instrumentation.map(name);
const get = (key) => Instrumentation.get(I[key]);

function secure(extra) {
	const s = Object.assign({}, config.secure ?? {}, extra ?? {});
	if (root)
		s.certificate = root;
	return s;
}

function fail(socket, where) {
	const e = socket?.error;
	log({ ok: false, where, error: e ? { message: e.message, reason: e.reason, alert: e.alert, remote: e.remote } : undefined });
	exit(1);
}

// a connection that does the GET and reads to the end; then(session) when the server closed
function plain(session, then) {
	const socket = new SecureSocket({ host: config.host ?? "localhost", port: config.port, secure: secure(session ? { session } : undefined) });
	socket.callback = function (message) {
		if (message === 1) this.write(request);
		else if (message === 2) this.read(null);
		else if (message === -1) then(this.session);
		else if (message < 0) fail(this, "first connection");
	};
}

function memory(session, ballasted) {
	if (config.ballast && !ballasted) {
		// in 1 KB pieces: they fill the free space of every chunk block, not only one large enough;
		// then the connection starts from the next turn, so that the collection before the baseline
		// finds none of this turn's temporaries
		// held by the global object: XS closures capture only the variables they use, and once memory()
		// has returned nothing alive uses a module variable (it was collected during the connection, so
		// that the slot budget measured only the constructor)
		const ballast = globalThis.ballast = { buffers: [], list: null };
		for (let n = config.ballast.chunks ?? 0; n >= 1024; n -= 1024 + 16)
			ballast.buffers.push(new ArrayBuffer(1024));
		for (let i = config.ballast.objects ?? 0; i > 0; i--)
			ballast.list = { next: ballast.list };
		Timer.set(() => memory(session, true));
		return;
	}
	const samples = [];
	let base;
	const figures = () => ({ chunks: get("chunks") - base.chunks, slots: get("slots") - base.slots, native: get("native") - base.native });
	const extra = session ? { session } : {};
	const live = config.sample === "live" ? liveSampler(get, () => base) : undefined;
	if (live)
		extra.trace = live.trace;
	else if (config.sample)
		extra.trace = (line) => samples.push(Object.assign({ t: now() - base.t, step: line.slice(0, 60) }, figures()));
	const options = { host: config.host ?? "localhost", port: config.port, secure: secure(extra) };
	Debug.gc();
	Instrumentation.resetPeaks();
	const stack = Instrumentation.get(I.stackPeak);   // the stack's zero, before anything allocates (a collection there would deepen it; a string literal allocates in this host)
	base = { chunks: get("chunks"), slots: get("slots"), native: get("native"), stack, t: now() };
	if (config.ballast)
		log({ start: { chunks: base.chunks, slots: base.slots } });
	if (config.collect === false)
		Debug.gc(false);   // figures then add up what is allocated, garbage included
	const peaks = () => ({ chunks: get("chunksPeak") - base.chunks, slots: get("slotsPeak") - base.slots,
		native: get("nativePeak") - base.native, stack: get("stackPeak") - base.stack });
	const result = { ok: false, bytes: 0, records: 0, maxRecord: 0, idle: { chunks: base.chunks, slots: base.slots, native: base.native } };
	if (config.room?.chunks !== undefined)
		chunkRoom(config.room.chunks);
	if (config.room?.slots !== undefined)
		slotRoom(config.room.slots);
	const socket = new SecureSocket(options);
	if (config.sample)
		samples.push(Object.assign({ t: 0, step: "constructed" }, figures()));
	socket.callback = function (message, value) {
		if (config.sample)
			samples.push(Object.assign({ t: now() - base.t, step: `message ${message}` }, figures()));
		switch (message) {
		case 1:
			if (config.room?.slots !== undefined)
				slotRoom(Infinity);   // the slot room is the handshake's
			result.handshakeMs = now() - base.t;
			result.handshake = peaks();
			result.tls = { version: this.tls.version, cipherSuite: this.tls.cipherSuite, group: this.tls.group, resumed: this.tls.resumed, certificates: this.tls.peerCertificateCount };
			Debug.gc();
			result.retained = figures();
			Instrumentation.resetPeaks();
			this.write(request);
			if (config.transferRoom !== undefined)
				chunkRoom(config.transferRoom);
			break;
		case 2: {
			result.records++;
			if (value > result.maxRecord) result.maxRecord = value;
			if (config.skipRead) {
				result.bytes += this.read(null);
				break;
			}
			const data = this.read(ArrayBuffer);
			if (data) result.bytes += data.byteLength;
			break;
		}
		case -1:
			result.transfer = peaks();
			result.ok = true;
			if (live)
				result.samples = live.samples();
			else if (config.sample)
				result.samples = samples;
			log(result);
			exit(0);
			break;
		default:
			if (message < 0) fail(this, "measured connection");
		}
	};
}

function time(session) {
	const times = [];
	const collections = Instrumentation.map("XS Garbage Collection Count"), collected = Instrumentation.get(collections);
	function next(session) {
		if (times.length >= (config.count ?? 50)) {
			log({ ok: true, times, collections: Instrumentation.get(collections) - collected });
			exit(0);
		}
		const started = now();
		const socket = new SecureSocket({ host: config.host ?? "localhost", port: config.port, secure: secure(session ? { session } : undefined) });
		socket.callback = function (message) {
			if (message === 1) {
				times.push(now() - started);
				if (config.resume && !this.tls.resumed) fail(this, "not resumed");
				this.write(request);
			}
			else if (message === 2) this.read(null);
			else if (message === -1) {
				const s = config.resume ? (this.session ?? session) : undefined;
				Timer.set(() => next(s));
			}
			else if (message < 0) fail(this, `connection ${times.length}`);
		};
	}
	next(session);
}

// byte k of the body of a pattern download (bench/scenarios.mjs bodyByte)
const bodyByte = (k) => (k + (k >>> 8) + (k >>> 16)) & 255;

function download() {
	let bytes = 0, started, first, cipherSuite, counts;
	// config.read: "buffer" (default): read(buffer) into one Uint8Array of 16 KB, reused (nothing
	// allocated per record); "arraybuffer": read(ArrayBuffer), a new ArrayBuffer per record (the
	// SDK's form); "null": read(null), the bytes skipped. With config.body (the body's size, of
	// pattern bytes) the bytes read are checked: the body found after the HTTP header, its first,
	// middle and last byte of each read against bodyByte(), and its size at the end.
	const form = config.read ?? "buffer";
	// compared per record as booleans: XS copies a string literal into a new chunk each time it runs
	const skip = form === "null", arrayBuffers = form === "arraybuffer";
	const buffer = new Uint8Array(16384);
	let body = -1, headerEnd = 0, samples = 0, bad;
	function check(view, n) {
		let i = 0;
		for (; body < 0 && i < n; i++) {   // "\r\n\r\n"
			const c = view[i];
			headerEnd = c === ((headerEnd & 1) ? 10 : 13) ? headerEnd + 1 : c === 13 ? 1 : 0;
			if (headerEnd === 4)
				body = 0;
		}
		if (body < 0 || i === n)
			return;
		sample(view, i, i);   // no array of the three: nothing allocated per read
		sample(view, i, (i + n) >> 1);
		sample(view, i, n - 1);
		body += n - i;
	}
	function sample(view, i, at) {
		samples++;
		if (view[at] !== bodyByte(body + at - i) && !bad)
			bad = { at: body + at - i, got: view[at], expected: bodyByte(body + at - i) };
	}
	if (config.heapRoom) {
		// grow the chunk heap by heapRoom bytes now (XS keeps what it reserved): room for the
		// app's 16 KB read(ArrayBuffer) results between collections, as a device heap sized for them
		let room = new ArrayBuffer(config.heapRoom);
		room = undefined;
		Debug.gc();
	}
	const socket = new SecureSocket({ host: config.host ?? "localhost", port: config.port, secure: secure() });
	socket.callback = function (message) {
		if (message === 1) {
			started = now();
			counts = { collections: get("collections"), turns: get("turns") };
			cipherSuite = this.tls.cipherSuite;
			this.write(request);
		}
		else if (message === 2) {
			if (first === undefined) first = now();
			if (skip)
				bytes += this.read(null);
			else if (arrayBuffers) {
				const data = this.read(ArrayBuffer);
				if (data) {
					bytes += data.byteLength;
					if (config.body) check(new Uint8Array(data), data.byteLength);
				}
			}
			else {
				for (let n; (n = this.read(buffer)) > 0;) {
					bytes += n;
					if (config.body) check(buffer, n);
				}
			}
		}
		else if (message === -1) {
			const ms = now() - started;
			const result = { ok: true, read: form, bytes, ms, firstByteMs: first - started, mbps: bytes / ms / 1000, cipherSuite,
				collections: get("collections") - counts.collections, turns: get("turns") - counts.turns };
			if (config.body && !skip) {
				Object.assign(result, { body, samples });
				if (bad || body !== config.body)
					Object.assign(result, { ok: false, bad: bad ?? `body of ${body} bytes, not ${config.body}` });
			}
			log(result);
			exit(result.ok ? 0 : 1);
		}
		else if (message < 0) fail(this, "download");
	};
}

// "idle": what the program holds, after collection, when a connection would start (with --report,
// whose chunksBaseline/slotsBaseline are then the host's start-up baseline, since nothing reset it)
function idle() {
	Debug.gc();
	log({ ok: true, idle: { chunks: get("chunks"), slots: get("slots"), native: get("native") } });
	exit(0);
}

const run = mode === "time" ? time : mode === "download" ? download : mode === "idle" ? idle : memory;
if (config.resume)
	plain(undefined, (session) => {
		if (!session) fail(undefined, "no session from the first connection");
		Timer.set(() => run(session));
	});
else
	Timer.set(() => run());   // from the event loop: the module's own evaluation is over, its garbage collectable
