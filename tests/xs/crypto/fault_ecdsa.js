// Fault injection (see fault.js): one ECDSA verification of a signature made by Node, argv[3] "p256"
// (SHA-256, our native/ec_verify.c) or "p384" (SHA-384, mbedtls); argv[2] "forged": of a signature
// with s changed, which must never verify, else "valid".
import { readFile, argv } from "xsh";
import { Key } from "crypto/keys";
import { verifyECDSA } from "crypto/signature";
import fault from "./fault.js";

fault(() => {
	const curve = argv[3], hash = curve === "p384" ? "sha384" : "sha256";
	const key = Key.fromSPKI(readFile(`${argv[1]}/${curve}.spki.der`));
	const message = readFile(argv[1] + "/msg.bin");
	const signature = readFile(`${argv[1]}/ecdsa-${curve}-${hash}.${argv[2] === "forged" ? "forged" : "sig"}`);
	return {
		run: () => verifyECDSA(key, hash === "sha384" ? "SHA-384" : "SHA-256", message, signature),
		teardown: () => key.close(),
	};
});
