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
type NumberNative = (this: unknown) => number;
type BooleanNative = (this: unknown) => boolean;
type BufferNative = (this: unknown) => ArrayBuffer;
type MatchesNative = (this: unknown, other: Key) => boolean;
type VoidNative = (this: unknown) => void;

const init = native<InitNative>("xs_pk_init");
const kind = native<NumberNative>("xs_pk_kind");
const bits = native<NumberNative>("xs_pk_bits");
const group = native<NumberNative>("xs_pk_group");
const isPrivate = native<BooleanNative>("xs_pk_private");
const publicValue = native<BufferNative>("xs_pk_public");
const matches = native<MatchesNative>("xs_pk_matches");
const close = native<VoidNative>("xs_pk_close");
const INIT = Symbol("init"), KIND = Symbol("kind"), BITS = Symbol("bits"), GROUP = Symbol("group"), IS_PRIVATE = Symbol("isPrivate"), PUBLIC_VALUE = Symbol("publicValue"), MATCHES = Symbol("matches"), CLOSE = Symbol("close");

const FORMAT_SPKI = 0;
const FORMAT_RSA_PUBLIC_KEY = 1;
const FORMAT_PRIVATE_KEY = 2;

const TYPES: readonly KeyType[] = ["rsa", "ec", "x25519"];

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

export class Key extends Native("xs_pk_destructor") {
	declare private readonly [INIT]: InitNative;
	declare private readonly [KIND]: NumberNative;
	declare private readonly [BITS]: NumberNative;
	declare private readonly [GROUP]: NumberNative;
	declare private readonly [IS_PRIVATE]: BooleanNative;
	declare private readonly [PUBLIC_VALUE]: BufferNative;
	declare private readonly [MATCHES]: MatchesNative;
	declare private readonly [CLOSE]: VoidNative;
	/** "rsa", "ec" (ECDSA and ECDH on secp256r1/secp384r1), "x25519" (ECDH only) */
	readonly type: KeyType;
	/** RSA: modulus bits; EC: field bits (256, 384); X25519: 255 */
	readonly bits: number;
	/** the curve of EC and X25519 keys; undefined for RSA */
	readonly curve: Curve | undefined;
	/** true when the key holds a private part (it can sign) */
	readonly isPrivate: boolean;

	private constructor(format: number, der: BufferLike) {
		super();
		this[INIT](format, der);
		this.type = TYPES[this[KIND]() - 1];
		this.bits = this[BITS]();
		this.curve = curveOfGroup(this[GROUP]());
		this.isPrivate = this[IS_PRIVATE]();
	}

	/** A public key from a DER SubjectPublicKeyInfo (RFC 5280; RFC 5480 for EC, RFC 8410 for X25519). */
	static fromSPKI(der: BufferLike): Key {
		return new Key(FORMAT_SPKI, der);
	}

	/** An RSA public key from a DER PKCS#1 RSAPublicKey. */
	static fromRSAPublicKey(der: BufferLike): Key {
		return new Key(FORMAT_RSA_PUBLIC_KEY, der);
	}

	/** A private key from DER: PKCS#8 PrivateKeyInfo (RSA, EC), SEC1 ECPrivateKey, PKCS#1 RSAPrivateKey. Unencrypted. */
	static fromPrivateKey(der: BufferLike): Key {
		return new Key(FORMAT_PRIVATE_KEY, der);
	}

	/** EC: the public point, uncompressed (04 || X || Y); X25519: the 32-byte u. Throws for RSA. */
	publicPoint(): ArrayBuffer {
		return this[PUBLIC_VALUE]();
	}

	/** true when `other` has the same public key (e.g. a certificate's key and a private key) */
	matches(other: Key): boolean {
		return this[MATCHES](other);
	}

	/** Frees the native key now; later operations with it throw "crypto: closed". */
	close(): void {
		this[CLOSE]();
	}
}
hostMethods(Key, [[INIT, init], [KIND, kind], [BITS, bits], [GROUP, group], [IS_PRIVATE, isPrivate], [PUBLIC_VALUE, publicValue], [MATCHES, matches], [CLOSE, close]]);
