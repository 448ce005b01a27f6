/*
 * A streaming DER walker: bytes go in as they arrive, in chunks of any size; a handler is told
 * about each element's header and decides whether to descend into it (constructed elements),
 * capture its content (into the handler's arena, handed over once complete) or skip it.
 * A captured element is handed over whole (header included), so that names, keys and algorithm
 * identifiers can be kept and compared as DER. An element the handler only reads (READ) goes into
 * the scanner's scratch buffer instead, valid during value() only: no buffer per element. Between chunks only the open containers' end
 * offsets and a 5-byte header buffer are kept, so
 * memory does not depend on the size of the whole element, only on what the handler captures.
 *
 * DER is checked as the bytes pass (decodeHeader: definite, shortest lengths, low tag numbers);
 * every element must end inside its container, containers must be filled exactly, and the
 * outermost element must be exactly the announced length. Contents that are captured are checked
 * by the handler with the DERReader.
 */
import { malformed } from "./errors";
import { decodeHeader, Header, MAX_NESTING } from "./der";

export const DESCEND = 0;
export const CAPTURE = 1;
export const SKIP = 2;
export const READ = 3;
export type Action = typeof DESCEND | typeof CAPTURE | typeof SKIP | typeof READ;

export interface ScanHandler {
	/**
	 * An element's header was read: return DESCEND (constructed tags only), CAPTURE (a buffer of its
	 * own, to keep), READ (the scratch buffer, to read in value() and drop) or SKIP.
	 * `offset` is where the element starts in the stream, `depth` 0 for the outermost element.
	 */
	header(tag: number, length: number, headerLength: number, offset: number, depth: number): Action;
	/**
	 * An element that header() captured or read: header and content are element[0 .. end), the
	 * content starts at headerLength. A captured element is exactly that long; a read one is in the
	 * scratch buffer, whose bytes after `end` are not the element's and which the next one reuses.
	 */
	value(tag: number, element: Uint8Array, headerLength: number, depth: number, end: number, start?: number): void;
	/** The end of an element that header() descended into. */
	end(tag: number, depth: number): void;
	/**
	 * CAPTURE puts an element in the handler's `arena`, at the offset reserve(size) returns (value()
	 * then gets the arena and `start`, the element being element[start .. end)).
	 */
	reserve(size: number): number;
	readonly arena: Uint8Array;
}

const HEADER = 0;

/** decodeHeader's output, read at once after each call: one for all scanners */
const header: Header = { tag: 0, length: 0, headerLength: 0 };
/** the header being read, for decodeHeader: one for all scanners, restored from each one's headerBits when a write() starts */
const headerBytes = new Uint8Array(5);

export class Scanner {
	private readonly handler: ScanHandler;
	private readonly what: string;
	/** the open constructed elements, outermost first: end offset * 256 + tag of each (one number: an array element is an XS slot) */
	private readonly open: number[] = [];
	private total = 0;
	private position = 0;
	private state: number = HEADER;
	/** the bytes of a header read so far (at most 5: base 256 in a number, not a buffer of its own) */
	private headerBits = 0;
	private headerFill = 0;
	private headerStart = 0;
	private capture: Uint8Array | undefined = undefined;
	/** READ elements, reused within a write() (grown to the largest one), kept after it only while one is incomplete */
	private scratch: Uint8Array | undefined = undefined;
	private captureTag = 0;
	private captureHeader = 0;
	private captureStart = 0;
	private captureFill = 0;
	private left = 0;
	private done = false;

	constructor(handler: ScanHandler, what: string) {
		this.handler = handler;
		this.what = what;
	}

	/** Starts a new element of `total` bytes (header included). */
	begin(total: number): void {
		this.open.length = 0;
		this.total = total;
		this.position = 0;
		this.state = HEADER;
		this.headerFill = 0;
		this.headerBits = 0;
		this.capture = undefined;
		this.left = 0;
		this.done = false;
	}

	/** bytes consumed so far */
	get offset(): number {
		return this.position;
	}

	/** Consumes bytes[offset .. offset + length). */
	write(bytes: Uint8Array, offset: number, length: number): void {
		let at = offset;
		const stop = offset + length;
		if (length > this.total - this.position)
			throw malformed(`x509: ${this.what}: more bytes than its length`);
		for (let i = this.headerFill - 1, bits = this.headerBits; i >= 0; i--, bits = Math.floor(bits / 256))
			headerBytes[i] = bits % 256;   // a header that the last write() left incomplete
		while (at < stop) {
			if (this.state === CAPTURE) {
				const n = Math.min(this.left, stop - at);
				const capture = this.capture as Uint8Array;
				// short runs byte by byte: a view for set() costs 4 XS slots
				if (n > 64)
					capture.set(bytes.subarray(at, at + n), this.captureFill);
				else
					for (let i = 0, to = this.captureFill; i < n; i++)
						capture[to + i] = bytes[at + i];
				this.captureFill += n;
				this.left -= n;
				this.position += n;
				at += n;
				if (this.left === 0)
					this.captured();
			}
			else if (this.state === SKIP) {
				const n = Math.min(this.left, stop - at);
				this.left -= n;
				this.position += n;
				at += n;
				if (this.left === 0) {
					this.state = HEADER;
					this.closeContainers();
				}
			}
			else {
				if (this.done)
					throw malformed(`x509: ${this.what}: bytes after the end`);
				if (this.headerFill === 0)
					this.headerStart = this.position;
				const open = this.open;
				const limit = open.length ? Math.floor(open[open.length - 1] / 256) : this.total;
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
		if (!this.done)
			throw malformed(`x509: ${this.what}: truncated`);
	}

	private started(tag: number, length: number, headerLength: number, limit: number): void {
		this.headerFill = 0;
		this.headerBits = 0;
		const depth = this.open.length;
		const end = this.headerStart + headerLength + length;
		if (end > limit)
			throw malformed(`x509: ${this.what}: element runs past the end of its container`);
		if (depth === 0 && end !== this.total)
			throw malformed(`x509: ${this.what}: DER length ${end} where ${this.total} bytes were announced`);
		const action = this.handler.header(tag, length, headerLength, this.headerStart, depth);
		if (action === DESCEND) {
			if ((tag & 0x20) === 0)
				throw malformed(`x509: ${this.what}: primitive element where a constructed one was expected`);
			if (depth >= MAX_NESTING)
				throw malformed(`x509: ${this.what}: nested too deep`);
			this.open.push(end * 256 + tag);
			this.closeContainers();
		}
		else if (action === CAPTURE || action === READ) {
			let capture: Uint8Array;
			let at = 0;
			const handler = this.handler;
			if (action === CAPTURE) {
				at = handler.reserve(headerLength + length);
				capture = handler.arena;
			}
			else {
				if (this.scratch === undefined || this.scratch.length < headerLength + length)
					this.scratch = new Uint8Array(Math.max(headerLength + length, 64));
				capture = this.scratch;
			}
			for (let i = 0; i < headerLength; i++)
				capture[at + i] = headerBytes[i];
			this.capture = capture;
			this.captureTag = tag;
			this.captureHeader = headerLength;
			this.captureStart = at;
			this.captureFill = at + headerLength;
			this.left = length;
			this.state = CAPTURE;
			if (length === 0)
				this.captured();
		}
		else {
			this.left = length;
			this.state = SKIP;
			if (length === 0) {
				this.state = HEADER;
				this.closeContainers();
			}
		}
	}

	private captured(): void {
		const content = this.capture as Uint8Array;
		this.capture = undefined;
		this.state = HEADER;
		this.handler.value(this.captureTag, content, this.captureHeader, this.open.length, this.captureFill, this.captureStart);
		this.closeContainers();
	}

	/** Ends the containers whose last byte was just consumed (innermost first). */
	private closeContainers(): void {
		const open = this.open;
		while (open.length && Math.floor(open[open.length - 1] / 256) === this.position) {
			const tag = (open.pop() as number) % 256;
			this.handler.end(tag, open.length);
		}
		if (open.length === 0 && this.position === this.total)
			this.done = true;
	}
}
