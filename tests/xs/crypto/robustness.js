// Robustness of the public-key natives, on the files tests/crypto.test.mjs writes (see publickey.js):
//   xsh robustness.js <dir> <section> [seed]
//   gc:     objects never closed (ECDH, Key, Hash, HMAC, AEAD) are freed by the garbage collector:
//           the native heap returns to where it was
//   fuzz:   mutated keys, signatures and peer values (a seeded generator): every error is one of
//           ours ("crypto: ..."), no mutated signature verifies, nothing leaks
//   memory: the native heap peak and what stays held, per operation (after a warm-up)
// Prints one JSON line.
import { readFile, readText, argv } from "xsh";
import Instrumentation from "instrumentation";
import Debug from "debug";
import { Key } from "crypto/keys";
import { ECDH } from "crypto/ecdh";
import { verifyECDSA, signECDSA, verifyPKCS1, signPKCS1, verifyPSS, signPSS } from "crypto/signature";
import { Hash } from "crypto/hash";
import { HMAC } from "crypto/mac";
import { AEAD } from "crypto/aead";
import { hex, thrown, emit } from "./common.js";

const dir = argv[1], section = argv[2];
const file = (name) => new Uint8Array(readFile(dir + "/" + name));
const used = Instrumentation.map("Native Heap Used"), peak = Instrumentation.map("Native Heap Peak");
const heap = () => Instrumentation.get(used);

function gc() {
	const before = heap();
	let peakLive = 0;
	for (let round = 0; round < 3; round++) {
		let keep = [];
		for (let i = 0; i < 60; i++) {
			keep.push(new ECDH(i & 1 ? "x25519" : "secp256r1"), Key.fromSPKI(file("rsa2048.spki.der")),
				Key.fromPrivateKey(file("p256.pkcs8.der")), new Hash("SHA-384").update("x"),
				new HMAC("SHA-256", new Uint8Array(32)), new AEAD("AES-256-GCM", new Uint8Array(32)));
		}
		// a verification caches R^2 mod N in the key: freed with it
		verifyPKCS1(keep[1], "SHA-256", file("msg.bin"), file("pkcs1-2048-sha256.sig"));
		peakLive = Math.max(peakLive, heap());
		keep = null;
		Debug.gc();
	}
	return { before, peakLive, after: heap() };
}

function fuzz(seed) {
	let state = seed;
	const rnd = (n) => {
		state = (state * 1103515245 + 12345) & 0x7fffffff;
		return state % n;
	};
	function mutate(source) {
		let b = Array.from(source);
		const k = 1 + rnd(4);
		for (let i = 0; i < k; i++) {
			const op = rnd(5), at = rnd(b.length + 1);
			if (op === 0 && b.length) b[at % b.length] = rnd(256);
			else if (op === 1 && b.length) b[at % b.length] ^= 1 << rnd(8);
			else if (op === 2) b.splice(at, 0, rnd(256));
			else if (op === 3 && b.length) b.splice(at % b.length, 1 + rnd(3));
			else b = b.slice(0, at);
		}
		return new Uint8Array(b);
	}
	const same = (a, b) => hex(a) === hex(b);
	const counts = {}, bugs = [];
	function tryIt(name, fn) {
		try {
			const result = fn();
			counts[name + ": ok"] = (counts[name + ": ok"] ?? 0) + 1;
			return result;
		}
		catch (e) {
			const { type, message } = thrown(e);
			if (!message.startsWith("crypto: ") || !["Error", "RangeError", "TypeError"].includes(type))
				bugs.push(`${name}: ${type} ${message}`);
			else
				counts[message] = (counts[message] ?? 0) + 1;
		}
	}
	const publics = ["p256.spki.der", "p384.spki.der", "rsa2048.spki.der", "rsa3072.spki.der", "x25519.spki.der"].map(file);
	const privates = ["p256.pkcs8.der", "p256.sec1.der", "p256.sec1-nopub.der", "p384.pkcs8.der", "rsa2048.pkcs8.der", "rsa2048.pkcs1.der"].map(file);
	const rsaPublic = file("rsa2048.rsapub.der");
	const ec = Key.fromSPKI(publics[0]), rsa = Key.fromSPKI(publics[2]);
	const msg = file("msg.bin");
	const ecdsaSig = file("ecdsa-p256-sha256.sig"), pkcs1Sig = file("pkcs1-2048-sha256.sig"), pssSig = file("pss-2048-sha256.sig");
	const peer256 = file("p256peer.pub"), peerX = file("x25519peer.pub");
	const mine256 = new ECDH("secp256r1"), mineX = new ECDH("x25519");
	verifyPKCS1(rsa, "SHA-256", msg, pkcs1Sig);    // caches the key's R^2 mod N, which stays with the key
	const before = heap();
	for (let i = 0; i < 250; i++) {
		tryIt("spki", () => Key.fromSPKI(mutate(publics[rnd(publics.length)])).close());
		tryIt("rsapub", () => Key.fromRSAPublicKey(mutate(rsaPublic)).close());
		tryIt("private", () => Key.fromPrivateKey(mutate(privates[rnd(privates.length)])).close());
		for (const [name, original, verify] of [
			["ecdsa", ecdsaSig, (s) => verifyECDSA(ec, "SHA-256", msg, s)],
			["pkcs1", pkcs1Sig, (s) => verifyPKCS1(rsa, "SHA-256", msg, s)],
			["pss", pssSig, (s) => verifyPSS(rsa, "SHA-256", msg, s)],
		]) {
			const forged = mutate(original);
			if (tryIt(name, () => verify(forged)) === true && !same(forged, original))
				bugs.push(`${name}: a mutated signature verified: ${hex(forged)}`);
		}
		tryIt("p256 peer", () => mine256.computeSecret(mutate(peer256)));
		tryIt("x25519 peer", () => mineX.computeSecret(mutate(peerX)));
		tryIt("p384 scalar", () => ECDH.computeSecret("secp384r1", mutate(file("p384.d")), file("p384peer.pub")));
	}
	Debug.gc();
	return { counts, bugs, before, after: heap() };
}

function memory() {
	const msg = file("msg.bin");
	const p256 = Key.fromSPKI(file("p256.spki.der")), p384 = Key.fromSPKI(file("p384.spki.der"));
	const rsa = Key.fromSPKI(file("rsa2048.spki.der"));
	const p256private = Key.fromPrivateKey(file("p256.pkcs8.der")), rsaPrivate = Key.fromPrivateKey(file("rsa2048.pkcs8.der"));
	const peerX = file("x25519peer.pub"), peer256 = file("p256peer.pub"), peer384 = file("p384peer.pub");
	const s256 = file("ecdsa-p256-sha256.sig"), s384 = file("ecdsa-p384-sha384.sig");
	const sPkcs1 = file("pkcs1-2048-sha256.sig"), sPss = file("pss-2048-sha256.sig");
	const agree = (group, peer) => () => { const e = new ECDH(group); e.computeSecret(peer); e.close(); };
	const ops = {
		"X25519 key pair + shared secret": agree("x25519", peerX),
		"P-256 key pair + shared secret": agree("secp256r1", peer256),
		"P-384 key pair + shared secret": agree("secp384r1", peer384),
		"ECDSA P-256 verify": () => verifyECDSA(p256, "SHA-256", msg, s256),
		"ECDSA P-384 verify": () => verifyECDSA(p384, "SHA-384", msg, s384),
		"ECDSA P-256 sign": () => signECDSA(p256private, "SHA-256", msg),
		"RSA-2048 PKCS#1 verify": () => verifyPKCS1(rsa, "SHA-256", msg, sPkcs1),
		"RSA-2048 PSS verify": () => verifyPSS(rsa, "SHA-256", msg, sPss),
		"RSA-2048 PKCS#1 sign": () => signPKCS1(rsaPrivate, "SHA-256", msg),
		"RSA-2048 PSS sign": () => signPSS(rsaPrivate, "SHA-256", msg),
	};
	const out = {};
	for (const name in ops) {
		// warm-up: the first RSA private operations make the blinding pair and the CRT caches the key keeps
		ops[name]();
		ops[name]();
		Instrumentation.resetPeaks();
		const before = heap();
		ops[name]();
		out[name] = { peak: Instrumentation.get(peak) - before, held: heap() - before };
	}
	return out;
}

try {
	if (section === "gc") emit(gc());
	else if (section === "fuzz") emit(fuzz(Number(argv[3] ?? 1)));
	else if (section === "memory") emit(memory());
	else throw new Error("robustness.js: unknown section " + section);
}
catch (e) {
	emit({ error: thrown(e), stack: String(e?.stack ?? "") });
}
