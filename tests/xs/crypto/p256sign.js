// P-256 signing (native/ec_sign.c through crypto/signature), driven by tests/p256-sign.test.mjs:
//   xsh p256sign.js <dir>     reads <dir>/plan.json: [{ key, public, hash, prehashed, msgHex }], key and
//                             public being DER files in <dir> (a private key, its SubjectPublicKeyInfo)
// Prints one JSON line: { signatures: [{ sig, self }] }, sig the DER signature made here (hex), self
// our own verification of it with the public key.
import { readFile, readText, argv } from "xsh";
import { Key } from "crypto/keys";
import { signECDSA, verifyECDSA } from "crypto/signature";
import { hex, unhex, emit } from "./common.js";

const dir = argv[1];
const plan = JSON.parse(readText(dir + "/plan.json"));
const signatures = [];
for (const s of plan) {
	const key = Key.fromPrivateKey(readFile(dir + "/" + s.key));
	const pub = Key.fromSPKI(readFile(dir + "/" + s.public));
	const data = unhex(s.msgHex), options = { prehashed: s.prehashed };
	const sig = signECDSA(key, s.hash, data, options);
	signatures.push({ sig: hex(sig), self: verifyECDSA(pub, s.hash, data, sig, options) });
	key.close();
	pub.close();
}
emit({ signatures });
