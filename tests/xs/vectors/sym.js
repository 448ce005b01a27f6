/*
 * Wycheproof vectors for the symmetric crypto core, run inside XS:
 * AES-GCM, ChaCha20-Poly1305, AES-CBC-PKCS5, HKDF-SHA256/384, HMAC-SHA256/384.
 *
 * run(dir, report) calls report(file, tcId, ok, detail) once for every test case, ok meaning
 * our result matches the expected decision ("valid" succeeds and matches, "invalid" is rejected).
 * A rejection only counts when it is one of our errors ("crypto: ..."), not a crash or a bug.
 * These files have no "acceptable" cases; ACCEPT below and docs/crypto-symmetric.md say how they
 * would be read.
 */
import { hex, toHex, load, attempt as attemptOrBug } from "./common.js";
import { AEAD, TAG_SIZE } from "crypto/aead";
import { cbcEncrypt, cbcDecrypt } from "crypto/cbc";
import { hkdf, hkdfExtract, hkdfExpand, hmac, hmacVerify, HMAC } from "crypto/mac";

/** attempt(), rethrowing anything that is not one of our rejections */
function attempt(f) {
	const outcome = attemptOrBug(f);
	if (outcome.bug !== undefined)
		throw outcome.exception;
	return outcome;
}

function view(buffer) {
	return buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
}

/* same bytes: a (Uint8Array or ArrayBuffer, from offset, count bytes) and b */
function same(a, b, offset = 0, count = b.length) {
	a = view(a);
	if (count !== b.length || offset + count > a.length) return false;
	for (let i = 0; i < count; i++)
		if (a[offset + i] !== b[i]) return false;
	return true;
}

/*
 * "acceptable" cases (none in these files today): accepted only when every flag is listed here,
 * otherwise they must be rejected. See docs/crypto-symmetric.md.
 */
const ACCEPT = ["SmallIv", "LongIv", "CounterWrap"];

function expectValid(test) {
	if (test.result === "valid") return true;
	if (test.result === "acceptable") return test.flags.length > 0 && test.flags.every((flag) => ACCEPT.includes(flag));
	return false;
}

function eachTest(data, f) {
	for (const group of data.testGroups)
		for (const test of group.tests)
			f(group, test);
}

function check(report, file, test, f) {
	let ok = false, detail;
	try {
		detail = f();
		ok = detail === undefined;
		if (ok) detail = test.result;
	}
	catch (e) {
		detail = "unexpected exception: " + ((e && e.message) || String(e));
	}
	report(file, test.tcId, ok, detail);
}

/* chunk patterns for the incremental open: ends inside and on block boundaries */
const CHUNKS = [[1], [7], [16], [17], [5, 11, 16, 33], [15, 1, 2, 30], [64]];

function aeadFile(dir, file, algorithm, report) {
	eachTest(load(dir, file), (group, test) => check(report, file, test, () => {
		const key = hex(test.key), iv = hex(test.iv), aad = hex(test.aad);
		const msg = hex(test.msg), ct = hex(test.ct), tag = hex(test.tag);
		const valid = expectValid(test);
		const made = attempt(() => new AEAD(algorithm, key));
		if (made.error) return valid ? "constructor: " + made.error : undefined;
		const aead = made.value;
		try {
			/* seal in place: a view at byte 2 of its buffer, the message at offset 3 in it, guard bytes around */
			const sealed = new Uint8Array(new ArrayBuffer(msg.length + 24), 2, msg.length + 20);
			sealed.fill(0xA5);
			sealed.set(msg, 3);
			const s = attempt(() => aead.seal(iv, aad, sealed, 3, msg.length));
			const sealMatches = !s.error && s.value === msg.length + TAG_SIZE
				&& same(sealed, ct, 3) && same(sealed, tag, 3 + ct.length)
				&& sealed[0] === 0xA5 && sealed[2] === 0xA5 && sealed[sealed.length - 1] === 0xA5;

			/* open in place: ciphertext and tag at offset 5 of an ArrayBuffer */
			const opened = new Uint8Array(ct.length + TAG_SIZE + 7);
			opened.set(ct, 5);
			opened.set(tag, 5 + ct.length);
			const o = attempt(() => aead.open(iv, aad, opened.buffer, 5, ct.length + TAG_SIZE));
			const openMatches = !o.error && o.value === ct.length && same(opened, msg, 5);

			/* incremental open, in pieces */
			const pattern = CHUNKS[test.tcId % CHUNKS.length];
			const pieces = new Uint8Array(ct);
			const i = attempt(() => {
				aead.start(iv, aad);
				for (let at = 0, k = 0; at < pieces.length; k++) {
					const n = Math.min(pattern[k % pattern.length], pieces.length - at);
					aead.update(pieces, at, n);
					at += n;
				}
				aead.finish(tag);
				return true;
			});
			const incrementalMatches = !i.error && same(pieces, msg);

			if (valid) {
				if (!sealMatches) return "seal: " + (s.error ?? "got " + toHex(sealed.subarray(3, 3 + s.value)));
				if (!openMatches) return "open: " + (o.error ?? "got " + toHex(opened.subarray(5, 5 + ct.length)));
				if (!incrementalMatches) return "incremental open: " + (i.error ?? "got " + toHex(pieces));
				return undefined;
			}
			if (!o.error) return "open accepted an invalid case";
			if (!i.error) return "incremental open accepted an invalid case";
			if (sealMatches) return "seal produced the invalid ciphertext";
			if (o.error === "crypto: bad tag" && !opened.subarray(5, 5 + ct.length).every((b) => b === 0))
				return "open left plaintext behind after a bad tag";
			return undefined;
		}
		finally {
			aead.close();
		}
	}));
}

function cbcFile(dir, file, report) {
	eachTest(load(dir, file), (group, test) => check(report, file, test, () => {
		const key = hex(test.key), iv = hex(test.iv), msg = hex(test.msg), ct = hex(test.ct);
		const d = attempt(() => cbcDecrypt(key, iv, ct));
		if (expectValid(test)) {
			const e = attempt(() => cbcEncrypt(key, iv, msg));
			if (e.error || !same(e.value, ct)) return "encrypt: " + (e.error ?? "got " + toHex(view(e.value)));
			if (d.error || !same(d.value, msg)) return "decrypt: " + (d.error ?? "got " + toHex(view(d.value)));
			return undefined;
		}
		if (!d.error) return "decrypt accepted an invalid case";
		return undefined;
	}));
}

function hkdfFile(dir, file, algorithm, report) {
	eachTest(load(dir, file), (group, test) => check(report, file, test, () => {
		const ikm = hex(test.ikm), salt = hex(test.salt), info = hex(test.info), okm = hex(test.okm);
		const one = attempt(() => hkdf(algorithm, ikm, salt, info, test.size));
		const two = attempt(() => hkdfExpand(algorithm, hkdfExtract(algorithm, salt, ikm), info, test.size));
		if (expectValid(test)) {
			if (one.error || !same(one.value, okm)) return "hkdf: " + (one.error ?? "got " + toHex(view(one.value)));
			if (two.error || !same(two.value, okm)) return "extract+expand: " + (two.error ?? "got " + toHex(view(two.value)));
			return undefined;
		}
		if (!one.error) return "hkdf accepted an invalid case";
		if (!two.error) return "extract+expand accepted an invalid case";
		return undefined;
	}));
}

function hmacFile(dir, file, algorithm, report) {
	eachTest(load(dir, file), (group, test) => check(report, file, test, () => {
		const key = hex(test.key), msg = hex(test.msg), tag = hex(test.tag);
		if (tag.length * 8 !== group.tagSize) return "tag size differs from the group's";
		const verified = hmacVerify(algorithm, key, msg, tag);
		const full = hmac(algorithm, key, msg);
		const h = new HMAC(algorithm, key);
		const half = msg.length >> 1;
		const incremental = h.update(msg, 0, half).update(msg.subarray(half)).digest();
		h.close();
		if (!same(incremental, view(full))) return "incremental HMAC differs from one-shot";
		if (expectValid(test)) {
			if (!same(full, tag, 0, tag.length)) return "hmac: got " + toHex(view(full));
			if (!verified) return "hmacVerify rejected a valid tag";
			return undefined;
		}
		if (verified) return "hmacVerify accepted an invalid tag";
		return undefined;
	}));
}

export default function run(dir, report) {
	aeadFile(dir, "aes_gcm_test.json", "AES-GCM", report);
	aeadFile(dir, "chacha20_poly1305_test.json", "CHACHA20-POLY1305", report);
	cbcFile(dir, "aes_cbc_pkcs5_test.json", report);
	hkdfFile(dir, "hkdf_sha256_test.json", "SHA-256", report);
	hkdfFile(dir, "hkdf_sha384_test.json", "SHA-384", report);
	hmacFile(dir, "hmac_sha256_test.json", "SHA-256", report);
	hmacFile(dir, "hmac_sha384_test.json", "SHA-384", report);
}
