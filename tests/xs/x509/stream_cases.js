// ChainVerifier (modules/x509/stream.ts) fed the way a TLS engine feeds it: each certificate's
// bytes in chunks of a given size, from inside a larger buffer (as a record buffer holds them).
// argv: <cases.json>, cases: [{ name, certs: [DER files, leaf first], roots, serverName, time, chunks: [sizes] }]
// Prints per case and chunk size { name, chunk, ok, code?, message?, path? }, the same case through
// verifyChain as chunk 0, then the API checks { api, ok, detail }, then { done }.
import { readText, readFile, argv } from "xsh";
import { ChainVerifier, verifyChain, X509Error } from "x509";

const log = (o) => trace(JSON.stringify(o) + "\n");
const summary = (path) => path.map((s) => s.subject.commonName ?? null);

function outcome(run) {
	try {
		const path = run();
		const out = { ok: true, path: summary(path), leafKey: path[0].publicKey?.type ?? null };
		path[0].publicKey?.close();
		return out;
	}
	catch (e) {
		return { ok: false, code: e.code ?? null, message: e.message, x509: e instanceof X509Error };
	}
}

/** the certificate at offset 5 of a larger buffer, fed `chunk` bytes at a time */
function streamed(verifier, der, chunk) {
	const bytes = new Uint8Array(der);
	const record = new Uint8Array(bytes.length + 9);
	record.set(bytes, 5);
	verifier.beginCertificate(bytes.length);
	for (let at = 0; at < bytes.length; at += chunk)
		verifier.update(record, 5 + at, Math.min(chunk, bytes.length - at));
	verifier.endCertificate();
}

const cases = JSON.parse(readText(argv[1]));
for (const c of cases) {
	const certs = c.certs.map((f) => readFile(f));
	const options = { roots: (c.roots ?? []).map((f) => readFile(f)), store: false, serverName: c.serverName, time: c.time };
	log({ name: c.name, chunk: 0, ...outcome(() => verifyChain({ ...options, peer: certs[0], intermediates: certs.slice(1) })) });
	for (const chunk of c.chunks) {
		log({ name: c.name, chunk, ...outcome(() => {
			const verifier = new ChainVerifier(options);
			for (const der of certs)
				streamed(verifier, der, chunk);
			return verifier.finish();
		}) });
	}
}

// the API's rules
function api(name, run, check) {
	let detail;
	let ok;
	try {
		detail = run();
		ok = check(detail, undefined);
	}
	catch (e) {
		detail = { error: e.constructor.name, code: e.code ?? null, message: e.message };
		ok = check(undefined, e);
	}
	log({ api: name, ok: ok === true, detail });
}
const first = cases[0];
const leaf = readFile(first.certs[0]);
const base = { roots: (first.roots ?? []).map((f) => readFile(f)), store: false, time: first.time };
api("update() before beginCertificate()", () => new ChainVerifier(base).update(leaf), (r, e) => e !== undefined && e.message.includes("out of order"));
api("finish() with no certificate", () => new ChainVerifier(base).finish(), (r, e) => e?.code === "malformed" && e.message.includes("no certificate"));
api("beginCertificate(0)", () => new ChainVerifier(base).beginCertificate(0), (r, e) => e?.code === "malformed");
api("endCertificate() before all bytes came", () => {
	const v = new ChainVerifier(base);
	v.beginCertificate(leaf.byteLength);
	v.update(leaf, 0, 100);
	v.endCertificate();
}, (r, e) => e?.code === "malformed" && e.message.includes("truncated"));
api("more bytes than announced", () => {
	const v = new ChainVerifier(base);
	v.beginCertificate(100);
	v.update(leaf, 0, 101);
}, (r, e) => e?.code === "malformed" && e.message.includes("more bytes"));
api("after a failure, every call throws the same error", () => {
	const v = new ChainVerifier(base);
	v.beginCertificate(10);
	let firstError;
	try { v.update(leaf, 0, 10); v.endCertificate(); } catch (e) { firstError = e; }
	try { v.finish(); } catch (e) { return e === firstError; }
	return false;
}, (r) => r === true);
api("the leaf is checked at endCertificate()", () => {
	const v = new ChainVerifier({ ...base, serverName: "not.the.name" });
	v.beginCertificate(leaf.byteLength);
	v.update(leaf);
	v.endCertificate();
}, (r, e) => e?.code === "nameMismatch");
api("update() range outside the buffer", () => {
	const v = new ChainVerifier(base);
	v.beginCertificate(leaf.byteLength);
	v.update(leaf, 10, leaf.byteLength);
}, (r, e) => e instanceof RangeError);
api("close() frees the leaf's key when abandoned", () => {
	const v = new ChainVerifier(base);
	v.beginCertificate(leaf.byteLength);
	v.update(leaf);
	v.endCertificate();
	v.close();
	return "closed";
}, (r) => r === "closed");
api("maxDepth 0 is refused", () => new ChainVerifier({ ...base, maxDepth: 0 }), (r, e) => e instanceof RangeError);
api("an unknown usage is refused", () => new ChainVerifier({ ...base, usage: "codeSigning" }), (r, e) => e instanceof RangeError);
api("a root buffer changed in place is parsed again (roots are cached per buffer)", () => {
	const root = new Uint8Array(readFile(first.roots[0]));
	const options = { roots: [root.buffer], store: false, time: first.time, serverName: first.serverName };
	const chain = first.certs.map((f) => readFile(f));
	const run = () => {
		const verifier = new ChainVerifier(options);
		for (const der of chain)
			streamed(verifier, der, 512);
		return verifier.finish();
	};
	const before = [outcome(run).ok, outcome(run).ok];
	// its subject's common name ("Stream Root") changed: the intermediate's issuer no longer matches
	const name = [..."Stream Root"].map((c) => c.charCodeAt(0));
	let changed = 0;
	for (let at = 0; at < root.length; at++) {
		if (name.every((c, i) => root[at + i] === c)) {
			root[at] ^= 0x01;   // "Stream" to "Rtream" (names compare without case), issuer and subject
			changed++;
		}
	}
	if (changed !== 2)
		throw new Error("the name is not there twice");
	const after = outcome(run);
	return { before, after: after.ok, code: after.code };
}, (r) => r !== undefined && r.before[0] === true && r.before[1] === true && r.after === false && r.code === "unknownIssuer");
log({ done: true });
