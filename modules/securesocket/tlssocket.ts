/*
 * The ECMA-419 TLS client socket, `embedded:io/socket/tcp/tls`, as @moddable/typings declares it:
 *
 *   const socket = new TLSSocket({host: "example.com", port: 443, secure: {...},
 *       onWritable(bytes) {...}, onReadable(bytes) {...}, onError(error) {...}});
 *
 * An IO class over SecureSocket (this directory): SecureSocket drives the sans-IO engine with the
 * SDK's TCP Socket, and this file only translates its messages into the ECMA-419 callbacks
 * (1/3 -> onWritable, 2 -> onReadable, -1/-2 -> onError) and the ECMA-419 read/write forms. Nothing
 * of the TLS plumbing is repeated here. The `secure` dictionary is SecureSocket's, validated alike.
 *
 * ECMA-419 rules kept (those of the SDK's embedded:io/socket/tcp): callbacks run with the instance
 * as `this`; `target` is kept as a property; `format` is "buffer" (default) or "number"; read()
 * returns undefined when nothing is readable, read() all that is readable, read(count) a new
 * ArrayBuffer of exactly count bytes, read(buffer) fills the buffer and returns its length; asking
 * for more than is readable throws; write() takes a buffer (or, with format "number", a byte) and
 * throws when it does not fit in what onWritable announced. onError receives the reason as an
 * Error (`error.reason` a short code: "closed" when the peer closed with close_notify).
 */
// "securesocket", not "./securesocket": on a device a relative specifier resolves against this
// module's own name (embedded:io/socket/tcp/...), so the bare, manifest-mapped name is the one that works
import SecureSocket, { type SecureOptions } from "securesocket";

export type Format = "buffer" | "number";
type Buffer = ArrayBuffer | ArrayBufferView;

export interface TLSSocketOptions {
	host?: string;
	address?: string;
	port: number;
	secure?: SecureOptions;
	onReadable?: (this: TLSSocket, bytes: number) => void;
	onWritable?: (this: TLSSocket, bytes: number) => void;
	onError?: (this: TLSSocket, error: Error) => void;
	format?: Format;
	target?: unknown;
	/** accepted for compatibility; TCP_NODELAY is always on under SecureSocket */
	nodelay?: boolean;
}

function bad(message: string): never {
	throw new TypeError(`embedded:io/socket/tcp/tls: ${message}`);
}

function callbackOption<T>(options: TLSSocketOptions, name: "onReadable" | "onWritable" | "onError"): T | undefined {
	const value = options[name];
	if (value !== undefined && typeof value !== "function")
		bad(`${name} must be a function`);
	return value as T | undefined;
}

function formatOption(value: unknown): Format {
	if (value !== "buffer" && value !== "number")
		throw new RangeError(`embedded:io/socket/tcp/tls: format must be "buffer" or "number" (not ${String(value)})`);
	return value;
}

/** an error whose reason is a short code, like the TLS errors SecureSocket gives */
function reasonError(message: string, reason: string): Error {
	const error = new Error(message) as Error & { reason: string };
	error.reason = reason;
	return error;
}

export default class TLSSocket {
	/** the options' `target`, for the callbacks (ECMA-419) */
	target: unknown;
	#socket: SecureSocket | undefined;
	#format: Format = "buffer";
	#onReadable: ((this: TLSSocket, bytes: number) => void) | undefined;
	#onWritable: ((this: TLSSocket, bytes: number) => void) | undefined;
	#onError: ((this: TLSSocket, error: Error) => void) | undefined;

	constructor(options: TLSSocketOptions) {
		if (!options || typeof options !== "object")
			bad("options required");
		if ("from" in options)
			bad("from (adopting an accepted socket) is not supported: serve TLS with SecureSocket and a Listener");
		const host = options.host ?? options.address;
		if (typeof host !== "string" || !host.length)
			bad("host or address required");
		if (typeof options.port !== "number" || !(options.port > 0 && options.port < 65536) || (options.port | 0) !== options.port)
			bad("port must be an integer from 1 to 65535");
		if (options.nodelay !== undefined && typeof options.nodelay !== "boolean")
			bad("nodelay must be a boolean");
		this.#onReadable = callbackOption(options, "onReadable");
		this.#onWritable = callbackOption(options, "onWritable");
		this.#onError = callbackOption(options, "onError");
		if (options.format !== undefined)
			this.#format = formatOption(options.format);
		this.target = options.target;
		const dictionary = options.host !== undefined
			? { host, port: options.port, secure: options.secure }
			: { address: host, port: options.port, secure: options.secure };
		const socket = new SecureSocket(dictionary);
		socket.callback = (message: number, value?: number) => this.#onMessage(socket, message, value);
		this.#socket = socket;
	}

	get format(): Format {
		return this.#format;
	}

	set format(value: Format) {
		this.#format = formatOption(value);
	}

	read(): ArrayBuffer | number | undefined;
	read(count: number): ArrayBuffer | undefined;
	read(buffer: Buffer): number | undefined;
	read(what?: number | Buffer): ArrayBuffer | number | undefined {
		const socket = this.#open();
		const readable = socket.read() as number;
		if (!readable)
			return undefined;
		if (this.#format === "number") {
			if (what !== undefined)
				bad("read() takes no argument with format \"number\"");
			return socket.read(Number) as number;
		}
		if (what === undefined)
			return socket.read(ArrayBuffer, readable) as ArrayBuffer;
		if (typeof what === "number") {
			if (!(what > 0) || what > readable || (what | 0) !== what)
				throw new RangeError(`embedded:io/socket/tcp/tls: read(${what}): ${readable} bytes are readable`);
			return socket.read(ArrayBuffer, what) as ArrayBuffer;
		}
		if (!(what instanceof ArrayBuffer || ArrayBuffer.isView(what)))
			bad("read() takes a byte count or a buffer (ArrayBuffer, typed array, DataView)");
		const length = what.byteLength;
		if (!length || length > readable)
			throw new RangeError(`embedded:io/socket/tcp/tls: read(buffer of ${length} bytes): ${readable} bytes are readable`);
		// SecureSocket's read(buffer): one copy into it, nothing allocated
		return socket.read(what, length);
	}

	write(data: Buffer | number): void {
		const socket = this.#open();
		if (typeof data === "number") {
			if (this.#format !== "number")
				bad("write(number) needs format \"number\"");
			socket.write(data);
		}
		else if (data instanceof ArrayBuffer || ArrayBuffer.isView(data))
			socket.write(data as ArrayBuffer);
		else
			bad("write() takes a buffer (ArrayBuffer, typed array, DataView)");
	}

	close(): void {
		const socket = this.#socket;
		this.#socket = undefined;
		socket?.close();
	}

	#open(): SecureSocket {
		const socket = this.#socket;
		if (!socket)
			throw new Error("embedded:io/socket/tcp/tls: closed");
		return socket;
	}

	#onMessage(socket: SecureSocket, message: number, value?: number): void {
		if (this.#socket !== socket)
			return;
		switch (message) {
			case 2:
				this.#onReadable?.(value as number);   // as methods: f.call() would re-enter the interpreter
				break;
			case 3:
				this.#onWritable?.(value as number);
				break;
			case -1:
				this.#onError?.(reasonError("embedded:io/socket/tcp/tls: the peer closed the connection (close_notify)", "closed"));
				break;
			case -2:
				this.#onError?.(socket.error ?? reasonError("embedded:io/socket/tcp/tls: the connection failed", "unknown"));
				break;
		}
	}
}
