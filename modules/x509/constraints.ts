/*
 * Name constraints (RFC 5280 4.2.1.10, 6.1.3 b and c), applied by a CA (or a trust anchor that
 * carries them) to the certificates below it in the path:
 *   - dNSName: "example.com" covers itself and every name under it; ".example.com" only the names
 *     under it; "" everything. Names compare ASCII case-insensitively. A wildcard name "*.x.com" is
 *     a name under "x.com" for permitted subtrees (so "www.x.com" alone does not permit it), and
 *     is excluded when an excluded subtree is under "x.com" by one label (it could match it).
 *   - iPAddress: address and mask; an IPv4 name never falls in an IPv6 subtree and the reverse.
 *   - directoryName: the subtree's RDNs are the first RDNs of the name, compared as DER bytes.
 *     Applies to the subject (when not empty) and to directoryName alternative names.
 *   - other forms (rfc822Name, URI, otherName...): not processed; a certificate holding a name of a
 *     form its issuer constrains is refused (RFC 5280 4.2.1.10 allows no other outcome).
 * For each form, a name must lie in one of the permitted subtrees of that form (when there are any)
 * and in none of the excluded ones.
 */
import { X509Error } from "./errors";
import { GeneralNames, NameConstraints } from "./extensions";
import { DistinguishedName, describeName, nameRDNs } from "./dn";
import { equalBytes } from "./der";
import { ipToString } from "./name";

/** dNSNames are IA5 (checked when parsed), so toLowerCase only changes A-Z */
function lower(text: string): string {
	return text.toLowerCase();
}

/** Is DNS name `name` in the subtree `base` (both lowercase)? */
function dnsWithin(name: string, base: string): boolean {
	if (base === "")
		return true;
	if (base.startsWith("."))
		return name.length > base.length && name.endsWith(base);
	return name === base || (name.length > base.length && name.endsWith("." + base));
}

/** Could wildcard name "*.X" match a name in the excluded subtree `base`? */
function wildcardMeets(name: string, base: string): boolean {
	if (dnsWithin(name, base))
		return true;
	if (!name.startsWith("*.") || base.startsWith(".") || base === "")
		return false;
	const suffix = name.slice(1);          // ".X"
	if (!base.endsWith(suffix))
		return false;
	const label = base.slice(0, base.length - suffix.length);
	return label.length > 0 && label.indexOf(".") < 0;
}

function ipWithin(address: Uint8Array, subtree: Uint8Array): boolean {
	if (subtree.length !== address.length * 2)
		return false;
	const n = address.length;
	for (let i = 0; i < n; i++)
		if ((address[i] & subtree[n + i]) !== (subtree[i] & subtree[n + i]))
			return false;
	return true;
}

function directoryWithin(name: Uint8Array, base: Uint8Array): boolean {
	const prefix = nameRDNs(base, "name constraint directoryName");
	const rdns = nameRDNs(name, "directoryName");
	if (prefix.length > rdns.length)
		return false;
	for (let i = 0; i < prefix.length; i++)
		if (!equalBytes(prefix[i], rdns[i]))
			return false;
	return true;
}

/** The names of a certificate that name constraints look at. */
export interface ConstrainedNames {
	readonly subject: Uint8Array;
	readonly subjectAltName?: GeneralNames;
}

function refuse(message: string): X509Error {
	return new X509Error("nameConstraints", `x509: ${message} (RFC 5280 4.2.1.10)`);
}

function isEmptyName(der: Uint8Array): boolean {
	return der.length === 2 && der[1] === 0;
}

/**
 * One form's names against the permitted and excluded subtrees of that form: `within` for permitted
 * ones, `meets` for excluded ones; `shown(name)` describes a name in the message ("the DNS name 'x'").
 */
function checkForm<N, B>(names: readonly N[], permitted: readonly B[] | undefined, excluded: readonly B[] | undefined,
	within: (name: N, base: B) => boolean, meets: (name: N, base: B) => boolean, shown: (name: N) => string,
	kind: string, what: string, by: string): void {
	for (let i = 0; i < names.length; i++) {
		const name = names[i];
		if (permitted && permitted.length && !permitted.some((base) => within(name, base)))
			throw refuse(`${what}: ${shown(name)} is outside the ${kind} permitted by ${by}`);
		if (excluded && excluded.some((base) => meets(name, base)))
			throw refuse(`${what}: ${shown(name)} is excluded by ${by}`);
	}
}

function dnsBaseWithin(name: string, base: string): boolean {
	return dnsWithin(name, lower(base));
}

function wildcardBaseMeets(name: string, base: string): boolean {
	return wildcardMeets(name, lower(base));
}

function dnsShown(name: string): string {
	return `the DNS name '${name}'`;
}

function ipShown(address: Uint8Array): string {
	return `the IP address ${ipToString(address)}`;
}

function directoryShown(): string {
	return "its directory name";
}

/**
 * Throws "nameConstraints" when `names` (of the certificate whose subject is `subject`) break the
 * constraints of the CA described by `by`.
 */
export function checkNameConstraints(constraints: NameConstraints, names: ConstrainedNames, subject: DistinguishedName, by: string): void {
	const what = `the certificate '${describeName(subject)}'`;
	const permitted = constraints.permitted;
	const excluded = constraints.excluded;
	const san = names.subjectAltName;
	const directory: Uint8Array[] = san ? san.directory.slice() : [];
	if (!isEmptyName(names.subject))
		directory.push(names.subject);
	checkForm(san ? san.dns.map(lower) : [], permitted?.dns, excluded?.dns, dnsBaseWithin, wildcardBaseMeets, dnsShown, "names", what, by);
	checkForm(san ? san.ip : [], permitted?.ip, excluded?.ip, ipWithin, ipWithin, ipShown, "addresses", what, by);
	checkForm(directory, permitted?.directory, excluded?.directory, directoryWithin, directoryWithin, directoryShown, "names", what, by);
	if (san) {
		for (let i = 0; i < san.otherForms.length; i++) {
			const form = san.otherForms[i];
			if ((permitted && permitted.otherForms.indexOf(form) >= 0) || (excluded && excluded.otherForms.indexOf(form) >= 0))
				throw refuse(`${what}: it has a ${form} name, and ${by} constrains ${form} names, which this verifier does not process`);
		}
	}
}
