// Fault injection (see fault.js): one ECDSA P-256 SHA-256 verification of a signature made by Node
// (argv[2] "forged": of a signature with s changed, which must never verify).
import { readFile, argv } from "xsh";
import { Key } from "crypto/keys";
import { verifyECDSA } from "crypto/signature";
import fault from "./fault.js";

fault(() => {
	const key = Key.fromSPKI(readFile(argv[1] + "/p256.spki.der"));
	const message = readFile(argv[1] + "/msg.bin");
	const signature = readFile(argv[1] + (argv[2] === "forged" ? "/ecdsa-p256-sha256.forged" : "/ecdsa-p256-sha256.sig"));
	return {
		run: () => verifyECDSA(key, "SHA-256", message, signature),
		teardown: () => key.close(),
	};
});
