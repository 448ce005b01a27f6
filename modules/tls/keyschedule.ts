/*
 * The TLS 1.3 key schedule (RFC 8446 section 7.1) and traffic keys (7.3).
 *
 *   early  = HKDF-Extract(0, PSK or 0)
 *   handshake = HKDF-Extract(Derive-Secret(early, "derived", ""), (EC)DHE)
 *   master = HKDF-Extract(Derive-Secret(handshake, "derived", ""), 0)
 */
import { hkdfExtract, hkdfExpand, hmac } from "crypto/mac";
import { digest, type HashAlgorithm, hashSize } from "crypto/hash";
import { alloc, copy, writeAscii } from "./bytes";

const LABEL_PREFIX = "tls13 ";


/**
 * HKDF-Expand-Label(Secret, Label, Context, Length) (RFC 8446 7.1), Context empty and Length Hash.length unless
 * given (Derive-Secret is this with the transcript hash as Context). The HkdfLabel is written into one array (a
 * handshake runs this about 15 times: no Writer, no concatenated label, no views)
 */
export function expandLabel(hash: HashAlgorithm, secret: ArrayBuffer, label: string, context?: Uint8Array | ArrayBuffer, length = hashSize(hash)): ArrayBuffer {
	// struct { uint16 length; opaque label<7..255> = "tls13 " + Label; opaque context<0..255>; }
	const labelLength = LABEL_PREFIX.length + label.length, contextLength = context ? context.byteLength : 0;
	const info = alloc(4 + labelLength + contextLength);
	info[0] = length >> 8;
	info[1] = length;
	info[2] = labelLength;
	let at = writeAscii(info, writeAscii(info, 3, LABEL_PREFIX), label);
	info[at++] = contextLength;
	if (contextLength)
		copy(info, at, context!, 0, contextLength);
	return hkdfExpand(hash, secret, info, length);
}

export class KeySchedule {
	declare readonly hash: HashAlgorithm;
	declare private secret: ArrayBuffer;

	/** starts with the early secret, from a PSK (resumption) or none */
	constructor(hash: HashAlgorithm, psk?: ArrayBuffer) {
		this.hash = hash;
		const size = hashSize(hash);   // not a property: a slot per schedule
		this.secret = hkdfExtract(hash, new ArrayBuffer(size), psk ?? new ArrayBuffer(size));
	}
	/** the binder key for a resumption PSK: Derive-Secret(early, "res binder", "") */
	binderKey(): ArrayBuffer {
		return this.derive("res binder", digest(this.hash, new ArrayBuffer(0)));
	}
	/** early -> handshake secret, with the (EC)DHE shared secret */
	handshake(shared: ArrayBuffer): void {
		const salt = this.derive("derived", digest(this.hash, new ArrayBuffer(0)));
		this.secret = hkdfExtract(this.hash, salt, shared);
	}
	/** handshake -> master secret: the same step, with HashLen zero bytes for the (EC)DHE secret */
	master(): void {
		this.handshake(new ArrayBuffer(hashSize(this.hash)));
	}
	/** Derive-Secret(current, label, transcript) */
	derive(label: string, transcriptHash: ArrayBuffer): ArrayBuffer {
		return expandLabel(this.hash, this.secret, label, transcriptHash);
	}
	/** Finished verify_data = HMAC(finished_key, transcript hash) (RFC 8446 4.4.4) */
	finished(trafficSecret: ArrayBuffer, transcriptHash: ArrayBuffer): ArrayBuffer {
		return hmac(this.hash, expandLabel(this.hash, trafficSecret, "finished"), transcriptHash);
	}
}

/** the next application traffic secret (RFC 8446 7.2) */
export function nextTrafficSecret(hash: HashAlgorithm, secret: ArrayBuffer): ArrayBuffer {
	return expandLabel(hash, secret, "traffic upd");
}

/** write key and IV of a traffic secret (RFC 8446 7.3) */
export function trafficKeys(hash: HashAlgorithm, secret: ArrayBuffer, keyLength: number): { key: ArrayBuffer, iv: ArrayBuffer } {
	return {
		key: expandLabel(hash, secret, "key", undefined, keyLength),
		iv: expandLabel(hash, secret, "iv", undefined, 12),
	};
}
