// The C core's device profile (manifest_device.json's defines, build/xsh-device) against the full one
// (build/xsh): tests/device-native.test.mjs writes a P-256 and an RSA key pair and a signature made by
// Node into <dir>, then runs this in both hosts:
//   xsh device.js <dir>     prints one JSON line { privateEC, privateRSA, signECDSA, signPKCS1, signPSS, signScheme, verify, chacha, aesGcm }
// each entry { value } or { error: { type, message } }: what loading the private keys, signing with
// them (or, where they could not be loaded, with the public keys), verifying Node's signature, and sealing
// with ChaCha20-Poly1305 and AES-128-GCM gave.
import { readFile, argv } from "xsh";
import { Key } from "crypto/keys";
import { AEAD } from "crypto/aead";
import { verifyECDSA, signECDSA, signPKCS1, signPSS, signScheme } from "crypto/signature";
import { ascii, attempt, emit, hex } from "./common.js";

const dir = argv[1];
const file = (name) => readFile(dir + "/" + name);
const message = ascii("device profile");
const privateEC = attempt(() => Key.fromPrivateKey(file("ec.pkcs8")));
const privateRSA = attempt(() => Key.fromPrivateKey(file("rsa.pkcs8")));
const ec = privateEC.value ?? Key.fromSPKI(file("ec.spki"));
const rsa = privateRSA.value ?? Key.fromSPKI(file("rsa.spki"));
const signed = (r) => r.error ? r : { value: hex(r.value).length > 0 };
const loaded = (r) => r.error ? r : { value: r.value.isPrivate };
emit({
	privateEC: loaded(privateEC),
	privateRSA: loaded(privateRSA),
	signECDSA: signed(attempt(() => signECDSA(ec, "SHA-256", message))),
	signPKCS1: signed(attempt(() => signPKCS1(rsa, "SHA-256", message))),
	signPSS: signed(attempt(() => signPSS(rsa, "SHA-256", message))),
	signScheme: signed(attempt(() => signScheme(0x0403, ec, message))),
	verify: attempt(() => verifyECDSA(Key.fromSPKI(file("ec.spki")), "SHA-256", message, file("ec.sig"))),
	chacha: attempt(() => new AEAD("CHACHA20-POLY1305", new Uint8Array(32)).seal(new Uint8Array(12), new Uint8Array(0), new Uint8Array(16))),
	aesGcm: attempt(() => new AEAD("AES-128-GCM", new Uint8Array(16)).seal(new Uint8Array(12), new Uint8Array(0), new Uint8Array(16))),
});
