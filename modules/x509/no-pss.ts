/*
 * "x509/pss" in the device profile (manifest_device.json): no RSASSA-PSS certificate signatures. A
 * certificate signed with RSASSA-PSS is refused ("unsupportedAlgorithm": the peer gets
 * unsupported_certificate), never accepted unchecked. TLS 1.3's rsa_pss_rsae CertificateVerify
 * signatures are not these and stay.
 */
import { X509Error } from "./errors";
import type { DERReader } from "./der";
import type { SignatureAlgorithm } from "./algorithms";

/** refuses: RSASSA-PSS certificate signatures are not in this build */
export function parsePSSParameters(reader: DERReader, what: string): SignatureAlgorithm {
	throw new X509Error("unsupportedAlgorithm", `x509: ${what} uses RSASSA-PSS, which is not in this build (manifest_device.json): the server needs a chain signed with ECDSA or RSA PKCS#1 v1.5`);
}
