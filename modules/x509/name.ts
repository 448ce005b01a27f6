/*
 * Server identity checks (RFC 9525), for the name the client connected to ("reference identity"):
 *   - a DNS name is matched against the subjectAltName dNSName entries only; the subject's CN is
 *     never used (RFC 9525 6.3, no CN-ID fallback);
 *   - an IP literal (IPv4 dotted quad; IPv6 with "::" compression and an embedded IPv4 tail,
 *     optionally in brackets) is matched against iPAddress entries only, byte for byte
 *     (an IPv4 address does not match its IPv4-mapped IPv6 form);
 *   - comparison is ASCII case-insensitive; IDNA names must be given as A-labels ("xn--...") and
 *     are compared as bytes; a name with non-ASCII characters is refused;
 *   - a wildcard is accepted only as the whole leftmost label ("*.example.com", RFC 9525 6.3 and
 *     7.2); it matches exactly one non-empty label, never an A-label ("xn--"), never an IP;
 *     "f*.example.com", "*.*.example.com", "a.*.example.com" match nothing;
 *   - a wildcard directly under a public suffix matches nothing. Without the Public Suffix List,
 *     the rule is: at least two labels must follow the wildcard ("*.com" refused), and when exactly
 *     two follow, the last being two letters (a country code), the first must not be one of the
 *     registry second-level labels below ("*.co.uk", "*.com.au", "*.ac.jp" refused;
 *     "*.example.de" accepted).
 * One trailing dot of the reference name is ignored ("example.com." is "example.com").
 */
import { X509Error } from "./errors";
import { equalBytes } from "./der";
import { GeneralNames } from "./extensions";
import { alloc } from "../tls/bytes";
import { parseIPv6, ipv6ToString } from "x509/ipv6";

/** Second-level labels that registries of country-code TLDs use as public suffixes. */
const REGISTRY_LABELS = ("ac co com edu gen go gob gov govt gv in ind info int lg ltd " +
	"me mil ne net nhs nic nom or org plc police sch web").split(" ");   // (smaller as bytecode than an array literal)

export type ReferenceIdentity =
	| { readonly kind: "dns"; readonly name: string }
	| { readonly kind: "ip"; readonly address: Uint8Array };

/** An IPv4 dotted quad ("192.0.2.1": four decimal numbers 0-255, no leading zeros) as 4 bytes. */
export function parseIPv4(text: string): Uint8Array | undefined {
	const parts = text.split(".");
	if (parts.length !== 4)
		return undefined;
	const bytes = alloc(4);
	for (let i = 0; i < 4; i++) {
		const part = parts[i];
		if (part.length < 1 || part.length > 3 || (part.length > 1 && part[0] === "0"))
			return undefined;
		let value = 0;
		for (let j = 0; j < part.length; j++) {
			const c = part.charCodeAt(j) - 48;
			if (c < 0 || c > 9)
				return undefined;
			value = value * 10 + c;
		}
		if (value > 255)
			return undefined;
		bytes[i] = value;
	}
	return bytes;
}

/** An IP literal (IPv4, or IPv6 optionally in brackets) as 4 or 16 bytes, or undefined. */
export function parseIP(text: string): Uint8Array | undefined {
	if (text.startsWith("[") && text.endsWith("]"))
		return parseIPv6(text.slice(1, -1));
	return text.indexOf(":") >= 0 ? parseIPv6(text) : parseIPv4(text);
}

/** Text of a 4- or 16-byte address (IPv6 in the RFC 5952 form, x509/ipv6); address + mask as "a/m". */
export function ipToString(bytes: Uint8Array): string {
	if (bytes.length === 8 || bytes.length === 32) {
		const half = bytes.length >> 1;
		return ipToString(bytes.subarray(0, half)) + "/" + ipToString(bytes.subarray(half));
	}
	if (bytes.length === 4)
		return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
	return ipv6ToString(bytes);
}

/** Lowercase of an ASCII text (dNSNames are IA5, checked when parsed; server names are checked first). */
// called with call(): XS makes a String object for each property read on a primitive string
// (name.length, name.charCodeAt: 2 slots each)
const charCodeAt = String.prototype.charCodeAt;

function lower(text: string): string {
	return text.toLowerCase();
}

function isHostCharacter(c: number): boolean {
	return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95;
}

/**
 * The reference identity of a server name: an IP literal or a DNS name (lowercased, one trailing
 * dot dropped). Throws "nameMismatch" for a name that cannot be a host name.
 */
export function parseServerName(serverName: string): ReferenceIdentity {
	const address = parseIP(serverName);
	if (address !== undefined)
		return { kind: "ip", address };
	for (let i = 0, n = serverName.length; i < n; i++)
		if (charCodeAt.call(serverName, i) > 0x7f)
			throw new X509Error("nameMismatch", `x509: the server name '${serverName}' is not ASCII: give IDNA names as A-labels ("xn--...")`);
	let name = lower(serverName);
	if (name.endsWith("."))
		name = name.slice(0, -1);
	// host characters, labels of 1 to 63 characters, 253 in all (no split: each label would be a string)
	const n = name.length;
	let label = 0;
	for (let i = 0; i <= n && n <= 253; i++) {
		const c = i < n ? charCodeAt.call(name, i) : 46;
		if (c !== 46 ? !isHostCharacter(c) || ++label > 63 : label === 0)
			break;
		if (c === 46)
			label = 0;
		if (i === n)
			return { kind: "dns", name };
	}
	throw new X509Error("nameMismatch", `x509: the server name '${serverName}' is not a host name or IP address`);
}

/** true when a wildcard may stand before these labels (the rule in the header). */
export function wildcardAllowedOver(suffix: string): boolean {
	const labels = suffix.split(".");
	if (labels.length < 2)
		return false;
	// indexed loops, not some(): an array callback is an entry of C into XS (docs/HOST.md, the C stack)
	for (let i = 0; i < labels.length; i++)
		if (labels[i].length === 0 || labels[i].indexOf("*") >= 0)
			return false;
	if (labels.length === 2) {
		const tld = labels[1];
		if (tld.length === 2 && REGISTRY_LABELS.indexOf(labels[0]) >= 0)
			return false;
	}
	return true;
}

/** RFC 9525 6.3: does the presented dNSName `presented` match the (lowercased) DNS reference name? */
export function matchesDNSName(presented: string, reference: string): boolean {
	const pattern = lower(presented);
	if (pattern.indexOf("*") < 0)
		return pattern === reference;
	if (!pattern.startsWith("*.") || !wildcardAllowedOver(pattern.slice(2)))
		return false;
	const dot = reference.indexOf(".");
	if (dot <= 0)
		return false;
	const first = reference.slice(0, dot);
	if (first.startsWith("xn--"))
		return false;
	return reference.slice(dot + 1) === pattern.slice(2);
}

function listNames(names: string[]): string {
	const shown = names.slice(0, 6).join(", ");
	return names.length > 6 ? `${shown} and ${names.length - 6} more` : shown;
}

/** Throws "nameMismatch" unless the certificate's subjectAltName covers the reference identity. */
export function checkServerIdentity(subjectAltName: GeneralNames | undefined, serverName: string, reference: ReferenceIdentity): void {
	if (subjectAltName === undefined)
		throw new X509Error("nameMismatch", `x509: the certificate has no subjectAltName, so it names no host; '${serverName}' does not match (the subject CN is not used: RFC 9525 6.3)`);
	if (reference.kind === "ip") {
		for (let i = 0; i < subjectAltName.ip.length; i++)
			if (equalBytes(subjectAltName.ip[i], reference.address))
				return;
		const addresses = subjectAltName.ip.map(ipToString);
		throw new X509Error("nameMismatch", `x509: the certificate is not valid for the IP address ${serverName}: ` +
			(addresses.length ? `its IP addresses are ${listNames(addresses)}` : "it has no iPAddress names") + " (DNS names never match an IP)");
	}
	for (let i = 0; i < subjectAltName.dns.length; i++)
		if (matchesDNSName(subjectAltName.dns[i], reference.name))
			return;
	throw new X509Error("nameMismatch", `x509: the certificate is not valid for '${serverName}': ` +
		(subjectAltName.dns.length ? `its names are ${listNames(subjectAltName.dns)}` : "it has no DNS names"));
}
