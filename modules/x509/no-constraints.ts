/*
 * "x509/constraints" in the device profile (manifest_device.json): name constraints are not
 * processed, so a chain in which a CA (or the trust anchor) constrains the names below it is refused
 * ("nameConstraints": the peer gets bad_certificate), never accepted with its constraints unchecked.
 */
import { X509Error } from "./errors";
import type { NameConstraints } from "./extensions";
import type { DistinguishedName } from "./dn";

/** refuses: name constraints are not in this build */
export function checkNameConstraints(constraints: NameConstraints, names: unknown, subject: DistinguishedName, by: string): void {
	throw new X509Error("nameConstraints", `x509: ${by} has name constraints, which are not in this build (manifest_device.json): the chain is refused`);
}
