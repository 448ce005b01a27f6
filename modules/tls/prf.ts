/* The TLS 1.2 PRF (RFC 5246 section 5): P_hash over HMAC with the suite's hash. */
import { HMAC } from "crypto/mac";
import type { HashAlgorithm } from "crypto/hash";
import { ascii } from "./bytes";


/** PRF(secret, label, seed) truncated to `length` bytes */
export function prf12(hash: HashAlgorithm, secret: ArrayBuffer, label: string, seed: Uint8Array, length: number): ArrayBuffer {
	const labelSeed = new Uint8Array(label.length + seed.length);
	labelSeed.set(ascii(label));
	labelSeed.set(seed, label.length);
	const mac = new HMAC(hash, secret);
	const out = new Uint8Array(length);
	let a: ArrayBuffer = mac.update(labelSeed).digest();      // A(1)
	let offset = 0;
	while (offset < length) {
		const block = new Uint8Array(mac.update(a).update(labelSeed).digest());
		out.set(block.subarray(0, Math.min(block.length, length - offset)), offset);
		offset += block.length;
		a = mac.update(a).digest();
	}
	mac.close();
	return out.buffer as ArrayBuffer;
}
