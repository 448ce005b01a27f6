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

type InitNative = (this: unknown, bits: number) => void;
type UpdateNative = (this: unknown, data: HashInput, offset?: number, length?: number) => unknown;
type ResultNative = (this: unknown) => ArrayBuffer;
type VoidNative = (this: unknown) => unknown;
type CopyNative = (this: unknown, source: Hash) => unknown;
type DigestNative = (this: unknown, bits: number, data: HashInput, offset?: number, length?: number) => ArrayBuffer;

const init = native<InitNative>("xs_sha_init");
const update = native<UpdateNative>("xs_sha_update");
const finish = native<ResultNative>("xs_sha_finish");
const peek = native<ResultNative>("xs_sha_peek");
const reset = native<VoidNative>("xs_sha_reset");
const copy = native<CopyNative>("xs_sha_copy");
const close = native<VoidNative>("xs_sha_close");
const oneShot = native<DigestNative>("xs_sha_digest");
const INIT = Symbol("init"), UPDATE = Symbol("update"), FINISH = Symbol("finish"), PEEK = Symbol("peek"), RESET = Symbol("reset"), COPY = Symbol("copy"), CLOSE = Symbol("close");

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
export function digest(algorithm: HashAlgorithm, data: HashInput, offset?: number, length?: number): ArrayBuffer {
	return oneShot(hashBits(algorithm), data, offset, length);
}

export class Hash extends Native("xs_sha_destructor") {
	declare private readonly [INIT]: InitNative;
	declare private readonly [UPDATE]: UpdateNative;
	declare private readonly [FINISH]: ResultNative;
	declare private readonly [PEEK]: ResultNative;
	declare private readonly [RESET]: VoidNative;
	declare private readonly [COPY]: CopyNative;
	declare private readonly [CLOSE]: VoidNative;
	readonly algorithm: HashAlgorithm;
	/** digest size in bytes (not a property: each costs an XS slot per hash) */
	get size(): number {
		return hashBits(this.algorithm) >> 3;
	}

	constructor(algorithm: HashAlgorithm) {
		super();
		this[INIT](hashBits(algorithm));
		this.algorithm = algorithm;
	}

	/** Hashes `data`, or its `length` bytes from `offset`. */
	update(data: HashInput, offset?: number, length?: number): this {
		this[UPDATE](data, offset, length);
		return this;
	}

	/** The digest of everything hashed since the start (or the last digest/reset); then starts over. */
	digest(): ArrayBuffer {
		return this[FINISH]();
	}

	/** The digest of everything hashed so far, leaving the state as it is. */
	peek(): ArrayBuffer {
		return this[PEEK]();
	}

	/** Starts over. */
	reset(): this {
		this[RESET]();
		return this;
	}

	/** Takes the state of `source` (same algorithm, else TypeError "crypto: hash algorithm mismatch"). */
	copyFrom(source: Hash): this {
		this[COPY](source);
		return this;
	}

	/** An independent hash with the same state. */
	clone(): Hash {
		return new Hash(this.algorithm).copyFrom(this);
	}

	/** Frees the state now (it is freed by the garbage collector otherwise); later calls throw "crypto: closed". */
	close(): void {
		this[CLOSE]();
	}
}
hostMethods(Hash, [[INIT, init], [UPDATE, update], [FINISH, finish], [PEEK, peek], [RESET, reset], [COPY, copy], [CLOSE, close]]);
