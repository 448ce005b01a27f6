/*
 * A streaming DER walker: bytes go in as they arrive, in chunks of any size; the subclass (the
 * certificate parser) is told about each element's header and decides whether to descend into it
 * (constructed elements), capture its content (into its arena, handed over once complete) or skip it.
 * A captured element is handed over whole (header included), so that names, keys and algorithm
 * identifiers can be kept and compared as DER. An element only read (READ) goes into the scanner's
 * scratch buffer instead, valid during value() only: no buffer per element. Between chunks only the
 * open containers' end offsets and the bytes of a header (base 256 in a number) are kept, so memory
 * does not depend on the size of the whole element, only on what is captured. One object with the
 * parser (and the TBS hasher, tbshash.ts): each object costs XS slots, and shared fields twice.
 *
 * DER is checked as the bytes pass (decodeHeader: definite, shortest lengths, low tag numbers);
 * every element must end inside its container, containers must be filled exactly, and the
 * outermost element must be exactly the announced length. Contents that are captured are checked
 * by the parser with the DERReader.
 */
import { malformed } from "./errors";
import { decodeHeader, Header, MAX_NESTING } from "./der";
import { copy } from "../tls/bytes";

export const DESCEND = 0;
export const CAPTURE = 1;
export const SKIP = 2;
export const READ = 3;
export type Action = typeof DESCEND | typeof CAPTURE | typeof SKIP | typeof READ;

/** decodeHeader's output, read at once after each call: one for all scanners */
const header: Header = { tag: 0, length: 0, headerLength: 0 };
/** the header being read, for decodeHeader: one for all scanners, restored from each one's headerBits when a write() starts */
const headerBytes = new Uint8Array(5);

export abstract class Scanner {
	protected readonly what: string;
	/** the open constructed elements' end offsets, outermost first */
	private readonly open: number[] = [];
	private readonly total: number;
	/** bytes consumed so far */
	protected position = 0;
	/** the bytes of a header read so far (at most 5: base 256 in a number, not a buffer of its own) */
	private headerBits = 0;
	private headerFill = 0;
	/** where a CAPTURE or READ element goes while it is incomplete (the arena or the scratch buffer: no view held) */
	protected capture: ArrayBuffer | undefined = undefined;
	/** READ elements, reused within a write() (grown to the largest one), kept after it only while one is incomplete */
	private scratch: ArrayBuffer | undefined = undefined;
	/** the element being captured: where it starts in `capture` * 8 + its header length */
	private captureAt = 0;
	/** where it ends in `capture` */
	private captureEnd = 0;
	/** the content bytes still to come of the element captured or skipped (0: a header is next) */
	private left = 0;

	/** `what` names the element in messages; it is `total` bytes long (header included) */
	constructor(what: string, total: number) {
		this.what = what;
		this.total = total;
	}

	/**
	 * An element's header was read: return DESCEND (constructed tags only), CAPTURE (into the arena,
	 * to keep), READ (the scratch buffer, to read in value() and drop) or SKIP. `offset` is where the
	 * element starts in the stream, `depth` 0 for the outermost element.
	 */
	protected abstract header(tag: number, length: number, headerLength: number, offset: number, depth: number): Action;
	/**
	 * An element that header() captured or read: element[start .. end), its content from `content`
	 * (captured: in the arena; read: in the scratch buffer, whose bytes after `end` are not the
	 * element's and which the next one reuses).
	 */
	protected abstract value(element: Uint8Array, start: number, content: number, end: number): void;
	/** The end of an element that header() descended into (only [3], the extensions, at depth 2). */
	protected abstract end(depth: number): void;
	/** CAPTURE: room for `size` bytes in the arena, at the offset returned */
	protected abstract reserve(size: number): number;
	/** the buffer CAPTURE puts elements in (read after reserve()) */
	protected abstract get arena(): ArrayBuffer;

	/** Consumes bytes[offset .. offset + length). */
	write(bytes: Uint8Array, offset: number, length: number): void {
		let at = offset;
		const stop = offset + length;
		if (length > this.total - this.position)
			throw malformed(`x509: ${this.what}: more bytes than its length`);
		for (let i = this.headerFill - 1, bits = this.headerBits; i >= 0; i--, bits = Math.floor(bits / 256))
			headerBytes[i] = bits % 256;   // a header that the last write() left incomplete
		while (at < stop) {
			if (this.left > 0) {
				// captured (one memmove, no view) or skipped
				const n = Math.min(this.left, stop - at);
				const capture = this.capture;
				if (capture !== undefined)
					copy(capture, this.captureEnd - this.left, bytes, at, n);
				this.left -= n;
				this.position += n;
				at += n;
				if (this.left === 0) {
					if (capture !== undefined)
						this.captured();
					else
						this.closeContainers();
				}
			}
			else {
				const open = this.open;
				const limit = open.length ? open[open.length - 1] : this.total;
				if (this.position >= limit)
					throw malformed(`x509: ${this.what}: element runs past the end of its container`);
				const b = bytes[at++];
				headerBytes[this.headerFill++] = b;
				this.headerBits = this.headerBits * 256 + b;
				this.position++;
				if (decodeHeader(headerBytes, 0, this.headerFill, this.what, header))
					this.started(header.tag, header.length, header.headerLength, limit);
			}
		}
		// between writes (records) the scratch buffer is held only by a field still arriving
		if (this.capture !== this.scratch)
			this.scratch = undefined;
	}

	/** Throws unless the whole element was seen. */
	finish(): void {
		// (at the total every container is closed: the outermost element ends exactly there)
		if (this.position !== this.total || this.headerFill !== 0)
			throw malformed(`x509: ${this.what}: truncated`);
	}

	private started(tag: number, length: number, headerLength: number, limit: number): void {
		const start = this.position - headerLength;
		this.headerFill = 0;
		this.headerBits = 0;
		const depth = this.open.length;
		const end = start + headerLength + length;
		if (end > limit)
			throw malformed(`x509: ${this.what}: element runs past the end of its container`);
		if (depth === 0 && end !== this.total)
			throw malformed(`x509: ${this.what}: DER length ${end} where ${this.total} bytes were announced`);
		const action = this.header(tag, length, headerLength, start, depth);
		if (action === DESCEND) {
			if ((tag & 0x20) === 0)
				throw malformed(`x509: ${this.what}: primitive element where a constructed one was expected`);
			if (depth >= MAX_NESTING)
				throw malformed(`x509: ${this.what}: nested too deep`);
			this.open.push(end);
			this.closeContainers();
		}
		else if (action === CAPTURE || action === READ) {
			const size = headerLength + length;
			let at = 0;
			if (action === CAPTURE) {
				at = this.reserve(size);
				this.capture = this.arena;
			}
			else {
				if (this.scratch === undefined || this.scratch.byteLength < size)
					this.scratch = new ArrayBuffer(Math.max(size, 64));
				this.capture = this.scratch;
			}
			copy(this.capture, at, headerBytes, 0, headerLength);
			this.captureAt = at * 8 + headerLength;
			this.captureEnd = at + size;
			this.left = length;
			if (length === 0)
				this.captured();
		}
		else {
			this.left = length;
			if (length === 0)
				this.closeContainers();
		}
	}

	private captured(): void {
		const buffer = this.capture as ArrayBuffer;
		this.capture = undefined;
		const start = Math.floor(this.captureAt / 8);
		this.value(new Uint8Array(buffer), start, start + this.captureAt % 8, this.captureEnd);
		this.closeContainers();
	}

	/** Ends the containers whose last byte was just consumed (innermost first). */
	private closeContainers(): void {
		const open = this.open;
		while (open.length && open[open.length - 1] === this.position) {
			open.pop();
			this.end(open.length);
		}
	}
}
