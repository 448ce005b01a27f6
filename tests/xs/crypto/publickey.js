// The public-key API (crypto/keys, crypto/signature, crypto/ecdh) driven by a plan that
// tests/crypto.test.mjs writes with keys, messages and signatures made by Node:
//   xsh publickey.js <dir>     reads <dir>/plan.json; every file the plan names is in <dir>
// Prints one JSON line per part, { section, result }: what each key parsed to, each verification,
// each signature made here (hex, for Node to verify), each shared secret, each error.
import { readFile, readText, argv } from "xsh";
import { Key } from "crypto/keys";
import { ECDH } from "crypto/ecdh";
import { verifyECDSA, signECDSA, verifyPKCS1, signPKCS1, verifyPSS, signPSS, verifyScheme, signScheme, schemeInfo } from "crypto/signature";
import { hex, unhex, attempt, error, sections } from "./common.js";

const dir = argv[1];
const plan = JSON.parse(readText(dir + "/plan.json"));
const file = (name) => readFile(dir + "/" + name);
const bytes = (entry, name) => entry[name + "Hex"] !== undefined ? unhex(entry[name + "Hex"]) : file(entry[name]);

function load(format, der) {
	switch (format) {
		case "spki": return Key.fromSPKI(der);
		case "rsapub": return Key.fromRSAPublicKey(der);
		case "private": return Key.fromPrivateKey(der);
	}
	throw new Error("plan: unknown format " + format);
}

function describe(key) {
	return {
		type: key.type, bits: key.bits, curve: key.curve ?? null, isPrivate: key.isPrivate,
		point: key.type === "rsa" ? null : hex(key.publicPoint()),
	};
}

const keys = {}, loadErrors = {};
for (const id in plan.keys) {
	const { file: name, format } = plan.keys[id];
	const result = attempt(() => load(format, file(name)));
	if (result.error)
		loadErrors[id] = result.error;
	else
		keys[id] = result.value;
}

function verify(v) {
	const key = keys[v.key], data = bytes(v, "msg"), signature = bytes(v, "sig");
	const options = { prehashed: v.prehashed === true };
	if (v.saltLength !== undefined)
		options.saltLength = v.saltLength;
	switch (v.alg) {
		case "ecdsa": return verifyECDSA(key, v.hash, data, signature, options);
		case "pkcs1": return verifyPKCS1(key, v.hash, data, signature, options);
		case "pss": return verifyPSS(key, v.hash, data, signature, options);
		case "scheme": return verifyScheme(v.scheme, key, data, signature);
	}
	throw new Error("plan: unknown algorithm " + v.alg);
}

function sign(s) {
	const key = keys[s.key], data = bytes(s, "msg");
	const options = { prehashed: s.prehashed === true };
	if (s.saltLength !== undefined)
		options.saltLength = s.saltLength;
	switch (s.alg) {
		case "ecdsa": return signECDSA(key, s.hash, data, options);
		case "pkcs1": return signPKCS1(key, s.hash, data, options);
		case "pss": return signPSS(key, s.hash, data, options);
		case "scheme": return signScheme(s.scheme, key, data);
	}
	throw new Error("plan: unknown algorithm " + s.alg);
}

sections({
	keys() {
		const out = {};
		for (const id in plan.keys)
			out[id] = loadErrors[id] ? { error: loadErrors[id] } : describe(keys[id]);
		return out;
	},

	matches() {
		return plan.matches.map(([a, b]) => keys[a].matches(keys[b]));
	},

	verify() {
		const out = {};
		for (const v of plan.verify) {
			const result = attempt(() => verify(v));
			out[v.id] = result.error ? { error: result.error } : result.value;
		}
		return out;
	},

	sign() {
		const out = {};
		for (const s of plan.sign) {
			const result = attempt(() => sign(s));
			if (result.error) {
				out[s.id] = { error: result.error };
				continue;
			}
			// verified here too, with the public key when the plan names one
			const self = s.public ? verify({ ...s, key: s.public, sigHex: hex(result.value) }) : null;
			out[s.id] = { sig: hex(result.value), self };
		}
		return out;
	},

	ecdh() {
		const out = {};
		for (const e of plan.ecdh) {
			const peer = bytes(e, "peer");
			if (e.private) {
				// a given private key: a static pair, and the stateless form
				const privateKey = file(e.private);
				const pair = new ECDH(e.group, privateKey);
				const result = {
					publicKey: hex(pair.publicKey),
					secret: hex(pair.computeSecret(peer)),
					stateless: hex(ECDH.computeSecret(e.group, privateKey, peer)),
					statelessKey: e.peerKey ? hex(ECDH.computeSecret(e.group, privateKey, keys[e.peerKey])) : null,
				};
				pair.close();
				result.afterClose = error(() => pair.computeSecret(peer));
				out[e.id] = result;
			}
			else {
				// a new key pair made here: Node computes the secret from our public value
				const pair = new ECDH(e.group);
				out[e.id] = {
					group: pair.group,
					publicKey: hex(pair.publicKey),
					secret: hex(pair.computeSecret(peer)),
					secretKey: e.peerKey ? hex(pair.computeSecret(keys[e.peerKey])) : null,
				};
				pair.close();
			}
		}
		return out;
	},

	badKeys() {
		const out = {};
		for (const b of plan.badKeys)
			out[b.id] = error(() => load(b.format, bytes(b, "der")));
		return out;
	},

	badPeers() {
		const out = {};
		for (const b of plan.badPeers) {
			const peer = b.peerKey ? keys[b.peerKey] : bytes(b, "peer");
			const pair = new ECDH(b.group);
			out[b.id] = {
				object: error(() => pair.computeSecret(peer)),
				stateless: b.private ? error(() => ECDH.computeSecret(b.group, file(b.private), peer)) : null,
			};
			pair.close();
		}
		return out;
	},

	scalars() {
		// private keys given as bytes: { value: hex } or { error }
		const out = {};
		const value = (result) => result.error ? { error: result.error } : { value: hex(result.value) };
		for (const b of plan.scalars)
			out[b.id] = {
				publicKey: value(attempt(() => new ECDH(b.group, unhex(b.privateHex)).publicKey)),
				secret: value(attempt(() => ECDH.computeSecret(b.group, unhex(b.privateHex), unhex(b.peerHex)))),
			};
		return out;
	},

	rfc7748() {
		// RFC 7748 5.2: the two single-multiplication vectors, then k = u = 9 iterated (k, u) <- (X25519(k, u), k)
		const x = (k, u) => hex(ECDH.computeSecret("x25519", unhex(k), unhex(u)));
		let k = unhex("09" + "00".repeat(31)), u = k;
		const iterated = {};
		for (let i = 1; i <= 1000; i++) {
			const next = ECDH.computeSecret("x25519", k, u);
			u = k;
			k = new Uint8Array(next);
			if (i === 1 || i === 1000)
				iterated[i] = hex(k);
		}
		return {
			vector1: x("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4", "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"),
			vector2: x("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d", "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493"),
			iterated,
		};
	},

	misuse() {
		// the plan's keys by role: m.ec (P-256 public), m.ecPrivate, m.rsa (2048 public), m.rsaPrivate, m.x25519 (SPKI)
		const m = {};
		for (const role in plan.roles)
			m[role] = keys[plan.roles[role]];
		const msg = file(plan.message);
		const ecSig = signECDSA(m.ecPrivate, "SHA-256", msg);
		const rsaSig = signPKCS1(m.rsaPrivate, "SHA-256", msg);
		const closing = Key.fromSPKI(file(plan.keys[plan.roles.ec].file));
		closing.close();
		return {
			rsaPoint: error(() => m.rsa.publicPoint()),
			ecdsaWithRsa: error(() => verifyECDSA(m.rsa, "SHA-256", msg, ecSig)),
			ecdsaWithX25519: error(() => verifyECDSA(m.x25519, "SHA-256", msg, ecSig)),
			pkcs1WithEc: error(() => verifyPKCS1(m.ec, "SHA-256", msg, rsaSig)),
			pssWithEc: error(() => verifyPSS(m.ec, "SHA-256", msg, rsaSig)),
			signEcdsaWithPublic: error(() => signECDSA(m.ec, "SHA-256", msg)),
			signPkcs1WithPublic: error(() => signPKCS1(m.rsa, "SHA-256", msg)),
			signPkcs1WithEc: error(() => signPKCS1(m.ecPrivate, "SHA-256", msg)),
			sha1: error(() => verifyPKCS1(m.rsa, "SHA-1", msg, rsaSig)),
			md5: error(() => verifyPKCS1(m.rsa, "MD5", msg, rsaSig)),
			digestLength: error(() => verifyECDSA(m.ec, "SHA-256", new Uint8Array(31), ecSig, { prehashed: true })),
			signDigestLength: error(() => signPKCS1(m.rsaPrivate, "SHA-384", new Uint8Array(32), { prehashed: true })),
			saltTooLong: error(() => signPSS(m.rsaPrivate, "SHA-512", msg, { saltLength: 200 })),
			saltNegative: error(() => signPSS(m.rsaPrivate, "SHA-256", msg, { saltLength: -1 })),
			mgf1: error(() => verifyPSS(m.rsa, "SHA-256", msg, rsaSig, { mgfHash: "SHA-384" })),
			mgf1Sign: error(() => signPSS(m.rsaPrivate, "SHA-256", msg, { mgfHash: "SHA-384" })),
			unknownScheme: error(() => verifyScheme(0x0807, m.rsa, msg, rsaSig)),
			closedVerify: error(() => verifyECDSA(closing, "SHA-256", msg, ecSig)),
			closedPoint: error(() => closing.publicPoint()),
			closedMatches: error(() => m.ec.matches(closing)),
			closeTwice: error(() => closing.close()),
			wrongCurve: error(() => new ECDH("secp384r1").computeSecret(m.ec)),
			wrongCurveX25519: error(() => new ECDH("x25519").computeSecret(m.ec)),
			unsupportedGroup: error(() => new ECDH("secp521r1")),
			emptySignature: verifyECDSA(m.ec, "SHA-256", msg, new Uint8Array(0)),
			shortRsaSignature: verifyPKCS1(m.rsa, "SHA-256", msg, new Uint8Array(255)),
			schemes: [0x0401, 0x0403, 0x0503, 0x0804, 0x0807].map((code) => schemeInfo(code) ?? null),
		};
	},
});
