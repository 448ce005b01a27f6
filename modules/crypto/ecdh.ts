/*
 * Ephemeral (EC)DH for TLS: X25519, secp256r1, secp384r1.
 *
 *   const mine = new ECDH("x25519");          // a new key pair; the private key stays in C
 *   send(mine.publicKey);                      // the key_share / ECPoint bytes
 *   const secret = mine.computeSecret(peerShare);
 *   mine.close();                              // frees (and wipes) the private key now
 *
 * Public values: X25519 32 bytes; secp256r1/secp384r1 the uncompressed point 04 || X || Y.
 * Shared secrets: X25519 32 bytes; NIST curves the x-coordinate (32 or 48 bytes).
 * Errors: "crypto: bad point", "crypto: unsupported point format" (compressed), "crypto: zero
 * shared secret" (X25519 small-order peer values), "crypto: bad key" (a bad private scalar),
 * "crypto: unsupported curve", "crypto: wrong curve", "crypto: closed", "crypto: out of memory".
 */
import { Key, Curve, groupOfCurve } from "./keys";
import { hostMethods } from "./methods";

export type Group = Curve;

type InitNative = (this: unknown, group: number, privateKey?: BufferLike) => ArrayBuffer;
type SharedNative = (this: unknown, peer: BufferLike) => ArrayBuffer;
type ComputeNative = (this: unknown, group: number, privateKey: BufferLike, peer: BufferLike) => ArrayBuffer;

const init = native<InitNative>("xs_ecdh_init");
const shared = native<SharedNative>("xs_ecdh_shared");
const compute = native<ComputeNative>("xs_ecdh_compute");
const INIT = Symbol("init"), SHARED = Symbol("shared");

/** The size in bytes of a public value of `group` (the key_share key_exchange length). */
export function publicKeySize(group: Group): number {
	return group === "x25519" ? 32 : group === "secp256r1" ? 65 : 97;
}

/** The size in bytes of the shared secret of `group`. */
export function secretSize(group: Group): number {
	return group === "secp384r1" ? 48 : 32;
}

function peerValue(group: Group, peer: BufferLike | Key): BufferLike {
	if (peer instanceof Key) {
		if (peer.curve !== group)
			throw new Error("crypto: wrong curve");
		return peer.publicPoint();
	}
	return peer;
}

// close() is the native itself (native/ecdh.c), set on the prototype by hostMethods below
export interface ECDH {
	/** Frees and wipes the private key now; later calls throw "crypto: closed". */
	close(): void;
}

export class ECDH extends Native("xs_ecdh_destructor") {
	readonly group: Group;
	/** our public value, to send to the peer */
	readonly publicKey: ArrayBuffer;
	declare private readonly [INIT]: InitNative;
	declare private readonly [SHARED]: SharedNative;

	/**
	 * A key pair on `group`: new and random, or from a given private key (X25519: 32 bytes as in
	 * RFC 7748; NIST curves: the big-endian scalar) for tests and static keys.
	 */
	constructor(group: Group, privateKey?: BufferLike) {
		super();
		this.group = group;
		this.publicKey = this[INIT](groupOfCurve(group), privateKey);
	}

	/** The shared secret with the peer's public value (raw bytes, or an EC/X25519 Key on the same curve). */
	computeSecret(peer: BufferLike | Key): ArrayBuffer {
		return this[SHARED](peerValue(this.group, peer));
	}

	/** One shared secret from a given private key and the peer's public value, without an object (test vectors). */
	static computeSecret(group: Group, privateKey: BufferLike, peer: BufferLike | Key): ArrayBuffer {
		return compute(groupOfCurve(group), privateKey, peerValue(group, peer));
	}
}
hostMethods(ECDH, INIT, init, SHARED, shared, "close", native("xs_ecdh_close"));
