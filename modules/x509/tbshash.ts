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
import type { CertificateParser } from "./certificate";

const HEAD = 160;
const UNDECIDED = 0, HASHING = 1, KEEPING = 2, NOTHING = 3;

export class TBSHasher {
	/**
	 * the certificate's first bytes, until the signature algorithm is known (then the hash or the
	 * copy takes over): only when a chunk ends before it is (a view and its buffer: 7 XS slots)
	 */
	declare private head: Uint8Array | undefined;
	private mode = UNDECIDED;
	private hash: Hash | undefined = undefined;
	/** the next TBS byte (certificate offset) to hash or keep */
	private next = 0;

	/**
	 * bytes[offset .. offset + length) are the certificate's bytes from `start`; the parser has seen
	 * them. The digest (or the TBS) goes to the parser's certificate (tbsDigest, tbs) once complete.
	 */
	feed(bytes: Uint8Array, offset: number, length: number, start: number, parser: CertificateParser): void {
		if (this.mode === UNDECIDED) {
			if (parser.tbsAlgorithm === undefined) {   // the signature algorithm is not known yet
				if (start < HEAD) {
					const head = this.head ??= new Uint8Array(HEAD);
					const n = Math.min(length, HEAD - start);
					head.set(bytes.subarray(offset, offset + n), start);
				}
				return;
			}
			this.decide(parser, start);
			this.head = undefined;
		}
		if (this.mode !== HASHING && this.mode !== KEEPING)
			return;
		const tbsEnd = parser.tbsEnd;
		const from = Math.max(this.next, start);
		const to = Math.min(start + length, tbsEnd);
		if (to > from) {
			this.next = from;
			this.take(bytes, offset + (from - start), to - from, parser);
			this.next = to;
		}
		if (this.next === tbsEnd && this.hash !== undefined) {
			parser.cert.tbsDigest = this.hash.digest();
			this.close();
		}
	}

	private decide(parser: CertificateParser, start: number): void {
		const algorithm = parser.cert.algorithm;
		this.next = parser.tbsStart;
		if (algorithm === undefined) {
			this.mode = NOTHING;
			return;
		}
		if (algorithm.hash === "SHA-512") {
			this.mode = KEEPING;
			parser.cert.tbs = new Uint8Array(parser.tbsEnd - parser.tbsStart);
		}
		else {
			this.mode = HASHING;
			this.hash = new Hash(algorithm.hash);
		}
		// the TBS bytes of earlier chunks are in the head
		if (start > this.next) {
			if (start > HEAD)
				throw malformed("x509: the certificate's signature algorithm comes too late");
			this.take(this.head as Uint8Array, this.next, start - this.next, parser);
			this.next = start;
		}
	}

	private take(bytes: Uint8Array, offset: number, length: number, parser: CertificateParser): void {
		if (this.mode === HASHING)
			(this.hash as Hash).update(bytes, offset, length);
		else
			(parser.cert.tbs as Uint8Array).set(bytes.subarray(offset, offset + length), this.next - parser.tbsStart);
	}

	/** Frees the native hash (when verification stops halfway, or once the digest is taken). */
	close(): void {
		if (this.hash !== undefined) {
			this.hash.close();
			this.hash = undefined;
		}
	}
}
