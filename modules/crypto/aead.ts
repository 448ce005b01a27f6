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
type InitNative = (this: unknown, kind: number, key: BufferLike) => void;
type CryptNative = (this: unknown, nonce: BufferLike, aad: Aad, buffer: BufferLike, offset: number, length: number) => number;
type StartNative = (this: unknown, nonce: BufferLike, aad: Aad) => void;
type UpdateNative = (this: unknown, buffer: BufferLike, offset?: number, length?: number) => void;
type FinishNative = (this: unknown, tag: BufferLike, offset?: number) => void;
type CloseNative = (this: unknown) => void;

const init = native<InitNative>("xs_aead_init");
const seal = native<CryptNative>("xs_aead_seal");
const open = native<CryptNative>("xs_aead_open");
const start = native<StartNative>("xs_aead_start");
const update = native<UpdateNative>("xs_aead_update");
const finish = native<FinishNative>("xs_aead_finish");
const close = native<CloseNative>("xs_aead_close");
const INIT = Symbol("init"), SEAL = Symbol("seal"), OPEN = Symbol("open"), START = Symbol("start"), UPDATE = Symbol("update"), FINISH = Symbol("finish"), CLOSE = Symbol("close");

const KIND_AES_GCM = 1;
const KIND_CHACHA20_POLY1305 = 2;

/** The tag size of every AEAD here, in bytes. */
export const TAG_SIZE = 16;

function keySizes(algorithm: AEADAlgorithm): readonly number[] {
	switch (algorithm) {
		case "AES-128-GCM": return [16];
		case "AES-256-GCM": return [32];
		case "AES-GCM": return [16, 24, 32];
		case "CHACHA20-POLY1305": return [32];
	}
	throw new RangeError("crypto: unsupported algorithm");
}

function bytes(buffer: BufferLike): Uint8Array {
	if (ArrayBuffer.isView(buffer))
		return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
	return new Uint8Array(buffer as ArrayBufferLike);
}

export class AEAD extends Native("xs_aead_destructor") {
	declare private readonly [INIT]: InitNative;
	declare private readonly [SEAL]: CryptNative;
	declare private readonly [OPEN]: CryptNative;
	declare private readonly [START]: StartNative;
	declare private readonly [UPDATE]: UpdateNative;
	declare private readonly [FINISH]: FinishNative;
	declare private readonly [CLOSE]: CloseNative;
	static readonly TAG_SIZE = TAG_SIZE;
	readonly algorithm: AEADAlgorithm;
	// "AES-GCM"'s key size (the other names fix it): a property costs an XS slot per AEAD
	declare private readonly gcmKeySize: number | undefined;
	/** key size in bytes */
	get keySize(): number {
		return this.gcmKeySize ?? keySizes(this.algorithm)[0];
	}
	/** nonce size in bytes for TLS (AES-GCM accepts others, ChaCha20-Poly1305 does not) */
	get nonceSize(): number {
		return 12;
	}

	constructor(algorithm: AEADAlgorithm, key: BufferLike) {
		super();
		const sizes = keySizes(algorithm);
		if (!sizes.includes(key.byteLength))
			throw new RangeError("crypto: bad key size");
		this[INIT](algorithm === "CHACHA20-POLY1305" ? KIND_CHACHA20_POLY1305 : KIND_AES_GCM, key);
		this.algorithm = algorithm;
		if (sizes.length > 1)
			this.gcmKeySize = key.byteLength;
	}

	/**
	 * Encrypts `buffer[offset, offset + length)` in place and writes the tag right after it:
	 * the buffer needs 16 bytes of room there. Returns `length + 16`.
	 * `length` defaults to what leaves exactly 16 bytes at the end of the buffer.
	 */
	seal(nonce: BufferLike, aad: Aad, buffer: BufferLike, offset = 0, length?: number): number {
		return this[SEAL](nonce, aad, buffer, offset, length ?? buffer.byteLength - offset - TAG_SIZE);
	}

	/**
	 * `buffer[offset, offset + length)` is ciphertext then its 16-byte tag: decrypts the ciphertext
	 * in place and returns its length (`length - 16`). A wrong tag throws "crypto: bad tag" and
	 * leaves zeros where the plaintext would be. `length` defaults to the rest of the buffer.
	 */
	open(nonce: BufferLike, aad: Aad, buffer: BufferLike, offset = 0, length?: number): number {
		return this[OPEN](nonce, aad, buffer, offset, length ?? buffer.byteLength - offset);
	}

	/** Copying form of seal(): a new ArrayBuffer holding ciphertext then tag. */
	encrypt(nonce: BufferLike, aad: Aad, plaintext: BufferLike): ArrayBuffer {
		const result = new ArrayBuffer(plaintext.byteLength + TAG_SIZE);
		new Uint8Array(result).set(bytes(plaintext));
		this[SEAL](nonce, aad, result, 0, plaintext.byteLength);
		return result;
	}

	/** Copying form of open(): a new ArrayBuffer holding the plaintext of ciphertext-then-tag. */
	decrypt(nonce: BufferLike, aad: Aad, ciphertext: BufferLike): ArrayBuffer {
		const result = new ArrayBuffer(ciphertext.byteLength);
		new Uint8Array(result).set(bytes(ciphertext));
		const length = this[OPEN](nonce, aad, result, 0, ciphertext.byteLength);
		return result.slice(0, length);
	}

	/** Starts an incremental open (and abandons one in progress). */
	start(nonce: BufferLike, aad: Aad): void {
		this[START](nonce, aad);
	}

	/** Decrypts the next piece of ciphertext in place: all of `buffer`, or its `length` bytes from `offset`. */
	update(buffer: BufferLike, offset?: number, length?: number): void {
		this[UPDATE](buffer, offset, length);
	}

	/** Ends an incremental open: checks the 16-byte tag at `tag[offset]`; throws "crypto: bad tag". */
	finish(tag: BufferLike, offset?: number): void {
		this[FINISH](tag, offset);
	}

	/** Frees the key schedule now; later calls throw "crypto: closed". */
	close(): void {
		this[CLOSE]();
	}
}
hostMethods(AEAD, [[INIT, init], [SEAL, seal], [OPEN, open], [START, start], [UPDATE, update], [FINISH, finish], [CLOSE, close]]);
