/*
 * Hashes a certificate's TBSCertificate while its bytes pass, with the hash its signature
 * algorithm names. That algorithm is known only once the TBS "signature" field was read (after the
 * version and serial), so the first HEAD bytes of every certificate are kept in a small buffer;
 * the field limits of certificate.ts guarantee it ends within them. Once the algorithm is known:
 *   SHA-256, SHA-384: an incremental Hash (crypto/hash), then its digest;
 *   SHA-512: the crypto facade has no incremental SHA-512, so the TBS bytes are kept (one buffer of
 *            the TBS's length) and the signature check hashes them in C;
 *   weak or unsupported algorithms: nothing (the certificate carries a defect).
 */
import { Hash } from "../crypto/hash";
import { malformed } from "./errors";
import type { CertificateParser, ParsedCertificate } from "./certificate";

const HEAD = 160;
const UNDECIDED = 0, HASHING = 1, KEEPING = 2, NOTHING = 3;

export class TBSHasher {
	/** the certificate's first bytes, until the signature algorithm is known (then the hash or the copy takes over) */
	declare private head: Uint8Array | undefined;
	private mode = UNDECIDED;
	private hash: Hash | undefined = undefined;
	private tbs: Uint8Array | undefined = undefined;
	/** the next TBS byte (certificate offset) to hash or keep */
	private next = 0;
	private tbsStart = 0;
	private tbsEnd = 0;
	private digest: ArrayBuffer | undefined = undefined;

	/** Starts a certificate. */
	begin(): void {
		this.close();
		this.mode = UNDECIDED;
		this.head = new Uint8Array(HEAD);
		this.tbs = undefined;
		this.digest = undefined;
	}

	/** bytes[offset .. offset + length) are the certificate's bytes from `start`; the parser has seen them. */
	feed(bytes: Uint8Array, offset: number, length: number, start: number, parser: CertificateParser): void {
		if (start < HEAD && this.head !== undefined) {
			const n = Math.min(length, HEAD - start);
			this.head.set(bytes.subarray(offset, offset + n), start);
		}
		if (this.mode === UNDECIDED && parser.algorithmKnown) {
			this.decide(parser, start);
			this.head = undefined;
		}
		if (this.mode !== HASHING && this.mode !== KEEPING)
			return;
		const from = Math.max(this.next, start);
		const to = Math.min(start + length, this.tbsEnd);
		if (to > from) {
			this.next = from;
			this.take(bytes, offset + (from - start), to - from);
			this.next = to;
		}
		if (this.next === this.tbsEnd && this.mode === HASHING && this.digest === undefined) {
			const hash = this.hash as Hash;
			this.digest = hash.digest();
			hash.close();
			this.hash = undefined;
		}
	}

	private decide(parser: CertificateParser, start: number): void {
		const algorithm = parser.cert.algorithm;
		this.tbsStart = parser.tbsStart;
		this.tbsEnd = parser.tbsEnd;
		this.next = this.tbsStart;
		if (algorithm === undefined) {
			this.mode = NOTHING;
			return;
		}
		if (algorithm.hash === "SHA-512") {
			this.mode = KEEPING;
			this.tbs = new Uint8Array(this.tbsEnd - this.tbsStart);
		}
		else {
			this.mode = HASHING;
			this.hash = new Hash(algorithm.hash);
		}
		// the TBS bytes of earlier chunks are in the head
		if (start > this.next) {
			if (start > HEAD)
				throw malformed("x509: the certificate's signature algorithm comes too late");
			this.take(this.head as Uint8Array, this.next, start - this.next);
			this.next = start;
		}
	}

	private take(bytes: Uint8Array, offset: number, length: number): void {
		if (this.mode === HASHING)
			(this.hash as Hash).update(bytes, offset, length);
		else
			(this.tbs as Uint8Array).set(bytes.subarray(offset, offset + length), this.next - this.tbsStart);
	}

	/** Gives the certificate its TBS digest (SHA-256/384) or the TBS itself (SHA-512), once it is complete. */
	result(cert: ParsedCertificate): void {
		if (this.digest !== undefined)
			cert.tbsDigest = this.digest;
		if (this.mode === KEEPING)
			cert.tbs = this.tbs;
		this.digest = undefined;
		this.tbs = undefined;
	}

	/** Frees the native hash (when verification stops halfway). */
	close(): void {
		if (this.hash !== undefined) {
			this.hash.close();
			this.hash = undefined;
		}
	}
}
