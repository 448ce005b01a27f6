/*
 * SecureSocket: the SDK's Socket API over TLS, so the SDK's HTTP Request, WebSocket Client and
 * MQTT client take it through their `Socket:` option unchanged.
 *
 *   const socket = new SecureSocket({host: "example.com", port: 443, secure: {...}});
 *   socket.callback = function (message, value) { ... };   // 1 connected (handshake done),
 *       // 2 plaintext received (value: bytes available), 3 plaintext can be written (value: how
 *       // much), -1 closed by the peer with close_notify, -2 error (socket.error says why)
 *
 * On a server, in a Listener's callback: new SecureSocket({listener, secure: {certificate, key, ...}});
 * the same messages follow, 1 once the client's handshake is done. The server side is a module of
 * its own, "securesocket/server" (server.ts, with serveroptions.ts and accept.ts; manifest_server.json),
 * which installs itself here when imported: a client-only app carries none of it.
 *
 * This file drives the sans-IO engine (modules/tls) with the host's TCP Socket: bytes from TCP
 * go to the engine, records from the engine go to TCP. The engine holds at most one record of
 * plaintext; TCP bytes wait in the TCP socket until the app has read it. A socket with readInto()
 * (the host's) reads straight into the engine's record buffer (engine.inbox), where the record is
 * decrypted in place: no copy and no allocation per record. Otherwise (the SDK's Socket) bytes are
 * read into an ArrayBuffer and wait in `pending`.
 */
import { Socket } from "socket";
import Timer from "timer";
import { TLSClient } from "tls/client";
import { newClient } from "tls/client12";
import { alloc, buffersOf, byteArray } from "tls/bytes";
import { TLSError, Alert } from "tls/alert";
import { TLS13 } from "tls/constants";
import type { Session } from "tls/options";
import type { TLSEngine, EngineState } from "tls/engine";
import { resolveOptions, compact, ENGINE_DEFAULTS, type SecureOptions, type CommonOptions } from "securesocket/options";
import type { ServerSecureOptions } from "securesocket/serveroptions";
import { certificateCheck, type PeerCertificate } from "securesocket/verify";
import { Key } from "crypto/keys";

export type { SecureOptions, ServerSecureOptions };
export type SecureSocketCallback = (this: SecureSocket, message: number, value?: number) => void;
type WriteItem = string | number | ArrayBuffer | Uint8Array | DataView | HostBuffer;
type ReadType = typeof String | typeof ArrayBuffer | typeof Number | null;

export interface SecureSocketDictionary {
	host?: string;
	address?: string;
	port?: number;
	/** SecureOptions for a client; ServerSecureOptions with a listener */
	secure?: SecureOptions | ServerSecureOptions;
	/** a Listener, in its callback: accept the connection as a TLS server */
	listener?: unknown;
}

/** what "securesocket/server" installs: the server engine for a connection, from the app's `secure` */
export interface ServerSide {
	accept(secure: ServerSecureOptions | undefined): {
		options: Pick<CommonOptions, "trace" | "handshakeTimeout">;
		/** its dispose() also frees the private keys this connection loaded */
		engine: TLSEngine;
	};
}
let serverSide: ServerSide | undefined;
/** called by the "securesocket/server" module when it is imported */
export function installServerSide(side: ServerSide): void {
	serverSide = side;
}

export interface ConnectionInfo {
	version: string;
	cipherSuite: string | undefined;
	group: string | undefined;
	alpn: string | undefined;
	resumed: boolean;
	/** the server's certificate (subject, issuer, validity, names, ...), once checked */
	peerCertificate: PeerCertificate | undefined;
	/** how many certificates the server sent, and their bytes (the chain is not kept) */
	peerCertificateCount: number;
	peerCertificateBytes: number;
}

const enum State { connecting, handshake, connected, closed }
// SecureSocket's #bits: the socket reads into a given buffer (readInto); the app's callback is
// running; the app wrote since its last message 3; TCP said -1 while bytes were still to be processed
// (a const enum: numbers in the bytecode, not four module variables)
const enum Bit { DIRECT = 1, IN_CALLBACK = 2, WROTE = 4, TCP_ENDED = 8 }

// the engine states the pump compares for each record: constants, not literals (XS copies a string
// literal into a new chunk each time its code runs, unless the code is preloaded in flash)
const CONNECTED: EngineState = "connected", CLOSED: EngineState = "closed";

/** the TCP socket, holding its SecureSocket for the shared callback */
type OwnedSocket = Socket & { secure: SecureSocket };
/** the handshake timer, holding its SecureSocket and its time for the callback */
type OwnedTimer = Timer & { secure: SecureSocket, ms: number };

export default class SecureSocket {
	callback: SecureSocketCallback | undefined;
	/** why the connection failed (message 2 is -2): an Error whose `reason` is a short code */
	declare error: TLSError | Error | undefined;   // a property once there is one

	#socket: Socket;
	#engine: TLSEngine;
	#state = State.connecting;
	#pending: Uint8Array | undefined;         // TCP bytes read, that the engine has not taken yet
	#outgoing: Uint8Array | undefined;        // a record the TCP socket had no room for yet
	#timer: Timer | undefined;
	#pumpTimer: Timer | undefined;
	#bits = 0;                                 // Bit: DIRECT, IN_CALLBACK, WROTE, TCP_ENDED (a field each would cost an XS slot each)

	constructor(dictionary: SecureSocketDictionary) {
		if (!dictionary || typeof dictionary !== "object")
			throw new TypeError("securesocket: dictionary required");
		let tcp: { host: string, port: number };   // the TCP socket's dictionary
		let handshakeTimeout: number | undefined;
		const listener = dictionary.listener;
		if (listener !== undefined) {
			if (!serverSide)
				throw new TypeError("securesocket: the server side is not loaded: import \"securesocket/server\" (manifest_server.json)");
			const server = serverSide.accept(dictionary.secure as ServerSecureOptions | undefined);
			this.#engine = server.engine;
			handshakeTimeout = server.options.handshakeTimeout;
			tcp = { listener } as unknown as typeof tcp;
		}
		else {
			const host = dictionary.host ?? dictionary.address;
			if (typeof host !== "string" || !host.length)
				throw new TypeError("securesocket: host or address required");
			// the certificate is checked against the host name, or the IP address given as `address`
			const options = resolveOptions(dictionary.secure as SecureOptions | undefined);
			const name = options.tls_server_name;
			this.#engine = newClient(compact({
				serverName: name === false ? undefined : name ?? host,
				minVersion: options.protocolVersion,
				maxVersion: options.maxVersion,
				suites: options.cipherSuites,
				groups: options.groups,
				shares: options.keyShares,
				signatureAlgorithms: options.tls_signature_algorithms,
				alpn: options.tls_application_layer_protocol_negotiation ?? options.applicationLayerProtocolNegotiation,
				maxFragmentLength: options.tls_max_fragment_length,
				recordSizeLimit: options.recordSizeLimit,
				session: options.session,
				// what the check needs, not the whole of the options (kept through the connection); the
				// certificate must match tls_server_name, else the host (or address), even when no SNI is sent
				certificates: certificateCheck({ verify: options.verify !== false, roots: options.certificate, time: options.time, verifyName: name || host, trace: options.trace }),
				clientCertificates: options.clientCertificates && buffersOf(options.clientCertificates),
				clientKey: options.clientKey && Key.fromPrivateKey(options.clientKey),
				keylog: options.keylog,
				trace: options.trace,
			}, ENGINE_DEFAULTS));
			handshakeTimeout = options.handshakeTimeout;
			tcp = { host, port: dictionary.port as number };
		}
		try {
			this.#socket = new Socket(tcp);
		}
		catch (e) {
			this.#engine.dispose();   // the engine's natives (and a server's keys) are freed now, not at a collection
			throw e;
		}
		if (listener !== undefined) {
			this.#state = State.handshake;
			this.#engine.start();   // arms it for the ClientHello: no output, no callback (a client starts at message 1)
		}
		if (typeof (this.#socket as unknown as DirectSocket).readInto === "function")
			this.#bits = Bit.DIRECT;
		// one function for every connection (a closure each would cost slots and chunks): the timer
		// holds its SecureSocket and is passed to it; the socket calls its callback as its method
		handshakeTimeout ??= 30000;
		const timer = Timer.set(SecureSocket.#handshakeTimedOut, handshakeTimeout) as OwnedTimer;
		timer.secure = this;
		timer.ms = handshakeTimeout;
		this.#timer = timer;
		(this.#socket as OwnedSocket).secure = this;
		this.#socket.callback = SecureSocket.#socketCallback;
	}

	static #handshakeTimedOut(timer: Timer): void {
		const t = timer as OwnedTimer;
		t.secure.#fail(new TLSError(Alert.user_canceled, `tls: handshake timed out after ${t.ms} ms`, false, "timeout"));
	}

	static #socketCallback(this: OwnedSocket, message: number): void {
		this.secure.#onSocket(message);
	}

	/** the latest resumable session the server gave; pass it as secure.session to resume */
	get session(): Session | undefined {
		return (this.#engine as TLSClient).session;
	}

	/** what was negotiated */
	get tls(): ConnectionInfo {
		const d = this.#engine.describe();
		return {
			version: d.version, cipherSuite: d.suite, group: d.group, alpn: d.alpn, resumed: d.resumed,
			peerCertificate: this.#engine.peerCertificate as PeerCertificate | undefined,
			peerCertificateCount: this.#engine.peerCertificateCount,
			peerCertificateBytes: this.#engine.peerCertificateBytes,
		};
	}

	// ---- the Socket API, counting plaintext ----

	/**
	 * The SDK's forms: read() (or read(undefined)) the bytes available; read(String | ArrayBuffer [, until]) a new string
	 * or ArrayBuffer (undefined when nothing is available); read(Number) one byte; read(null
	 * [, count]) skips, returns how many. An extension: read(buffer [, until]), buffer an ArrayBuffer,
	 * typed array or DataView instance, copies up to its byteLength bytes (and up to `until`, as
	 * with ArrayBuffer) into it from its start and returns how many (0 when nothing is available):
	 * nothing is allocated, the app's own buffer is reused from record to record.
	 */
	read(): number;
	read(type: ReadType, until?: number | string): string | ArrayBuffer | number | undefined;
	read(buffer: ArrayBuffer | ArrayBufferView, until?: number | string): number;
	read(type?: ReadType | ArrayBuffer | ArrayBufferView, until?: number | string): string | ArrayBuffer | number | undefined {
		const engine = this.#engine;
		// not arguments.length: XS would make an arguments object at each call
		if (type === undefined && until === undefined)
			return engine.available;
		let result: string | ArrayBuffer | number | undefined;
		if (type === null) {
			let count = engine.available;
			if (typeof until === "number")
				count = Math.min(count, until);
			engine.read(count);
			result = count;
		}
		else if (type === Number) {
			const view = engine.read(1);
			result = view ? view[0] : undefined;
		}
		else if (type === String || type === ArrayBuffer) {
			if (!engine.plaintextPending)
				return undefined;
			const view = engine.read(this.#count(until))!;
			// ArrayBuffer's slice is one copy (TypedArray's copies byte by byte in XS)
			const copy = (view.buffer as ArrayBuffer).slice(view.byteOffset, view.byteOffset + view.length);
			result = type === String ? String.fromArrayBuffer(copy) : copy;
		}
		else if (type instanceof ArrayBuffer || ArrayBuffer.isView(type))
			result = engine.readInto(type, until === undefined ? type.byteLength : Math.min(type.byteLength, this.#count(until)));
		else
			throw new TypeError("securesocket: read type must be String, ArrayBuffer, Number, null or a buffer to fill");
		// all read: the next record is pumped from a timer (from the app's callback the pump goes on by
		// itself when it returns)
		const bits = this.#bits;
		if (!(bits & Bit.IN_CALLBACK) && !this.#pumpTimer && !engine.plaintextPending && (this.#pending || (bits & Bit.TCP_ENDED) || ((bits & Bit.DIRECT) && (this.#socket as unknown as DirectSocket).read() > 0)))
			this.#pumpTimer = Timer.set(() => {
				this.#pumpTimer = undefined;
				this.#pump();
			}, 0);
		return result;
	}

	/** the bytes read(String | ArrayBuffer | buffer, until) takes: all available, at most `until`
	    bytes, or up to and including the first `until` character */
	#count(until: number | string | undefined): number {
		const engine = this.#engine;
		let count = engine.available;
		if (until === undefined)   // before typeof: its string literal would be a new chunk per call in XS
			return count;
		if (typeof until === "number")
			count = until > 0 ? Math.min(count, Math.floor(until)) : 0;   // NaN: 0
		else if (typeof until === "string" && until.length && count) {
			const at = engine.peek()!.indexOf(until.charCodeAt(0));
			if (at >= 0)
				count = at + 1;
		}
		return count;
	}

	write(...items: WriteItem[]): number | undefined {
		if (items.length === 0)
			return this.#writable();
		if (this.#state !== State.connected)
			throw new Error(this.#state === State.closed ? "securesocket: closed" : "securesocket: not connected");
		const parts: Uint8Array[] = [];
		let total = 0;
		for (let i = 0; i < items.length; i++) {   // not for-of: XS makes the array iterator through a re-entry
			const item = items[i];
			let part: Uint8Array;
			if (typeof item === "string")
				part = new Uint8Array(ArrayBuffer.fromString(item));   // UTF-8
			else if (typeof item === "number") {
				if (item < 0 || item > 255 || (item | 0) !== item)
					throw new RangeError("securesocket: byte out of range");
				part = byteArray(item);
			}
			else if (item instanceof Uint8Array)
				part = item;
			else if (ArrayBuffer.isView(item))
				part = new Uint8Array(item.buffer, item.byteOffset, item.byteLength);
			else
				part = new Uint8Array(item as ArrayBuffer);
			parts.push(part);
			total += part.length;
		}
		if (total > this.#writable())
			throw new Error(`securesocket: write overflow (${total} bytes, ${this.#writable()} writable)`);
		const data = parts.length === 1 ? parts[0] : concat(parts, total);
		try {
			for (let offset = 0; offset < data.length;)
				offset += this.#engine.write(data.subarray(offset));
		}
		catch (e) {
			this.#fail(e);
			return undefined;
		}
		this.#bits |= Bit.WROTE;
		this.#flush();
		return undefined;
	}

	close(): void {
		if (this.#state === State.closed)
			return;
		if (this.#state === State.connected) {
			this.#engine.close();
			this.#flush();
		}
		this.#shutdown();
	}

	// ---- plumbing ----

	/** plaintext bytes that fit in the TCP socket now, after record overhead */
	#writable(): number {
		if (this.#state !== State.connected)
			return 0;
		const engine = this.#engine;
		let room = (this.#socket.write() as number) - (this.#outgoing?.length ?? 0) - engine.outputLength;
		const payload = engine.maxRecordPayload;
		const overhead = engine.version === TLS13 ? 22 : 29;
		let plaintext = 0;
		while (room > overhead) {
			const n = Math.min(payload, room - overhead);
			plaintext += n;
			room -= n + overhead;
		}
		return plaintext;
	}

	#onSocket(message: number): void {
		switch (message) {
			case 1:
				this.#state = State.handshake;
				try {
					this.#engine.start();
				}
				catch (e) {
					this.#fail(e);
					return;
				}
				this.#flush();
				break;
			case 2:
				if (!(this.#bits & Bit.DIRECT))
					this.#take();
				// plaintext the app was told of and has not read yet: it was told once; its read()
				// brings the rest in
				if (!this.#engine.plaintextPending)
					this.#pump();
				break;
			case 3:
				// like the TCP socket: 3 after the app's writes have drained (not after the
				// engine's own records, such as the handshake's last flight)
				this.#flush();
				if (this.#state === State.connected && (this.#bits & Bit.WROTE) && !this.#outgoing && this.#engine.outputLength === 0) {
					this.#bits &= ~Bit.WROTE;
					this.#notify(3, this.#writable());
				}
				break;
			case -1:
				// records may still wait behind plaintext the app has not read (a close_notify
				// among them): decide once they have been processed
				this.#take();
				if (this.#pending || this.#engine.plaintextPending)
					this.#bits |= Bit.TCP_ENDED;
				else
					this.#ended();
				break;
			case -2:
				this.#fail(new TLSError(Alert.internal_error, "securesocket: the TCP connection failed (refused, unreachable or reset)", false, "network"));
				break;
		}
	}

	/** moves what the TCP socket holds into `pending` */
	#take(): void {
		const data = this.#socket.read(ArrayBuffer) as ArrayBuffer | undefined;
		if (!data || !data.byteLength)
			return;
		const bytes = new Uint8Array(data);
		this.#pending = this.#pending ? concat([this.#pending, bytes], this.#pending.length + bytes.length) : bytes;
	}

	/** the TCP connection ended and every byte it brought has been processed */
	#ended(): void {
		if (this.#state === State.closed)
			return;
		if (this.#engine.peerClosed)
			this.#closed();
		else if (this.#state === State.connected)
			this.#fail(new TLSError(Alert.close_notify, "tls: the connection was closed without close_notify (truncated)", true, "truncated"));
		else
			this.#fail(new TLSError(Alert.handshake_failure, `tls: the ${this.#engine instanceof TLSClient ? "server" : "client"} closed the connection during the handshake`, true, "closed"));
	}

	/** feeds waiting TCP bytes to the engine, and tells the app what happened */
	#pump(): void {
		const engine = this.#engine;
		while (this.#state !== State.closed) {
			const available = engine.available;   // plaintext pending (one getter per record, not three)
			if (available) {
				this.#notify(2, available);
				if ((this.#state as State) === State.closed || engine.available)   // the app may have closed it
					return;    // the app reads later: read() schedules the next pump
				// all read: on to the next record (no second look at available at the loop's top)
			}
			const pending = this.#pending;
			try {
				if (pending) {
					const used = engine.receive(pending);
					this.#pending = used < pending.length ? pending.subarray(used) : undefined;
				}
				// straight into the record buffer, record after record, until a record of plaintext
				// is in, the handshake wants acting on, or the socket has no more (one call per record)
				else if ((this.#bits & (Bit.DIRECT | Bit.TCP_ENDED)) !== Bit.DIRECT || !engine.pull(this.#socket as unknown as DirectSocket)) {
					if (this.#bits & Bit.TCP_ENDED)
						this.#ended();
					break;
				}
			}
			catch (e) {
				this.#fail(e);
				return;
			}
			if (this.#outgoing || engine.outputLength)   // not per record of a download: nothing to send
				this.#flush();
			if (this.#state === State.handshake && engine.state === CONNECTED) {
				this.#state = State.connected;
				if (this.#timer) {
					Timer.clear(this.#timer);
					this.#timer = undefined;
				}
				this.#notify(1);
				if (this.#state === State.connected)
					this.#notify(3, this.#writable());
			}
			if (engine.state === CLOSED && !engine.plaintextPending) {
				this.#closed();
				return;
			}
		}
	}

	#flush(): void {
		const socket = this.#socket;
		if (this.#state === State.closed)
			return;
		for (;;) {
			const chunk = this.#outgoing ?? this.#engine.takeOutput();
			if (!chunk)
				break;
			const room = socket.write() as number;
			if (room <= 0) {
				this.#outgoing = chunk;
				break;
			}
			if (chunk.length <= room) {
				socket.write(chunk);
				this.#outgoing = undefined;
			}
			else {
				socket.write(chunk.subarray(0, room));
				this.#outgoing = chunk.subarray(room);
				break;
			}
		}
	}

	#notify(message: number, value?: number): void {
		if (!this.callback)
			return;
		this.#bits |= Bit.IN_CALLBACK;
		try {
			// called as a method: callback.call(this, ...) would enter the interpreter again, one more
			// interpreter frame on the C stack beneath the app's callback (docs/HOST.md)
			if (value === undefined)
				this.callback(message);
			else
				this.callback(message, value);
		}
		finally {
			this.#bits &= ~Bit.IN_CALLBACK;
		}
	}

	#closed(): void {
		if (this.#state === State.closed)
			return;    // the app closed it (from a callback): no -1 after its own close()
		this.#shutdown();
		this.#notify(-1);
	}

	#fail(e: unknown): void {
		if (this.#state === State.closed)
			return;
		const error = e instanceof Error ? e : new Error(String(e));
		this.error = error;
		this.#flush();   // the alert the engine queued, if any
		this.#shutdown();
		this.#engine.options.trace?.(`connection failed: ${error.message}`);
		this.#notify(-2);
	}

	#shutdown(): void {
		this.#state = State.closed;
		if (this.#timer) {
			Timer.clear(this.#timer);
			this.#timer = undefined;
		}
		if (this.#pumpTimer) {
			Timer.clear(this.#pumpTimer);
			this.#pumpTimer = undefined;
		}
		this.#pending = undefined;
		this.#outgoing = undefined;
		this.#socket.close();
		this.#engine.dispose();
	}
}

/** the host's Socket (host/socket.c): reads into a given buffer */
interface DirectSocket {
	/** bytes available */
	read(): number;
	readInto(view: Uint8Array, offset: number, count: number): number;
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
	const out = alloc(total);
	let offset = 0;
	for (let i = 0; i < parts.length; i++) {
		out.set(parts[i], offset);
		offset += parts[i].length;
	}
	return out;
}
