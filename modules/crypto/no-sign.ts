/*
 * crypto/signature in the device profile (manifest_device.json), whose C core cannot sign
 * (SECURESOCKET_NO_SIGN): verification is crypto/verify's, as in signature.ts; each signing function
 * throws what its native throws in that core, Error "crypto: signing is not in this build", whatever
 * its arguments (no JS wrapper that would only reach that error).
 */
export { hashLength, verifyECDSA, verifyPKCS1, verifyPSS, schemeInfo, verifyScheme } from "./verify";
export type { SignatureHash, SignatureOptions, PSSOptions, SignatureAlgorithm, SchemeInfo } from "./verify";

function signing(): never {
	throw new Error("crypto: signing is not in this build");
}
export { signing as signECDSA, signing as signPKCS1, signing as signPSS, signing as signScheme };
