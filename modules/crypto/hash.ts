/*
 * SHA-256 and SHA-384: incremental hashes with a cheap copy (the TLS transcript hash) and
 * one-shot digests.
 *
 *   const transcript = new Hash("SHA-256");
 *   transcript.update(message, offset, length);
 *   const current = transcript.peek();     // hash of the messages so far; goes on hashing
 *   const fork = transcript.clone();       // independent copy of the state
 *   const final = transcript.digest();     // and starts over
 */
import { hostMethods } from "./methods";

export type HashAlgorithm = "SHA-256" | "SHA-384";

/** Bytes to hash: a buffer, or a string (its UTF-8 bytes). */
export type HashInput = BufferLike | string;

// the natives take the algorithm's name (native/sha.c): RangeError "crypto: unsupported hash" for another
type InitNative = (this: unknown, algorithm: HashAlgorithm) => void;
const INIT = Symbol("init");

/** The digest size in bytes: 32 for SHA-256, 48 for SHA-384. */
export function hashSize(algorithm: HashAlgorithm): number {
	return hashBits(algorithm) >> 3;
}

/** The block size in bytes: 64 for SHA-256, 128 for SHA-384. */
export function hashBlockSize(algorithm: HashAlgorithm): number {
	return hashBits(algorithm) === 256 ? 64 : 128;
}

/** 256 or 384; throws RangeError "crypto: unsupported hash" for any other name. */
export function hashBits(algorithm: HashAlgorithm): number {
	if (algorithm === "SHA-256")
		return 256;
	if (algorithm === "SHA-384")
		return 384;
	throw new RangeError("crypto: unsupported hash");
}

/** One-shot digest of `data` (or of its `length` bytes from `offset`). */
export const digest = native<(this: unknown, algorithm: HashAlgorithm, data: HashInput, offset?: number, length?: number) => ArrayBuffer>("xs_sha_digest");

// the methods are the natives themselves (native/sha.c: they check their arguments and `this`, and
// return `this` where the API chains), set on the prototype by hostMethods below
export interface Hash {
	/** Hashes `data`, or its `length` bytes from `offset`. */
	update(data: HashInput, offset?: number, length?: number): this;
	/** The digest of everything hashed since the start (or the last digest/reset); then starts over. */
	digest(): ArrayBuffer;
	/** The digest of everything hashed so far, leaving the state as it is. */
	peek(): ArrayBuffer;
	/** Starts over. */
	reset(): this;
	/** Takes the state of `source` (same algorithm, else TypeError "crypto: hash algorithm mismatch"). */
	copyFrom(source: Hash): this;
	/** Frees the state now (it is freed by the garbage collector otherwise); later calls throw "crypto: closed". */
	close(): void;
}

export class Hash extends Native("xs_sha_destructor") {
	declare private readonly [INIT]: InitNative;
	readonly algorithm: HashAlgorithm;
	/** digest size in bytes (not a property: each costs an XS slot per hash) */
	get size(): number {
		return hashBits(this.algorithm) >> 3;
	}

	constructor(algorithm: HashAlgorithm) {
		super();
		this[INIT](algorithm);
		this.algorithm = algorithm;
	}

	/** An independent hash with the same state. */
	clone(): Hash {
		return new Hash(this.algorithm).copyFrom(this);
	}
}
hostMethods(Hash, INIT, native("xs_sha_init"), "update", native("xs_sha_update"), "digest", native("xs_sha_finish"),
	"peek", native("xs_sha_peek"), "reset", native("xs_sha_reset"), "copyFrom", native("xs_sha_copy"), "close", native("xs_sha_close"));
