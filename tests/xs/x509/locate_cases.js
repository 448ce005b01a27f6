// The certificate parser (x509/certificate: the X.509 locator in C, native/x509_*.c, and the JS
// readers of what it leaves, modules/x509/located.ts) on given certificates, for the node test
// (tests/x509-locate.test.mjs) to compare with OpenSSL's reading of the same bytes:
//   build/xsh --manifest manifest.json tests/xs/x509/locate_cases.js <cases.json>
// Run with manifest.json (the full profiles' modules) and with manifest_device.json (the device
// profile: no RSASSA-PSS, name constraints or IPv6 modules).
// cases.json: { same: [DER paths], mutated: [{ name, file }], expect: [{ name, file, error }] }
//   same, mutated: each parsed; one line { name, fields } (what the parser kept, as JSON) or
//     { name, error }; the locator's own output checked too (its ranges nested as the structure
//     says, its extKeyUsage flags what the list says): { ..., locator: "..." } when not
//   expect: the parser must refuse with a message containing `error` (null: accept)
//   then the intake's cases (x509/intake, intake-located.ts): certificates gathered when they come in pieces
// Prints one JSON line per certificate or case, then { done, failed }.
import { readText, readFile, argv } from "xsh";
import { parseCertificateBytes } from "x509/certificate";
import { toHex } from "x509/der";
import { X509Error } from "x509/errors";
import { ChainVerifier } from "x509/stream";

const locate = native("xs_x509_locate");
const located = new Uint32Array(64);
const F = { TBS: 0, TBS_END: 1, SPKI_END: 16, FLAGS: 20, ALGORITHM: 35, SIGNATURE_END: 38 };
const HAS_EKU = 16, SERVER_AUTH = 32, CLIENT_AUTH = 64, ANY_EKU = 128;

const hex = (v) => (v === undefined ? null : toHex(v));
const names = (g) => g && { dns: g.dns, ip: g.ip.map(toHex), directory: g.directory.map(toHex), otherForms: g.otherForms };

/** what the parser says: the fields it kept (as JSON), or { error } ("malformed" only: anything else is a bug) */
function parse(bytes) {
	let c;
	try {
		c = parseCertificateBytes(bytes, "certificate");
	}
	catch (e) {
		if (!(e instanceof X509Error) || e.code !== "malformed")
			throw e;
		return { error: e.message };
	}
	const fields = {
		version: c.version, serial: c.serialNumber, signatureAlgorithm: c.signatureAlgorithm, notBefore: c.notBefore, notAfter: c.notAfter,
		issuer: hex(c.issuer.der), subject: hex(c.subject.der), issuerCN: c.issuer.commonName ?? null, subjectCN: c.subject.commonName ?? null,
		selfIssued: c.selfIssued, key: c.publicKeyAlgorithm, spki: hex(c.spki), signature: hex(c.signature),
		basicConstraints: c.basicConstraints ?? null, keyUsage: c.keyUsage ?? null, extKeyUsage: c.extKeyUsage ?? null,
		subjectAltName: names(c.subjectAltName) ?? null,
		nameConstraints: c.nameConstraints ? { permitted: names(c.nameConstraints.permitted) ?? null, excluded: names(c.nameConstraints.excluded) ?? null } : null,
		subjectKeyId: hex(c.subjectKeyId), authorityKeyId: hex(c.authorityKeyId), defect: c.defect?.code ?? null,
	};
	const wrong = locatorOutput(bytes, fields.extKeyUsage);
	return wrong ? { fields, locator: wrong } : { fields };
}

/** the locator's own output for a certificate the parser accepted: what is wrong in it, or undefined */
function locatorOutput(bytes, eku) {
	const f = located;
	if (locate("certificate", bytes, 0, bytes.length, f.buffer) !== undefined)
		return "refused what the parser accepted";
	if (!(f[F.TBS] < f[F.TBS_END] && f[F.TBS_END] <= f[F.ALGORITHM] && f[F.SIGNATURE_END] === bytes.length && f[F.SPKI_END] <= f[F.TBS_END]))
		return "ranges not nested";
	const flags = f[F.FLAGS];
	if (eku) {
		const want = (eku.includes("1.3.6.1.5.5.7.3.1") ? SERVER_AUTH : 0) | (eku.includes("1.3.6.1.5.5.7.3.2") ? CLIENT_AUTH : 0) | (eku.includes("2.5.29.37.0") ? ANY_EKU : 0);
		if (!(flags & HAS_EKU) || (flags & (SERVER_AUTH | CLIENT_AUTH | ANY_EKU)) !== want)
			return "extKeyUsage flags";
	}
	return undefined;
}

let failed = 0, count = 0;
function report(line) {
	count++;
	if (line.ok === false)
		failed++;
	trace(JSON.stringify(line) + "\n");
}

const cases = JSON.parse(readText(argv[1]));
for (const file of cases.same)
	report({ name: file.split("/").pop(), file, ...parse(new Uint8Array(readFile(file))) });
// the mutated forms: several in one file (length-prefixed, 4 bytes big-endian), so that the run does not open thousands
for (const m of cases.mutated ?? []) {
	const all = new Uint8Array(readFile(m.file));
	for (let at = 0, i = 0; at < all.length; i++) {
		const length = ((all[at] << 24) >>> 0) + (all[at + 1] << 16) + (all[at + 2] << 8) + all[at + 3];
		const r = parse(all.subarray(at + 4, at + 4 + length));
		// (the accepted ones with their fields, for the node test to compare; the refused ones in short)
		report(r.error === undefined ? { mutated: m.name, i, ...r } : { mutated: m.name, i, refused: true });
		at += 4 + length;
	}
}
for (const c of cases.expect) {
	const r = parse(new Uint8Array(readFile(c.file)));
	const ok = c.error === null ? r.error === undefined : r.error !== undefined && r.error.includes(c.error) && r.error.startsWith("x509: certificate: ");
	report({ ok, name: c.name, expected: c.error, got: r.error ?? "accepted" });
}
// the intake (x509/intake: intake-located.ts): certificates gathered when they come in pieces
function intake(name, run, error) {
	let got = "accepted";
	try {
		run();
	}
	catch (e) {
		got = e.message;
	}
	report({ ok: got.includes(error), name, expected: error, got });
}
const MAX_CERTIFICATE = 16384;   // intake-located.ts
const verifier = () => new ChainVerifier({ time: 1700000000, store: false });
const leaf = new Uint8Array(readFile(cases.same[cases.same.length - 1]));
intake("intake: more bytes than announced", () => { const v = verifier(); v.beginCertificate(2); v.update(new Uint8Array(3)); }, "x509: the peer's certificate: more bytes than its length");
intake("intake: truncated", () => { const v = verifier(); v.beginCertificate(4); v.update(new Uint8Array([0x30, 2])); v.endCertificate(); }, "x509: the peer's certificate: truncated");
intake("intake: longer than MAX_CERTIFICATE", () => verifier().beginCertificate(MAX_CERTIFICATE + 1), `of ${MAX_CERTIFICATE + 1} bytes: more than the ${MAX_CERTIFICATE} this verifier accepts`);
// the same outcome whole (parsed in place) and gathered from pieces of 1 to 7 bytes (no anchor: a refusal after the parse)
const feed = (pieces) => {
	try {
		const v = verifier();
		v.beginCertificate(leaf.length);
		for (let at = 0, n = pieces ? 1 : leaf.length; at < leaf.length; at += n, n = pieces ? n % 7 + 1 : n)
			v.update(leaf, at, Math.min(n, leaf.length - at));
		v.endCertificate();
		v.finish();
		return "accepted";
	}
	catch (e) {
		return `${e.code} ${e.message}`;
	}
};
const whole = feed(false), pieces = feed(true);
report({ ok: whole === pieces && whole.includes(" x509: "), name: "intake: whole and gathered in pieces, the same outcome", whole, pieces });
intake("intake: in pieces, a bad byte is found at the end", () => {
	const v = verifier();
	const bad = leaf.slice();
	bad[bad.length - 1] ^= 0xff;
	bad[1] ^= 0x01;
	v.beginCertificate(bad.length);
	v.update(bad, 0, 10);
	v.update(bad, 10, bad.length - 10);
	v.endCertificate();
}, "x509: the peer's certificate: ");
trace(JSON.stringify({ done: count, failed }) + "\n");
