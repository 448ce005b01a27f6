// The XS side of npm run bench:crypto: the same work as bench/crypto_c.c, through our natives
// and TypeScript facade. Prints one JSON object.
//   build/xsh bench/xs/crypto.js <inputs file>
import { argv, readText, now } from "xsh";
import Instrumentation from "instrumentation";
import { AEAD } from "crypto/aead";
import { ECDH } from "crypto/ecdh";
import { Key } from "crypto/keys";
import { verifyECDSA, verifyPKCS1 } from "crypto/signature";
import { randomBytes } from "crypto/random";

const inputs = {};
for (const line of readText(argv[1]).split("\n")) {
	const [name, hex] = line.split(" ");
	if (!hex) continue;
	const bytes = new Uint8Array(hex.length / 2);
	for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.substr(i * 2, 2), 16);
	inputs[name] = bytes.buffer;
}

const RECORD = 16384;
function throughput(algorithm) {
	const aead = new AEAD(algorithm, randomBytes(algorithm === "AES-128-GCM" ? 16 : 32));
	const buffer = new ArrayBuffer(RECORD + 16);
	const nonce = new ArrayBuffer(12), aad = new ArrayBuffer(5);
	let bytes = 0, elapsed;
	const start = now();
	do {
		aead.seal(nonce, aad, buffer, 0, RECORD);
		bytes += RECORD;
		elapsed = now() - start;
	} while (elapsed < 1000);
	aead.close();
	return bytes / elapsed / 1000;
}

const heapUsed = Instrumentation.map("Native Heap Used");
const heapPeak = Instrumentation.map("Native Heap Peak");
const stackPeak = Instrumentation.map("C Stack Peak");
// the peaks are taken relative to the values read right after resetPeaks(), from the same depth
// of C stack as the native call in `operation`: the figures are what the native itself adds
function measure(operation) {
	Instrumentation.resetPeaks();
	const heapBefore = Instrumentation.get(heapUsed), stackBefore = Instrumentation.get(stackPeak);
	if (!operation()) throw new Error("bench: operation failed");
	const heap = Instrumentation.get(heapPeak) - heapBefore, stack = Instrumentation.get(stackPeak) - stackBefore;
	let count = 0, elapsed;
	const start = now();
	do { operation(); count++; elapsed = now() - start; } while (elapsed < 300 && count < 2000);
	return { ms: elapsed / count, heapPeak: heap, stackPeak: stack };
}

function ecdhe(group, peer) {
	const mine = new ECDH(group);
	const secret = mine.computeSecret(peer);
	mine.close();
	return secret.byteLength > 0;
}

const ecdsaKey = Key.fromSPKI(inputs.ecdsa_spki);
const rsaKey = Key.fromSPKI(inputs.rsa_spki);
const result = {
	aead: { "AES-128-GCM": throughput("AES-128-GCM"), "ChaCha20-Poly1305": throughput("CHACHA20-POLY1305") },
	unit: "MB/s",
	ops: {
		"X25519": measure(() => ecdhe("x25519", inputs.x25519_public)),
		"P-256 ECDHE": measure(() => ecdhe("secp256r1", inputs.p256_public)),
		"ECDSA P-256 verify": measure(() => verifyECDSA(ecdsaKey, "SHA-256", inputs.message, inputs.ecdsa_signature)),
		"RSA-2048 verify": measure(() => verifyPKCS1(rsaKey, "SHA-256", inputs.message, inputs.rsa_signature)),
	},
};
trace(JSON.stringify(result) + "\n");
