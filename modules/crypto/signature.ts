/*
 * Signatures: ECDSA (P-256, P-384; DER), RSASSA-PKCS1-v1_5 and RSASSA-PSS (2048 to 4096 bits).
 *
 *   verifyECDSA(key, "SHA-256", message, signature)                  // hashes the message
 *   verifyPSS(key, "SHA-256", digest, signature, { prehashed: true }) // the digest is given
 *   const der = signECDSA(privateKey, "SHA-384", message);
 *   verifyScheme(0x0804, key, message, signature)                    // a TLS SignatureScheme
 *
 * verify* return false for a signature that does not verify, including any that is not strict DER
 * (ECDSA) or not exactly the modulus length (RSA). They throw for bad arguments: a key of the
 * wrong type ("crypto: not an EC key", "crypto: not an RSA key"), a digest of the wrong length
 * ("crypto: bad digest length"), a hash this build lacks ("crypto: unsupported hash": SHA-1 unless
 * mbedtls has MBEDTLS_SHA1_C), a PSS MGF1 hash other than the message hash ("crypto: unsupported
 * MGF1 hash"), "crypto: closed", "crypto: out of memory". See docs/crypto-publickey.md.
 *
 * Verification is crypto/verify's (verify.ts), re-exported here; this module adds signing.
 */
import type { Key } from "./keys";
import { hashCode, hashLength, knownScheme, type SignatureHash, type SignatureOptions, type PSSOptions } from "./verify";

export { hashLength, verifyECDSA, verifyPKCS1, verifyPSS, schemeInfo, verifyScheme } from "./verify";
export type { SignatureHash, SignatureOptions, PSSOptions, SignatureAlgorithm, SchemeInfo } from "./verify";

type SignNative = (key: Key, hash: number, data: BufferLike, prehashed: boolean) => ArrayBuffer;
type SignPSSNative = (key: Key, hash: number, data: BufferLike, prehashed: boolean, saltLength: number) => ArrayBuffer;

const ecdsaSign = native<SignNative>("xs_ecdsa_sign");
const pkcs1Sign = native<SignNative>("xs_rsa_sign_pkcs1");
const pssSign = native<SignPSSNative>("xs_rsa_sign_pss");

/** A DER ECDSA signature (random k). */
export function signECDSA(key: Key, hash: SignatureHash, data: BufferLike, options?: SignatureOptions): ArrayBuffer {
	return ecdsaSign(key, hashCode(hash), data, options?.prehashed === true);
}

export function signPKCS1(key: Key, hash: SignatureHash, data: BufferLike, options?: SignatureOptions): ArrayBuffer {
	return pkcs1Sign(key, hashCode(hash), data, options?.prehashed === true);
}

export function signPSS(key: Key, hash: SignatureHash, data: BufferLike, options?: PSSOptions): ArrayBuffer {
	const saltLength = options?.saltLength ?? hashLength(hash);
	if ((options?.mgfHash ?? hash) !== hash)
		throw new Error("crypto: unsupported MGF1 hash");
	return pssSign(key, hashCode(hash), data, options?.prehashed === true, saltLength);
}

/** Signs with a TLS SignatureScheme (see verifyScheme); PSS uses a salt of the hash length. */
export function signScheme(code: number, key: Key, data: BufferLike, options?: SignatureOptions): ArrayBuffer {
	const info = knownScheme(code);
	const sign = info.algorithm === "ecdsa" ? signECDSA : info.algorithm === "rsa-pkcs1" ? signPKCS1 : signPSS;
	return sign(key, info.hash, data, options);
}
