/*
 * Session tickets the server encrypts for itself (RFC 8446 4.6.1, RFC 5077 4): no server-side
 * cache, so nothing grows with the number of clients. A ticket is
 *
 *   key_name(4) | format(1) | nonce(12) | AES-256-GCM(state) | tag(16)
 *
 * under a key derived from the 32-byte ticket key; key_name and format are the AAD. A ticket that
 * does not open (other key, other format, tampered, expired, malformed) is simply not used: the
 * handshake falls back to a full one.
 */
import { AEAD, TAG_SIZE } from "crypto/aead";
import { hmac } from "crypto/mac";
import { randomBytes } from "crypto/random";
import { alloc, Reader, ascii, copy, copyOf, writeAscii } from "./bytes";

const FORMAT = 1;
const HEADER = 4 + 1 + 12;

/** what a ticket carries */
/**
 * `value` (0 to 2^32 - 1) big-endian in `n` bytes at bytes[at]; returns the offset after it: the fields of a
 * sealed ticket and of the server's messages around it (server.ts); here, not in bytes.ts, as only the server
 * writes this way (a client build does not carry it)
 */
export function put(bytes: Uint8Array, at: number, value: number, n: number): number {
	for (let i = n - 1; i >= 0; i--, value = Math.floor(value / 256))
		bytes[at + i] = value & 0xFF;
	return at + n;
}

export interface TicketState {
	readonly version: number;
	readonly suite: number;
	/** 1.3: the resumption PSK; 1.2: the (extended) master secret */
	readonly secret: Uint8Array;
	/** seconds since the epoch */
	readonly issued: number;
	/** seconds */
	readonly lifetime: number;
	/** 1.3 ticket_age_add */
	readonly ageAdd: number;
	readonly alpn: string | undefined;
	readonly serverName: string | undefined;
	/** the client proved a certificate in the handshake that made the ticket */
	readonly clientAuthenticated: boolean;
}

/** what seal() takes: the state, its secret as bytes or a buffer */
export type SealedState = Omit<TicketState, "secret"> & { readonly secret: Uint8Array | ArrayBuffer };

let processKey: ArrayBuffer | undefined;

/** the default ticket key: random, once per process */
export function processTicketKey(): ArrayBuffer {
	return processKey ??= randomBytes(32);
}

function string(bytes: Uint8Array): string | undefined {
	return bytes.length ? String.fromCharCode(...bytes) : undefined;
}

const sealers = new WeakMap<ArrayBuffer, TicketSealer>();

/** the sealer of a ticket key (made once per key buffer: its two HMACs are not redone per connection) */
export function ticketSealer(ticketKey: ArrayBuffer): TicketSealer {
	let sealer = sealers.get(ticketKey);
	if (!sealer) {
		sealer = new TicketSealer(ticketKey);
		sealers.set(ticketKey, sealer);
	}
	return sealer;
}

export class TicketSealer {
	private readonly name: Uint8Array;
	private readonly key: ArrayBuffer;

	constructor(ticketKey: ArrayBuffer) {
		if (ticketKey.byteLength !== 32)
			throw new RangeError("tls: the ticket key must be 32 bytes");
		this.name = copyOf(new Uint8Array(hmac("SHA-256", ticketKey, ascii("ticket key name"))), 0, 4);
		this.key = hmac("SHA-256", ticketKey, ascii("ticket aead key"));
	}

	/**
	 * The sealed ticket under a 12-byte random nonce, written in place in its one buffer (no Writer, no
	 * buffer per field), at `before` in a buffer of `before` + the ticket + `after` bytes: the room of the
	 * message that carries it (NewSessionTicket), so that the ticket needs no buffer of its own
	 */
	seal(state: SealedState, nonce: Uint8Array, before = 0, after = 0): Uint8Array {
		const secret = state.secret, alpn = state.alpn ?? "", serverName = state.serverName ?? "";
		const n = secret.byteLength;
		if (n > 255 || alpn.length > 255 || serverName.length > 255)
			throw new RangeError("tls: writer: block too long for its length prefix");
		// version(2) suite(2) issued(4) lifetime(4) ageAdd(4) clientAuthenticated(1), then three 1-byte-length blocks
		const length = 17 + 1 + n + 1 + alpn.length + 1 + serverName.length;
		const message = alloc(before + HEADER + length + TAG_SIZE + after);   // offsets in it from `before`: no view of the ticket
		message.set(this.name, before);
		message[before + 4] = FORMAT;
		for (let i = 0; i < 12; i++)
			message[before + 5 + i] = nonce[i];
		let at = put(message, before + HEADER, state.version, 2);
		at = put(message, at, state.suite, 2);
		at = put(message, at, state.issued, 4);
		at = put(message, at, state.lifetime, 4);
		at = put(message, at, state.ageAdd, 4);
		message[at++] = state.clientAuthenticated ? 1 : 0;
		message[at++] = n;
		copy(message, at, secret, 0, n);
		at += n;
		message[at++] = alpn.length;
		at = writeAscii(message, at, alpn);
		message[at++] = serverName.length;
		writeAscii(message, at, serverName);
		const aead = new AEAD("AES-256-GCM", this.key);
		try {
			aead.seal(nonce, message.subarray(before, before + 5), message, before + HEADER, length);   // the nonce as given (12 bytes; copied into the ticket above)
		}
		finally {
			aead.close();
		}
		return message;
	}

	/** the state in a ticket, or undefined if it is not ours, was changed, or expired */
	open(ticket: Uint8Array, now: number): TicketState | undefined {
		if (ticket.length < HEADER + TAG_SIZE || ticket[4] !== FORMAT)
			return undefined;
		for (let i = 0; i < 4; i++)
			if (ticket[i] !== this.name[i])
				return undefined;
		const copy = copyOf(ticket);
		const aead = new AEAD("AES-256-GCM", this.key);
		let n: number;
		try {
			n = aead.open(copy.subarray(5, HEADER), copy.subarray(0, 5), copy, HEADER, copy.length - HEADER);
		}
		catch {
			return undefined;
		}
		finally {
			aead.close();
		}
		try {
			const r = new Reader(copy, "ticket", HEADER, n);
			const state: TicketState = {
				version: r.u16(), suite: r.u16(), issued: r.u32(), lifetime: r.u32(), ageAdd: r.u32(),
				clientAuthenticated: r.u8() === 1,
				secret: copyOf(r.opaque(1, 1)), alpn: string(r.opaque(1)), serverName: string(r.opaque(1)),
			};
			r.end();
			if (now < state.issued || now - state.issued > state.lifetime)
				return undefined;
			return state;
		}
		catch {
			return undefined;
		}
	}
}
