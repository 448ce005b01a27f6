/*
 * A certificate's intake in the full profiles (x509/intake; the device profile's is
 * intake-located.ts): the streaming certificate parser, with the TBS hasher when the certificate
 * is kept for the path.
 */
import { CertificateParser } from "x509/certificate";
import { TBSHasher } from "./tbshash";
import { CertificateIntake, ONLY_CHECKED } from "x509/parsed";

/** The intake of a certificate of `length` bytes; `what` names it in messages, `mode` says what is kept. */
export function startCertificate(what: string, mode: number, length: number): CertificateIntake {
	return mode === ONLY_CHECKED ? new CertificateParser(what, ONLY_CHECKED, length) : new TBSHasher(what, mode, length);
}
