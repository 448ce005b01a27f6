/*
 * Hashes a certificate's TBSCertificate while its bytes pass, with the hash its signature
 * algorithm names: a CertificateParser that also hashes (one object: each costs XS slots). That
 * algorithm is known only once the TBS "signature" field was read (after the version and serial),
 * so the first HEAD bytes of a certificate are kept in a small buffer when a chunk ends before it
 * is known; the field limits of certificate.ts guarantee it ends within them. Once it is known:
 *   SHA-256, SHA-384: an incremental Hash (crypto/hash), then its digest (into the certificate's buffer);
 *   SHA-512: the crypto facade has no incremental SHA-512, so the TBS bytes are kept (one buffer of
 *            the TBS's length) and the signature check hashes them in C;
 *   weak or unsupported algorithms: nothing (the certificate carries a defect).
 */
import { Hash } from "../crypto/hash";
import { alloc, copy } from "../tls/bytes";
import { malformed } from "./errors";
import { CertificateParser } from "x509/certificate";

const HEAD = 160;
/** the largest digest (SHA-384) */
const DIGEST_ROOM = 48;
const UNDECIDED = 0, HASHING = 1, KEEPING = 2, NOTHING = 3;

export class TBSHasher extends CertificateParser {
	/** the certificate's first bytes, until the signature algorithm is known (only when a chunk ends before it is) */
	declare private head: ArrayBuffer | undefined;
	private hashing = UNDECIDED;
	declare private hash: Hash | undefined;
	/** the next TBS byte (certificate offset) to hash or keep */
	private next = 0;

	/** `what` names the certificate in messages, `mode` says what it keeps, `length` its length */
	constructor(what: string, mode: number, length: number) {
		super(what, mode, length);
		// room for the digest at the start of the certificate's buffer (made now: the fields captured later
		// come one after the other, the names together)
		this.reserve(DIGEST_ROOM);
	}

	/** Parses bytes[offset .. offset + length), then hashes what of them is TBS; the digest (or the TBS) goes to cert (digestAt, tbs) once complete. */
	override write(bytes: Uint8Array, offset: number, length: number): void {
		const start = this.position;
		super.write(bytes, offset, length);
		if (this.hashing === UNDECIDED) {
			if (this.tbsAlgorithm === undefined) {   // the signature algorithm is not known yet
				if (start < HEAD)
					copy(this.head ??= new ArrayBuffer(HEAD), start, bytes, offset, Math.min(length, HEAD - start));
				return;
			}
			this.decide(start);
			delete this.head;
		}
		if (this.hashing !== HASHING && this.hashing !== KEEPING)
			return;
		const tbsEnd = Math.floor(this.tbs / 0x1000000);
		const from = Math.max(this.next, start);
		const to = Math.min(start + length, tbsEnd);
		if (to > from) {
			this.next = from;
			this.consume(bytes, offset + (from - start), to - from);
			this.next = to;
		}
		if (this.next === tbsEnd && this.hash !== undefined) {
			const cert = this.cert;
			copy(cert.buffer, (cert.digestAt as number) % 0x10000, this.hash.digest(), 0, this.hash.size);
			this.close();
		}
	}

	private decide(start: number): void {
		const algorithm = this.cert.algorithm;
		const tbsStart = this.tbs % 0x1000000;
		this.next = tbsStart;
		if (algorithm === undefined) {
			this.hashing = NOTHING;
			return;
		}
		if (algorithm.hash === "SHA-512") {
			this.hashing = KEEPING;
			this.cert.tbs = alloc(Math.floor(this.tbs / 0x1000000) - tbsStart);
		}
		else {
			this.hashing = HASHING;
			this.hash = new Hash(algorithm.hash);
			// the digest goes to the start of the certificate's buffer (a range, as its other byte fields: no buffer of its own)
			this.cert.digestAt = this.hash.size * 0x10000;
		}
		// the TBS bytes of earlier chunks are in the head
		if (start > this.next) {
			if (start > HEAD)
				throw malformed("x509: the certificate's signature algorithm comes too late");
			this.consume(this.head as ArrayBuffer, this.next, start - this.next);
			this.next = start;
		}
	}

	private consume(bytes: Uint8Array | ArrayBuffer, offset: number, length: number): void {
		if (this.hashing === HASHING)
			(this.hash as Hash).update(bytes, offset, length);
		else
			copy(this.cert.tbs as Uint8Array, this.next - this.tbs % 0x1000000, bytes, offset, length);
	}

	/** Frees the native hash (when verification stops halfway, or once the digest is taken). */
	close(): void {
		if (this.hash !== undefined) {
			this.hash.close();
			delete this.hash;
		}
	}
}
