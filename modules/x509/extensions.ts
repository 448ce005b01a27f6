/*
 * The certificate extensions the verifier understands (RFC 5280 4.2), each parsed from its
 * extnValue content with the strict DER reader:
 *   basicConstraints 4.2.1.9, keyUsage 4.2.1.3, extKeyUsage 4.2.1.12, subjectAltName 4.2.1.6
 *   (dNSName, iPAddress, directoryName kept; other forms noted), nameConstraints 4.2.1.10
 *   (dNSName, iPAddress, directoryName subtrees; other forms noted), authorityKeyIdentifier
 *   4.2.1.1, subjectKeyIdentifier 4.2.1.2. certificatePolicies (4.2.1.4) is understood in the
 *   sense that a critical one is accepted: this verifier requires no policy (as a TLS client
 *   whose initial policy set is anyPolicy) and does not process policy constraints.
 * Any other critical extension makes the certificate "unsupportedCritical".
 */
import { malformed } from "./errors";
import { DERReader, readerOver, SEQUENCE, OCTET_STRING, BOOLEAN, INTEGER, contextConstructed, contextPrimitive, copyBytes, BIT_STRING, unusedBitCount } from "./der";
import { parseName } from "./dn";

export const BASIC_CONSTRAINTS = "2.5.29.19";
export const KEY_USAGE = "2.5.29.15";
export const EXT_KEY_USAGE = "2.5.29.37";
export const NAME_CONSTRAINTS = "2.5.29.30";
export const SUBJECT_KEY_ID = "2.5.29.14";

/** keyUsage bits (RFC 5280 4.2.1.3), as numbers: bit n of the BIT STRING is (1 << n). */
export const KeyUsage = {
	digitalSignature: 1 << 0,
	nonRepudiation: 1 << 1,
	keyEncipherment: 1 << 2,
	dataEncipherment: 1 << 3,
	keyAgreement: 1 << 4,
	keyCertSign: 1 << 5,
	cRLSign: 1 << 6,
	encipherOnly: 1 << 7,
	decipherOnly: 1 << 8,
} as const;

export const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
/** the extKeyUsage of most servers' certificates: one shared (frozen) list */
const SERVER_AUTH_ONLY = Object.freeze([SERVER_AUTH]) as unknown as string[];
export const CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
export const ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";

export interface BasicConstraints {
	readonly ca: boolean;
	/** pathLenConstraint, when present */
	readonly pathLength?: number;
}

/** The names of a subjectAltName, or the bases of a set of name constraint subtrees. */
export interface GeneralNames {
	/** dNSName values, as written (ASCII) */
	readonly dns: string[];
	/** iPAddress values: 4 or 16 bytes in a subjectAltName; address + mask (8 or 32 bytes) in constraints */
	readonly ip: Uint8Array[];
	/** directoryName values: each a Name's DER */
	readonly directory: Uint8Array[];
	/** other forms present ("rfc822Name", "uniformResourceIdentifier", "otherName", ...) */
	readonly otherForms: string[];
}

export interface NameConstraints {
	readonly permitted?: GeneralNames;
	readonly excluded?: GeneralNames;
}

const FORM_NAMES = "otherName rfc822Name dNSName x400Address directoryName ediPartyName uniformResourceIdentifier iPAddress registeredID".split(" ");

function ia5(content: Uint8Array, what: string): string {
	for (let i = 0; i < content.length; i++)
		if (content[i] > 0x7f)
			throw malformed(`x509: ${what}: not an IA5String`);
	// ASCII is UTF-8: one copy and one string (no apply(): a re-entry of C into XS, deep on the C stack; docs/HOST.md)
	return String.fromArrayBuffer(copyBytes(content).buffer as ArrayBuffer);
}

/** Reads one GeneralName (RFC 5280 4.2.1.6) into `names`. `constraint`: iPAddress is address + mask. */
function readGeneralName(reader: DERReader, names: GeneralNames, constraint: boolean, what: string): void {
	const tag = reader.peekTag();
	const number = tag & 0x1f;
	if ((tag & 0xc0) !== 0x80 || number > 8)
		throw malformed(`x509: ${what}: not a GeneralName`);
	if (tag === contextPrimitive(2)) {
		names.dns.push(ia5(reader.expectContent(tag, what), what));
		return;
	}
	if (tag === contextPrimitive(7)) {
		const address = reader.expectContent(tag, what);
		const v4 = constraint ? 8 : 4;      // IPv4 (4 bytes), IPv6 (16): twice that in constraints (a mask follows)
		if (address.length !== v4 && address.length !== 4 * v4)
			throw malformed(`x509: ${what}: iPAddress of ${address.length} bytes`);
		names.ip.push(copyBytes(address));
		return;
	}
	if (tag === contextConstructed(4)) {
		const explicit = reader.enter(tag, what);
		const name = explicit.expectRaw(SEQUENCE, what);
		explicit.end();
		parseName(name, what);
		names.directory.push(copyBytes(name));
		return;
	}
	// the other forms: their structure is not examined beyond the tag's form
	const primitive = number === 1 || number === 6 || number === 8;
	const expectedTag = primitive ? contextPrimitive(number) : contextConstructed(number);
	if (tag !== expectedTag)
		throw malformed(`x509: ${what}: ${FORM_NAMES[number]} with the wrong form`);
	const content = reader.expectContent(tag, what);
	if (number === 1 || number === 6)
		ia5(content, what);
	if (names.otherForms.indexOf(FORM_NAMES[number]) < 0)
		names.otherForms.push(FORM_NAMES[number]);
}

function emptyNames(): GeneralNames {
	return { dns: [], ip: [], directory: [], otherForms: [] };
}

/** one empty list for all (frozen): a list of its own costs 2 XS slots, and most certificates name only DNS names */
const NONE: readonly never[] = Object.freeze([]);

/** `names` with each empty list replaced by the shared one (once read: nothing is added after) */
function sharingEmpty(names: GeneralNames): GeneralNames {
	const n = names as { -readonly [K in keyof GeneralNames]: GeneralNames[K] };
	if (n.dns.length === 0) n.dns = NONE as unknown as string[];
	if (n.ip.length === 0) n.ip = NONE as unknown as Uint8Array[];
	if (n.directory.length === 0) n.directory = NONE as unknown as Uint8Array[];
	if (n.otherForms.length === 0) n.otherForms = NONE as unknown as string[];
	return names;
}

export function parseBasicConstraints(value: Uint8Array, start = 0, end = value.length, shared?: DERReader): BasicConstraints {
	const what = "basicConstraints";
	const seq = readerOver(value, what, start, end, shared).enter(SEQUENCE, what);
	let ca = false;
	let pathLength: number | undefined;
	if (seq.peekTag() === BOOLEAN) {
		ca = seq.readBoolean(what);
		if (!ca)
			throw malformed(`x509: ${what}: cA FALSE encoded although it is the DEFAULT`);
	}
	if (seq.peekTag() === INTEGER)
		pathLength = seq.readSmallInteger(what);
	seq.end();
	return basicConstraints(ca, pathLength);
}

/** the basicConstraints without a pathLenConstraint: one shared (frozen) object each */
const CA: BasicConstraints = Object.freeze({ ca: true });
const NOT_CA: BasicConstraints = Object.freeze({ ca: false });

/** A basicConstraints value (without a pathLenConstraint: a shared, frozen one). */
export function basicConstraints(ca: boolean, pathLength: number | undefined): BasicConstraints {
	return pathLength === undefined ? (ca ? CA : NOT_CA) : { ca, pathLength };
}

/** The keyUsage bits as a number (bit n is 1 << n). Unused bits must be zero (DER). */
export function parseKeyUsage(value: Uint8Array, start = 0, end = value.length, shared?: DERReader): number {
	const what = "keyUsage";
	const reader = readerOver(value, what, start, end, shared);
	const at = reader.expectAt(BIT_STRING, what);   // the content is value[at .. stop), the bits from value[at + 1] (no view)
	const stop = reader.contentEnd;
	unusedBitCount(value, what, at, stop);
	reader.end();
	if (stop - at > 3)
		throw malformed(`x509: ${what}: more bits than RFC 5280 defines`);
	let result = 0;
	for (let n = 0; n < (stop - at - 1) * 8; n++)
		if (value[at + 1 + (n >> 3)] & (0x80 >> (n & 7)))
			result |= 1 << n;
	if (result >> 9)
		throw malformed(`x509: ${what}: more bits than RFC 5280 defines`);
	return result;
}

/** The key purposes, as dotted OIDs. */
export function parseExtKeyUsage(value: Uint8Array, start = 0, end = value.length, shared?: DERReader): string[] {
	const what = "extKeyUsage";
	const outer = readerOver(value, what, start, end, shared);
	const seq = outer.enter(SEQUENCE, what);
	const purposes: string[] = [];
	while (!seq.atEnd)
		purposes.push(seq.readOID(what));
	seq.end();
	outer.end();
	if (purposes.length === 0)
		throw malformed(`x509: ${what}: empty`);
	return purposes.length === 1 && purposes[0] === SERVER_AUTH ? SERVER_AUTH_ONLY : purposes;
}

export function parseSubjectAltName(value: Uint8Array, start = 0, end = value.length, shared?: DERReader): GeneralNames {
	const what = "subjectAltName";
	const outer = readerOver(value, what, start, end, shared);
	const seq = outer.enter(SEQUENCE, what);
	const names = emptyNames();
	let count = 0;
	while (!seq.atEnd) {
		readGeneralName(seq, names, false, what);
		count++;
	}
	seq.end();
	outer.end();
	if (count === 0)
		throw malformed(`x509: ${what}: empty`);
	return sharingEmpty(names);
}

function readSubtrees(reader: DERReader, what: string): GeneralNames {
	const names = emptyNames();
	let count = 0;
	while (!reader.atEnd) {
		const subtree = reader.enter(SEQUENCE, what);
		readGeneralName(subtree, names, true, what);
		// minimum MUST be 0 (so absent in DER) and maximum MUST be absent (RFC 5280 4.2.1.10)
		if (!subtree.atEnd)
			throw malformed(`x509: ${what}: minimum or maximum given (RFC 5280 requires them absent)`);
		subtree.end();
		count++;
	}
	reader.end();
	if (count === 0)
		throw malformed(`x509: ${what}: empty`);
	return sharingEmpty(names);
}

export function parseNameConstraints(value: Uint8Array, start = 0, end = value.length, shared?: DERReader): NameConstraints {
	const what = "nameConstraints";
	const outer = readerOver(value, what, start, end, shared);
	const seq = outer.enter(SEQUENCE, what);
	let permitted: GeneralNames | undefined;
	let excluded: GeneralNames | undefined;
	if (seq.peekTag() === contextConstructed(0))
		permitted = readSubtrees(seq.enter(contextConstructed(0), what), what);
	if (seq.peekTag() === contextConstructed(1))
		excluded = readSubtrees(seq.enter(contextConstructed(1), what), what);
	seq.end();
	outer.end();
	if (permitted === undefined && excluded === undefined)
		throw malformed(`x509: ${what}: empty`);
	const result: { permitted?: GeneralNames; excluded?: GeneralNames } = {};
	if (permitted !== undefined)
		result.permitted = permitted;
	if (excluded !== undefined)
		result.excluded = excluded;
	return result;
}

/**
 * Where the keyIdentifier of an authorityKeyIdentifier is in `value`, when present: start + end * 2^16
 * (no view: the caller copies what it keeps). The other fields are checked, not kept.
 */
export function authorityKeyIdAt(value: Uint8Array, start: number, end: number, shared?: DERReader): number | undefined {
	const what = "authorityKeyIdentifier";
	const outer = readerOver(value, what, start, end, shared);
	const seq = outer.enter(SEQUENCE, what);
	let keyId: number | undefined;
	if (seq.peekTag() === contextPrimitive(0))
		keyId = seq.expectAt(contextPrimitive(0), what) + seq.contentEnd * 0x10000;
	if (seq.peekTag() === contextConstructed(1)) {
		const issuer = seq.enter(contextConstructed(1), what);
		const names = emptyNames();
		while (!issuer.atEnd)
			readGeneralName(issuer, names, false, what);
		issuer.end();
	}
	if (seq.peekTag() === contextPrimitive(2))
		seq.readIntegerBytes(what, contextPrimitive(2));
	seq.end();
	outer.end();
	return keyId;
}

/** Where the subjectKeyIdentifier is in `value`: start + end * 2^16 (no view). */
export function subjectKeyIdAt(value: Uint8Array, start: number, end: number, shared?: DERReader): number {
	const what = "subjectKeyIdentifier";
	const reader = readerOver(value, what, start, end, shared);
	const at = reader.expectAt(OCTET_STRING, what) + reader.contentEnd * 0x10000;
	reader.end();
	return at;
}
