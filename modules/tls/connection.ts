/*
 * What both sides of the engine share (TLSClient, TLSServer): feeding the record layer record by
 * record, the output queue, alerts and the one way out for errors (fail(): the alert is queued,
 * the error kept and thrown again by every later call), application data read/write/peek,
 * close_notify, KeyUpdate (RFC 8446 4.6.3), the TLS 1.3 middlebox-compatibility CCS, traffic
 * protection from secrets (1.3) or the master secret (1.2), and the trace and key log helpers.
 * Each side adds its handshake: one method per expected message.
 */
import type { Key } from "crypto/keys";
import type { Group } from "crypto/ecdh";
import { fillRandom, equal } from "crypto/random";
import { verifyScheme, schemeInfo } from "crypto/signature";
import { Alert, TLSError, fatal, alertName } from "./alert";
import { alloc, Reader, ascii, copy, byteArray, sub } from "./bytes";
import {
	ContentType, HandshakeType, Version, versionName,
	GROUP_SECP256R1, GROUP_SECP384R1, GROUP_X25519,
} from "./constants";
import { RecordLayer, Protection, MAX_PLAINTEXT, type RecordStreamer, type ByteSource } from "./record";
import { HandshakeReader, Transcript, type MessageStream, type StreamChooser } from "./handshake";
import { CertificateStream } from "./certificates";
import { trafficKeys, nextTrafficSecret, type KeySchedule } from "./keyschedule";
import { digest } from "crypto/hash";
import type { CipherSuite } from "./suites";
import type { CertificateSink } from "./options";
import type { EngineState, ConnectionDescription, TLSEngine } from "./engine";

// compared for each record: constants, not literals (XS copies a string literal into a new chunk
// each time its code runs, unless the code is preloaded in flash)
const CONNECTED: EngineState = "connected", HANDSHAKE: EngineState = "handshake";

/** TLSConnection.flags (a const enum: written into the code where used) */
export const enum Flag { RESUMED = 1, PEER_CLOSED = 2, SENT_CCS = 4, RECEIVED_CCS = 8, TRACING = 16 }

const enum Limit {
	/** how many ignorable messages (warning alerts, HelloRequests) in a row before it is an attack */
	IGNORED = 5,
}



export function groupName(group: number): Group {
	switch (group) {
		case GROUP_X25519: return "x25519";
		case GROUP_SECP256R1: return "secp256r1";
		case GROUP_SECP384R1: return "secp384r1";
	}
	throw fatal(Alert.illegal_parameter, `unsupported group 0x${group.toString(16)}`);
}

export function hex(bytes: ArrayBuffer | Uint8Array): string {
	const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
	let s = "";
	for (let i = 0; i < b.length; i++)
		s += (b[i] < 16 ? "0" : "") + b[i].toString(16);
	return s;
}

/** a crypto failure while checking the peer's values: the peer's fault, unless we ran out of memory */
export function peerFailure(alert: Alert, what: string, e: unknown): TLSError {
	const message = e instanceof Error ? e.message : String(e);
	if (message.includes("out of memory"))
		return fatal(Alert.internal_error, `out of memory (${what})`);
	return fatal(alert, `${what} (${message})`);
}

/** TLS 1.3 CertificateVerify content (RFC 8446 4.4.3) */
export function certificateVerifyContent(server: boolean, transcriptHash: ArrayBuffer): Uint8Array {
	const context = `TLS 1.3, ${server ? "server" : "client"} CertificateVerify`;
	const content = alloc(64 + context.length + 1 + transcriptHash.byteLength);
	content.fill(0x20, 0, 64);
	content.set(ascii(context), 64);
	content.set(new Uint8Array(transcriptHash), 64 + context.length + 1);
	return content;
}

/** a SignatureSchemeList (RFC 8446 4.2.3); `bare`: without its own length prefix */
export function readSchemes(data: Uint8Array, bare = false): number[] {
	const what = "signature_algorithms";
	const r = new Reader(data, what);
	const list = bare ? r : r.block(2, what, 2);
	const schemes: number[] = [];
	while (list.remaining)
		schemes.push(list.u16());
	if (!bare)
		r.end();
	return schemes;
}

/** comparison of public values (not secrets: use crypto/random equal() for those) */
export { equalBytes } from "x509/der";

/** an empty session ID, shared (nothing to hold until there is one) */
export const NO_SESSION_ID = new Uint8Array(0);

/** a handshake message: type, 24-bit length, body (RFC 8446 4) */
export function handshakeMessage(type: HandshakeType, body: Uint8Array): Uint8Array {
	const message = alloc(4 + body.length);
	message[0] = type; message[1] = body.length >> 16; message[2] = body.length >> 8; message[3] = body.length;
	message.set(body, 4);
	return message;
}

/** the options both sides take for traces, key logs and tests */
export interface ConnectionHooks {
	keylog?: (line: string) => void;
	trace?: (line: string) => void;
	random?: (bytes: Uint8Array) => void;
}

/**
 * The engine is itself the record layer's streamer and record handler, the handshake reader's
 * stream chooser and the stream of the peer's Certificate message: no closures per connection.
 */
export abstract class TLSConnection implements TLSEngine, RecordStreamer, StreamChooser, MessageStream {
	// Every field is declared; the constructor sets those that are properties from the start, in this
	// order (a field initializer costs a function of bytecode: bytes.ts)
	declare state: EngineState;
	// application data: the current record's plaintext, a view into the record buffer. Own properties
	// from the start and first, with the sticky error: XS finds a property by walking the instance's
	// list (and a missing one through the prototypes too), and these are looked at on every record
	declare private plaintext: Uint8Array | undefined;
	declare private plaintextOffset: number;
	/** the sticky error */
	declare error: TLSError | undefined;
	/** negotiated values, once known */
	declare version: number;
	declare suite: CipherSuite | undefined;
	declare group: number;
	declare alpn: string | undefined;
	/** Flag bits in one number (a property each would cost a slot each); a side sets Flag.RESUMED itself */
	declare protected flags: number;
	get resumed(): boolean {
		return (this.flags & Flag.RESUMED) !== 0;
	}
	/** the peer sent close_notify */
	get peerClosed(): boolean {
		return (this.flags & Flag.PEER_CLOSED) !== 0;
	}
	/** how many certificates the peer sent, and their bytes (the chain itself is not kept): count * 2^24 + bytes, once there were some */
	declare private certificateTally: number | undefined;
	get peerCertificateCount(): number {
		return Math.floor((this.certificateTally ?? 0) / 0x1000000);
	}
	get peerCertificateBytes(): number {
		return (this.certificateTally ?? 0) % 0x1000000;
	}
	/** what the certificate check kept of the peer's leaf, once checked */
	declare peerCertificate: unknown;

	/** the side's options (their hooks: trace, key log, random); each side declares its own type */
	declare readonly options: ConnectionHooks;
	/** whether a trace is set: trace lines are built only then (`if (this.tracing) this.trace(...)`) */
	protected get tracing(): boolean {
		return (this.flags & Flag.TRACING) !== 0;
	}
	declare protected readonly records: RecordLayer;
	declare protected readonly handshake: HandshakeReader;
	declare protected readonly transcript: Transcript;
	/** the client's random, then the server's (RFC 8446 4.1.2, 4.1.3): one ArrayBuffer, views when asked
	    (a Uint8Array kept would cost 4 XS slots more); a side may delete it once nothing needs it (TLS 1.3
	    without a key log: after the hellos) */
	declare protected randomBytes?: ArrayBuffer;
	protected get randoms(): Uint8Array {
		return new Uint8Array(this.randomBytes!);
	}
	protected get clientRandom(): Uint8Array {
		return new Uint8Array(this.randomBytes!, 0, 32);
	}
	/** TLS 1.3: the current traffic secrets of each direction */
	declare protected writeSecret: ArrayBuffer | undefined;
	declare protected readSecret: ArrayBuffer | undefined;
	/** TLS 1.2 */
	declare protected masterSecret: ArrayBuffer | undefined;
	/** the peer's leaf key, once its Certificate message was checked */
	declare protected peerKey: Key | undefined;
	declare protected certificates?: CertificateStream;
	/**
	 * TLS 1.3 middlebox compatibility (RFC 8446 D.4): the peer's one unprotected change_cipher_spec,
	 * taken (a bit of `flags`); false when one came already
	 */
	protected takeCompatibilityCCS(): boolean {
		if (this.flags & Flag.RECEIVED_CCS)
			return false;
		this.flags |= Flag.RECEIVED_CCS;
		return true;
	}
	/** the largest plaintext we put in one record (max_fragment_length, record_size_limit); read for each write */
	declare protected recordLimit: number;
	declare private keyUpdateAnswered?: boolean;     // we updated our keys for the peer's request: once until we send data

	constructor(hooks: ConnectionHooks, recordLimit: number) {
		this.state = "start";
		this.plaintext = undefined;
		this.plaintextOffset = 0;
		this.error = undefined;
		this.version = 0;
		this.group = 0;
		this.flags = hooks.trace !== undefined ? Flag.TRACING : 0;
		this.records = new RecordLayer();
		this.handshake = new HandshakeReader();
		this.transcript = new Transcript();
		this.randomBytes = new ArrayBuffer(64);
		this.recordLimit = Math.min(MAX_PLAINTEXT, recordLimit);
		this.options = hooks;
		this.records.streamer = this;
	}

	/** the side's handshake */
	abstract start(): void;
	protected abstract onHandshakeMessage(type: number, body: Uint8Array, message: Uint8Array): void;
	protected abstract onChangeCipherSpec(content: Uint8Array): void;
	/** may a large record be streamed now (record.ts RecordStreamer)? asked for each large record: only
	    handshake records, as the side says */
	streamable(protectedRecord: boolean): boolean {
		return this.state === HANDSHAKE && this.streamsNow(protectedRecord);
	}
	/** may a large handshake record be streamed at this point of the handshake? */
	protected abstract streamsNow(protectedRecord: boolean): boolean;
	/** may a message of this type be acted on before its record's tag is checked? */
	protected abstract provisional(type: number | undefined): boolean;
	/** a stream for a handshake message taken as it arrives (the Certificate message: streamCertificate()), or undefined */
	abstract streamFor(type: number, length: number, header: Uint8Array): MessageStream | undefined;
	/** the peer's Certificate message was taken and checked (peerKey: its leaf's key) */
	protected abstract certificateReceived(): void;

	// ---- the application's side ----

	/** takes bytes from the network; returns how many it used (it stops while plaintext waits) */
	receive(bytes: Uint8Array): number {
		this.check();
		let used = 0;
		try {
			// record by record (the record layer takes bytes up to the end of one record), so that
			// application data is handed out one record at a time
			while (used < bytes.length && !this.plaintextPending && this.state !== "closed")
				used += this.records.receiveSome(bytes, used);
		}
		catch (e) {
			this.fail(e);
		}
		return used;
	}

	/** where the next bytes from the network go, without a copy: up to inboxRoom bytes at
	    inbox[inboxOffset], then received(n) (the record layer's buffer; framing stops at each record's end) */
	get inbox(): Uint8Array {
		return this.records.inbox;
	}
	get inboxOffset(): number {
		return this.records.inboxOffset;
	}
	get inboxRoom(): number {
		return this.records.inboxRoom;
	}
	/** `n` bytes were put in the inbox */
	received(n: number): void {
		this.check();
		try {
			this.records.received(n);
		}
		catch (e) {
			this.fail(e);
		}
	}

	/**
	 * Reads from `source` (the socket: readInto(view, offset, count)) straight into the record
	 * buffer, record after record, until a record of application data is in, the handshake is not
	 * done (the caller acts on each of its records), or the source has no more; returns the bytes read
	 */
	pull(source: ByteSource): number {
		if (this.error)   // check() in line: one lookup fewer through the engine's prototypes per record
			throw this.error;
		const records = this.records;
		let total = 0;
		try {
			for (;;) {
				const n = records.pull(source);
				total += n;
				if (!records.recordEnded || this.plaintext !== undefined || this.state !== CONNECTED)
					return total;
			}
		}
		catch (e) {
			this.fail(e);
		}
	}

	get plaintextPending(): boolean {
		return this.plaintext !== undefined && this.plaintextOffset < this.plaintext.length;
	}
	/** plaintext bytes ready to read */
	get available(): number {
		return this.plaintext ? this.plaintext.length - this.plaintextOffset : 0;
	}
	/** a view of the plaintext not read yet, without consuming it (valid until the next receive) */
	peek(): Uint8Array | undefined {
		return this.plaintextPending ? sub(this.plaintext!, this.plaintextOffset) : undefined;
	}
	/** a view of up to `max` plaintext bytes (valid until the next receive) */
	read(max = Infinity): Uint8Array | undefined {
		if (!this.plaintextPending)
			return undefined;
		const end = Math.min(this.plaintext!.length, this.plaintextOffset + max);
		const view = this.plaintext!.subarray(this.plaintextOffset, end);   // max from the app: subarray() clamps
		this.plaintextOffset = end;
		if (this.plaintextOffset >= this.plaintext!.length)
			this.plaintext = undefined;
		return view;
	}
	/** copies up to `max` plaintext bytes into `target` from its start (one memmove); returns how many */
	readInto(target: ArrayBuffer | ArrayBufferView, max: number): number {
		const plaintext = this.plaintext;
		if (!plaintext)
			return 0;
		const start = this.plaintextOffset, end = Math.min(plaintext.length, start + max);
		copy(target, 0, plaintext, start, end - start);
		this.plaintextOffset = end;
		if (end >= plaintext.length)
			this.plaintext = undefined;
		return end - start;
	}
	/** bytes of the record buffer: up to 517 through the handshake (larger handshake records are
	    streamed), then as large as the largest application data record */
	get recordBufferSize(): number {
		return this.records.bufferSize;
	}
	/** the largest plaintext write() takes in one record */
	get maxRecordPayload(): number {
		return this.recordLimit;
	}
	/** protects application data (at most one record's worth); returns the bytes taken */
	write(data: Uint8Array): number {
		this.check();
		if (this.state !== "connected")
			throw new Error("tls: not connected");
		const n = Math.min(data.length, this.recordLimit);
		this.keyUpdateAnswered = false;
		try {
			this.records.seal(ContentType.application_data, sub(data, 0, n));
		}
		catch (e) {
			this.fail(e);
		}
		return n;
	}
	/** the next chunk of bytes to send (every record sealed since the last call), or undefined */
	takeOutput(): Uint8Array | undefined {
		return this.records.takeOutput();
	}
	get outputLength(): number {
		return this.records.outputLength;
	}
	/** sends close_notify (RFC 8446 6.1) */
	close(): void {
		if (this.state === "closed" || this.state === "error")
			return;
		try {
			this.sendAlert(Alert.close_notify, 1);
		}
		catch {
		}
		this.state = "closed";
	}
	/** frees keys and buffers */
	dispose(): void {
		this.certificates?.close();
		this.certificates = undefined;
		this.records.close();
		this.transcript.close();
		this.handshake.clear();
	}

	/** the TLS 1.3 handshake is done: the transcript and the peer's key are no longer needed */
	protected handshakeDone(): void {
		this.transcript.close();
		this.peerKey = undefined;
		this.state = CONNECTED;
	}

	/** a description of the connection for apps and traces */
	describe(): ConnectionDescription {
		return {
			version: this.version ? versionName(this.version) : "",
			suite: this.suite?.name,
			group: this.group ? groupName(this.group) : undefined,
			alpn: this.alpn,
			resumed: this.resumed,
		};
	}

	protected check(): void {
		if (this.error)
			throw this.error;
	}
	/** the one way out for errors: queue the alert (ours), keep the error, throw it */
	protected fail(e: unknown): never {
		let error: TLSError;
		if (e instanceof TLSError)
			error = e;
		else {
			const message = e instanceof Error ? e.message : String(e);
			error = new TLSError(Alert.internal_error, message.startsWith("tls: ") ? message : `tls: ${message}`);
		}
		if (!this.error) {
			this.error = error;
			if (!error.remote) {
				try {
					this.sendAlert(error.alert, 2);
				}
				catch {
				}
			}
			if (this.tracing) this.trace(`error: ${error.message}${error.remote ? " (from the peer)" : ` (sent ${alertName(error.alert)})`}`);
			this.state = "error";
			this.dispose();
		}
		throw this.error;
	}
	protected trace(line: string): void {
		this.options.trace?.(line);
	}
	protected keylog(label: string, secret: ArrayBuffer): void {
		this.options.keylog?.(`${label} ${hex(this.clientRandom)} ${hex(secret)}`);
	}
	protected random(bytes: Uint8Array): void {
		if (this.options.random)
			this.options.random(bytes);
		else
			fillRandom(bytes);
	}

	// ---- streamed handshake records (record.ts RecordStreamer) ----
	//
	// A large record of the peer's flight is not buffered whole: its handshake content comes in
	// pieces. Under TLS 1.3 handshake keys the pieces are provisional until the record's tag is
	// checked: meanwhile only messages that change nothing outside the engine are taken (the side
	// says which: provisional()); anything else waits for the tag. An error found in provisional
	// bytes is held until the tag is known: a bad tag is bad_record_mac.

	declare private provisionalError: unknown;

	streamData(content: Uint8Array, provisional: boolean): void {
		if (!provisional) {
			this.onRecord(ContentType.handshake, content);
			return;
		}
		if (this.provisionalError !== undefined)
			return;
		try {
			this.handshake.push(content);
			this.dispatchProvisional();
		}
		catch (e) {
			this.provisionalError = e;
		}
	}

	private dispatchProvisional(): void {
		for (;;) {
			if (!this.provisional(this.handshake.peekType()))
				return;
			const m = this.handshake.next(this);
			if (!m)
				return;
			this.onHandshakeMessage(m.type, m.body, m.message);
		}
	}

	streamEnd(): void {
		// the record is authenticated (or was plaintext): what was held may act now
		const error = this.provisionalError;
		this.provisionalError = undefined;
		if (error !== undefined)
			throw error;
		for (let m = this.handshake.next(this); m; m = this.handshake.next(this))
			this.onHandshakeMessage(m.type, m.body, m.message);
	}

	/**
	 * The peer's Certificate message as a stream (this engine's data() and end()) into a new
	 * CertificateSink (RFC 8446 4.4.2, RFC 5246 7.4.2): the transcript sees its bytes as they come;
	 * certificateReceived() follows once the leaf's key is known (peerKey; undefined for an empty
	 * client Certificate).
	 */
	protected streamCertificate(sink: CertificateSink, tls13: boolean, length: number, header: Uint8Array, fromClient: boolean): MessageStream {
		this.transcript.update(header);
		this.certificates = new CertificateStream(sink, tls13, length, fromClient);
		return this;
	}
	/** the Certificate message's next bytes (MessageStream) */
	data(bytes: Uint8Array): void {
		this.transcript.update(bytes);
		this.certificates!.data(bytes);
	}
	/** the Certificate message's last byte came (MessageStream) */
	end(): void {
		const stream = this.certificates!;
		this.peerKey = stream.finish();
		delete this.certificates;   // its property's slot too
		this.certificateTally = stream.count * 0x1000000 + stream.bytes;   // the message is shorter than 2^24 bytes
		this.peerCertificate = stream.leaf;
		if (this.tracing) this.trace(`received Certificate: ${stream.count} certificate${stream.count === 1 ? "" : "s"}, ${stream.bytes} bytes, checked as they came`);
		this.certificateReceived();
	}

	// ---- records ----

	declare private ignored: number | undefined;   // ignorable messages in a row (warning alerts, HelloRequests), once there was one
	protected ignore(what: string): void {
		if ((this.ignored = (this.ignored ?? 0) + 1) > Limit.IGNORED)
			throw fatal(Alert.unexpected_message, `too many ${what} in a row`);
	}
	protected resetIgnored(): void {
		if (this.ignored)
			this.ignored = 0;
	}

	onRecord(type: ContentType, content: Uint8Array): void {
		if (this.ignored && type !== ContentType.alert && type !== ContentType.handshake)
			this.ignored = 0;
		switch (type) {
			case ContentType.handshake:
				this.handshake.push(content);
				for (let m = this.handshake.next(this); m; m = this.handshake.next(this))
					this.onHandshakeMessage(m.type, m.body, m.message);
				return;
			case ContentType.alert:
				return this.onAlert(content);
			case ContentType.change_cipher_spec:
				return this.onChangeCipherSpec(content);
			case ContentType.application_data:
				if (this.state !== CONNECTED)
					throw fatal(Alert.unexpected_message, "application data before the handshake finished");
				this.plaintext = content;
				this.plaintextOffset = 0;
				return;
		}
	}

	private onAlert(content: Uint8Array): void {
		if (content.length !== 2)
			throw fatal(Alert.decode_error, "bad alert");
		const level = content[0], description = content[1];
		if (description === Alert.close_notify) {
			if (this.tracing) this.trace("received close_notify");
			this.flags |= Flag.PEER_CLOSED;
			if (this.state !== "closed")
				this.close();
			this.state = "closed";
			return;
		}
		if (description === Alert.user_canceled && level === 1 && this.version === Version.TLS13) {
			this.ignore("user_canceled alerts");
			return;
		}
		if (level === 1 && this.version === Version.TLS12 && description !== Alert.no_renegotiation) {
			this.ignore("warning alerts");
			if (this.tracing) this.trace(`ignored warning alert ${alertName(description)}`);
			return;
		}
		throw new TLSError(description, `tls: the peer sent the alert ${alertName(description)}`, true);
	}

	/** the legacy record version of a plaintext record (the client's first ClientHello may say 0x0301) */
	protected recordVersion(_type: ContentType): number {
		return Version.TLS12;
	}
	protected sendRecord(type: ContentType, content: Uint8Array): void {
		const limit = this.recordLimit;
		for (let offset = 0; offset < content.length || offset === 0; offset += limit) {
			const chunk = new Uint8Array(content.buffer, content.byteOffset + offset, Math.min(content.length, offset + limit) - offset);   // not subarray(): a re-entry
			this.records.seal(type, chunk, this.recordVersion(type));
			if (content.length === 0)
				break;
		}
	}
	protected sendAlert(alert: number, level: number): void {
		this.records.seal(ContentType.alert, byteArray(level, alert));
	}
	protected sendHandshake(type: HandshakeType, body: Uint8Array): void {
		const message = handshakeMessage(type, body);
		this.transcript.update(message);
		this.sendRecord(ContentType.handshake, message);
	}
	/** post-handshake messages (KeyUpdate, NewSessionTicket): not part of the transcript */
	protected sendHandshakeNoTranscript(type: HandshakeType, body: Uint8Array): void {
		this.sendRecord(ContentType.handshake, handshakeMessage(type, body));
	}

	/** TLS 1.3 middlebox compatibility (RFC 8446 D.4): one unprotected change_cipher_spec */
	protected sendCompatibilityCCS(): void {
		if (this.flags & Flag.SENT_CCS || this.version !== Version.TLS13)
			return;
		this.flags |= Flag.SENT_CCS;
		const write = this.records.write;
		this.records.write = undefined;
		this.records.seal(ContentType.change_cipher_spec, byteArray(1));
		this.records.write = write;
	}

	// ---- protection ----

	protected protection13(secret: ArrayBuffer): Protection {
		const suite = this.suite!;
		const keys = trafficKeys(suite.hash, secret, suite.keyLength);
		return new Protection(suite, Version.TLS13, keys.key, keys.iv);
	}

	// ---- signatures of the peer ----

	/** checks a signature of the peer with its verified leaf key; a bad one is decrypt_error */
	protected verifySignature(what: string, scheme: number, key: Key, data: Uint8Array | ArrayBuffer, signature: Uint8Array, prehashed = false): void {
		let ok = false;
		try {
			ok = verifyScheme(scheme, key, data, signature, { prehashed });
		}
		catch (e) {
			throw peerFailure(Alert.decrypt_error, what, e);
		}
		if (!ok)
			throw fatal(Alert.decrypt_error, `bad ${what} signature`);
	}

	/**
	 * The peer's TLS 1.3 CertificateVerify (RFC 8446 4.4.3): a scheme we offered (never PKCS#1),
	 * fitting the leaf key the certificate check returned, over the transcript so far.
	 */
	protected checkCertificateVerify13(body: Uint8Array, message: Uint8Array, offered: readonly number[], peerIsServer: boolean): void {
		const what = "CertificateVerify";
		const r = new Reader(body, what);
		const scheme = r.u16();
		const signature = r.opaque(2, 1);
		r.end();
		const info = schemeInfo(scheme);
		if (!offered.includes(scheme) || !info || info.algorithm === "rsa-pkcs1")
			throw fatal(Alert.illegal_parameter, `CertificateVerify with scheme 0x${scheme.toString(16)}, which we did not offer`);
		const key = this.peerKey!;
		if (info.algorithm === "ecdsa" ? key.curve !== info.curve : key.type !== "rsa")
			throw fatal(Alert.illegal_parameter, "CertificateVerify scheme does not fit the certificate's key");
		this.verifySignature(what, scheme, key, certificateVerifyContent(peerIsServer, this.transcript.current()), signature);
		this.transcript.update(message);
		if (this.tracing) this.trace(`received CertificateVerify: 0x${scheme.toString(16)}, good`);
	}

	/**
	 * The peer's Finished (RFC 8446 4.4.4, RFC 5246 7.4.9): compared in constant time, then added to
	 * the transcript; `atRecordEnd`: keys change next, so nothing may follow it in its record.
	 */
	protected checkFinished(expected: ArrayBuffer, body: Uint8Array, message: Uint8Array, peer: "server" | "client", atRecordEnd: boolean): void {
		if (body.length !== expected.byteLength || !equal(body, expected))
			throw fatal(Alert.decrypt_error, `bad ${peer} Finished`);
		this.transcript.update(message);
		if (atRecordEnd && this.handshake.pending)
			throw fatal(Alert.unexpected_message, "handshake data after Finished in the same record");
	}

	/**
	 * A PSK binder (RFC 8446 4.2.11.2): the Finished-style HMAC under the binder key over the
	 * transcript through the ClientHello truncated before its binders (after a HelloRetryRequest,
	 * the transcript so far comes first).
	 */
	protected pskBinder(schedule: KeySchedule, truncatedHello: Uint8Array, afterRetry: boolean): ArrayBuffer {
		let transcriptHash: ArrayBuffer;
		if (afterRetry) {
			const fork = this.transcript.fork();
			fork.update(truncatedHello);
			transcriptHash = fork.digest();
			fork.close();
		}
		else
			transcriptHash = digest(schedule.hash, truncatedHello);
		return schedule.finished(schedule.binderKey(), transcriptHash);
	}

	/** the peer's record_size_limit (RFC 8449 4) bounds what we send; returns it */
	protected peerRecordSizeLimit(data: Uint8Array): number {
		const r = new Reader(data, "record_size_limit");
		const limit = r.u16();
		r.end();
		if (limit < 64)
			throw fatal(Alert.illegal_parameter, "record_size_limit below 64");
		const payload = limit - (this.version === Version.TLS13 ? 1 : 0);
		this.recordLimit = Math.min(this.recordLimit, payload);
		return limit;
	}

	// ---- KeyUpdate (RFC 8446 4.6.3) ----

	protected keyUpdate(body: Uint8Array): void {
		const r = new Reader(body, "KeyUpdate");
		const request = r.u8();
		r.end();
		if (request > 1)
			throw fatal(Alert.illegal_parameter, "bad KeyUpdate");
		if (this.handshake.pending)
			throw fatal(Alert.unexpected_message, "KeyUpdate not at a record boundary");
		const hash = this.suite!.hash;
		this.readSecret = nextTrafficSecret(hash, this.readSecret!);
		this.records.setRead(this.protection13(this.readSecret));
		if (this.tracing) this.trace(`received KeyUpdate${request ? " (update requested)" : ""}`);
		// one update answers every request received before our next data (RFC 8446 4.6.3)
		if (request && !this.keyUpdateAnswered) {
			this.keyUpdateAnswered = true;
			this.updateKeys(false);
		}
	}

	/** sends KeyUpdate and moves to the next write keys (RFC 8446 4.6.3) */
	updateKeys(requestPeer = true): void {
		this.check();
		if (this.state !== "connected" || this.version !== Version.TLS13)
			throw new Error("tls: KeyUpdate needs a TLS 1.3 connection");
		try {
			this.sendHandshakeNoTranscript(HandshakeType.key_update, byteArray(requestPeer ? 1 : 0));
			this.writeSecret = nextTrafficSecret(this.suite!.hash, this.writeSecret!);
			this.records.setWrite(this.protection13(this.writeSecret));
			if (this.tracing) this.trace(`sent KeyUpdate${requestPeer ? " (update requested)" : ""}`);
		}
		catch (e) {
			this.fail(e);
		}
	}
}
