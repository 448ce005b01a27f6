// The mutation fuzzer's server side (tools/fuzz.mjs --server runs it): TLSServer fed mutated client
// flights. Only a TLSError may come out of either engine, never another exception, and every run
// terminates.
//   build/xsh tests/xs/hostile/fuzz-server.js '<JSON config>'
// config: {mode, seed, seconds, iterations, files, hellos, scenario, chunks}
//   files: DER files made by tools/fuzz.mjs (openssl): server, serverKey (P-256), rsa, rsaKey,
//     client, clientKey (a client certificate and its PKCS#8 key).
//   hellos: [{name, hex}]: real ClientHello records (tests/fixtures/fuzz/hellos.json, captured from
//     OpenSSL, GnuTLS, Node and curl by `node tools/fuzz.mjs --capture-hellos`).
//   mode "fuzz": every scenario once unmutated (a live TLSClient and TLSServer in this process, both
//     with fixed randoms and key shares: it must reach "connected" on both sides and exchange data),
//     then mutated runs until `seconds` or `iterations`: in a live pair, the client's records are
//     mutated on their way to the server and cut into random pieces; for a real ClientHello, its
//     mutated bytes go to a lone server. Prints {seeds}, {progress}, {finding} (with the bytes the
//     server was fed, per receive() call, enough to replay it) and {done} with the totals.
//   mode "replay": {scenario, chunks: [hex...]}: feeds those chunks to a new server of that scenario.
//     Exact for anything the server decides before its own signature (ClientHello parsing and
//     negotiation); past it, the server's ECDSA/PSS signature differs from run to run, so the
//     client's Finished of the original run no longer matches (decrypt_error).
import { argv, readFile } from "xsh";
import { newClient } from "tls/client12";
import { TLSServer } from "tls/server";
import { TLSError } from "tls/alert";
import { SUITES } from "tls/suites";
import { TLS12, TLS13, GROUP_X25519, GROUP_SECP256R1, GROUP_SECP384R1 } from "tls/constants";
import { Key } from "crypto/keys";
import { leafSink } from "../tls/leafkey.js";   // the leaf's key without verification: the fuzzer targets the engine
import { rng, hex, unhex, mutate, describeBug, isBug, Campaign } from "./mutate.js";

const config = JSON.parse(argv[1]);
const out = (o) => trace(JSON.stringify(o) + "\n");
const files = config.files;
const der = (name) => readFile(files[name]);

const fill = (n, byte) => { const b = new Uint8Array(n); b.fill(byte); return b.buffer; };
const CLIENT_KEYS = { [GROUP_X25519]: fill(32, 0x11), [GROUP_SECP256R1]: fill(32, 0x22), [GROUP_SECP384R1]: fill(48, 0x33) };
const SERVER_KEYS = { [GROUP_X25519]: fill(32, 0x44), [GROUP_SECP256R1]: fill(32, 0x55), [GROUP_SECP384R1]: fill(48, 0x66) };
const TICKET_KEY = fill(32, 0x77);
const SCHEMES = [0x0403, 0x0503, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601];
const ALL_GROUPS = [GROUP_X25519, GROUP_SECP256R1, GROUP_SECP384R1];
const ALL_SUITES = SUITES.map((s) => s.code);

const p256 = { certificates: [der("server")], key: Key.fromPrivateKey(der("serverKey")) };
const rsa = { certificates: [der("rsa")], key: Key.fromPrivateKey(der("rsaKey")) };
const clientCertificates = [der("client")];
const clientKey = Key.fromPrivateKey(der("clientKey"));

const fixedRandom = (seed) => {
	const r = rng(seed);
	return (bytes) => { for (let i = 0; i < bytes.length; i++) bytes[i] = r() & 0xFF; };
};

/** the live pairs: what each side is given (client and server options over the defaults) */
const SCENARIOS = [
	{ name: "tls13", client: {}, server: {} },
	{ name: "tls13-hrr", client: { groups: [GROUP_SECP256R1, GROUP_X25519] }, server: { groups: [GROUP_X25519, GROUP_SECP384R1] } },
	{ name: "tls13-chacha-p384", client: { suites: [0x1303], groups: [GROUP_SECP384R1] }, server: {} },
	{ name: "tls13-rsa", client: {}, server: { credentials: rsa } },
	{ name: "tls13-clientauth", client: { clientCertificates, clientKey }, server: { clientAuthentication: "require" } },
	{ name: "tls13-alpn", client: { alpn: ["h2", "http/1.1"] }, server: { alpn: ["http/1.1"] } },
	{ name: "tls13-resume", client: {}, server: {}, resume: true },
	{ name: "tls12-ecdsa", client: { maxVersion: TLS12 }, server: {} },
	{ name: "tls12-rsa-chacha", client: { maxVersion: TLS12, suites: [0xCCA8] }, server: { credentials: rsa } },
	{ name: "tls12-clientauth", client: { maxVersion: TLS12, clientCertificates, clientKey }, server: { clientAuthentication: "require" } },
	{ name: "tls12-resume", client: { maxVersion: TLS12 }, server: {}, resume: true },
];
const sessions = {};

function makeServer(scenario) {
	return new TLSServer({
		minVersion: TLS12, maxVersion: TLS13, suites: ALL_SUITES, groups: ALL_GROUPS, signatureAlgorithms: SCHEMES,
		credentials: p256, clientCertificates: () => leafSink(), ticketKey: TICKET_KEY,
		random: fixedRandom(0xC0FFEE), privateKeys: SERVER_KEYS,
		...scenario.server,
	});
}
function makeClient(scenario) {
	return newClient({
		serverName: "localhost", minVersion: TLS12, maxVersion: TLS13, suites: ALL_SUITES, groups: ALL_GROUPS,
		signatureAlgorithms: SCHEMES, certificates: () => leafSink(), random: fixedRandom(0x5EED), privateKeys: CLIENT_KEYS,
		session: scenario.resume ? sessions[scenario.name] : undefined,
		onSession: (session) => { sessions[scenario.name] ??= session; },
		...scenario.client,
	});
}

/** what an engine threw: a TLSError is an outcome, anything else (see isBug) a finding */
function guarded(side, f) {
	try {
		f();
		return undefined;
	}
	catch (e) {
		if (!isBug(e, TLSError))
			return e;
		throw { bug: e, where: side };
	}
}
/** feeds bytes to an engine until it takes no more; drains its plaintext */
function feed(engine, bytes) {
	let guard = bytes.length + 8;
	while (bytes.length && guard-- > 0) {
		const used = engine.receive(bytes);
		bytes = bytes.subarray(used);
		let got = false;
		for (let text = engine.read(); text; text = engine.read())
			got = true;
		if (!used && !got)
			break;
	}
}

/**
 * One live conversation. With r, the client's records are mutated (one chosen record surely,
 * others sometimes) and cut into pieces on their way to the server. Returns the outcome and the
 * chunks the server received.
 */
function converse(scenario, r) {
	const server = makeServer(scenario), client = makeClient(scenario);
	const fed = [];
	let serverError, clientError, data = 0, steps = 0, index = 0, hang = false, connected = false;
	const target = r ? r.below(4) : -1;
	try {
		server.start();
		client.start();
		let moved = true, wrote = false;
		while (moved) {
			if (++steps > 64) {
				hang = true;
				break;
			}
			moved = false;
			for (let b = client.takeOutput(); b; b = client.takeOutput()) {
				moved = true;
				if (serverError)
					continue;
				let bytes = b;
				if (r && (index === target || r.below(8) === 0))
					bytes = mutate(b, r, [{ bytes: b }]);
				index++;
				while (bytes.length && !serverError) {
					const piece = r ? bytes.subarray(0, 1 + r.below(r.below(4) === 0 ? 8 : bytes.length)) : bytes;
					bytes = bytes.subarray(piece.length);
					fed.push(piece);
					serverError = guarded("server", () => feed(server, piece));
				}
			}
			if (server.state === "connected")
				connected = true;
			for (let b = server.takeOutput(); b; b = server.takeOutput()) {
				moved = true;
				if (!clientError)
					clientError = guarded("client", () => feed(client, b));
			}
			if (!wrote && !serverError && !clientError && client.state === "connected" && server.state === "connected") {
				wrote = true;
				moved = true;
				clientError = guarded("client", () => client.write(new Uint8Array([0x70, 0x69, 0x6E, 0x67])));
				serverError ??= guarded("server", () => server.write(new Uint8Array([0x70, 0x6F, 0x6E, 0x67])));
				data++;
			}
		}
		return { outcome: serverError ? "alert" : server.state, alert: serverError?.alert, connected, resumed: server.resumed,
			exchanged: data > 0 && !serverError && !clientError, hang, fed };
	}
	catch (e) {
		if (e && e.bug !== undefined)
			e.fed = fed;      // what the server got until then: the finding's replay
		throw e;
	}
	finally {
		const where = [];
		try { client.dispose(); } catch (e) { where.push(["client dispose", e]); }
		try { server.dispose(); } catch (e) { where.push(["server dispose", e]); }
		if (where.length)
			throw { bug: where[0][1], where: where[0][0] };
	}
}

/** a lone server fed these chunks (a real ClientHello, or a replay) */
function serve(scenario, chunks) {
	const server = makeServer(scenario);
	let error, steps = 0;
	try {
		server.start();
		for (const chunk of chunks) {
			if (++steps > chunks.length + 8)
				return { outcome: "hang" };
			error = guarded("server", () => feed(server, chunk));
			while (server.takeOutput()) ;
			if (error)
				break;
		}
		return { outcome: error ? "alert" : server.state, alert: error?.alert };
	}
	finally {
		try { server.dispose(); } catch (e) { throw { bug: e, where: "server dispose" }; }
	}
}

function fuzz() {
	const seed = config.seed ?? 1;
	const hellos = (config.hellos ?? []).map((h) => ({ name: `hello:${h.name}`, bytes: unhex(h.hex) }));
	// the seeds: every live pair completes, every real ClientHello gets the server to answer
	const seeds = [];
	for (const scenario of SCENARIOS) {
		let result;
		try {
			result = converse(scenario, undefined);
			if (scenario.resume)     // the first run got the session; the second resumes with it
				result = converse(scenario, undefined);
			seeds.push({ name: scenario.name, outcome: result.outcome, exchanged: result.exchanged, resumed: result.resumed });
		}
		catch (e) {
			seeds.push({ name: scenario.name, outcome: "bug", bug: describeBug(e) });
		}
	}
	for (const hello of hellos) {
		try {
			seeds.push({ name: hello.name, outcome: serve(SCENARIOS[0], [hello.bytes]).outcome });
		}
		catch (e) {
			seeds.push({ name: hello.name, outcome: "bug", bug: describeBug(e) });
		}
	}
	out({ seeds });
	const campaign = new Campaign(out, config, { helloRuns: 0 });
	const r = rng(seed);
	while (campaign.next()) {
		const iteration = campaign.iteration;
		const useHello = hellos.length && r.below(3) === 0;
		let fed, name;
		try {
			if (useHello) {
				campaign.totals.helloRuns++;
				const hello = hellos[r.below(hellos.length)];
				name = hello.name;
				const mutated = mutate(hello.bytes, r, hellos);
				fed = [mutated];
				const result = serve(SCENARIOS[0], fed);
				campaign.count(result);
				if (result.outcome === "hang")
					campaign.hang({ scenario: SCENARIOS[0].name, from: name, iteration, seed, chunks: fed.map(hex) });
			}
			else {
				const scenario = SCENARIOS[r.below(SCENARIOS.length)];
				name = scenario.name;
				const result = converse(scenario, rng(r()));
				fed = result.fed;
				campaign.count(result);
				if (result.hang)
					campaign.hang({ scenario: name, iteration, seed, chunks: fed.map(hex) });
			}
		}
		catch (e) {
			campaign.finding(e, { scenario: useHello ? SCENARIOS[0].name : name, from: name, iteration, seed, chunks: (e.fed ?? fed ?? []).map(hex) });
		}
	}
	campaign.done(seed);
}

function replay() {
	const scenario = SCENARIOS.find((s) => s.name === config.scenario) ?? SCENARIOS[0];
	try {
		out({ replay: serve(scenario, config.chunks.map(unhex)) });
	}
	catch (e) {
		out({ replay: "exception", ...describeBug(e) });
	}
}

if (config.mode === "replay")
	replay();
else
	fuzz();
