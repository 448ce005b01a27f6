// The X.509 locator in C (native/x509_*.c, xs_x509_locate) against the JS certificate parser
// (x509/certificate.ts): build/xsh --manifest manifest.json tests/xs/x509/locate_cases.js <cases.json>
// Run with manifest.json, the parser is the streaming JS one (x509/certificate.ts): a differential test
// of the locator; with manifest_device.json, it is the locator's own (x509/located.ts), and `device`
// adds the device intake's cases (intake-located.ts).
// cases.json: { same: [DER paths], mutate: [DER paths], expect: [{ name, file, error }], device?: true }
//   same: both must accept, with the same fields (each field the locator gives, read as the JS reads it);
//     the line carries some fields for the node test to compare with OpenSSL's reading
//   mutate: every truncation, and every element's tag and length changed (one at a time): the
//     locator, with what it leaves to the JS read by the JS (names, the signature algorithm, the
//     located extensions), must accept exactly what the JS parser accepts, never crash, and give
//     the same fields where both accept
//   expect: the locator must refuse with a message containing `error` (null: accept)
// Prints one JSON line per certificate or case, then { done, failed }.
import { readText, readFile, argv } from "xsh";
import { parseCertificateBytes, FIELDS } from "x509/certificate";
import { readName } from "x509/dn";
import { parseSignatureAlgorithm } from "x509/algorithms";
import { oidToString, toHex } from "x509/der";
import { parseExtKeyUsage, parseSubjectAltName, parseNameConstraints, authorityKeyIdAt, subjectKeyIdAt } from "x509/extensions";
import { X509Error } from "x509/errors";
import { ChainVerifier } from "x509/stream";

const locate = native("xs_x509_locate");
const fields = new Uint32Array(64);
const F = {
	TBS: 0, TBS_END: 1, VERSION: 2, SERIAL: 3, SERIAL_END: 4, TBS_ALGORITHM: 5, TBS_ALGORITHM_END: 6, ISSUER: 7, ISSUER_END: 8,
	NOT_BEFORE_HIGH: 9, NOT_BEFORE_LOW: 10, NOT_AFTER_HIGH: 11, NOT_AFTER_LOW: 12, SUBJECT: 13, SUBJECT_END: 14, SPKI: 15,
	SPKI_END: 16, KEY_ALGORITHM: 17, KEY_ALGORITHM_END: 18, EXTENSIONS: 19, FLAGS: 20, PATH_LENGTH: 21, KEY_USAGE: 22,
	EKU: 23, EKU_END: 24, SAN: 25, SAN_END: 26, AKI: 27, AKI_END: 28, SKI: 29, SKI_END: 30, NC: 31, NC_END: 32,
	CRITICAL: 33, CRITICAL_END: 34, ALGORITHM: 35, ALGORITHM_END: 36, SIGNATURE: 37, SIGNATURE_END: 38,
};
const HAS_BC = 1, CA = 2, HAS_PATH = 4, HAS_KU = 8, HAS_EKU = 16, SERVER_AUTH = 32, CLIENT_AUTH = 64, ANY_EKU = 128,
	UNKNOWN_CRITICAL = 256, SELF_ISSUED = 512;
const KEY_ALGORITHMS = { "1.2.840.113549.1.1.1": "rsa", "1.2.840.10045.2.1": "ec", "1.2.840.113549.1.1.10": "rsa-pss", "1.3.101.110": "x25519", "1.3.101.112": "ed25519" };

const hex = (v) => (v === undefined ? null : toHex(v));
const sub = (b, s, e) => b.subarray(s, e);
const time = (high, low) => (high | 0) * 0x100000000 + low;

/** what the JS parser says: its fields, or { error } */
function viaJS(bytes) {
	try {
		const c = parseCertificateBytes(bytes, "certificate");
		return {
			version: c.version, serial: c.serialNumber, notBefore: c.notBefore, notAfter: c.notAfter,
			issuer: hex(c.issuer.der), subject: hex(c.subject.der), selfIssued: c.selfIssued, key: c.publicKeyAlgorithm,
			spki: hex(c.spki), signature: hex(c.signature),
			basicConstraints: c.basicConstraints ?? null, keyUsage: c.keyUsage ?? null, extKeyUsage: c.extKeyUsage ?? null,
			subjectAltName: c.subjectAltName ?? null, nameConstraints: c.nameConstraints ?? null,
			subjectKeyId: hex(c.subjectKeyId), authorityKeyId: hex(c.authorityKeyId),
			unknownCritical: c.defect?.code === "unsupportedCritical",
		};
	}
	catch (e) {
		if (!(e instanceof X509Error) || e.code !== "malformed")
			throw e;
		return { error: e.message };
	}
}

/**
 * what the locator says, with the fields it leaves to the JS read as the JS parser reads them (names,
 * the signature algorithm, the located extensions): the parser once the locator replaces its walk; or { error }
 */
function viaC(bytes) {
	const message = locate("certificate", bytes, 0, bytes.length, fields.buffer);
	if (message !== undefined)
		return { error: message };
	try {
		return read(bytes);
	}
	catch (e) {
		if (!(e instanceof X509Error) || e.code !== "malformed")
			throw e;
		return { error: e.message };
	}
}

function read(bytes) {
	const f = fields;
	readName(bytes, "issuer", FIELDS, f[F.ISSUER], f[F.ISSUER_END]);
	readName(bytes, "subject", FIELDS, f[F.SUBJECT], f[F.SUBJECT_END]);
	try {
		parseSignatureAlgorithm(bytes, "signature algorithm", FIELDS, f[F.TBS_ALGORITHM], f[F.TBS_ALGORITHM_END]);
	}
	catch (e) {
		// an algorithm the verifier does not support is a defect (only when used), not malformed
		if (!(e instanceof X509Error) || e.code === "malformed")
			throw e;
	}
	const flags = f[F.FLAGS];
	const at = (i) => (f[i + 1] ? [bytes, f[i], f[i + 1]] : undefined);
	let serial = sub(bytes, f[F.SERIAL], f[F.SERIAL_END]);
	if (serial.length > 1 && serial[0] === 0)
		serial = serial.subarray(1);
	const key = oidToString(bytes, "key", f[F.KEY_ALGORITHM], f[F.KEY_ALGORITHM_END]);
	const eku = at(F.EKU), san = at(F.SAN), nc = at(F.NC), aki = at(F.AKI), ski = at(F.SKI);
	const out = {
		version: f[F.VERSION], serial: toHex(serial),
		notBefore: time(f[F.NOT_BEFORE_HIGH], f[F.NOT_BEFORE_LOW]), notAfter: time(f[F.NOT_AFTER_HIGH], f[F.NOT_AFTER_LOW]),
		issuer: hex(sub(bytes, f[F.ISSUER], f[F.ISSUER_END])), subject: hex(sub(bytes, f[F.SUBJECT], f[F.SUBJECT_END])),
		selfIssued: (flags & SELF_ISSUED) !== 0, key: KEY_ALGORITHMS[key] ?? key,
		spki: hex(sub(bytes, f[F.SPKI], f[F.SPKI_END])), signature: hex(sub(bytes, f[F.SIGNATURE], f[F.SIGNATURE_END])),
		basicConstraints: !(flags & HAS_BC) ? null : (flags & HAS_PATH) ? { ca: (flags & CA) !== 0, pathLength: f[F.PATH_LENGTH] } : { ca: (flags & CA) !== 0 },
		keyUsage: flags & HAS_KU ? f[F.KEY_USAGE] : null,
		extKeyUsage: eku ? parseExtKeyUsage(...eku) : null,
		subjectAltName: san ? parseSubjectAltName(...san) : null,
		nameConstraints: nc ? parseNameConstraints(...nc) : null,
		subjectKeyId: ski ? hexAt(bytes, subjectKeyIdAt(...ski)) : null,
		authorityKeyId: aki ? hexAt(bytes, authorityKeyIdAt(...aki)) : null,
		unknownCritical: (flags & UNKNOWN_CRITICAL) !== 0,
	};
	// the extKeyUsage flags say what the list says
	if (eku) {
		const list = out.extKeyUsage;
		const want = (list.includes("1.3.6.1.5.5.7.3.1") ? SERVER_AUTH : 0) | (list.includes("1.3.6.1.5.5.7.3.2") ? CLIENT_AUTH : 0) | (list.includes("2.5.29.37.0") ? ANY_EKU : 0);
		if (!(flags & HAS_EKU) || (flags & (SERVER_AUTH | CLIENT_AUTH | ANY_EKU)) !== want)
			out.ekuFlags = "wrong";
	}
	// ranges nested as the structure says
	if (!(f[F.TBS] < f[F.TBS_END] && f[F.TBS_END] <= f[F.ALGORITHM] && f[F.SIGNATURE_END] === bytes.length && f[F.SPKI_END] <= f[F.TBS_END]))
		out.ranges = "wrong";
	return out;
}

function hexAt(bytes, range) {
	return range === undefined ? null : toHex(bytes.subarray(range % 0x10000, Math.floor(range / 0x10000)));
}

let failed = 0, count = 0;
function report(line) {
	count++;
	if (!line.ok)
		failed++;
	trace(JSON.stringify(line) + "\n");
}

function compare(name, bytes) {
	const js = viaJS(bytes), c = viaC(bytes);
	if (js.error !== undefined || c.error !== undefined) {
		// the locator and the JS it leaves in place accept exactly what the JS parser accepts
		const ok = js.error !== undefined && c.error !== undefined;
		return { ok, name, js: js.error ?? "accepted", c: c.error ?? "accepted" };
	}
	const a = JSON.stringify(js), b = JSON.stringify(c);
	return { ok: a === b, name, ...(a === b ? {} : { js: a, c: b }) };
}

/** every element's header position in bytes (a DER walk that descends into constructed ones) */
function headers(bytes) {
	const out = [];
	const walk = (at, end, depth) => {
		while (at < end && depth < 12) {
			const start = at, tag = bytes[at];
			let length = bytes[at + 1], head = 2;
			if (length & 0x80) {
				const n = length & 0x7f;
				length = 0;
				for (let i = 0; i < n; i++) length = length * 256 + bytes[at + 2 + i];
				head += n;
			}
			out.push(start);
			if (tag & 0x20)
				walk(start + head, start + head + length, depth + 1);
			// OCTET STRING extension values hold DER too
			else if (tag === 0x04 && bytes[start + head] === 0x30)
				walk(start + head, start + head + length, depth + 1);
			at = start + head + length;
		}
	};
	walk(0, bytes.length, 0);
	return out;
}

const cases = JSON.parse(readText(argv[1]));
for (const file of cases.same) {
	const bytes = new Uint8Array(readFile(file));
	const line = compare(file.split("/").pop(), bytes);
	// what the node test compares with OpenSSL's reading (node:crypto X509Certificate)
	const c = viaC(bytes);
	if (c.error === undefined)
		line.fields = { file, serial: c.serial, notBefore: c.notBefore, notAfter: c.notAfter, ca: c.basicConstraints?.ca ?? false,
			eku: c.extKeyUsage, dns: c.subjectAltName?.dns ?? null };
	report(line);
}
for (const file of cases.mutate) {
	const bytes = new Uint8Array(readFile(file));
	const base = file.split("/").pop();
	const bad = [];
	let tried = 0;
	const one = (what, mutated) => {
		tried++;
		const r = compare(what, mutated);
		if (!r.ok && bad.length < 5)
			bad.push(r);
	};
	for (let n = 0; n < bytes.length; n++) {
		const c = viaC(bytes.subarray(0, n));
		tried++;
		if (c.error === undefined && bad.length < 5)
			bad.push({ name: `truncated to ${n}`, c: "accepted" });
	}
	for (const at of headers(bytes)) {
		for (const change of [0x20, 0x01, 0x80, 0x1f]) {
			const m = bytes.slice();
			m[at] ^= change;
			one(`tag at ${at} ^ ${change}`, m);
		}
		if (bytes[at + 1] < 0x80) {
			for (const delta of [1, -1, 0x80]) {
				const m = bytes.slice();
				m[at + 1] = (m[at + 1] + delta) & 0xff;
				one(`length at ${at + 1} + ${delta}`, m);
			}
		}
		else {
			const m = bytes.slice();
			m[at + 2 + (bytes[at + 1] & 0x7f) - 1] ^= 1;
			one(`long length at ${at + 1} ^ 1`, m);
		}
	}
	report({ ok: bad.length === 0, name: `${base}: ${tried} mutations`, bad });
}
for (const c of cases.expect) {
	const bytes = new Uint8Array(readFile(c.file));
	const r = viaC(bytes);
	const js = viaJS(bytes);
	const ok = c.error === null ? r.error === undefined : r.error !== undefined && r.error.includes(c.error) && r.error.startsWith("x509: certificate: ");
	report({ ok, name: c.name, expected: c.error, got: r.error ?? "accepted", js: js.error ?? "accepted" });
}
// the device profile's intake (x509/intake: intake-located.ts): certificates gathered when they come in pieces
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
if (cases.device) {
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
}
trace(JSON.stringify({ done: count, failed }) + "\n");
