// The mutation fuzzers' shared parts (tests/xs/hostile/fuzz.js fuzzes the client with server
// flights, fuzz-server.js the server with client flights): a seeded generator, the mutator, byte
// helpers, the oracle and the campaign's bookkeeping.
import Debug from "debug";
import Instrumentation from "instrumentation";
import { now } from "xsh";
// ---- determinism ----

/** xorshift32: the fuzzer's only source of randomness */
export function rng(seed) {
	let s = (seed >>> 0) || 0x9E3779B9;
	const next = () => {
		s ^= s << 13; s >>>= 0;
		s ^= s >>> 17;
		s ^= s << 5; s >>>= 0;
		return s;
	};
	next.below = (n) => n > 0 ? next() % n : 0;
	return next;
}

export function hex(bytes) {
	let s = "";
	for (let i = 0; i < bytes.length; i++) s += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
	return s;
}
export function unhex(s) {
	const b = new Uint8Array(s.length >> 1);
	for (let i = 0; i < b.length; i++) b[i] = parseInt(s.substr(i * 2, 2), 16);
	return b;
}

// ---- mutations ----

/** record and handshake header offsets in a flight: where lengths and types are */
function landmarks(bytes) {
	const records = [], messages = [];
	for (let p = 0; p + 5 <= bytes.length;) {
		const length = (bytes[p + 3] << 8) | bytes[p + 4];
		records.push(p);
		if (bytes[p] === 22 && p + 9 <= bytes.length && messages.length < 64)
			messages.push(p + 5);
		p += 5 + length;
	}
	return { records, messages };
}

const INTERESTING = [0, 1, 2, 3, 0x7F, 0x80, 0xFF, 0x16, 0x17, 0x15, 0x14, 0x40, 0x41];

export function mutate(source, r, corpus) {
	let b = source.slice();
	const n = 1 + r.below(4);
	for (let k = 0; k < n; k++) {
		if (!b.length) b = new Uint8Array([22]);
		const at = r.below(b.length);
		switch (r.below(12)) {
			case 0: b[at] ^= 1 << r.below(8); break;                                   // bit flip
			case 1: b[at] = r() & 0xFF; break;                                         // random byte
			case 2: b[at] = INTERESTING[r.below(INTERESTING.length)]; break;           // interesting byte
			case 3: {                                                                  // a record header field
				const { records } = landmarks(b);
				if (!records.length) break;
				const p = records[r.below(records.length)];
				const field = r.below(3);
				if (field === 0) b[p] = INTERESTING[r.below(INTERESTING.length)];
				else if (field === 1 && p + 4 < b.length) { const v = r.below(3) === 0 ? 0 : r.below(3) === 0 ? 0x4101 : ((b[p + 3] << 8) | b[p + 4]) + r.below(9) - 4; b[p + 3] = v >> 8; b[p + 4] = v; }
				else if (p + 2 < b.length) b[p + 2] = r() & 0xFF;
				break;
			}
			case 4: {                                                                  // a handshake header
				const { messages } = landmarks(b);
				if (!messages.length) break;
				const p = messages[r.below(messages.length)];
				if (r.below(2)) b[p] = r.below(25);
				else if (p + 3 < b.length) { b[p + 3] += r.below(9) - 4; if (r.below(4) === 0) b[p + 2] ^= 1 << r.below(8); }
				break;
			}
			case 5: b = b.slice(0, at); break;                                         // truncate
			case 6: { const len = 1 + r.below(Math.min(64, b.length - at)); b = concat(b.subarray(0, at), b.subarray(at + len)); break; }   // delete
			case 7: { const len = 1 + r.below(Math.min(64, b.length - at)); b = concat(b.subarray(0, at + len), b.subarray(at, at + len), b.subarray(at + len)); break; }   // duplicate
			case 8: { const ins = new Uint8Array(1 + r.below(16)); for (let i = 0; i < ins.length; i++) ins[i] = r() & 0xFF; b = concat(b.subarray(0, at), ins, b.subarray(at)); break; }   // insert
			case 9: {                                                                  // splice from another flight
				const other = corpus[r.below(corpus.length)].bytes;
				const from = r.below(other.length), len = 1 + r.below(Math.min(256, other.length - from));
				b = concat(b.subarray(0, at), other.subarray(from, from + len), b.subarray(at));
				break;
			}
			case 10: {                                                                 // a whole record repeated or dropped
				const { records } = landmarks(b);
				if (records.length < 1) break;
				const i = r.below(records.length), p = records[i], end = i + 1 < records.length ? records[i + 1] : b.length;
				b = r.below(2) ? concat(b.subarray(0, end), b.subarray(p, end), b.subarray(end)) : concat(b.subarray(0, p), b.subarray(end));
				break;
			}
			case 11: {                                                                 // 16-bit length somewhere: +-1, 0, 0xFFFF
				if (at + 1 >= b.length) break;
				const v = [0, 0xFFFF, ((b[at] << 8) | b[at + 1]) + 1, ((b[at] << 8) | b[at + 1]) - 1][r.below(4)];
				b[at] = v >> 8; b[at + 1] = v;
				break;
			}
		}
	}
	return b;
}

export function concat(...parts) {
	let n = 0;
	for (const p of parts) n += p.length;
	const c = new Uint8Array(n);
	n = 0;
	for (const p of parts) { c.set(p, n); n += p.length; }
	return c;
}

export function describeBug(e) {
	const error = e.bug;
	return { name: error?.name, message: String(error?.message ?? error), stack: String(error?.stack ?? "").split("\n").slice(0, 6).join(" | "), where: e.where };
}


/**
 * The oracle: a TLSError is an outcome, except a local internal_error that is not "out of memory":
 * the engines turn any unexpected exception (a TypeError in our code, a native's error the engine
 * did not map to an alert) into internal_error, so that a bug never escapes to the app; for the
 * fuzzer that is the bug.
 */
export function isBug(e, TLSError) {
	if (!(e instanceof TLSError))
		return true;
	return e.alert === 80 && !e.remote && !String(e.message).includes("out of memory");
}

/**
 * One fuzzing campaign's bookkeeping: runs until `seconds` or `iterations`, counts outcomes and
 * alerts, prints the first 20 findings, a {progress} line every 5 s and the {done} line with the
 * totals and the native heap above its baseline (taken after the seeds, once collected).
 *   const campaign = new Campaign(out, config);
 *   while (campaign.next()) { ... campaign.count(result) ... campaign.finding(line) ... }
 *   campaign.done(seed);
 */
export class Campaign {
	constructor(out, config, extra = {}) {
		this.out = out;
		Debug.gc();
		this.nativeUsed = Instrumentation.map("Native Heap Used");
		this.nativeBaseline = Instrumentation.get(this.nativeUsed);
		this.started = this.lastProgress = now();
		this.deadline = this.started + (config.seconds ?? 10) * 1000;
		this.maxIterations = config.iterations ?? Infinity;
		this.totals = { iterations: 0, alerts: {}, outcomes: {}, connected: 0, findings: 0, hangs: 0, ...extra };
	}
	/** true while there is time and iterations left; counts the iteration */
	next() {
		const t = this.totals;
		if (t.iterations >= this.maxIterations || now() >= this.deadline)
			return false;
		if ((t.iterations & 255) === 0 && now() - this.lastProgress > 5000) {
			this.lastProgress = now();
			this.out({ progress: t.iterations, seconds: Math.round((this.lastProgress - this.started) / 100) / 10 });
		}
		t.iterations++;
		return true;
	}
	get iteration() {
		return this.totals.iterations - 1;
	}
	/** a run's outcome: {outcome, alert, connected} */
	count(result) {
		const t = this.totals;
		t.outcomes[result.outcome] = (t.outcomes[result.outcome] ?? 0) + 1;
		if (result.alert !== undefined)
			t.alerts[result.alert] = (t.alerts[result.alert] ?? 0) + 1;
		if (result.connected)
			t.connected++;
	}
	hang(line) {
		this.totals.hangs++;
		this.out({ finding: "hang", ...line });
	}
	/** an exception the oracle calls a bug ({bug, where} as the runs throw it) */
	finding(e, line) {
		const t = this.totals;
		t.findings++;
		t.outcomes.bug = (t.outcomes.bug ?? 0) + 1;
		if (t.findings <= 20)
			this.out({ finding: "exception", ...line, ...describeBug(e) });
	}
	done(seed) {
		Debug.gc();
		const ms = now() - this.started;
		this.out({ done: true, seed, ms: Math.round(ms), iterationsPerSecond: Math.round(this.totals.iterations / (ms / 1000)),
			nativeLeaked: Instrumentation.get(this.nativeUsed) - this.nativeBaseline, ...this.totals });
	}
}
