/*
 * A certificate's intake (x509/intake, the full profiles'): the certificate is parsed whole by the
 * locator in C (located.ts, which x509/certificate is), its bytes gathered by gather.ts (in place
 * when they come in one write(), else in one buffer of its length; longer than MAX_CERTIFICATE refused).
 */
import { malformed } from "./errors";
import { Gather } from "./gather";
import { parseCertificateAt } from "x509/located";
import { CertificateIntake, ParsedCertificate, ONLY_CHECKED } from "x509/parsed";

class Gathered extends Gather<ParsedCertificate> implements CertificateIntake {
	private readonly what: string;
	private readonly mode: number;

	constructor(what: string, mode: number, length: number) {
		super();
		this.what = what;
		this.mode = mode;
		this.start(length);
	}

	finish(): void {
		this.complete();
	}

	get cert(): ParsedCertificate {
		return this.held as ParsedCertificate;
	}

	protected parse(bytes: Uint8Array, offset: number, length: number): ParsedCertificate {
		return parseCertificateAt(bytes, offset, length, this.what, this.mode, this.mode !== ONLY_CHECKED);
	}

	protected fail(problem: string): Error {
		return malformed(`x509: ${this.what}${problem}`);
	}
}

/** The intake of a certificate of `length` bytes; `what` names it in messages, `mode` says what is kept. */
export function startCertificate(what: string, mode: number, length: number): CertificateIntake {
	return new Gathered(what, mode, length);
}
