/*
 * Distinguished names (RFC 5280 4.1.2.4): the structure is checked (SEQUENCE OF non-empty SET OF
 * AttributeTypeAndValue), the raw DER is kept for comparisons (issuer to subject chaining compares
 * the bytes, as Go and most TLS stacks do), and the commonName and organizationName are decoded
 * for messages only.
 */
import { malformed } from "./errors";
import { DERReader, readerOver, SEQUENCE, SET, UTF8_STRING, PRINTABLE_STRING, TELETEX_STRING, IA5_STRING, BMP_STRING, UNIVERSAL_STRING, copyBytes } from "./der";

const VISIBLE_STRING = 0x1a;
const COMMON_NAME = "2.5.4.3";
const ORGANIZATION = "2.5.4.10";

export interface DistinguishedName {
	/** the Name's DER, tag and length included */
	readonly der: Uint8Array;
	/** the first commonName, decoded for display */
	readonly commonName?: string;
	/** the first organizationName, decoded for display */
	readonly organization?: string;
}

function isPrintableASCII(content: Uint8Array): boolean {
	for (let i = 0; i < content.length; i++)
		if (content[i] < 0x20 || content[i] > 0x7e)
			return false;
	return true;
}

/** Text of a directory string, for display (never compared). */
export function displayString(tag: number, content: Uint8Array): string {
	if (tag !== BMP_STRING && tag !== UNIVERSAL_STRING && isPrintableASCII(content))
		return String.fromArrayBuffer(copyBytes(content).buffer as ArrayBuffer);   // ASCII is UTF-8; no apply(): a re-entry (der.ts copyBytes)
	if (tag === UTF8_STRING) {
		try {
			return String.fromArrayBuffer(copyBytes(content).buffer as ArrayBuffer);
		}
		catch {
			// not UTF-8: shown byte by byte below
		}
	}
	const parts: string[] = [];
	if (tag === BMP_STRING) {
		for (let i = 0; i + 1 < content.length; i += 2)
			parts.push(String.fromCharCode((content[i] << 8) | content[i + 1]));
	}
	else if (tag === UNIVERSAL_STRING) {
		for (let i = 0; i + 3 < content.length; i += 4) {
			const c = ((content[i] << 24) | (content[i + 1] << 16) | (content[i + 2] << 8) | content[i + 3]) >>> 0;
			parts.push(c <= 0x10ffff ? String.fromCodePoint(c) : "?");
		}
	}
	else {
		for (let i = 0; i < content.length; i++) {
			const c = content[i];
			parts.push(c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : "\\x" + (c < 16 ? "0" : "") + c.toString(16));
		}
	}
	return parts.join("");
}

function isDirectoryString(tag: number): boolean {
	return tag === UTF8_STRING || tag === PRINTABLE_STRING || tag === TELETEX_STRING || tag === IA5_STRING ||
		tag === BMP_STRING || tag === UNIVERSAL_STRING || tag === VISIBLE_STRING;
}

/**
 * Checks a Name's structure and decodes its CN and O. `raw` is the whole Name element; it is kept
 * as given (pass a copy when it must outlive a larger buffer).
 */
export function parseName(raw: Uint8Array, what: string, shared?: DERReader): DistinguishedName {
	const name: { der: Uint8Array; commonName?: string; organization?: string } = { der: raw };
	readName(raw, what, shared, 0, raw.length, name);
	return name;
}

/**
 * Checks the structure of the Name raw[start .. end); with `into`, decodes its first CN and O into
 * it (without, no string or view is made: a certificate parser only checks its names).
 */
export function readName(raw: Uint8Array, what: string, shared: DERReader | undefined, start: number, end: number,
	into?: { commonName?: string; organization?: string }): void {
	const outer = readerOver(raw, what, start, end, shared);
	const rdns = outer.enter(SEQUENCE, what);
	while (!rdns.atEnd) {
		const rdn = rdns.enter(SET, what);
		let count = 0;
		while (!rdn.atEnd) {
			const attribute = rdn.enter(SEQUENCE, what);
			const type = attribute.readOID(what);
			const tag = attribute.peekTag();
			// only the first CN and O are decoded (an element read makes an object and a view)
			if (into !== undefined && type === COMMON_NAME && into.commonName === undefined && isDirectoryString(tag))
				into.commonName = displayString(tag, attribute.expectContent(tag, what));
			else if (into !== undefined && type === ORGANIZATION && into.organization === undefined && isDirectoryString(tag))
				into.organization = displayString(tag, attribute.expectContent(tag, what));
			else
				attribute.skip(what);
			attribute.end();
			count++;
		}
		if (count === 0)
			throw malformed(`x509: ${what}: empty RDN`);
		rdn.end();
	}
	rdns.end();
	outer.end();
}

/** A Name whose CN and O are decoded when read (a certificate's issuer and subject: comparisons make no strings) */
export class NameView implements DistinguishedName {
	readonly der: Uint8Array;
	constructor(der: Uint8Array) {
		this.der = der;
	}
	get commonName(): string | undefined {
		return parseName(this.der, "name").commonName;
	}
	get organization(): string | undefined {
		return parseName(this.der, "name").organization;
	}
}

/** "CN=..., O=..." (or the given fallback) for messages. */
export function describeName(name: DistinguishedName | undefined, fallback = "(no CN or O)"): string {
	if (name === undefined)
		return fallback;
	const parts: string[] = [];
	if (name.commonName !== undefined)
		parts.push(`CN=${name.commonName}`);
	if (name.organization !== undefined)
		parts.push(`O=${name.organization}`);
	return parts.length ? parts.join(", ") : fallback;
}

/** The RDNs of a Name, each as its raw SET element (for directoryName constraints). */
export function nameRDNs(raw: Uint8Array, what: string): Uint8Array[] {
	const rdns = new DERReader(raw, what).enter(SEQUENCE, what);
	const out: Uint8Array[] = [];
	while (!rdns.atEnd)
		out.push(rdns.expectRaw(SET, what));
	return out;
}
