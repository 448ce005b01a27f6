/*
 * AES-CBC with PKCS#7 padding. TLS as SecureSocket speaks it never uses CBC: this exists so the
 * AES-CBC Wycheproof vectors cover the AES core, and for applications that need it.
 *
 * Errors: RangeError "crypto: bad key size" (16, 24 or 32 bytes), "crypto: bad iv size" (16),
 * "crypto: bad ciphertext size" (empty or not whole blocks); Error "crypto: bad padding".
 */

type CbcNative = (this: unknown, key: BufferLike, iv: BufferLike, data: BufferLike) => ArrayBuffer;

const encrypt = native<CbcNative>("xs_cbc_encrypt");
const decrypt = native<CbcNative>("xs_cbc_decrypt");

/** Pads `plaintext` (PKCS#7) and encrypts it: a new ArrayBuffer of whole blocks. */
export function cbcEncrypt(key: BufferLike, iv: BufferLike, plaintext: BufferLike): ArrayBuffer {
	return encrypt(key, iv, plaintext);
}

/** Decrypts `ciphertext` and removes its padding: a new ArrayBuffer. */
export function cbcDecrypt(key: BufferLike, iv: BufferLike, ciphertext: BufferLike): ArrayBuffer {
	return decrypt(key, iv, ciphertext);
}
