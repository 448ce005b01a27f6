// Fault injection (see fault.js): one X25519 key agreement as TLS does it, a key pair from a given
// private key (x25519.d) and the shared secret with the peer's value (x25519peer.pub), then close().
import { readFile, argv } from "xsh";
import { ECDH } from "crypto/ecdh";
import { hex } from "./common.js";
import fault from "./fault.js";

fault(() => {
	const privateKey = readFile(argv[1] + "/x25519.d"), peer = readFile(argv[1] + "/x25519peer.pub");
	return {
		run() {
			const pair = new ECDH("x25519", privateKey);
			try {
				return hex(pair.publicKey) + ":" + hex(pair.computeSecret(peer));
			}
			finally {
				pair.close();
			}
		},
		teardown() {},
	};
});
