/*
 * Public and private keys from DER, for signatures (crypto/signature) and ECDH (crypto/ecdh).
 *
 *   const key = Key.fromSPKI(certificatePublicKeyInfo);   // RSA, EC P-256/P-384, X25519
 *   key.type, key.bits, key.curve
 *   const mine = Key.fromPrivateKey(pkcs8OrSec1OrPkcs1);  // RSA, EC P-256/P-384
 *   mine.matches(key)                                     // same public key?
 *   key.close();                                          // frees the native key now
 *
 * Parsing is strict DER; errors: "crypto: bad key", "crypto: bad point", "crypto: unsupported key
 * type", "crypto: unsupported curve", "crypto: unsupported point format" (compressed points),
 * "crypto: key too small" (RSA under 2048 bits), "crypto: key too large" (over 4096 bits),
 * "crypto: out of memory". See docs/crypto-publickey.md.
 */
import { hostMethods } from "./methods";

export type KeyType = "rsa" | "ec" | "x25519";
export type Curve = "secp256r1" | "secp384r1" | "x25519";

type InitNative = (this: unknown, format: number, der: BufferLike) => void;
const INIT = Symbol("init");

/** what xs_pk_init parses (a const enum: numbers in the bytecode, no module variables) */
const enum Format { SPKI = 0, RSA_PUBLIC_KEY = 1, PRIVATE_KEY = 2 }

/** The curve of a TLS NamedGroup code (23, 24, 29), or undefined. */
export function curveOfGroup(code: number): Curve | undefined {
	switch (code) {
		case 23: return "secp256r1";
		case 24: return "secp384r1";
		case 29: return "x25519";
		default: return undefined;
	}
}

/** The TLS NamedGroup code of a curve: secp256r1 23, secp384r1 24, x25519 29. */
export function groupOfCurve(curve: Curve): number {
	switch (curve) {
		case "secp256r1": return 23;
		case "secp384r1": return 24;
		case "x25519": return 29;
		default: throw new RangeError("crypto: unsupported curve");
	}
}

// the methods are the natives themselves (native/pk.c), set on the prototype by hostMethods below
export interface Key {
	/** EC: the public point, uncompressed (04 || X || Y); X25519: the 32-byte u. Throws for RSA. */
	publicPoint(): ArrayBuffer;
	/** true when `other` has the same public key (e.g. a certificate's key and a private key) */
	matches(other: Key): boolean;
	/** Frees the native key now; later operations with it throw "crypto: closed". */
	close(): void;
}

export class Key extends Native("xs_pk_destructor") {
	declare private readonly [INIT]: InitNative;
	// the four properties are set by the native init (xs_pk_init), from the parsed key
	/** "rsa", "ec" (ECDSA and ECDH on secp256r1/secp384r1), "x25519" (ECDH only) */
	declare readonly type: KeyType;
	/** RSA: modulus bits; EC: field bits (256, 384); X25519: 255 */
	declare readonly bits: number;
	/** the curve of EC and X25519 keys; undefined for RSA */
	declare readonly curve: Curve | undefined;
	/** true when the key holds a private part (it can sign) */
	declare readonly isPrivate: boolean;

	private constructor(format: number, der: BufferLike) {
		super();
		this[INIT](format, der);
	}

	/** A public key from a DER SubjectPublicKeyInfo (RFC 5280; RFC 5480 for EC, RFC 8410 for X25519). */
	static fromSPKI(der: BufferLike): Key {
		return new Key(Format.SPKI, der);
	}

	/** An RSA public key from a DER PKCS#1 RSAPublicKey. */
	static fromRSAPublicKey(der: BufferLike): Key {
		return new Key(Format.RSA_PUBLIC_KEY, der);
	}

	/** A private key from DER: PKCS#8 PrivateKeyInfo (RSA, EC), SEC1 ECPrivateKey, PKCS#1 RSAPrivateKey. Unencrypted. */
	static fromPrivateKey(der: BufferLike): Key {
		return new Key(Format.PRIVATE_KEY, der);
	}
}
hostMethods(Key, INIT, native("xs_pk_init"), "publicPoint", native("xs_pk_public"), "matches", native("xs_pk_matches"), "close", native("xs_pk_close"));
