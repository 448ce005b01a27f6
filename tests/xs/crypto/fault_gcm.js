// Fault injection (see fault.js): one AES-128-GCM seal, object included: new AEAD, seal() of 100
// bytes in place, close().
import { AEAD } from "crypto/aead";
import { hex } from "./common.js";
import fault from "./fault.js";

function pattern(n, seed) {
	const out = new Uint8Array(n);
	for (let i = 0; i < n; i++)
		out[i] = (i * 7 + seed) & 255;
	return out;
}

fault(() => {
	const key = pattern(16, 5), nonce = pattern(12, 1), aad = pattern(13, 2);
	return {
		run() {
			const aead = new AEAD("AES-128-GCM", key);
			try {
				const buffer = new Uint8Array(116);
				buffer.set(pattern(100, 11));
				return aead.seal(nonce, aad, buffer, 0, 100) + ":" + hex(buffer);
			}
			finally {
				aead.close();
			}
		},
		teardown() {},
	};
});
