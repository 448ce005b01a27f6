// The mutation fuzzer's XS side (tools/fuzz.mjs runs it): the sans-IO engine (tls/client) fed
// mutated server flights; only a TLSError may come out, never another exception, and every run
// terminates.
//   build/xsh tests/xs/hostile/fuzz.js '<JSON config>'
// config: {mode, corpus: [{name, file, minVersion, maxVersion, suites, groups}], seed, seconds,
// iterations, port}
//   mode "fuzz": for each entry first an unmutated run (it must reach "connected": the corpus is
//     deterministic, its random and key shares are fixed below), then mutated runs until `seconds`
//     or `iterations`; prints {progress} lines, {finding} lines (the mutated bytes in hex, the
//     iteration and the seed: enough to replay it), and a final {done} line with the totals.
//   mode "replay": {file, entry, hex}: one run of the given bytes, printing what came out.
//   mode "capture": connects to 127.0.0.1:port with the entry's options and prints
//     {capture: hex of every byte the server sent, connected, describe} (tools/fuzz.mjs --capture).
import { Socket } from "socket";
import Timer from "timer";
import { argv, readFile } from "xsh";
import { newClient } from "tls/client12";
import { TLSError } from "tls/alert";
import { SUITES } from "tls/suites";
import { TLS12, TLS13, GROUP_X25519, GROUP_SECP256R1, GROUP_SECP384R1 } from "tls/constants";
import { leafSink } from "../tls/leafkey.js";
import { rng, hex, unhex, mutate, describeBug, isBug, Campaign } from "./mutate.js";

const config = JSON.parse(argv[1]);
const out = (o) => trace(JSON.stringify(o) + "\n");
const groupCodes = { x25519: GROUP_X25519, secp256r1: GROUP_SECP256R1, secp384r1: GROUP_SECP384R1 };

const fill = (n, byte) => { const b = new Uint8Array(n); b.fill(byte); return b.buffer; };
/** fixed key share private keys (scalars below every group order) */
const PRIVATE_KEYS = { [GROUP_X25519]: fill(32, 0x11), [GROUP_SECP256R1]: fill(32, 0x22), [GROUP_SECP384R1]: fill(48, 0x33) };

/** the engine as the corpus was captured: fixed random, fixed keys, a sink that takes the leaf's key */
function makeClient(entry) {
	const random = rng(0x5EED);
	return newClient({
		serverName: "localhost",
		minVersion: entry.minVersion === "TLS 1.3" ? TLS13 : TLS12,
		maxVersion: entry.maxVersion === "TLS 1.2" ? TLS12 : TLS13,
		suites: entry.suites ? entry.suites.map((n) => SUITES.find((s) => s.name === n).code) : SUITES.map((s) => s.code),
		groups: (entry.groups ?? ["x25519", "secp256r1", "secp384r1"]).map((g) => groupCodes[g]),
		signatureAlgorithms: [0x0403, 0x0503, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601],
		certificates: () => leafSink(),
		random: (bytes) => { for (let i = 0; i < bytes.length; i++) bytes[i] = random() & 0xFF; },
		privateKeys: PRIVATE_KEYS,
	});
}

// ---- one run ----

/**
 * Feeds `bytes` to a new client in the given chunk sizes (cut by r). Returns {outcome, alert,
 * connected, steps}; throws a non-TLSError (the finding) as {bug: error}.
 */
function run(entry, bytes, r) {
	const client = makeClient(entry);
	let steps = 0, connected = false;
	const limit = bytes.length * 4 + 64;
	try {
		client.start();
		while (client.takeOutput()) ;
		let offset = 0;
		while (offset < bytes.length) {
			const size = r ? 1 + r.below(r.below(4) === 0 ? 16 : bytes.length) : bytes.length;
			let chunk = bytes.subarray(offset, Math.min(bytes.length, offset + size));
			offset += chunk.length;
			while (chunk.length) {
				if (++steps > limit)
					return { outcome: "hang", steps };
				const used = client.receive(chunk);
				chunk = chunk.subarray(used);
				while (client.takeOutput()) ;
				let got = false;
				for (let text = client.read(); text; text = client.read())
					got = true;
				if (client.state === "connected")
					connected = true;
				if (used === 0 && !got)
					break;
			}
			if (client.state === "closed")
				break;
		}
		return { outcome: client.state, connected };
	}
	catch (e) {
		if (!isBug(e, TLSError))
			return { outcome: "alert", alert: e.alert, remote: e.remote, connected };
		throw { bug: e };
	}
	finally {
		try { client.dispose(); } catch (e) { throw { bug: e, where: "dispose" }; }
	}
}

// ---- modes ----

function fuzz() {
	const corpus = config.corpus.map((entry) => ({ ...entry, bytes: new Uint8Array(readFile(entry.file)) }));
	const seed = config.seed ?? 1;
	const r = rng(seed);
	const seeds = [];
	for (const entry of corpus) {
		let result;
		try {
			result = run(entry, entry.bytes, undefined);
		}
		catch (e) {
			result = { outcome: "bug", bug: describeBug(e) };
		}
		seeds.push({ name: entry.name, bytes: entry.bytes.length, outcome: result.outcome, alert: result.alert, connected: result.connected });
	}
	out({ seeds });
	const campaign = new Campaign(out, config);
	while (campaign.next()) {
		const iteration = campaign.iteration;
		const entry = corpus[r.below(corpus.length)];
		const mutated = mutate(entry.bytes, r, corpus);
		const chunking = rng(r());
		try {
			const result = run(entry, mutated, chunking);
			campaign.count(result);
			if (result.outcome === "hang")
				campaign.hang({ entry: entry.name, iteration, seed, hex: hex(mutated) });
		}
		catch (e) {
			campaign.finding(e, { entry: entry.name, iteration, seed, hex: hex(mutated) });
		}
	}
	campaign.done(seed);
}

function replay() {
	const entry = config.entry;
	const bytes = unhex(config.hex);
	try {
		out({ replay: run(entry, bytes, config.chunked ? rng(config.chunked) : undefined) });
	}
	catch (e) {
		out({ replay: "exception", ...describeBug(e) });
	}
}

function capture() {
	const entry = config.corpus[0];
	const client = makeClient(entry);
	const socket = new Socket({ host: "127.0.0.1", port: config.port });
	const received = [];
	let connected = false, done = false;
	const finish = (why) => {
		if (done) return;
		done = true;
		let n = 0;
		for (const b of received) n += b.length;
		const all = new Uint8Array(n);
		n = 0;
		for (const b of received) { all.set(b, n); n += b.length; }
		out({ capture: hex(all), connected, why, describe: connected ? client.describe() : undefined });
		try { socket.close(); } catch {}
	};
	const flush = () => { for (let c = client.takeOutput(); c; c = client.takeOutput()) socket.write(c); };
	socket.callback = function (message) {
		try {
			if (message === 1) {
				client.start();
				flush();
			}
			else if (message === 2) {
				let bytes = new Uint8Array(this.read(ArrayBuffer));
				received.push(bytes.slice());
				while (bytes.length) {
					const used = client.receive(bytes);
					bytes = bytes.subarray(used);
					if (!used) break;
				}
				flush();
				if (!connected && client.state === "connected") {
					connected = true;
					// the server's NewSessionTicket(s) come after our Finished
					Timer.set(() => finish("connected"), 400);
				}
			}
			else if (message < 0)
				finish("closed");
		}
		catch (e) {
			out({ error: e.message });
			finish("error");
		}
	};
}

if (config.mode === "capture")
	capture();
else if (config.mode === "replay")
	replay();
else
	fuzz();
