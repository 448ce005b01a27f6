/*
 * HMAC (RFC 2104) and HKDF (RFC 5869) over SHA-256 and SHA-384.
 */
import { hashBits, type HashAlgorithm, type HashInput } from "./hash";
import { equal } from "./random";
import { hostMethods } from "./methods";

type HmacNative = (this: unknown, bits: number, key: BufferLike, data: HashInput, offset?: number, length?: number) => ArrayBuffer;
type InitNative = (this: unknown, bits: number, key: BufferLike) => void;
type ExtractNative = (this: unknown, bits: number, salt: BufferLike | undefined, ikm: BufferLike) => ArrayBuffer;
type ExpandNative = (this: unknown, bits: number, prk: BufferLike, info: BufferLike | undefined, length: number) => ArrayBuffer;
type HkdfNative = (this: unknown, bits: number, ikm: BufferLike, salt: BufferLike | undefined, info: BufferLike | undefined, length: number) => ArrayBuffer;

const oneShot = native<HmacNative>("xs_hmac");
const extract = native<ExtractNative>("xs_hkdf_extract");
const expand = native<ExpandNative>("xs_hkdf_expand");
const extractExpand = native<HkdfNative>("xs_hkdf");
const INIT = Symbol("init");

/** HMAC of `data` (or of its `length` bytes from `offset`) under `key`: 32 or 48 bytes. */
export function hmac(algorithm: HashAlgorithm, key: BufferLike, data: HashInput, offset?: number, length?: number): ArrayBuffer {
	return oneShot(hashBits(algorithm), key, data, offset, length);
}

/**
 * Checks `tag` against the HMAC of `data` in constant time. `tag` may be truncated (RFC 2104
 * section 5) to no less than half the hash size; a shorter or longer tag is never valid.
 */
export function hmacVerify(algorithm: HashAlgorithm, key: BufferLike, data: HashInput, tag: BufferLike): boolean {
	const size = hashBits(algorithm) >> 3;
	const length = tag.byteLength;
	if (length < (size >> 1) || length > size)
		return false;
	const mac = hmac(algorithm, key, data);
	return equal(new Uint8Array(mac, 0, length), tag);
}

// the methods are the natives themselves (native/hmac.c), set on the prototype by hostMethods below
export interface HMAC {
	/** MACs `data`, or its `length` bytes from `offset`. */
	update(data: HashInput, offset?: number, length?: number): this;
	/** The MAC of everything since the start or the last digest(); then ready for a new message, same key. */
	digest(): ArrayBuffer;
	/** Frees the keyed state now; later calls throw "crypto: closed". */
	close(): void;
}

/** Incremental HMAC, keyed once: update()*, digest(), and again for the next message. */
export class HMAC extends Native("xs_hmac_destructor") {
	declare private readonly [INIT]: InitNative;
	readonly algorithm: HashAlgorithm;
	/** MAC size in bytes (not a property: each costs an XS slot per HMAC) */
	get size(): number {
		return hashBits(this.algorithm) >> 3;
	}

	constructor(algorithm: HashAlgorithm, key: BufferLike) {
		super();
		this[INIT](hashBits(algorithm), key);
		this.algorithm = algorithm;
	}
}
hostMethods(HMAC, INIT, native("xs_hmac_init"), "update", native("xs_hmac_update"), "digest", native("xs_hmac_finish"), "close", native("xs_hmac_close"));

/** HKDF-Extract(salt, IKM) -> PRK (hash size bytes). No salt = HashLen zero bytes (RFC 5869). */
export function hkdfExtract(algorithm: HashAlgorithm, salt: BufferLike | undefined, ikm: BufferLike): ArrayBuffer {
	return extract(hashBits(algorithm), salt, ikm);
}

/**
 * HKDF-Expand(PRK, info, L). Throws RangeError "crypto: hkdf output too long" when
 * L > 255 * HashLen and "crypto: bad key size" when the PRK is shorter than HashLen.
 */
export function hkdfExpand(algorithm: HashAlgorithm, prk: BufferLike, info: BufferLike | undefined, length: number): ArrayBuffer {
	return expand(hashBits(algorithm), prk, info, length);
}

/** HKDF(salt, IKM, info, L): extract then expand; the PRK never leaves C. */
export function hkdf(algorithm: HashAlgorithm, ikm: BufferLike, salt: BufferLike | undefined, info: BufferLike | undefined, length: number): ArrayBuffer {
	return extractExpand(hashBits(algorithm), ikm, salt, info, length);
}
