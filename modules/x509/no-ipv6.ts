/*
 * "x509/ipv6" in the device profile (manifest_device.json): no IPv6 reference identities. A server
 * name that is an IPv6 literal is refused when the chain verifier is made, before any certificate is
 * trusted; never matched some other way.
 */
import { X509Error } from "./errors";

/** refuses: IPv6 is not in this build */
export function parseIPv6(text: string): Uint8Array | undefined {
	throw new X509Error("nameMismatch", `x509: the server name '${text}' is an IPv6 address, and IPv6 reference identities are not in this build (manifest_device.json): connect by a DNS name or an IPv4 address`);
}

/** an IPv6 address in a message (a certificate's name, printed only) */
export function ipv6ToString(bytes: Uint8Array): string {
	return `(an IPv6 address, ${bytes.length} bytes)`;
}
