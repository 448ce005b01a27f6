/*
 * A strict DER reader (X.690 clause 10 and 8): definite lengths in their shortest form, tags in the
 * low-tag-number form (all X.509 uses), primitive and constructed forms as the tag byte says,
 * minimal INTEGERs, BOOLEAN as 00/FF, NULL empty, OIDs with minimal subidentifiers, BIT STRINGs
 * with zeroed unused bits, no bytes after the end, nesting bounded.
 *
 *   const r = new DERReader(bytes, "certificate");
 *   const seq = r.enter(SEQUENCE, "validity");    // a reader over the content; checks the length fits
 *   const serial = seq.readIntegerBytes();        // checked, a view of its content
 *   seq.end();                                    // throws when bytes are left
 *   r.end();
 *
 * Every failure is an X509Error "malformed" whose message starts with "x509: " and names the field.
 * decodeHeader() decodes one header (DERReader's, and for tests and bench/weigh.mjs).
 */
import { malformed } from "./errors";
import { COMMON_OIDS } from "./oids";
import { alloc, sub } from "../tls/bytes";

export const BOOLEAN = 0x01;
export const INTEGER = 0x02;
export const BIT_STRING = 0x03;
export const OCTET_STRING = 0x04;
export const NULL = 0x05;
export const OID = 0x06;
export const UTF8_STRING = 0x0c;
export const PRINTABLE_STRING = 0x13;
export const TELETEX_STRING = 0x14;
export const IA5_STRING = 0x16;
export const UTC_TIME = 0x17;
export const GENERALIZED_TIME = 0x18;
export const UNIVERSAL_STRING = 0x1c;
export const BMP_STRING = 0x1e;
export const SEQUENCE = 0x30;
export const SET = 0x31;
/** [n] with the constructed bit (EXPLICIT tags, IMPLICIT SEQUENCEs) */
export function contextConstructed(n: number): number { return 0xa0 | n; }
/** [n] primitive (IMPLICIT primitive types) */
export function contextPrimitive(n: number): number { return 0x80 | n; }

/** How deep constructed elements may nest; X.509 needs 8 at most (GeneralSubtree in NameConstraints). */
export const MAX_NESTING = 16;

/** The lengths this reader accepts: 2^24 - 1 (the size of a TLS handshake message). */
const MAX_LENGTH = 0xffffff;

export interface Header {
	tag: number;
	/** content length */
	length: number;
	/** bytes of tag + length */
	headerLength: number;
}

/**
 * Decodes the header at bytes[position..limit) into `out` (reused: no object is made): false when
 * more bytes are needed; throws "malformed" for anything DER forbids.
 */
export function decodeHeader(bytes: Uint8Array, position: number, limit: number, what: string, out: Header): boolean {
	if (position >= limit)
		return false;
	const tag = bytes[position];
	if ((tag & 0x1f) === 0x1f)
		throw malformed(`x509: ${what}: high tag numbers are not used in X.509`);
	if (position + 1 >= limit)
		return false;
	const first = bytes[position + 1];
	out.tag = tag;
	if (first < 0x80) {
		out.length = first;
		out.headerLength = 2;
		return true;
	}
	if (first === 0x80)
		throw malformed(`x509: ${what}: indefinite length (BER, not DER)`);
	const count = first & 0x7f;
	if (count > 3)
		throw malformed(`x509: ${what}: length too large`);
	if (position + 2 + count > limit)
		return false;
	let length = 0;
	for (let i = 0; i < count; i++)
		length = (length << 8) | bytes[position + 2 + i];
	if (bytes[position + 2] === 0 || length < 0x80)
		throw malformed(`x509: ${what}: length not in its shortest form`);
	if (length > MAX_LENGTH)
		throw malformed(`x509: ${what}: length too large`);
	out.length = length;
	out.headerLength = 2 + count;
	return true;
}

function tagName(tag: number): string {
	return "0x" + (tag < 16 ? "0" : "") + tag.toString(16);
}

/** decodeHeader's output for DERReader (one reader runs at a time: nothing reads it across calls) */
const scratch: Header = { tag: 0, length: 0, headerLength: 0 };

/**
 * A cursor over DER bytes. enter() descends into a constructed element and returns the same reader,
 * now limited to that content, and end() checks the content was used up and returns to the
 * container: entering makes no new reader (XS: 8 slots each), only the container's limit is kept
 * on a stack. Messages name `what` as given to the call, else the reader's. Readers returned by
 * enter() are the same object, so they must be ended in the order entered (innermost first), as
 * nested code does. skip() moves past an element and says where its content is (contentStart,
 * contentEnd in `bytes`), for reading it without a view (a view costs 4 XS slots).
 */
export class DERReader {
	bytes!: Uint8Array;
	private position!: number;
	/** where the element entered last (or the whole reader) ends */
	limit!: number;
	/** the containers' limits, outermost first */
	private readonly stack: number[] = [];
	/** the element read last: where it starts, where its content starts (and ends: contentEnd) */
	elementStart = 0;
	contentStart = 0;
	/** what is being read, for messages ("x509: <what>: ...") */
	what!: string;

	constructor(bytes: Uint8Array, what: string, start = 0, end = bytes.length) {
		this.reset(bytes, what, start, end);
	}

	/**
	 * The same reader over other bytes, as if new (a reader is 8 XS slots: a certificate's parser
	 * reads all its fields with one). Returns the reader.
	 */
	reset(bytes: Uint8Array, what: string, start = 0, end = bytes.length): DERReader {
		this.bytes = bytes;
		this.position = start;
		this.limit = end;
		this.what = what;
		this.stack.length = 0;
		return this;
	}

	/** true when every byte has been read */
	get atEnd(): boolean {
		return this.position >= this.limit;
	}

	/** the tag of the next element, or -1 at the end */
	peekTag(): number {
		return this.position < this.limit ? this.bytes[this.position] : -1;
	}

	/**
	 * Reads the next element's header (same rules as decodeHeader), checks that the element fits,
	 * moves past it and returns its tag; elementStart and contentStart locate it. Makes no object.
	 */
	private advance(what: string): number {
		const start = this.position;
		if (!decodeHeader(this.bytes, start, this.limit, what, scratch))
			throw malformed(`x509: ${what}: ${start >= this.limit ? "missing" : "truncated"}`);
		const contentStart = start + scratch.headerLength;
		const end = contentStart + scratch.length;
		if (end > this.limit)
			throw malformed(`x509: ${what}: length exceeds its container`);
		this.elementStart = start;
		this.contentStart = contentStart;
		this.position = end;
		return scratch.tag;
	}

	private checkTag(tag: number, what: string): void {
		const found = this.peekTag();
		if (found !== tag)
			throw malformed(found < 0 ? `x509: ${what}: missing` : `x509: ${what}: tag ${tagName(found)} where ${tagName(tag)} was expected`);
	}

	/** the content of the next element, which must have this tag */
	expectContent(tag: number, what = this.what): Uint8Array {
		return sub(this.bytes, this.expectAt(tag, what), this.position);
	}

	/** Moves past the next element, which must have this tag: its content is bytes[contentStart .. contentEnd) (no view made). */
	expectAt(tag: number, what = this.what): number {
		this.checkTag(tag, what);
		this.advance(what);
		return this.contentStart;
	}

	/** the whole next element (header included), which must have this tag */
	expectRaw(tag: number, what = this.what): Uint8Array {
		this.checkTag(tag, what);
		this.advance(what);
		return sub(this.bytes, this.elementStart, this.position);
	}

	/** Moves past the next element, whatever it is (its header is checked), and returns its tag. */
	skip(what = this.what): number {
		return this.advance(what);
	}

	/** where the content of the element read last ends in `bytes` */
	get contentEnd(): number {
		return this.position;
	}

	/**
	 * Descends into the next element (a constructed tag): this reader, limited to its content, until
	 * end(), which requires the content used up exactly.
	 */
	enter(tag: number, what = this.what): DERReader {
		if ((tag & 0x20) === 0)
			throw malformed(`x509: ${what}: not a constructed tag`);
		if (this.stack.length >= MAX_NESTING)
			throw malformed(`x509: ${what}: nested too deep`);
		this.checkTag(tag, what);
		this.advance(what);
		this.stack.push(this.limit);
		this.limit = this.position;
		this.position = this.contentStart;
		return this;
	}

	/** Throws unless every byte of the element entered last (or of the whole reader) was used; leaves it. */
	end(): void {
		if (this.position !== this.limit)
			throw malformed(`x509: ${this.what}: ${this.limit - this.position} unexpected bytes at the end`);
		if (this.stack.length)
			this.limit = this.stack.pop() as number;
	}

	// primitives

	/** An INTEGER's content bytes (minimal two's complement, checked). */
	readIntegerBytes(what = this.what, tag = INTEGER): Uint8Array {
		const content = this.expectContent(tag, what);
		checkInteger(content, what);
		return content;
	}

	/** A non-negative INTEGER that fits 31 bits. */
	readSmallInteger(what = this.what, tag = INTEGER): number {
		return smallInteger(this.readIntegerBytes(what, tag), what);
	}

	readBoolean(what = this.what): boolean {
		this.checkTag(BOOLEAN, what);
		this.advance(what);
		return booleanValue(this.bytes, what, this.contentStart, this.position);
	}

	readNull(what = this.what): void {
		this.checkTag(NULL, what);
		this.advance(what);
		if (this.position !== this.contentStart)
			throw malformed(`x509: ${what}: NULL with content`);
	}

	/** An OBJECT IDENTIFIER in dotted form ("2.5.29.19"). */
	readOID(what = this.what): string {
		this.checkTag(OID, what);
		this.advance(what);
		return oidToString(this.bytes, what, this.contentStart, this.position);
	}

	readOctetString(what = this.what): Uint8Array {
		return this.expectContent(OCTET_STRING, what);
	}
}

/** `shared` (a parser's reader, reused) over bytes[start .. end), or a new reader when there is none */
export function readerOver(bytes: Uint8Array, what: string, start: number, end: number, shared: DERReader | undefined): DERReader {
	return shared !== undefined ? shared.reset(bytes, what, start, end) : new DERReader(bytes, what, start, end);
}

/** Checks that an INTEGER content is not empty and in its shortest form (X.690 8.3.2). */
export function checkInteger(content: Uint8Array, what: string): void {
	if (content.length === 0)
		throw malformed(`x509: ${what}: empty INTEGER`);
	if (content.length > 1) {
		const a = content[0], b = content[1] & 0x80;
		if ((a === 0 && b === 0) || (a === 0xff && b !== 0))
			throw malformed(`x509: ${what}: INTEGER not in its shortest form`);
	}
}

/** The value of a non-negative INTEGER content that fits 31 bits. */
export function smallInteger(content: Uint8Array, what: string): number {
	checkInteger(content, what);
	if (content[0] & 0x80)
		throw malformed(`x509: ${what}: negative`);
	if (content.length > 4 || (content.length === 4 && content[0] !== 0 && content[0] >= 0x80))
		throw malformed(`x509: ${what}: too large`);
	let value = 0;
	for (let i = 0; i < content.length; i++)
		value = value * 256 + content[i];
	if (value > 0x7fffffff)
		throw malformed(`x509: ${what}: too large`);
	return value;
}

/** DER BOOLEAN content: one byte, 0x00 or 0xFF (X.690 11.1). */
export function booleanValue(bytes: Uint8Array, what: string, start = 0, end = bytes.length): boolean {
	if (end - start !== 1 || (bytes[start] !== 0 && bytes[start] !== 0xff))
		throw malformed(`x509: ${what}: BOOLEAN not 00 or FF`);
	return bytes[start] === 0xff;
}

/** BIT STRING content (X.690 11.2): unused-bit count 0..7, zero when empty, unused bits zero. */
/** A BIT STRING content's unused-bit count (checked, and the unused bits checked zero); the content is bytes[start .. end) (no view), its bits from bytes[start + 1] */
export function unusedBitCount(bytes: Uint8Array, what: string, start = 0, end = bytes.length): number {
	if (end === start)
		throw malformed(`x509: ${what}: empty BIT STRING`);
	const unusedBits = bytes[start];
	if (unusedBits > 7 || (end - start === 1 && unusedBits !== 0))
		throw malformed(`x509: ${what}: bad unused-bit count`);
	if (unusedBits && (bytes[end - 1] & ((1 << unusedBits) - 1)))
		throw malformed(`x509: ${what}: unused bits not zero`);
	return unusedBits;
}

/** The OID content bytes of a dotted OID ("2.5.29.19" -> 55 1d 13). */
export function encodeOID(dotted: string): number[] {
	const arcs = dotted.split(".");
	const out: number[] = [];
	for (let i = 1; i < arcs.length; i++) {
		let value = i === 1 ? Number(arcs[0]) * 40 + Number(arcs[1]) : Number(arcs[i]);
		// base 128, most significant first: the septets go in at one place, the last one first
		const at = out.length;
		out.push(value & 0x7f);
		for (value = Math.floor(value / 128); value > 0; value = Math.floor(value / 128))
			out.splice(at, 0, (value & 0x7f) | 0x80);
	}
	return out;
}

/** a 32-bit FNV-1a hash of bytes (OID lookups: no string is made to find a known OID) */
function hashBytes(bytes: Uint8Array, start: number, end: number): number {
	let h = 0x811c9dc5;
	for (let i = start; i < end; i++)
		h = Math.imul(h ^ bytes[i], 0x01000193);
	return h >>> 0;
}

/*
 * The OIDs that certificates commonly hold (oids.ts), found by a hash of their content bytes: the
 * encodings end to end in one byte array (OID i is KNOWN_BYTES[KNOWN_STARTS[i] .. KNOWN_STARTS[i + 1]))
 * and their hashes in one Uint32Array. Typed arrays, not a Map and an array of arrays: they cost the
 * program no slots (a Map entry or a Uint8Array costs several; about 800 in all before).
 */
const KNOWN_STARTS = new Uint16Array(COMMON_OIDS.length + 1);
const KNOWN_HASHES = new Uint32Array(COMMON_OIDS.length);
const KNOWN_BYTES = knownOIDs();

function knownOIDs(): Uint8Array {
	let total = 0;
	for (let i = 0; i < COMMON_OIDS.length; i++)
		total += encodeOID(COMMON_OIDS[i]).length;
	const all = alloc(total);
	for (let i = 0, at = 0; i < COMMON_OIDS.length; i++) {
		const encoded = encodeOID(COMMON_OIDS[i]);
		KNOWN_STARTS[i] = at;
		for (let k = 0; k < encoded.length; k++)
			all[at++] = encoded[k];
		KNOWN_STARTS[i + 1] = at;
		KNOWN_HASHES[i] = hashBytes(all, KNOWN_STARTS[i], at);
	}
	return all;
}

/** The dotted form of a known OID whose content is bytes[start .. end), or undefined. */
function knownOID(bytes: Uint8Array, start: number, end: number): string | undefined {
	const hash = hashBytes(bytes, start, end);
	next: for (let i = 0; i < KNOWN_HASHES.length; i++) {
		const from = KNOWN_STARTS[i];
		if (KNOWN_HASHES[i] !== hash || KNOWN_STARTS[i + 1] - from !== end - start)
			continue;
		for (let k = 0; k < end - start; k++)
			if (KNOWN_BYTES[from + k] !== bytes[start + k])
				continue next;
		return COMMON_OIDS[i];
	}
	return undefined;
}

/**
 * An OBJECT IDENTIFIER content (bytes[start .. end)) in dotted form; checks minimal subidentifiers
 * (X.690 8.19).
 */
export function oidToString(bytes: Uint8Array, what: string, start = 0, end = bytes.length): string {
	const known = knownOID(bytes, start, end);
	if (known !== undefined)
		return known;
	const content = start === 0 && end === bytes.length ? bytes : sub(bytes, start, end);
	if (content.length === 0)
		throw malformed(`x509: ${what}: empty OBJECT IDENTIFIER`);
	if (content[content.length - 1] & 0x80)
		throw malformed(`x509: ${what}: OBJECT IDENTIFIER truncated`);
	const arcs: (number | bigint)[] = [];
	let value = 0;
	let big: bigint | undefined;
	let first = true;
	for (let i = 0; i < content.length; i++) {
		const b = content[i];
		if (first && b === 0x80)
			throw malformed(`x509: ${what}: OBJECT IDENTIFIER not in its shortest form`);
		first = false;
		if (big !== undefined)
			big = (big << 7n) | BigInt(b & 0x7f);
		else if (value >= 0x1000000000000)      // 2^48: go on with BigInt before losing precision
			big = (BigInt(value) << 7n) | BigInt(b & 0x7f);
		else
			value = value * 128 + (b & 0x7f);
		if (b & 0x80)
			continue;
		if (arcs.length === 0) {
			// the first subidentifier holds two arcs: 40 * X + Y (X.690 8.19.4)
			if (big !== undefined)
				arcs.push(2, big - 80n);
			else if (value < 80)
				arcs.push(Math.floor(value / 40), value % 40);
			else
				arcs.push(2, value - 80);
		}
		else
			arcs.push(big !== undefined ? big : value);
		value = 0;
		big = undefined;
		first = true;
	}
	return arcs.join(".");
}

/** Lowercase hex of bytes (serial numbers, key identifiers). */
export function toHex(bytes: Uint8Array): string {
	// one typed array and one string: XS makes far less garbage this way than by concatenation
	const codes = alloc(bytes.length * 2);
	for (let i = 0; i < bytes.length; i++) {
		const high = bytes[i] >> 4, low = bytes[i] & 15;
		codes[2 * i] = high < 10 ? 48 + high : 87 + high;
		codes[2 * i + 1] = low < 10 ? 48 + low : 87 + low;
	}
	return String.fromArrayBuffer(codes.buffer as ArrayBuffer);   // ASCII is UTF-8; no apply(): a re-entry (docs/HOST.md)
}

export { equalBytes } from "./equal";

/**
 * A copy of a view, so that it does not keep a larger buffer alive. Not view.slice(): XS makes a
 * typed array's slice through its species constructor, which makes its buffer through the
 * ArrayBuffer constructor, two entries of C into the interpreter (two fxRunID frames on the C
 * stack, with any garbage collection the allocation starts beneath them; docs/HOST.md).
 */
export function copyBytes(view: Uint8Array): Uint8Array {
	const copy = new Uint8Array(new ArrayBuffer(view.length));
	copy.set(view);
	return copy;
}
