/*
 * Signature verification: ECDSA (P-256, P-384; DER), RSASSA-PKCS1-v1_5 and RSASSA-PSS (2048 to 4096 bits),
 * and the TLS SignatureSchemes. Imported as crypto/signature (signature.ts adds signing; in the device
 * profile, whose C core cannot sign, no-sign.ts refuses it): see there.
 */
import type { Key, Curve } from "./keys";

export type SignatureHash = "SHA-1" | "SHA-224" | "SHA-256" | "SHA-384" | "SHA-512";

export interface SignatureOptions {
	/** `data` is the digest (of the hash's length), not the message */
	prehashed?: boolean;
}

export interface PSSOptions extends SignatureOptions {
	/** salt length in bytes; default: the hash length (as TLS requires). Verify only: -1 accepts any. */
	saltLength?: number;
	/** MGF1 hash; default and only supported value: the message hash */
	mgfHash?: SignatureHash;
}

export type SignatureAlgorithm = "ecdsa" | "rsa-pkcs1" | "rsa-pss";

export interface SchemeInfo {
	algorithm: SignatureAlgorithm;
	hash: SignatureHash;
	/** TLS 1.3 ECDSA schemes name their curve */
	curve?: Curve;
}

type VerifyNative = (key: Key, hash: number, data: BufferLike, prehashed: boolean, signature: BufferLike) => boolean;
type VerifyPSSNative = (key: Key, hash: number, data: BufferLike, prehashed: boolean, signature: BufferLike,
	saltLength: number, mgfHash: number) => boolean;

const ecdsaVerify = native<VerifyNative>("xs_ecdsa_verify");
const pkcs1Verify = native<VerifyNative>("xs_rsa_verify_pkcs1");
const pssVerify = native<VerifyPSSNative>("xs_rsa_verify_pss");

// the hashes the natives take, by their TLS 1.2 HashAlgorithm code (RFC 5246 section 7.4.1.4.1) less 2, and their digest sizes
const HASHES = "SHA-1 SHA-224 SHA-256 SHA-384 SHA-512".split(" ") as SignatureHash[];
const HASH_LENGTHS = [20, 28, 32, 48, 64];

/** TLS 1.2 HashAlgorithm code of a hash (what the natives take). */
export function hashCode(hash: SignatureHash): number {
	const i = HASHES.indexOf(hash);
	if (i < 0)
		throw new RangeError("crypto: unsupported hash");
	return i + 2;
}

/** The digest size in bytes. */
export function hashLength(hash: SignatureHash): number {
	return HASH_LENGTHS[hashCode(hash) - 2];
}

export function verifyECDSA(key: Key, hash: SignatureHash, data: BufferLike, signature: BufferLike,
	options?: SignatureOptions): boolean {
	return ecdsaVerify(key, hashCode(hash), data, options?.prehashed === true, signature);
}

export function verifyPKCS1(key: Key, hash: SignatureHash, data: BufferLike, signature: BufferLike,
	options?: SignatureOptions): boolean {
	return pkcs1Verify(key, hashCode(hash), data, options?.prehashed === true, signature);
}

export function verifyPSS(key: Key, hash: SignatureHash, data: BufferLike, signature: BufferLike,
	options?: PSSOptions): boolean {
	const saltLength = options?.saltLength ?? hashLength(hash);
	const mgfHash = options?.mgfHash ?? hash;
	return pssVerify(key, hashCode(hash), data, options?.prehashed === true, signature, saltLength, hashCode(mgfHash));
}

/** What a TLS SignatureScheme code means, or undefined for schemes we do not implement. */
export function schemeInfo(scheme: number): SchemeInfo | undefined {
	// RFC 8446 section 4.2.3: rsa_pkcs1_sha256/384/512 0x0401/0x0501/0x0601, ecdsa_secp256r1_sha256 0x0403,
	// ecdsa_secp384r1_sha384 0x0503, rsa_pss_rsae_sha256/384/512 0x0804/0x0805/0x0806: the byte that is
	// not the algorithm's is the hash's TLS 1.2 code
	const high = scheme >> 8, low = scheme & 0xff;
	if ((high << 8 | low) !== scheme)
		return undefined;
	if (high === 8 && low >= 4 && low <= 6)
		return { algorithm: "rsa-pss", hash: HASHES[low - 2] };
	if (low === 1 && high >= 4 && high <= 6)
		return { algorithm: "rsa-pkcs1", hash: HASHES[high - 2] };
	if (low === 3 && (high === 4 || high === 5))
		return { algorithm: "ecdsa", hash: HASHES[high - 2], curve: high === 4 ? "secp256r1" : "secp384r1" };
	return undefined;
}

/** schemeInfo(code), or RangeError "crypto: unsupported signature scheme" */
export function knownScheme(code: number): SchemeInfo {
	const info = schemeInfo(code);
	if (info === undefined)
		throw new RangeError("crypto: unsupported signature scheme");
	return info;
}

/**
 * Verifies with a TLS SignatureScheme (rsa_pkcs1_*, ecdsa_secp256r1_sha256, ecdsa_secp384r1_sha384,
 * rsa_pss_rsae_*). The curve an ECDSA scheme names is not checked here (TLS 1.2 does not bind it):
 * compare schemeInfo(code).curve with key.curve for TLS 1.3.
 */
export function verifyScheme(code: number, key: Key, data: BufferLike, signature: BufferLike,
	options?: SignatureOptions): boolean {
	const info = knownScheme(code);
	const verify = info.algorithm === "ecdsa" ? verifyECDSA : info.algorithm === "rsa-pkcs1" ? verifyPKCS1 : verifyPSS;
	return verify(key, info.hash, data, signature, options);
}
