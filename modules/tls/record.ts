/*
 * The record layer (RFC 8446 section 5, RFC 5246 section 6.2): framing, protection, limits.
 *
 * Bytes in: the record layer says where the next network bytes go (`inbox`, from `inboxOffset`,
 * at most `inboxRoom`: never past the end of the record being framed), the caller puts them there
 * (the socket reads straight into it) and calls received(n); each record's content is handed to
 * its `streamer` (onRecord), decrypted and authenticated. receive(bytes) does the same from bytes at hand (a copy).
 * Bytes out: seal() protects one record at the end of one output buffer (grown as needed), which
 * takeOutput() hands to the socket: a flight is one buffer, not one per record.
 * Bytes are moved with copy() of ./bytes (one memmove; TypedArray.prototype.set copies byte by
 * byte in the host's XS).
 *
 * A record is framed once, in one reusable buffer, and decrypted where it lies, in place
 * (Protection.openRecord); nothing of it is handed on before its tag has been checked. In steady state
 * nothing is allocated per record. A Protection (one direction's keys) is crypto's AEAD with the
 * IV and the sequence number in its native state: the per-record nonce and additional data are
 * made in C (native/aead.c's record functions), not here.
 */
import { AEAD, TAG_SIZE } from "crypto/aead";
import { hostMethods } from "crypto/methods";
import { Alert, fatal } from "./alert";
import { ContentType, Version } from "./constants";
import { alloc, byteArray, copy, sub } from "./bytes";
import type { CipherSuite } from "./suites";

export const MAX_PLAINTEXT = 16384;
// sizes as a const enum: written into the code where used (a module constant is a slot at load, in this host,
// and each use of it costs more bytecode than the number)
const enum Size {
	HEADER = 5,
	MAX_PLAINTEXT = 16384,
	MAX_CIPHERTEXT_13 = 16384 + 256,      // RFC 8446 5.2
	MAX_CIPHERTEXT_12 = 16384 + 2048,     // RFC 5246 6.2.3
	MAX_EMPTY_RECORDS = 32,
	/** records up to this size are buffered whole; larger handshake records are streamed */
	STREAM_THRESHOLD = 512,
	// a streamed record's pieces go into the record buffer (at least 512 bytes, only its header used
	// meanwhile: no scratch buffer of their own), at buffer[HEADER, HEADER + PIECE), its tag at TAG_AT
	PIECE = 512 - 5 - 16,
	TAG_AT = 5 + PIECE,
}
// messages thrown from more than one place: once in the bytecode (a string literal is its bytes at each use)
const BAD_MAC = "bad record mac", TOO_SHORT = "protected record too short",
	NO_TYPE = "protected record without a content type", OVER_LIMIT = "record plaintext over the limit";

// the record methods are natives of crypto/aead (native/aead.c), each under the next sequence number
// (RFC 8446 5.3, RFC 5246 6.1), which lives in C with the IV: no JS per record for the nonce and the
// additional data, no arrays for them
export interface Protection {
	/**
	 * Seals the record at `record[at]`: its header written, its plaintext (TLS 1.3: the inner
	 * plaintext) the `length` bytes after the header and the explicit nonce (TLS 1.2 AES-GCM: 8 bytes,
	 * written here), 16 bytes of room for the tag after it. Returns `length + 16`.
	 */
	sealRecord(record: Uint8Array, at: number, length: number): number;
	/** Opens the record at `record[at]` in place, `length` bytes of body after its header; returns the plaintext's length. Throws on a bad tag. */
	openRecord(record: Uint8Array, at: number, length: number): number;
	/** Starts the incremental open (update(), finish()) of the TLS 1.3 record whose header is `record[0, 5)`. */
	startRecord(record: Uint8Array): void;
}

/** The keys of one direction: an AEAD (itself: no object of its own, 2 XS slots) whose native state holds the IV (or TLS 1.2 salt) and the sequence number. */
export class Protection extends AEAD {
	/** TLS 1.2 AES-GCM: 8 (the explicit nonce before each record's ciphertext), else 0 */
	declare readonly explicitNonceLength: number;

	constructor(suite: CipherSuite, version: number, key: ArrayBuffer, iv: ArrayBuffer) {
		const explicit = version === Version.TLS12 && suite.aead !== "CHACHA20-POLY1305";
		// record modes: 1 TLS 1.3, 2 TLS 1.2 IV ^ sequence, 3 TLS 1.2 explicit nonce (native/aead.c)
		super(suite.aead, key, iv, version !== Version.TLS12 ? 1 : explicit ? 3 : 2);
		this.explicitNonceLength = explicit ? 8 : 0;
	}
}
hostMethods(Protection, "sealRecord", native("xs_aead_seal_record"),
	"openRecord", native("xs_aead_open_record"), "startRecord", native("xs_aead_start_record"));


/** where pull() reads from (the host's Socket): copies up to count bytes into view[offset...], returns how many */
export interface ByteSource {
	readInto(view: Uint8Array, offset: number, count: number): number;
}

/**
 * Large handshake records are streamed instead of buffered whole: the engine says which, then
 * gets their content in pieces. A protected (TLS 1.3) record's pieces are *provisional*: its tag
 * is checked only at its end, and until streamEnd() nothing of it may be acted on.
 */
export interface RecordStreamer {
	/** each record's (decrypted) content */
	onRecord(type: ContentType, content: Uint8Array): void;
	/** may a record of `length` bytes be streamed (protected: under TLS 1.3 handshake keys)? */
	streamable(protectedRecord: boolean, length: number): boolean;
	/** handshake content of the streamed record */
	streamData(content: Uint8Array, provisional: boolean): void;
	/** the record is complete and, if protected, authenticated */
	streamEnd(): void;
}

const ZEROS = new Uint8Array(64);


interface Streaming {
	protectedRecord: boolean;
	left: number;           // body bytes still to come (tag included)
	cipherLeft: number;     // of which ciphertext
	tagFilled: number;      // tag bytes come into buffer[TAG_AT, TAG_AT + TAG_SIZE)
	heldByte: number;       // the last nonzero plaintext byte: maybe the content type (-1: none yet)
	heldZeros: number;      // zeros after it: maybe padding
	plaintext: number;      // plaintext bytes decrypted
}

export class RecordLayer {
	declare read: Protection | undefined;
	declare write: Protection | undefined;
	// Each property costs an XS slot from when it is first set: fields that are rarely set, or only
	// late, are left undefined until set, unless they are read for each record (a missing property is
	// looked up through the prototypes: thousands of instructions per record): those the constructor
	// sets. Every field is declared (a field initializer costs a function of bytecode: bytes.ts).
	/** TLS 1.3 record protection (inner content type) once the version is known */
	declare version: number;
	/** largest plaintext we accept (what we advertised) */
	declare receiveLimit: number;
	/** set once TLS 1.3 no longer allows an unprotected change_cipher_spec (compatibility mode: the handshake is done) */
	declare refuseChangeCipherSpec: boolean | undefined;
	/**
	 * TLS 1.3 server: set while the client may still send an unprotected alert, from our ServerHello
	 * until the client's first protected record (a client that refuses our certificate may not have
	 * switched to its handshake keys yet: OpenSSL's s_client and curl send that alert in plaintext).
	 * Read for each protected record (it ends there), so a property from the start.
	 */
	declare allowPlaintextAlert: boolean;

	/** the engine (or a test's), for each record (onRecord) and streamed records; set before the first record */
	declare streamer: RecordStreamer | undefined;

	declare private buffer: Uint8Array | undefined;
	declare private length: number;           // bytes of the record being framed in `buffer`
	declare private need: number;             // its header, then header and body
	declare private emptyRecords: number;     // empty records in a row
	declare private streaming: Streaming | undefined;
	declare private content: Uint8Array | undefined;    // the latest application data record's content (view())
	// sealed records not taken yet, exactly (kept by close(): a last alert goes out after it)
	declare private out?: Uint8Array;
	/** a record ended in the latest received() */
	declare recordEnded: boolean;

	constructor() {
		this.version = 0;
		this.receiveLimit = Size.MAX_PLAINTEXT;
		this.allowPlaintextAlert = false;
		this.length = 0;
		this.need = Size.HEADER;
		this.emptyRecords = 0;
		this.streaming = undefined;
		this.recordEnded = false;
	}

	/** bytes held by the record buffer (it grows to the largest record not streamed) */
	get bufferSize(): number {
		return this.buffer?.length ?? 0;
	}

	/** where the next bytes from the network go: inbox[inboxOffset, inboxOffset + inboxRoom) */
	get inbox(): Uint8Array {
		const s = this.streaming;
		if (s)
			return this.buffer!;
		return this.buffer ??= this.grow(512);
	}
	get inboxOffset(): number {
		const s = this.streaming;
		if (s)
			return s.protectedRecord && s.cipherLeft === 0 ? Size.TAG_AT + s.tagFilled : Size.HEADER;
		return this.length;
	}
	/** how many bytes the inbox takes now: never past the end of the record being framed */
	get inboxRoom(): number {
		const s = this.streaming;
		if (s)
			return s.cipherLeft === 0 ? s.left : Math.min(Size.PIECE, s.cipherLeft);
		return this.need - this.length;
	}

	/**
	 * `n` bytes (1 to inboxRoom) were put in the inbox: frames, and when a record is complete,
	 * opens it and hands its content to the streamer (recordEnded tells)
	 */
	received(n: number): void {
		this.recordEnded = false;
		if (n <= 0 || n > this.inboxRoom)
			throw new RangeError("tls: received() beyond the inbox");
		this.framed(n);
	}

	/**
	 * Reads from `source` straight into the inbox, up to the end of the record being framed (its
	 * header, then its body), processing what comes as received() does; returns the bytes read.
	 * recordEnded tells whether the record ended; otherwise the source had no more. The download's
	 * path: one call per record, no getters.
	 */
	pull(source: ByteSource): number {
		this.recordEnded = false;
		let total = 0;
		for (;;) {
			let n: number, room: number;
			if (this.streaming)
				n = source.readInto(this.inbox, this.inboxOffset, room = this.inboxRoom);
			else
				n = source.readInto(this.buffer ??= this.grow(512), this.length, room = this.need - this.length);
			if (n <= 0)
				return total;
			if (n > room)
				throw new RangeError("tls: the source read beyond the inbox");
			total += n;
			this.framed(n);
			if (this.recordEnded)
				return total;
		}
	}

	/** `n` bytes came into the inbox */
	private framed(n: number): void {
		if (this.streaming) {
			this.streamBytes(n);
			return;
		}
		this.length += n;
		if (this.length < this.need)
			return;
		if (this.need === Size.HEADER) {
			// the header checked; the body's length read once here, handed on (fewer calls per record on
			// the download's path)
			const b = this.buffer!, type = b[0], length = (b[3] << 8) | b[4];
			if (type < ContentType.change_cipher_spec || type > ContentType.application_data)
				throw fatal(Alert.unexpected_message, `unknown record type ${type}`);
			if (b[1] !== 3)
				throw fatal(Alert.protocol_version, "not a TLS record (bad version)");
			// protected records may carry the expansion of their protection on top of the plaintext limit
			let max = this.receiveLimit;
			if (this.read && !(type === ContentType.change_cipher_spec && this.version === Version.TLS13))
				max += (this.version === Version.TLS13 ? Size.MAX_CIPHERTEXT_13 : Size.MAX_CIPHERTEXT_12) - Size.MAX_PLAINTEXT;
			if (length > max)
				throw fatal(Alert.record_overflow, `record of ${length} bytes is over the limit of ${max}`);
			if (length === 0) {
				this.process(0);
				return;
			}
			this.need = Size.HEADER + length;
			if (length > Size.STREAM_THRESHOLD && this.streamer) {
				this.streamStart(length);
				if (this.streaming)
					return;
			}
			if (b.length < this.need)
				this.buffer = this.grow(this.need);
			return;
		}
		this.process(this.need - Size.HEADER);
	}

	/** frames records from `bytes` (copied into the inbox), each record's (decrypted) content to the streamer */
	receive(bytes: Uint8Array): void {
		for (let offset = 0; offset < bytes.length;)
			offset += this.receiveSome(bytes, offset);
	}

	/** copies bytes from `bytes[offset]` into the inbox, up to the end of the record being framed; returns how many */
	receiveSome(bytes: Uint8Array, offset: number): number {
		const n = Math.min(this.inboxRoom, bytes.length - offset);
		copy(this.inbox, this.inboxOffset, bytes, offset, n);
		this.received(n);
		return n;
	}

	/** the record buffer, grown (to the largest record seen, then reused), its bytes kept */
	private grow(need: number): Uint8Array {
		const capacity = Math.max(need, this.buffer ? this.buffer.length * 2 : 512);
		const buffer = alloc(Math.min(capacity, Size.HEADER + Size.MAX_CIPHERTEXT_12));
		if (this.buffer && this.length)
			copy(buffer, 0, this.buffer, 0, this.length);
		return buffer;
	}

	/** a large handshake record whose header just came: stream it if the engine takes it */
	private streamStart(length: number): void {
		const b = this.buffer!, type = b[0];
		const streamer = this.streamer!;
		let protectedRecord: boolean;
		if (this.read && this.version === Version.TLS13 && type === ContentType.application_data)
			protectedRecord = true;
		else if (!this.read && type === ContentType.handshake)
			protectedRecord = false;
		else
			return;
		if (!streamer.streamable(protectedRecord, length))
			return;
		if (protectedRecord) {
			if (length < TAG_SIZE + 1)
				throw fatal(Alert.bad_record_mac, TOO_SHORT);
			this.read!.startRecord(b);
		}
		this.streaming = {
			protectedRecord, left: length, cipherLeft: protectedRecord ? length - TAG_SIZE : length,
			tagFilled: 0, heldByte: -1, heldZeros: 0, plaintext: 0,
		};
		this.length = 0;
		this.need = Size.HEADER;
	}

	/** `n` bytes of a streamed record came into the inbox (a piece, or the tag, in the record buffer) */
	private streamBytes(n: number): void {
		const s = this.streaming!;
		s.left -= n;
		if (s.cipherLeft === 0)
			s.tagFilled += n;
		else {
			s.cipherLeft -= n;
			const scratch = sub(this.buffer!, Size.HEADER, Size.HEADER + n);
			if (s.protectedRecord) {
				// decrypted in place in the record buffer
				this.read!.update(scratch, 0, n);
				this.streamPlaintext(scratch);
			}
			else
				this.streamer!.streamData(scratch, false);
		}
		if (s.left > 0)
			return;
		// the record is complete (and, protected, authenticated here)
		this.streaming = undefined;
		if (s.protectedRecord) {
			try {
				this.read!.finish(this.buffer!, Size.TAG_AT);
			}
			catch {
				throw fatal(Alert.bad_record_mac, BAD_MAC);
			}
			if (this.allowPlaintextAlert)
				this.allowPlaintextAlert = false;
			if (s.heldByte < 0)
				throw fatal(Alert.unexpected_message, NO_TYPE);
			if (s.heldByte !== ContentType.handshake)
				throw fatal(Alert.unexpected_message, `a protected record of type ${s.heldByte} over ${Size.STREAM_THRESHOLD} bytes during the handshake`);
			if (s.plaintext - 1 - s.heldZeros > this.receiveLimit)
				throw fatal(Alert.record_overflow, OVER_LIMIT);
		}
		this.emptyRecords = 0;
		this.recordEnded = true;
		this.streamer!.streamEnd();
	}

	/** hands on decrypted bytes, holding back a last nonzero byte and the zeros after it (they may be the content type and padding) */
	private streamPlaintext(p: Uint8Array): void {
		const s = this.streaming!;
		s.plaintext += p.length;
		let z = p.length - 1;
		while (z >= 0 && p[z] === 0)
			z--;
		if (z < 0) {
			s.heldZeros += p.length;
			return;
		}
		if (s.heldByte >= 0)
			this.streamer!.streamData(byteArray(s.heldByte), true);
		for (let n = s.heldZeros; n > 0; n -= ZEROS.length)
			this.streamer!.streamData(sub(ZEROS, 0, Math.min(n, ZEROS.length)), true);
		if (z > 0)
			this.streamer!.streamData(sub(p, 0, z), true);
		s.heldByte = p[z];
		s.heldZeros = p.length - z - 1;
	}

	/** the record of `length` bytes of body in the buffer is complete: opens it, hands its content on */
	private process(length: number): void {
		const b = this.buffer!;
		let type = b[0] as ContentType;
		this.length = 0;
		this.need = Size.HEADER;
		this.recordEnded = true;
		let content: Uint8Array;
		// in plaintext: everything before the keys; under TLS 1.3, change_cipher_spec and (see allowPlaintextAlert) an alert
		if (!this.read || this.version === Version.TLS13 && (type === ContentType.change_cipher_spec || type === ContentType.alert && this.allowPlaintextAlert && length === 2)) {
			if (this.read && type === ContentType.change_cipher_spec && this.refuseChangeCipherSpec)
				throw fatal(Alert.unexpected_message, "unprotected change_cipher_spec");
			content = sub(b, Size.HEADER, Size.HEADER + length);
		}
		else {
			// TLS 1.3 (RFC 8446 5.2), or TLS 1.2 AEAD (RFC 5246 6.2.3.3, RFC 5288, RFC 7905): its explicit nonce first
			const tls13 = this.version === Version.TLS13;
			if (tls13 && type !== ContentType.application_data)
				throw fatal(Alert.unexpected_message, "unprotected record after the handshake keys");
			const start = Size.HEADER + (tls13 ? 0 : this.read.explicitNonceLength);
			if (length < start - Size.HEADER + TAG_SIZE + (tls13 ? 1 : 0))
				throw fatal(Alert.bad_record_mac, TOO_SHORT);
			let end: number;
			try {
				end = start + this.read.openRecord(b, 0, length);
			}
			catch {
				throw fatal(Alert.bad_record_mac, BAD_MAC);
			}
			if (tls13) {
				// a protected record ends the plaintext alerts
				if (this.allowPlaintextAlert)
					this.allowPlaintextAlert = false;
				// TLSInnerPlaintext: content, type, zeros (RFC 8446 5.2)
				while (end > Size.HEADER && b[end - 1] === 0)
					end--;
				if (end === Size.HEADER)
					throw fatal(Alert.unexpected_message, NO_TYPE);
				type = b[--end] as ContentType;
			}
			// application data: the view of the previous record when it covers the same bytes (full-size
			// records do), so that a download allocates nothing per record; a handshake record's view is
			// not kept (4 XS slots through the handshake)
			const v = this.content;
			if (type !== ContentType.application_data)
				content = sub(b, start, end);
			else if (v && v.buffer === b.buffer && v.byteOffset === b.byteOffset + start && v.length === end - start)
				content = v;
			else
				content = this.content = sub(b, start, end);
			if (content.length > this.receiveLimit)
				throw fatal(Alert.record_overflow, OVER_LIMIT);
		}
		if (content.length === 0) {
			if (type !== ContentType.application_data)
				throw fatal(Alert.unexpected_message, "empty record");
			if (++this.emptyRecords > Size.MAX_EMPTY_RECORDS)
				throw fatal(Alert.unexpected_message, "too many empty records");
			return;
		}
		this.emptyRecords = 0;
		this.streamer!.onRecord(type, content);
	}

	/** protects `content` (at most the engine's record limit) as one record of `type`, at the end of the output */
	seal(type: ContentType, content: Uint8Array, legacyVersion = Version.TLS12): void {
		const w = this.write, tls13 = w && this.version === Version.TLS13;
		const explicit = w && !tls13 ? w.explicitNonceLength : 0;
		const inner = content.length + (tls13 ? 1 : 0);
		const total = w ? explicit + inner + TAG_SIZE : inner;
		const at = this.reserve(Size.HEADER + total), record = this.out!, body = at + Size.HEADER + explicit;
		record[at] = tls13 ? ContentType.application_data : type;
		record[at + 1] = w ? 3 : legacyVersion >> 8; record[at + 2] = w ? 3 : legacyVersion;
		record[at + 3] = total >> 8; record[at + 4] = total;
		copy(record, body, content, 0, content.length);
		if (!w)
			return;
		if (tls13)
			record[body + content.length] = type;
		// the nonce, the additional data and (TLS 1.2 AES-GCM) the explicit nonce: native/aead.c
		w.sealRecord(record, at, inner);
	}

	/** room for `n` more bytes at the end of the output (grown to fit, its bytes kept: a flight is a few records): where they go */
	private reserve(n: number): number {
		const out = this.out, at = out ? out.length : 0;
		this.out = alloc(at + n);
		if (out)
			copy(this.out, 0, out, 0, at);
		return at;
	}
	/** the records sealed since the last call, in one buffer (the caller's now), or undefined */
	takeOutput(): Uint8Array | undefined {
		const out = this.out;
		delete this.out;   // its property's slot too, until the next record is sealed
		return out;
	}
	/** bytes sealed and not taken yet */
	get outputLength(): number {
		return this.out ? this.out.length : 0;
	}

	setRead(protection: Protection | undefined): void {
		this.read?.close();
		this.read = protection;
	}
	setWrite(protection: Protection | undefined): void {
		this.write?.close();
		this.write = protection;
	}
	close(): void {
		this.setRead(undefined);
		this.setWrite(undefined);
		this.buffer = undefined;
		this.content = undefined;
		this.length = 0;
		this.need = Size.HEADER;
		this.streaming = undefined;
	}
}
