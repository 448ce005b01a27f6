/*
 * Cursors over handshake bytes. Reader's length-prefixed helpers check that the announced length
 * fits what is there, and `end()` that nothing trails: every mismatch is a decode_error.
 * Writer's begin/end pairs write a length prefix that must fit its width.
 */
import { Alert, fatal } from "./alert";

/** the bytes of an ASCII string (labels, names) */
export function ascii(text: string): Uint8Array {
	const bytes = alloc(text.length);
	writeAscii(bytes, 0, text);
	return bytes;
}

type CopyNative = (target: ArrayBufferLike | ArrayBufferView, targetOffset: number, source: ArrayBufferLike | ArrayBufferView, sourceOffset: number, count: number) => void;
/**
 * copies `count` bytes from `source[sourceOffset]` to `target[targetOffset]` (ArrayBuffers, typed
 * arrays or DataViews; offsets from each view's start) with memmove (native/copy.c): the host's XS
 * copies TypedArray.prototype.set() byte by byte. RangeError "tls: copy beyond the buffer".
 */
export const copy = native<CopyNative>("xs_bytes_copy");

// called with call(): XS makes a String object for each property read on a primitive string
// (text.length, text.charCodeAt: 2 slots each), so a loop of text.charCodeAt(i) costs 4 per character
export const charCodeAt = String.prototype.charCodeAt;

/** writes the low bytes of text's characters into `into` at `at`; returns the position after them */
export function writeAscii(into: Uint8Array, at: number, text: string): number {
	for (let i = 0, n = text.length; i < n; i++)
		into[at++] = charCodeAt.call(text, i) & 0xFF;
	return at;
}

/**
 * A copy of view[start, end) in a buffer of its own. Not view.slice(): XS makes a typed array's
 * slice through its species constructor, which makes the buffer through the ArrayBuffer
 * constructor: two entries of C into the interpreter (two fxRunID frames on the C stack, beneath
 * which the allocation may collect garbage; docs/HOST.md).
 */
export function copyOf(view: Uint8Array, start = 0, end = view.length): Uint8Array {
	const out = new Uint8Array(new ArrayBuffer(end - start));
	copy(out, 0, view, start, end - start);
	return out;
}

/**
 * `length` zero bytes. Not new Uint8Array(length): XS makes that buffer through the ArrayBuffer constructor,
 * an entry of C into the interpreter (an fxRunID frame beneath which the allocation may collect: docs/HOST.md).
 */
export function alloc(length: number): Uint8Array {
	return new Uint8Array(new ArrayBuffer(length));
}

/**
 * view[start, end) as a view of the same bytes, for indices the caller checked (0 <= start <= end <= length).
 * Not view.subarray(): XS makes it through the species constructor, an entry of C into the interpreter
 * (an fxRunID frame, 1.7 KB on x86-64, beneath which the view's allocation may collect: docs/HOST.md).
 */
export function sub(view: Uint8Array, start: number, end: number = view.length): Uint8Array {
	return new Uint8Array(view.buffer, view.byteOffset + start, end - start);
}

/** new bytes holding these values: not new Uint8Array([...]), which XS fills through the array's iterator (a re-entry) */
export function byteArray(...values: number[]): Uint8Array {
	const out = new Uint8Array(new ArrayBuffer(values.length));
	for (let i = 0; i < values.length; i++)
		out[i] = values[i];
	return out;
}

/** copies of views in buffers of their own (a loop: Array.prototype.map's callback is a re-entry too) */
export function buffersOf(views: readonly Uint8Array[]): ArrayBuffer[] {
	const buffers: ArrayBuffer[] = [];
	for (let i = 0; i < views.length; i++)
		buffers.push(copyOf(views[i]).buffer as ArrayBuffer);
	return buffers;
}

// Fields are declared and set in the constructor, here and through the engine: a field with an initializer
// (or a bare one: tsc writes it out) costs XS an initializer function per class (about 40 B of bytecode).
export class Reader {
	declare private readonly data: Uint8Array;
	declare private position: number;
	declare private readonly limit: number;
	declare private readonly what: string;

	constructor(data: Uint8Array, what = "message", offset = 0, length = data.length - offset) {
		this.data = data;
		this.position = offset;
		this.limit = offset + length;
		this.what = what;
	}
	get remaining(): number {
		return this.limit - this.position;
	}
	private need(n: number): void {
		if (this.position + n > this.limit)
			throw fatal(Alert.decode_error, `${this.what} is truncated`);
	}
	/** an unsigned big-endian integer of `n` bytes (1 to 4) */
	uint(n: number): number {
		this.need(n);
		let value = 0;
		for (let i = 0; i < n; i++)
			value = value * 256 + this.data[this.position++];   // not <<: a 4-byte value may be over 2^31
		return value;
	}
	u8(): number {
		return this.uint(1);
	}
	u16(): number {
		return this.uint(2);
	}
	u32(): number {
		return this.uint(4);
	}
	/** n bytes, as a view (no copy) */
	bytes(n: number): Uint8Array {
		this.need(n);
		const view = sub(this.data, this.position, this.position + n);   // need() checked the bounds
		this.position += n;
		return view;
	}
	/** a byte string with a 1-, 2- or 3-byte length prefix; `min` and `max` bound its length */
	opaque(prefix: 1 | 2 | 3, min = 0, max = Infinity): Uint8Array {
		const n = this.uint(prefix);
		if (n < min || n > max)
			throw fatal(Alert.decode_error, `bad length ${n} in ${this.what}`);
		return this.bytes(n);
	}
	/** a Reader over a length-prefixed block */
	block(prefix: 1 | 2 | 3, what = this.what, min = 0): Reader {
		const bytes = this.opaque(prefix, min);
		return new Reader(bytes, what);
	}
	/** nothing may follow */
	end(): void {
		if (this.position !== this.limit)
			throw fatal(Alert.decode_error, `${this.limit - this.position} bytes trail the ${this.what}`);
	}
}

export class Writer {
	declare private data: Uint8Array;
	declare private position: number;
	declare private readonly marks: number[];

	constructor(capacity = 512) {
		this.data = new Uint8Array(new ArrayBuffer(capacity));   // not new Uint8Array(length): a re-entry
		this.position = 0;
		this.marks = [];
	}
	get length(): number {
		return this.position;
	}
	private room(n: number): void {
		if (this.position + n <= this.data.length)
			return;
		let capacity = this.data.length * 2;
		while (capacity < this.position + n)
			capacity *= 2;
		// the buffer made apart and the bytes moved by copy(): new Uint8Array(length) and subarray() each
		// enter the interpreter again from C (a frame of fxRunID beneath which a collection may mark)
		const data = new Uint8Array(new ArrayBuffer(capacity));
		copy(data, 0, this.data, 0, this.position);
		this.data = data;
	}
	u8(v: number): this {
		this.room(1);
		this.data[this.position++] = v;
		return this;
	}
	u16(v: number): this {
		return this.u8(v >> 8).u8(v);
	}
	/** a list of u16 values (codes, groups, schemes) with its 2-byte length */
	list16(values: readonly number[]): this {
		this.begin(2);
		for (let i = 0; i < values.length; i++)
			this.u16(values[i]);
		return this.end();
	}
	u32(v: number): this {
		return this.u16(v >>> 16).u16(v);
	}
	bytes(b: Uint8Array | ArrayBuffer): this {
		const view = b instanceof Uint8Array ? b : new Uint8Array(b);
		this.room(view.length);
		this.data.set(view, this.position);
		this.position += view.length;
		return this;
	}
	/** a byte string with a 1-, 2- or 3-byte length prefix (Reader.opaque's counterpart) */
	opaque(prefix: 1 | 2 | 3, b: Uint8Array | ArrayBuffer): this {
		return this.begin(prefix).bytes(b).end();
	}
	/** starts a block with a 1-, 2- or 3-byte length prefix; `end()` writes the length */
	begin(prefix: 1 | 2 | 3): this {
		this.room(prefix);
		this.marks.push((this.position << 2) | prefix);
		this.position += prefix;
		return this;
	}
	end(): this {
		const mark = this.marks.pop();
		if (mark === undefined)
			throw new Error("tls: writer: end without begin");
		const prefix = mark & 3, at = mark >> 2, n = this.position - at - prefix;
		if (n >= 1 << (8 * prefix))
			throw new RangeError("tls: writer: block too long for its length prefix");
		for (let i = prefix - 1, v = n; i >= 0; i--, v >>= 8)
			this.data[at + i] = v & 0xFF;
		return this;
	}
	/** the bytes written, as a view */
	view(): Uint8Array {
		if (this.marks.length)
			throw new Error("tls: writer: unfinished block");
		return new Uint8Array(this.data.buffer, this.data.byteOffset, this.position);   // not subarray(): its species constructor re-enters
	}
}
