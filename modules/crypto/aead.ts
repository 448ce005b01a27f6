/*
 * AEAD ciphers for TLS records: AES-GCM and ChaCha20-Poly1305, in place on the caller's buffer.
 *
 *   const aead = new AEAD("AES-128-GCM", key);
 *   // buffer[5, 5 + n) holds the plaintext and there are 16 free bytes after it
 *   const sent = aead.seal(nonce, header, buffer, 5, n);    // n + 16: ciphertext then tag
 *   const got = aead.open(nonce, header, buffer, 5, sent);  // n: the plaintext is back in place
 *
 * A record that arrives in pieces is opened incrementally: start(nonce, aad), update(piece)
 * for each piece (decrypted in place, any sizes), finish(tag). Until finish() returns without
 * throwing, the plaintext given back by update() is not authenticated.
 *
 * Errors: RangeError "crypto: bad key size", "crypto: bad nonce size", "crypto: buffer too short",
 * "crypto: ciphertext too short"; Error "crypto: bad tag", "crypto: closed", "crypto: not started".
 */
import { hostMethods } from "./methods";

/** "AES-GCM" takes 16-, 24- or 32-byte keys; the others fix the key size. */
export type AEADAlgorithm = "AES-128-GCM" | "AES-256-GCM" | "AES-GCM" | "CHACHA20-POLY1305";

type Aad = BufferLike | null | undefined;
type InitNative = (this: unknown, kind: number, key: BufferLike, iv?: BufferLike, recordMode?: number) => void;
const INIT = Symbol("init");

/** the cipher, as xs_aead_init takes it (a const enum: numbers in the bytecode, no module variables) */
const enum Kind { AES_GCM = 1, CHACHA20_POLY1305 = 2 }

/** The tag size of every AEAD here, in bytes. */
export const TAG_SIZE = 16;

/** The key size in bytes the algorithm fixes; 0 for "AES-GCM" (16, 24 or 32). */
function fixedKeySize(algorithm: AEADAlgorithm): number {
	switch (algorithm) {
		case "AES-128-GCM": return 16;
		case "AES-256-GCM":
		case "CHACHA20-POLY1305": return 32;
		case "AES-GCM": return 0;
	}
	throw new RangeError("crypto: unsupported algorithm");
}

/** a new ArrayBuffer of `size` bytes that starts with a copy of `data` (encrypt() and decrypt()) */
function copied(data: BufferLike, size: number): ArrayBuffer {
	const result = new Uint8Array(size);
	result.set(ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data as ArrayBufferLike));
	return result.buffer as ArrayBuffer;
}

// the methods but encrypt() and decrypt() are the natives themselves (native/aead.c: they check their
// arguments and `this`), set on the prototype by hostMethods below
export interface AEAD {
	/**
	 * Encrypts `buffer[offset, offset + length)` in place and writes the tag right after it:
	 * the buffer needs 16 bytes of room there. Returns `length + 16`. `offset` defaults to 0,
	 * `length` to what leaves exactly 16 bytes at the end of the buffer.
	 */
	seal(nonce: BufferLike, aad: Aad, buffer: BufferLike, offset?: number, length?: number): number;
	/**
	 * `buffer[offset, offset + length)` is ciphertext then its 16-byte tag: decrypts the ciphertext
	 * in place and returns its length (`length - 16`). A wrong tag throws "crypto: bad tag" and
	 * leaves zeros where the plaintext would be. `offset` defaults to 0, `length` to the rest of the buffer.
	 */
	open(nonce: BufferLike, aad: Aad, buffer: BufferLike, offset?: number, length?: number): number;
	/** Starts an incremental open (and abandons one in progress). */
	start(nonce: BufferLike, aad: Aad): void;
	/** Decrypts the next piece of ciphertext in place: all of `buffer`, or its `length` bytes from `offset`. */
	update(buffer: BufferLike, offset?: number, length?: number): void;
	/** Ends an incremental open: checks the 16-byte tag at `tag[offset]`; throws "crypto: bad tag". */
	finish(tag: BufferLike, offset?: number): void;
	/** Frees the key schedule now; later calls throw "crypto: closed". */
	close(): void;
}

export class AEAD extends Native("xs_aead_destructor") {
	declare private readonly [INIT]: InitNative;
	static readonly TAG_SIZE = TAG_SIZE;
	readonly algorithm: AEADAlgorithm;
	// "AES-GCM"'s key size (the other names fix it): a property costs an XS slot per AEAD
	declare private readonly gcmKeySize: number | undefined;
	/** key size in bytes */
	get keySize(): number {
		return this.gcmKeySize ?? fixedKeySize(this.algorithm);
	}
	/** nonce size in bytes for TLS (AES-GCM accepts others, ChaCha20-Poly1305 does not) */
	get nonceSize(): number {
		return 12;
	}

	/**
	 * `iv` and `recordMode` make a TLS record protection (tls/record's Protection: its IV and
	 * sequence number in the native state, native/aead.c's record functions); other uses leave them out.
	 */
	constructor(algorithm: AEADAlgorithm, key: BufferLike, iv?: BufferLike, recordMode?: number) {
		super();
		const size = fixedKeySize(algorithm), length = key.byteLength;
		if (size ? length !== size : length !== 16 && length !== 24 && length !== 32)
			throw new RangeError("crypto: bad key size");
		this[INIT](algorithm === "CHACHA20-POLY1305" ? Kind.CHACHA20_POLY1305 : Kind.AES_GCM, key, iv, recordMode);
		this.algorithm = algorithm;
		if (!size)
			this.gcmKeySize = length;
	}

	/** Copying form of seal(): a new ArrayBuffer holding ciphertext then tag. */
	encrypt(nonce: BufferLike, aad: Aad, plaintext: BufferLike): ArrayBuffer {
		const result = copied(plaintext, plaintext.byteLength + TAG_SIZE);
		this.seal(nonce, aad, result);
		return result;
	}

	/** Copying form of open(): a new ArrayBuffer holding the plaintext of ciphertext-then-tag. */
	decrypt(nonce: BufferLike, aad: Aad, ciphertext: BufferLike): ArrayBuffer {
		const result = copied(ciphertext, ciphertext.byteLength);
		return result.slice(0, this.open(nonce, aad, result));
	}
}
hostMethods(AEAD, INIT, native("xs_aead_init"), "seal", native("xs_aead_seal"), "open", native("xs_aead_open"), "start", native("xs_aead_start"),
	"update", native("xs_aead_update"), "finish", native("xs_aead_finish"), "close", native("xs_aead_close"));
