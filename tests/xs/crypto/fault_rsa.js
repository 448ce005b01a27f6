// Fault injection (see fault.js): one RSA-2048 PKCS#1 v1.5 SHA-256 verification of a signature made
// by Node, on a key parsed in the setup (argv[2] "forged": of a signature with its last byte changed,
// which must never verify). The verification is ours (native/rsa_public.c): no native allocation.
import { readFile, argv } from "xsh";
import { Key } from "crypto/keys";
import { verifyPKCS1 } from "crypto/signature";
import fault from "./fault.js";

fault(() => {
	const key = Key.fromSPKI(readFile(argv[1] + "/rsa2048.spki.der"));
	const message = readFile(argv[1] + "/msg.bin");
	const signature = readFile(argv[1] + (argv[2] === "forged" ? "/pkcs1-2048-sha256.forged" : "/pkcs1-2048-sha256.sig"));
	return {
		run: () => verifyPKCS1(key, "SHA-256", message, signature),
		teardown: () => key.close(),
	};
});
