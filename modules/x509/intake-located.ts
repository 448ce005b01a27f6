/*
 * A certificate's intake in the device profile (x509/intake; the full profiles' is intake.ts): the
 * certificate is parsed whole by the locator in C (located.ts, which the device profile's x509/certificate is). When
 * all its bytes come in one write() (a TLS record holds it) it is parsed there, in place: no copy,
 * nothing of the record kept. Else its bytes are gathered in one buffer of its length, parsed at
 * finish(); certificates longer than MAX_CERTIFICATE are refused.
 */
import { malformed } from "./errors";
import { copy } from "../tls/bytes";
import { parseCertificateAt } from "x509/located";
import { CertificateIntake, ParsedCertificate, ONLY_CHECKED } from "x509/parsed";

/**
 * The largest certificate accepted (bytes): the field limits of x509/certificate allow about 13 KB of
 * fields, and a TLS record holds 16 KB.
 */
export const MAX_CERTIFICATE = 16384;

class Gathered implements CertificateIntake {
	private readonly what: string;
	private readonly mode: number;
	/** undefined until bytes come; the certificate when they came at once; else the buffer that gathers them (one field: each costs an XS slot) */
	private held: ParsedCertificate | ArrayBuffer | undefined = undefined;
	/** the bytes still to come */
	private left: number;

	constructor(what: string, mode: number, length: number) {
		if (length > MAX_CERTIFICATE)
			throw malformed(`x509: ${what} of ${length} bytes: more than the ${MAX_CERTIFICATE} this verifier accepts`);
		this.what = what;
		this.mode = mode;
		this.left = length;
	}

	write(bytes: Uint8Array, offset: number, length: number): void {
		if (length > this.left)
			throw malformed(`x509: ${this.what}: more bytes than its length`);
		if (this.held === undefined && length === this.left)
			this.held = this.parse(bytes, offset, length);   // all of it at once: parsed in place
		else if (length > 0) {
			const gathered = (this.held ??= new ArrayBuffer(this.left)) as ArrayBuffer;
			copy(gathered, gathered.byteLength - this.left, bytes, offset, length);
		}
		this.left -= length;
	}

	finish(): void {
		if (this.left !== 0)
			throw malformed(`x509: ${this.what}: truncated`);
		if (this.held instanceof ArrayBuffer)
			this.held = this.parse(new Uint8Array(this.held), 0, this.held.byteLength);
	}

	get cert(): ParsedCertificate {
		return this.held as ParsedCertificate;
	}

	private parse(bytes: Uint8Array, offset: number, length: number): ParsedCertificate {
		return parseCertificateAt(bytes, offset, length, this.what, this.mode, this.mode !== ONLY_CHECKED);
	}
}

/** The intake of a certificate of `length` bytes; `what` names it in messages, `mode` says what is kept. */
export function startCertificate(what: string, mode: number, length: number): CertificateIntake {
	return new Gathered(what, mode, length);
}
