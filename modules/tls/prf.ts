/* The TLS 1.2 PRF (RFC 5246 section 5): P_hash over HMAC with the suite's hash. */
import { HMAC } from "crypto/mac";
import type { HashAlgorithm } from "crypto/hash";
import { writeAscii } from "./bytes";


/** PRF(secret, label, seed) truncated to `length` bytes */
export function prf12(hash: HashAlgorithm, secret: ArrayBuffer, label: string, seed: Uint8Array, length: number): ArrayBuffer {
	const labelSeed = new Uint8Array(label.length + seed.length);
	labelSeed.set(seed, writeAscii(labelSeed, 0, label));
	const mac = new HMAC(hash, secret);
	const out = new Uint8Array(length);
	let a: ArrayBuffer = mac.update(labelSeed).digest();      // A(1)
	let offset = 0;
	while (offset < length) {
		const block = mac.update(a).update(labelSeed).digest();
		out.set(new Uint8Array(block, 0, Math.min(block.byteLength, length - offset)), offset);
		offset += block.byteLength;
		a = mac.update(a).digest();
	}
	mac.close();
	return out.buffer as ArrayBuffer;
}
