// The symmetric crypto API (crypto/hash, crypto/mac, crypto/aead, crypto/cbc, crypto/random) as
// tests/crypto.test.mjs checks it: prints one JSON line per section, { section, result }, with the
// values computed here (hex) and the errors thrown ({ type, message }); the expected values (FIPS
// 180, RFC 4231, RFC 5869, Node's ciphers) are on the Node side.
import { Hash, digest, hashSize, hashBlockSize } from "crypto/hash";
import { HMAC, hmac, hmacVerify, hkdf, hkdfExtract, hkdfExpand } from "crypto/mac";
import { AEAD, TAG_SIZE } from "crypto/aead";
import { cbcEncrypt, cbcDecrypt } from "crypto/cbc";
import { randomBytes, fillRandom, equal } from "crypto/random";
import { hex, unhex, ascii, error, sections } from "./common.js";

/** n bytes: (i * 7 + seed) & 255, the same pattern as pattern() in crypto.test.mjs */
function pattern(n, seed = 3) {
	const out = new Uint8Array(n);
	for (let i = 0; i < n; i++)
		out[i] = (i * 7 + seed) & 255;
	return out;
}

const TWO_BLOCK_256 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
const TWO_BLOCK_384 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
/** piece sizes for incremental hashing and opening: odd, block-sized, across blocks */
const PIECES = [1, 2, 3, 5, 8, 13, 21, 34, 55, 63, 64, 65, 127, 128, 129, 7, 11];

function inPieces(total, sizes, each) {
	for (let offset = 0, i = 0; offset < total; i++) {
		const n = Math.min(sizes[i % sizes.length], total - offset);
		each(offset, n);
		offset += n;
	}
}

const HMAC_CASES = [
	// RFC 4231 section 4.2 to 4.8: [key, data]
	[new Uint8Array(20).fill(0x0b), ascii("Hi There")],
	[ascii("Jefe"), ascii("what do ya want for nothing?")],
	[new Uint8Array(20).fill(0xaa), new Uint8Array(50).fill(0xdd)],
	[unhex("0102030405060708090a0b0c0d0e0f10111213141516171819"), new Uint8Array(50).fill(0xcd)],
	[new Uint8Array(20).fill(0x0c), ascii("Test With Truncation")],
	[new Uint8Array(131).fill(0xaa), ascii("Test Using Larger Than Block-Size Key - Hash Key First")],
	[new Uint8Array(131).fill(0xaa), ascii("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.")],
];

function range(from, to) {
	const out = new Uint8Array(to - from + 1);
	for (let i = 0; i < out.length; i++)
		out[i] = from + i;
	return out;
}

const HKDF_CASES = [
	// RFC 5869 A.1 to A.3 (SHA-256): [ikm, salt, info, length]
	[new Uint8Array(22).fill(0x0b), range(0x00, 0x0c), range(0xf0, 0xf9), 42],
	[range(0x00, 0x4f), range(0x60, 0xaf), range(0xb0, 0xff), 82],
	[new Uint8Array(22).fill(0x0b), new Uint8Array(0), new Uint8Array(0), 42],
];

const AEADS = [["AES-128-GCM", 16], ["AES-256-GCM", 32], ["CHACHA20-POLY1305", 32], ["AES-GCM", 24]];
const LENGTHS = [0, 1, 15, 16, 17, 64, 100, 1000];
const GUARD = 0xee;

/**
 * Seals `length` pattern bytes in place inside a view that starts 7 bytes into its ArrayBuffer,
 * at offset 5 of the view, then opens them in place; checks that nothing outside
 * [offset, offset + length + 16) of the ArrayBuffer changed.
 */
function sealOpen(aead, nonce, aad, length) {
	const before = 7, at = 5;
	const outer = new ArrayBuffer(before + at + length + TAG_SIZE + 13);
	const all = new Uint8Array(outer).fill(GUARD);
	const view = new Uint8Array(outer, before, at + length + TAG_SIZE + 4);
	const plaintext = pattern(length, 11);
	view.set(plaintext, at);
	const guards = () => all.every((b, i) => (i >= before + at && i < before + at + length + TAG_SIZE) || b === GUARD);
	const sealed = aead.seal(nonce, aad, view, at, length);
	const sealedHex = hex(view.subarray(at, at + length + TAG_SIZE));
	const guardsAfterSeal = guards();
	const opened = aead.open(nonce, aad, view, at, length + TAG_SIZE);
	return {
		sealed, sealedHex, guardsAfterSeal,
		opened, openedHex: hex(view.subarray(at, at + length)), guardsAfterOpen: guards(),
	};
}

function incremental(aead, nonce, aad, sealedHex, length, sizes, asViews) {
	const buffer = unhex(sealedHex);
	aead.start(nonce, aad);
	inPieces(length, sizes, (offset, n) => {
		if (asViews)
			aead.update(buffer.subarray(offset, offset + n));
		else
			aead.update(buffer, offset, n);
	});
	aead.finish(buffer, length);
	return hex(buffer.subarray(0, length));
}

sections({
	hash() {
		const million = {};
		const a1000 = new Uint8Array(1000).fill(0x61);
		for (const alg of ["SHA-256", "SHA-384"]) {
			const h = new Hash(alg);
			for (let i = 0; i < 1000; i++)
				h.update(a1000);
			million[alg] = hex(h.digest());
		}
		const outer = new ArrayBuffer(16);
		new Uint8Array(outer).set(ascii("..abc"), 3);
		return {
			abc256: hex(digest("SHA-256", "abc")),
			abc384: hex(digest("SHA-384", ascii("abc").buffer)),
			empty256: hex(digest("SHA-256", new Uint8Array(0))),
			empty384: hex(digest("SHA-384", "")),
			twoBlock256: hex(digest("SHA-256", TWO_BLOCK_256)),
			twoBlock384: hex(digest("SHA-384", ascii(TWO_BLOCK_384))),
			million,
			// offsets count from the view's own start
			stringRange: hex(digest("SHA-256", "xxabcyy", 2, 3)),
			view: hex(digest("SHA-256", new Uint8Array(outer, 5, 3))),
			dataView: hex(digest("SHA-256", new DataView(outer, 5, 3))),
			viewRange: hex(digest("SHA-256", new Uint8Array(outer, 3, 8), 2, 3)),
			offsetToEnd: hex(digest("SHA-256", new Uint8Array(outer, 3, 5), 2)),
			sizes: [hashSize("SHA-256"), hashSize("SHA-384"), hashBlockSize("SHA-256"), hashBlockSize("SHA-384"),
				new Hash("SHA-256").size, new Hash("SHA-384").size],
		};
	},

	incremental() {
		const data = pattern(1000);
		const out = {};
		for (const alg of ["SHA-256", "SHA-384"]) {
			const ranges = new Hash(alg), views = new Hash(alg), bytes = new Hash(alg);
			inPieces(data.length, PIECES, (offset, n) => ranges.update(data, offset, n));
			inPieces(data.length, PIECES, (offset, n) => views.update(data.subarray(offset, offset + n)));
			for (let i = 0; i < data.length; i++)
				bytes.update(data, i, 1);
			out[alg] = { oneShot: hex(digest(alg, data)), ranges: hex(ranges.digest()), views: hex(views.digest()),
				bytes: hex(bytes.digest()) };
		}
		return out;
	},

	state() {
		const h = new Hash("SHA-256");
		h.update("a").update(ascii("b"));
		const fork = h.clone();
		h.update("c");
		const peek1 = hex(h.peek()), peek2 = hex(h.peek());
		const digest1 = hex(h.digest());
		const afterDigest = hex(h.digest());
		h.update("zzz");
		const forked = hex(fork.update("c").digest());

		const source = new Hash("SHA-256").update("ab");
		const target = new Hash("SHA-256").update("something else");
		target.copyFrom(source);
		const copied = hex(target.update("c").digest());
		const sourceAfter = hex(source.peek());
		const sourceThen = hex(source.update("c").digest());

		// the transcript-hash pattern: peek after each message, across block boundaries
		const messages = ["client hello", "", "server hello ".repeat(20), "certificate ".repeat(30), "finished"];
		const transcript = new Hash("SHA-384");
		const peeks = messages.map((m) => hex(transcript.update(m).peek()));
		const mid = new Hash("SHA-384").update(pattern(200));
		const midClone = mid.clone();
		mid.update("left");
		midClone.update("right");

		const reset = hex(new Hash("SHA-256").update("junk").reset().update("abc").digest());
		return { peek1, peek2, digest1, afterDigest, forked, copied, sourceAfter, sourceThen, messages, peeks,
			midLeft: hex(mid.digest()), midRight: hex(midClone.digest()), reset };
	},

	hmac() {
		const cases = HMAC_CASES.map(([key, data]) => ({
			"SHA-256": hex(hmac("SHA-256", key, data)),
			"SHA-384": hex(hmac("SHA-384", key, data)),
		}));
		// incremental, in pieces, and the same object again for the next message
		const [key7, data7] = HMAC_CASES[6];
		const mac = new HMAC("SHA-384", key7);
		inPieces(data7.length, PIECES, (offset, n) => mac.update(data7, offset, n));
		const incremental = hex(mac.digest());
		const again = hex(mac.update(HMAC_CASES[6][1]).digest());
		const stringData = hex(new HMAC("SHA-256", HMAC_CASES[1][0]).update("what do ya ").update("want for nothing?").digest());
		const [key5, data5] = HMAC_CASES[4];
		const full256 = hmac("SHA-256", key5, data5), full384 = hmac("SHA-384", key5, data5);
		const flipped = new Uint8Array(full256.slice(0));
		flipped[31] ^= 1;
		const verify = {
			full256: hmacVerify("SHA-256", key5, data5, full256),
			full384: hmacVerify("SHA-384", key5, data5, full384),
			truncated256to16: hmacVerify("SHA-256", key5, data5, new Uint8Array(full256, 0, 16)),
			truncated384to24: hmacVerify("SHA-384", key5, data5, new Uint8Array(full384, 0, 24)),
			truncated256to15: hmacVerify("SHA-256", key5, data5, new Uint8Array(full256, 0, 15)),
			truncated384to16: hmacVerify("SHA-384", key5, data5, new Uint8Array(full384, 0, 16)),
			flipped: hmacVerify("SHA-256", key5, data5, flipped),
			tooLong: hmacVerify("SHA-256", key5, data5, new Uint8Array(33)),
			otherKey: hmacVerify("SHA-256", key7, data5, full256),
		};
		return { cases, incremental, again, stringData, verify };
	},

	hkdf() {
		const cases = HKDF_CASES.map(([ikm, salt, info, length]) => {
			const prk = hkdfExtract("SHA-256", salt, ikm);
			return {
				prk: hex(prk),
				okm: hex(hkdf("SHA-256", ikm, salt, info, length)),
				expand: hex(hkdfExpand("SHA-256", prk, info, length)),
			};
		});
		const [ikm] = HKDF_CASES[2];
		const prk1 = hkdfExtract("SHA-256", HKDF_CASES[0][1], HKDF_CASES[0][0]);
		return {
			cases,
			// case 3 with no salt and no info at all
			noSaltPrk: hex(hkdfExtract("SHA-256", undefined, ikm)),
			noSaltOkm: hex(hkdf("SHA-256", ikm, undefined, undefined, 42)),
			noInfoExpand: hex(hkdfExpand("SHA-256", hkdfExtract("SHA-256", undefined, ikm), undefined, 42)),
			zeroLength: hkdfExpand("SHA-256", prk1, undefined, 0).byteLength,
			maxLength: hkdfExpand("SHA-256", prk1, undefined, 255 * 32).byteLength,
			max384: hkdf("SHA-384", ikm, undefined, undefined, 255 * 48).byteLength,
			errors: {
				tooLong: error(() => hkdfExpand("SHA-256", prk1, undefined, 255 * 32 + 1)),
				tooLong384: error(() => hkdf("SHA-384", ikm, undefined, undefined, 255 * 48 + 1)),
				shortPrk: error(() => hkdfExpand("SHA-256", new Uint8Array(31), undefined, 10)),
				negative: error(() => hkdf("SHA-256", ikm, undefined, undefined, -1)),
				hash: error(() => hkdf("SHA-512", ikm, undefined, undefined, 10)),
			},
		};
	},

	aead() {
		const out = {};
		const nonce = pattern(12, 1), aad = pattern(13, 2);
		for (const [alg, size] of AEADS) {
			const key = pattern(size, 5);
			const aead = new AEAD(alg, key);
			const runs = {};
			for (const length of LENGTHS)
				runs[length] = sealOpen(aead, nonce, aad, length);
			const plaintext = pattern(100, 11);
			const encrypted = aead.encrypt(nonce, aad, plaintext);
			out[alg] = {
				algorithm: aead.algorithm, keySize: aead.keySize, nonceSize: aead.nonceSize,
				runs,
				encrypt: hex(encrypted),
				decrypt: hex(aead.decrypt(nonce, aad, encrypted)),
				// no aad: undefined, null and empty are the same
				aadUndefined: hex(aead.encrypt(nonce, undefined, plaintext)),
				aadNull: hex(aead.encrypt(nonce, null, plaintext)),
				aadEmpty: hex(aead.encrypt(nonce, new Uint8Array(0), plaintext)),
				dataView: sealOpen(aead, nonce, new DataView(aad.buffer), 33),
			};
			aead.close();
		}
		// GCM takes other IV lengths (SP 800-38D); TLS uses 12
		const gcm = new AEAD("AES-GCM", pattern(16, 5));
		out.gcmIv = { 8: hex(gcm.encrypt(pattern(8, 1), aad, pattern(100, 11))), 60: hex(gcm.encrypt(pattern(60, 1), aad, pattern(100, 11))) };
		out.TAG_SIZE = [TAG_SIZE, AEAD.TAG_SIZE];
		return out;
	},

	incrementalOpen() {
		const nonce = pattern(12, 1), aad = pattern(13, 2);
		const patterns = {
			odd: [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31, 33],
			primes: [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47],
			aroundBlocks: [15, 1, 17, 31, 33, 47, 49],
			blocks: [16, 32, 64],
			one: [1],
			allButOne: [999, 1],
			whole: [1000],
		};
		const out = {};
		for (const [alg, size] of AEADS) {
			const aead = new AEAD(alg, pattern(size, 5));
			const sealed = {};
			for (const length of [100, 1000]) {
				const buffer = new Uint8Array(length + TAG_SIZE);
				buffer.set(pattern(length, 11));
				aead.seal(nonce, aad, buffer, 0, length);
				sealed[length] = hex(buffer);
			}
			const opened = {}, views = {};
			for (const name in patterns) {
				opened[name] = incremental(aead, nonce, aad, sealed[1000], 1000, patterns[name], false);
				views[name] = incremental(aead, nonce, aad, sealed[100], 100, patterns[name], true);
			}
			const byOpen = unhex(sealed[1000]);
			aead.open(nonce, aad, byOpen, 0, byOpen.length);
			// an empty message: start, no update, finish
			const empty = new Uint8Array(TAG_SIZE);
			aead.seal(nonce, aad, empty, 0, 0);
			aead.start(nonce, aad);
			const emptyFinish = error(() => aead.finish(empty));
			out[alg] = { opened, views, open: hex(byOpen.subarray(0, 1000)), emptyFinish };
			aead.close();
		}
		return out;
	},

	badTag() {
		const nonce = pattern(12, 1), aad = pattern(13, 2), length = 50;
		const out = {};
		for (const [alg, size] of AEADS) {
			const aead = new AEAD(alg, pattern(size, 5));
			const sealed = new Uint8Array(length + TAG_SIZE);
			sealed.set(pattern(length, 11));
			aead.seal(nonce, aad, sealed, 0, length);
			const tampered = (mutate, useNonce = nonce, useAad = aad) => {
				const copy = sealed.slice();
				mutate(copy);
				const thrown = error(() => aead.open(useNonce, useAad, copy, 0, copy.length));
				return { error: thrown, plaintext: hex(copy.subarray(0, length)) };
			};
			const otherAad = aad.slice();
			otherAad[0] ^= 1;
			const otherNonce = nonce.slice();
			otherNonce[11] ^= 0x80;
			const incrementalBad = sealed.slice();
			incrementalBad[length + TAG_SIZE - 1] ^= 0x80;
			aead.start(nonce, aad);
			aead.update(incrementalBad, 0, 7);
			aead.update(incrementalBad, 7, length - 7);
			const finishBad = error(() => aead.finish(incrementalBad, length));
			const finishAgain = error(() => aead.finish(sealed, length));
			const stillOpens = error(() => aead.open(nonce, aad, sealed.slice(), 0, sealed.length));
			out[alg] = {
				tagFirstBit: tampered((b) => { b[length] ^= 0x01; }),
				tagLastBit: tampered((b) => { b[length + TAG_SIZE - 1] ^= 0x80; }),
				ciphertextBit: tampered((b) => { b[3] ^= 0x10; }),
				aadBit: tampered(() => {}, nonce, otherAad),
				nonceBit: tampered(() => {}, otherNonce, aad),
				truncated: error(() => aead.open(nonce, aad, sealed.slice(), 0, sealed.length - 1)),
				finishBad, finishAgain, stillOpens,
			};
			aead.close();
		}
		return out;
	},

	aeadErrors() {
		const k16 = new Uint8Array(16), k32 = new Uint8Array(32), n12 = new Uint8Array(12);
		const buffer = () => new Uint8Array(64);
		const gcm = new AEAD("AES-128-GCM", k16), chacha = new AEAD("CHACHA20-POLY1305", k32);
		const out = {
			keySize: {
				"AES-128-GCM/32": error(() => new AEAD("AES-128-GCM", k32)),
				"AES-128-GCM/0": error(() => new AEAD("AES-128-GCM", new Uint8Array(0))),
				"AES-256-GCM/16": error(() => new AEAD("AES-256-GCM", k16)),
				"AES-256-GCM/24": error(() => new AEAD("AES-256-GCM", new Uint8Array(24))),
				"CHACHA20-POLY1305/16": error(() => new AEAD("CHACHA20-POLY1305", k16)),
				"CHACHA20-POLY1305/33": error(() => new AEAD("CHACHA20-POLY1305", new Uint8Array(33))),
				"AES-GCM/20": error(() => new AEAD("AES-GCM", new Uint8Array(20))),
			},
			nonceSize: {
				"gcm seal 0": error(() => gcm.seal(new Uint8Array(0), null, buffer(), 0, 10)),
				"gcm open 0": error(() => gcm.open(new Uint8Array(0), null, buffer(), 0, 40)),
				"gcm start 0": error(() => gcm.start(new Uint8Array(0), null)),
				"chacha seal 8": error(() => chacha.seal(new Uint8Array(8), null, buffer(), 0, 10)),
				"chacha seal 13": error(() => chacha.seal(new Uint8Array(13), null, buffer(), 0, 10)),
				"chacha open 11": error(() => chacha.open(new Uint8Array(11), null, buffer(), 0, 40)),
				"chacha start 16": error(() => chacha.start(new Uint8Array(16), null)),
			},
			algorithm: error(() => new AEAD("AES-512-GCM", k16)),
			bufferTooShort: error(() => gcm.seal(n12, null, buffer(), 0, 49)),
			bufferTooShortAtOffset: error(() => gcm.seal(n12, null, buffer(), 10, 40)),
			sealFits: gcm.seal(n12, null, buffer(), 10, 38),
			ciphertextTooShort: error(() => gcm.open(n12, null, buffer(), 0, 15)),
			badOffset: error(() => gcm.seal(n12, null, buffer(), 65, 0)),
			badLength: error(() => gcm.open(n12, null, buffer(), 0, -1)),
			updateNotStarted: error(() => gcm.update(buffer())),
			finishNotStarted: error(() => gcm.finish(buffer())),
		};
		// seal(), open() and start() abandon an incremental open in progress
		const abandon = (step) => {
			gcm.start(n12, null);
			gcm.update(buffer(), 0, 5);
			step();
			return error(() => gcm.update(buffer(), 5, 5));
		};
		out.abandonedBySeal = abandon(() => gcm.seal(n12, null, buffer(), 0, 10));
		const sealed = buffer();
		gcm.seal(n12, null, sealed, 0, 10);
		out.abandonedByOpen = abandon(() => gcm.open(n12, null, sealed.slice(), 0, 26));
		gcm.start(n12, null);
		gcm.update(buffer(), 0, 5);
		gcm.start(n12, null);
		const restarted = sealed.slice();
		gcm.update(restarted, 0, 10);
		out.restartedFinish = error(() => gcm.finish(restarted, 10));
		gcm.close();
		chacha.close();
		return out;
	},

	cbc() {
		const out = { roundTrips: {} };
		for (const size of [16, 24, 32]) {
			const key = pattern(size, 9), iv = pattern(16, 4);
			for (const length of [0, 1, 15, 16, 17, 33]) {
				const plaintext = pattern(length, 11);
				const ciphertext = cbcEncrypt(key, iv, plaintext);
				out.roundTrips[`${size}/${length}`] = { ciphertext: hex(ciphertext), plaintext: hex(cbcDecrypt(key, iv, ciphertext)) };
			}
		}
		const key = pattern(16, 9), iv = pattern(16, 4);
		// a whole block of padding (16 x 0x10): flipping bit 4 and 5 of the last byte of the block before
		// it turns the last plaintext byte into 0x20, which is no padding
		const badPadding = new Uint8Array(cbcEncrypt(key, iv, pattern(32, 11)));
		badPadding[32 + 15] ^= 0x30;
		out.errors = {
			ivSize: error(() => cbcEncrypt(key, new Uint8Array(15), pattern(16))),
			ivSizeDecrypt: error(() => cbcDecrypt(key, new Uint8Array(17), pattern(16))),
			keySize: error(() => cbcEncrypt(new Uint8Array(20), iv, pattern(16))),
			ciphertextSize: error(() => cbcDecrypt(key, iv, new Uint8Array(17))),
			ciphertextEmpty: error(() => cbcDecrypt(key, iv, new Uint8Array(0))),
			padding: error(() => cbcDecrypt(key, iv, badPadding)),
		};
		return out;
	},

	random() {
		const a = randomBytes(64), b = randomBytes(64);
		const filled = new Uint8Array(40).fill(0xaa);
		const returned = fillRandom(filled, 8, 16) === filled;
		const whole = fillRandom(new DataView(new ArrayBuffer(32)));
		const many = new Uint8Array(randomBytes(4096));
		const seen = new Set(many);
		const bytes = (...values) => new Uint8Array(values);
		const big = pattern(1000), bigOther = pattern(1000);
		bigOther[999] ^= 1;
		return {
			a: hex(a), b: hex(b), isArrayBuffer: a instanceof ArrayBuffer, zero: randomBytes(0).byteLength,
			filled: hex(filled), returned, whole: hex(whole), distinct: seen.size,
			equal: {
				same: equal(bytes(1, 2, 3), bytes(1, 2, 3)),
				acrossTypes: equal(bytes(1, 2, 3).buffer, new DataView(bytes(9, 1, 2, 3).buffer, 1)),
				empty: equal(new ArrayBuffer(0), new Uint8Array(0)),
				big: equal(big, pattern(1000)),
				firstDiffers: equal(bytes(0, 2, 3), bytes(1, 2, 3)),
				lastDiffers: equal(big, bigOther),
				shorter: equal(bytes(1, 2), bytes(1, 2, 3)),
				longer: equal(bytes(1, 2, 3, 0), bytes(1, 2, 3)),
				emptyVsOne: equal(new Uint8Array(0), bytes(0)),
			},
			errors: {
				negative: error(() => randomBytes(-1)),
				tooShort: error(() => fillRandom(new Uint8Array(4), 2, 3)),
				offset: error(() => fillRandom(new Uint8Array(4), 5)),
			},
		};
	},

	hashErrors() {
		return {
			unsupported: error(() => new Hash("MD5")),
			unsupportedDigest: error(() => digest("SHA-512", "abc")),
			unsupportedHmac: error(() => hmac("SHA-1", new Uint8Array(4), "abc")),
			mismatch: error(() => new Hash("SHA-384").copyFrom(new Hash("SHA-256"))),
			offset: error(() => digest("SHA-256", "abc", 4)),
			negativeOffset: error(() => digest("SHA-256", "abc", -1)),
			offsetType: error(() => digest("SHA-256", "abc", "1")),
			tooShort: error(() => digest("SHA-256", "abc", 1, 3)),
			length: error(() => digest("SHA-256", "abc", 0, -1)),
			hmacTooShort: error(() => new HMAC("SHA-256", new Uint8Array(4)).update(new Uint8Array(4), 2, 3)),
			offsetAtEnd: hex(digest("SHA-256", "abc", 3)),
		};
	},

	closed() {
		const h = new Hash("SHA-256");
		h.update("abc");
		h.close();
		const closeTwice = error(() => h.close());
		const live = new Hash("SHA-256");
		const mac = new HMAC("SHA-256", new Uint8Array(32));
		mac.close();
		const aead = new AEAD("AES-128-GCM", new Uint8Array(16));
		aead.close();
		const n12 = new Uint8Array(12);
		return {
			hash: {
				update: error(() => h.update("x")),
				digest: error(() => h.digest()),
				peek: error(() => h.peek()),
				reset: error(() => h.reset()),
				clone: error(() => h.clone()),
				copyInto: error(() => h.copyFrom(live)),
				copyFrom: error(() => live.copyFrom(h)),
				closeTwice,
			},
			hmac: {
				update: error(() => mac.update("x")),
				digest: error(() => mac.digest()),
				closeTwice: error(() => mac.close()),
			},
			aead: {
				seal: error(() => aead.seal(n12, null, new Uint8Array(32), 0, 16)),
				open: error(() => aead.open(n12, null, new Uint8Array(32), 0, 32)),
				encrypt: error(() => aead.encrypt(n12, null, new Uint8Array(4))),
				start: error(() => aead.start(n12, null)),
				update: error(() => aead.update(new Uint8Array(4))),
				finish: error(() => aead.finish(new Uint8Array(16))),
				closeTwice: error(() => aead.close()),
			},
		};
	},
});
