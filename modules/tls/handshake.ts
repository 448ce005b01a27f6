/*
 * Handshake message framing (RFC 8446 4, RFC 5246 7.4): messages may span records and records
 * may hold several messages. The transcript hash sees every message exactly as it was sent.
 */
import { Hash, type HashAlgorithm } from "crypto/hash";
import { Alert, fatal } from "./alert";
import { alloc, copyOf, sub } from "./bytes";

// a const enum: written into the code where used (a module constant costs bytecode at each use)
const enum Limit {
	MESSAGE = 16384 + 4,   // our limit on one buffered handshake message (the Certificate message streams)
}

/** A message taken as a stream instead of being buffered whole (the Certificate message). */
export interface MessageStream {
	/** the message's next body bytes (a view valid only during the call) */
	data(bytes: Uint8Array): void;
	/** its last byte came */
	end(): void;
}

/** the engine: asked with each message's header for a stream to take it as it arrives, or undefined to buffer it */
export interface StreamChooser {
	streamFor(type: number, length: number, header: Uint8Array): MessageStream | undefined;
}

export class HandshakeReader {
	/** the bytes of an incomplete message (or of several), dropped once they are all taken */
	declare private buffer: Uint8Array | undefined;
	declare private length: number;
	declare private stream: MessageStream | undefined;
	declare private streamLeft: number;

	constructor() {
		this.length = 0;
		this.streamLeft = 0;
	}

	/** appends a handshake record's content */
	push(content: Uint8Array): void {
		if (this.stream) {
			const n = Math.min(this.streamLeft, content.length);
			this.feed(sub(content, 0, n));
			content = sub(content, n);
			if (!content.length)
				return;
		}
		const need = this.length + content.length;
		if (need > Limit.MESSAGE + 16384)
			throw fatal(Alert.unexpected_message, "too much handshake data");
		if (!this.buffer || this.buffer.length < need) {
			const buffer = alloc(this.buffer ? Math.max(need, Math.min(2 * this.buffer.length, Limit.MESSAGE + 16384)) : need);
			if (this.buffer)
				buffer.set(sub(this.buffer, 0, this.length));
			this.buffer = buffer;
		}
		this.buffer.set(content, this.length);
		this.length = need;
	}
	/** the type of the next buffered message, once its first byte is here (a streamed message: undefined) */
	peekType(): number | undefined {
		return this.stream || this.length < 1 ? undefined : this.buffer![0];
	}

	private feed(bytes: Uint8Array): void {
		const stream = this.stream!;
		this.streamLeft -= bytes.length;
		if (bytes.length)
			stream.data(bytes);
		if (this.streamLeft === 0) {
			this.stream = undefined;
			stream.end();
		}
	}

	/** the next whole message (type, body, and the whole message bytes for the transcript), or undefined;
	    `owner` (the engine: passed, not kept, a slot fewer) is asked with each message's header for a stream */
	next(owner?: StreamChooser): { type: number, body: Uint8Array, message: Uint8Array } | undefined {
		if (this.length < 4 || this.stream)
			return undefined;
		const b = this.buffer!;
		const n = (b[1] << 16) | (b[2] << 8) | b[3];
		const stream = owner?.streamFor(b[0], n, sub(b, 0, 4));
		if (stream) {
			// from here the message's bytes go to the stream as they come, the rest is buffered as usual
			this.stream = stream;
			this.streamLeft = n;
			const available = Math.min(n, this.length - 4);
			const rest = this.length - 4 - available;
			this.length = 0;
			this.feed(sub(b, 4, 4 + available));
			if (rest)
				b.copyWithin(0, 4 + available, 4 + available + rest);
			else
				this.buffer = undefined;
			this.length = rest;
			return this.next(owner);
		}
		if (n > Limit.MESSAGE)
			throw fatal(Alert.decode_error, `handshake message of ${n} bytes is over our limit`);
		if (this.length < 4 + n)
			return undefined;
		let message: Uint8Array;
		if (this.length === 4 + n) {   // the last message buffered: handed out, the buffer dropped
			message = b.length === 4 + n ? b : new Uint8Array(b.buffer, b.byteOffset, 4 + n);   // not subarray(): a re-entry (bytes.ts copyOf)
			this.buffer = undefined;
			this.length = 0;
		}
		else {
			message = copyOf(b, 0, 4 + n);
			b.copyWithin(0, 4 + n, this.length);
			this.length -= 4 + n;
		}
		return { type: message[0], body: sub(message, 4), message };
	}
	/** bytes of an unfinished message are waiting (a key change must not split a message) */
	get pending(): boolean {
		return this.length > 0 || this.stream !== undefined;
	}
	clear(): void {
		this.buffer = undefined;
		this.length = 0;
		this.stream = undefined;
	}
}

/** the running transcript hash; before the hash is known, messages are kept to be hashed later
    (not copied: a message given to update() is never changed afterwards) */
export class Transcript {
	declare private hash: Hash | undefined;
	declare private held?: Uint8Array[];

	update(message: Uint8Array): void {
		if (this.hash)
			this.hash.update(message);
		else
			(this.held ??= []).push(message);
	}
	/** fixes the hash algorithm (once the cipher suite is known) and hashes what was held */
	start(algorithm: HashAlgorithm): void {
		if (this.hash)
			return;
		this.hash = new Hash(algorithm);
		const held = this.held;
		if (held)
			for (let i = 0; i < held.length; i++)
				this.hash.update(held[i]);
		delete this.held;   // its property's slot too
	}
	private started(): Hash {
		if (!this.hash)
			throw fatal(Alert.internal_error, "transcript hash not started");
		return this.hash;
	}
	/** Hash(messages so far) */
	current(): ArrayBuffer {
		return this.started().peek();
	}
	/** HelloRetryRequest: replaces ClientHello1 by message_hash(Hash(ClientHello1)) (RFC 8446 4.4.1) */
	replaceWithMessageHash(): void {
		const h = this.current();
		const message = alloc(4 + h.byteLength);
		message[0] = 254; message[3] = h.byteLength;
		message.set(new Uint8Array(h), 4);
		this.hash!.reset();
		this.hash!.update(message);
	}
	/** an independent copy (PSK binders hash a truncated ClientHello) */
	fork(): Hash {
		return this.started().clone();
	}
	close(): void {
		this.hash?.close();
		this.hash = undefined;
		delete this.held;
	}
}
