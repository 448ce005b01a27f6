/*
 * ChainVerifier: certificate verification that follows the bytes of a TLS Certificate message as
 * they arrive. For each certificate of the certificate_list (RFC 8446 4.4.2, RFC 5246 7.4.2):
 *
 *   const verifier = new ChainVerifier({ serverName: "example.com" });
 *   verifier.beginCertificate(length);        // the cert_data length
 *   verifier.update(bytes, offset, length);   // its bytes, in chunks of any size, as they come
 *   verifier.endCertificate();                // checks what can be checked now (the leaf: at once)
 *   ...
 *   const path = verifier.finish();           // leaf first, trust anchor last; or throws X509Error
 *   path[0].publicKey                          // the leaf's key, for CertificateVerify
 *
 * Each certificate goes into an intake (x509/intake, intake-located.ts): the certificate whole (in
 * place when it comes in one piece, else gathered in one buffer of its length), walked by the
 * locator in C (located.ts), which keeps only the fields verification needs and hashes the TBS at
 * once. Each certificate is then handed to the path
 * validator (path.ts), which checks signatures as soon as an issuer arrives and drops what it no
 * longer needs. Any method may throw an X509Error; after that the verifier is finished (its
 * methods throw the same error again) and has freed what it held.
 */
import { X509Error, malformed } from "./errors";
import { equalBytes } from "./der";
import { CertificateSummary, certificateBytes, parseCertificateBytes, ONLY_CHECKED, FOR_PATH, SUMMARY } from "x509/certificate";
import type { CertificateIntake } from "x509/parsed";
import { startCertificate } from "x509/intake";
import { PathValidator, Usage } from "./path";
import { digest } from "../crypto/hash";
import { formatTime } from "./time";

/** A DER certificate. */
export type DER = ArrayBuffer | Uint8Array;

export interface VerifierOptions {
	/** trust anchors besides the CA store (secure.certificate): DER certificates */
	roots?: readonly DER[];
	/** the time to check validity at, seconds since 1970; default: the device clock */
	time?: number;
	/** the DNS name or IP literal the peer must have; none: the name is not checked */
	serverName?: string;
	/** "serverAuth" (default) for servers' certificates, "clientAuth" for clients' */
	usage?: Usage;
	/** the longest path accepted, trust anchor excluded (default 8) */
	maxDepth?: number;
	/** false: do not use the CA store resources, only `roots` (default true) */
	store?: boolean;
	/**
	 * true: only the leaf's summary is wanted (finishLeaf(), what a TLS engine keeps): the other
	 * certificates are dropped as soon as the path has moved past them; finish() is not available
	 */
	leafOnly?: boolean;
}

export const DEFAULT_MAX_DEPTH = 8;
/** A device clock before 2020 (2020-01-01T00:00:00Z, seconds) is taken as unset. */
const CLOCK_SET = 1577836800;

/** The time to verify at: options.time, else the device clock, which must be set. */
export function verificationTime(time: number | undefined): number {
	if (time !== undefined) {
		if (typeof time !== "number" || !Number.isFinite(time))
			throw new TypeError("x509: time must be a number of seconds since 1970");
		return Math.floor(time);
	}
	const now = Math.floor(Date.now() / 1000);
	if (now < CLOCK_SET)
		throw new X509Error("clockNotSet", `x509: the device clock is not set (it says ${formatTime(now)}), so certificate validity cannot be checked: set the clock (e.g. with SNTP) before connecting, or pass the time to verify at`);
	return now;
}

/**
 * Checks options.roots ("malformed" names the root): each is parsed whole once per buffer (parsing one
 * costs about 4.4 KB of garbage: each connection passes the same roots), and again when its bytes
 * (SHA-256) or place in the buffer changed. Nothing of the parse is kept: a lookup reads the anchor
 * from the root's bytes when the path needs it (anchor.ts, anchorFromRoot).
 */
export function checkRoots(roots: readonly DER[] | undefined): void {
	for (let i = 0; roots !== undefined && i < roots.length; i++) {
		const bytes = certificateBytes(roots[i]);
		const hash = digest("SHA-256", bytes);
		const checked = rootsChecked.get(bytes.buffer);
		if (checked && checked.offset === bytes.byteOffset && checked.length === bytes.length && equalBytes(new Uint8Array(checked.hash), new Uint8Array(hash)))
			continue;
		parseCertificateBytes(bytes, `root ${i}`);
		rootsChecked.set(bytes.buffer, { offset: bytes.byteOffset, length: bytes.length, hash });
	}
}

interface CheckedRoot {
	offset: number;
	length: number;
	/** SHA-256 of the bytes (an ArrayBuffer: no view kept) */
	hash: ArrayBuffer;
}
const rootsChecked = new WeakMap<object, CheckedRoot>();

const IDLE = 0, IN_CERTIFICATE = 1, FINISHED = 2;

export class ChainVerifier {
	private readonly validator: PathValidator;
	/** the current certificate's intake (x509/intake: the certificate in place, or the buffer that gathers it) */
	private parser: CertificateIntake | undefined = undefined;
	private state = IDLE;
	private count = 0;
	declare private failure: unknown;

	constructor(options: VerifierOptions = {}) {
		const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
		if (!(maxDepth >= 1))
			throw new RangeError("x509: maxDepth must be at least 1");
		checkRoots(options.roots);
		const pathOptions = {
			time: verificationTime(options.time),
			usage: options.usage ?? "serverAuth",
			maxDepth,
			roots: options.roots ?? [],
			serverName: options.serverName,
			store: options.store !== false,
			leafOnly: options.leafOnly === true,
		};
		if (pathOptions.usage !== "serverAuth" && pathOptions.usage !== "clientAuth")
			throw new RangeError("x509: usage must be \"serverAuth\" or \"clientAuth\"");
		this.validator = new PathValidator(pathOptions);
	}

	/** Starts the next certificate, of `length` bytes. */
	beginCertificate(length: number): void {
		this.guard(IDLE, "beginCertificate()");
		try {
			if (!(length > 0) || length > 0xffffff)
				throw malformed("x509: a certificate's length must be 1 to 2^24 - 1 bytes");
			const what = this.count === 0 ? "the peer's certificate" : `certificate ${this.count}`;
			// once anchored (leafOnly), a certificate is only checked as it passes: nothing is kept, nothing hashed
			const keep = !this.validator.complete;
			// leafOnly: only the leaf's summary is kept, the others only what the path needs of them
			this.parser = startCertificate(what, !keep ? ONLY_CHECKED : this.count > 0 && this.validator.leafOnly === true ? FOR_PATH : SUMMARY, length);
			this.state = IN_CERTIFICATE;
		}
		catch (e) {
			throw this.fail(e);
		}
	}

	/** The current certificate's next bytes: bytes[offset .. offset + length). */
	update(bytes: DER, offset = 0, length?: number): void {
		this.guard(IN_CERTIFICATE, "update()");
		try {
			const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
			const count = length ?? view.length - offset;
			if (offset < 0 || count < 0 || offset + count > view.length)
				throw new RangeError("x509: update() range outside the buffer");
			(this.parser as CertificateIntake).write(view, offset, count);
		}
		catch (e) {
			throw this.fail(e);
		}
	}

	/** Ends the current certificate (all its bytes must have come) and checks what it can. */
	endCertificate(): void {
		this.guard(IN_CERTIFICATE, "endCertificate()");
		try {
			(this.parser as CertificateIntake).finish();
			const cert = (this.parser as CertificateIntake).cert;
			// (kept as when it began: the path cannot be complete before add())
			const kept = !this.validator.complete;
			// the parser is dropped before the path validation (no local holds it)
			this.parser = undefined;
			this.state = IDLE;
			this.count++;
			if (kept)
				this.validator.add(cert);
		}
		catch (e) {
			throw this.fail(e);
		}
	}

	/** The validated path, leaf first and trust anchor last; throws the X509Error that says why not. */
	finish(): CertificateSummary[] {
		return this.end(false) as CertificateSummary[];
	}

	/**
	 * leafOnly: the validated path's leaf (its publicKey set), or throws the X509Error that says why
	 * not; pathLength and anchorSource tell the rest of the path.
	 */
	finishLeaf(): CertificateSummary {
		return this.end(true) as CertificateSummary;
	}

	/** leafOnly, after finishLeaf(): how many certificates the path had, trust anchor included */
	get pathLength(): number {
		return this.validator.pathLength;
	}

	/** leafOnly, after finishLeaf(): where the trust anchor came from */
	get anchorSource(): "store" | "roots" | "peer" | undefined {
		return this.validator.anchorSource;
	}

	private end(leaf: boolean): CertificateSummary[] | CertificateSummary {
		this.guard(IDLE, leaf ? "finishLeaf()" : "finish()");
		try {
			if (leaf !== (this.validator.leafOnly === true))
				throw new Error("x509: finishLeaf() is for a leafOnly verifier, finish() for the others");
			if (this.count === 0)
				throw malformed("x509: the peer sent no certificate");
			const result = leaf ? this.validator.finishLeaf() : this.validator.finish();
			this.state = FINISHED;
			return result;
		}
		catch (e) {
			throw this.fail(e);
		}
	}

	/** Abandons verification and frees what is held (the leaf's key included). */
	close(): void {
		(this.parser as { close?(): void } | undefined)?.close?.();
		if (this.state !== FINISHED)
			this.validator.close();
		this.state = FINISHED;
		this.parser = undefined;
	}

	/** how many certificates were ended so far */
	get certificates(): number {
		return this.count;
	}

	private guard(state: number, call: string): void {
		if (this.failure !== undefined)
			throw this.failure;
		if (this.state !== state)
			throw new Error(`x509: ${call} called out of order`);
	}

	private fail(e: unknown): unknown {
		this.failure = e;
		this.close();
		return e;
	}
}
