/*
 * HMAC (RFC 2104) and HKDF (RFC 5869) over SHA-256 and SHA-384.
 */
import { hashBits, type HashAlgorithm, type HashInput } from "./hash";
import { equal } from "./random";
import { hostMethods } from "./methods";

type InitNative = (this: unknown, algorithm: HashAlgorithm, key: BufferLike) => void;
const INIT = Symbol("init");

// the functions but hmacVerify() are the natives themselves (native/hmac.c, hkdf.c: they take the
// algorithm's name and check their arguments)

/** HMAC of `data` (or of its `length` bytes from `offset`) under `key`: 32 or 48 bytes. */
export const hmac = native<(this: unknown, algorithm: HashAlgorithm, key: BufferLike, data: HashInput, offset?: number, length?: number) => ArrayBuffer>("xs_hmac");

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
		this[INIT](algorithm, key);
		this.algorithm = algorithm;
	}
}
hostMethods(HMAC, INIT, native("xs_hmac_init"), "update", native("xs_hmac_update"), "digest", native("xs_hmac_finish"), "close", native("xs_hmac_close"));

/** HKDF-Extract(salt, IKM) -> PRK (hash size bytes). No salt = HashLen zero bytes (RFC 5869). */
export const hkdfExtract = native<(this: unknown, algorithm: HashAlgorithm, salt: BufferLike | undefined, ikm: BufferLike) => ArrayBuffer>("xs_hkdf_extract");

/**
 * HKDF-Expand(PRK, info, L). Throws RangeError "crypto: hkdf output too long" when
 * L > 255 * HashLen and "crypto: bad key size" when the PRK is shorter than HashLen.
 */
export const hkdfExpand = native<(this: unknown, algorithm: HashAlgorithm, prk: BufferLike, info: BufferLike | undefined, length: number) => ArrayBuffer>("xs_hkdf_expand");

/** HKDF(salt, IKM, info, L): extract then expand; the PRK never leaves C. */
export const hkdf = native<(this: unknown, algorithm: HashAlgorithm, ikm: BufferLike, salt: BufferLike | undefined, info: BufferLike | undefined, length: number) => ArrayBuffer>("xs_hkdf");
