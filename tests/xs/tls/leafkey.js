// Test support: the public key of a DER certificate (tbsCertificate.subjectPublicKeyInfo), without
// any verification. Tests that bypass the X.509 verifier (verify: false) use it.
import { Key } from "crypto/keys";

function element(bytes, offset) {
	const tag = bytes[offset];
	let length = bytes[offset + 1], header = 2;
	if (length & 0x80) {
		const n = length & 0x7F;
		length = 0;
		for (let i = 0; i < n; i++) length = length * 256 + bytes[offset + 2 + i];
		header = 2 + n;
	}
	return { tag, start: offset, body: offset + header, end: offset + header + length };
}

export function leafKey(der) {
	const bytes = der instanceof Uint8Array ? der : new Uint8Array(der);
	const certificate = element(bytes, 0);
	const tbs = element(bytes, certificate.body);
	let at = tbs.body;
	let e = element(bytes, at);
	if (e.tag === 0xA0) { at = e.end; e = element(bytes, at); }   // version
	for (let i = 0; i < 5; i++) { e = element(bytes, at); at = e.end; }   // serial, signature, issuer, validity, subject
	const spki = element(bytes, at);
	return Key.fromSPKI(bytes.slice(spki.start, spki.end));
}

/** a certificate sink (tls/options CertificateSink) that keeps the leaf only and takes its key, without verification */
export function leafSink() {
	let leaf, filled = 0, index = -1;
	return {
		begin(length) { if (++index === 0) leaf = new Uint8Array(length); },
		update(bytes) { if (index === 0) { leaf.set(bytes, filled); filled += bytes.length; } },
		end() {},
		finish() { return leafKey(leaf); },
		close() {},
	};
}
