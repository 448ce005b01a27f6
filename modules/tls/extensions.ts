/*
 * A ClientHello as the server reads it (server.ts): checked for form, kept as offsets into the
 * message's bytes. Apart from bytes.ts because only the server side uses it (the client's manifests leave it out).
 */
import { Alert, fatal } from "./alert";
import { Reader, sub } from "./bytes";
import { ExtensionType } from "./constants";

// the first entries of ClientHello.at: start and end of the session ID, cipher suites, compression
// methods; the offset of the PSK binders; then type, start and end of each extension's data
const SESSION_ID = 0, SUITES = 2, COMPRESSION = 4, BINDERS = 6, EXTENSIONS = 7;

/**
 * A ClientHello (RFC 8446 4.1.2, RFC 5246 7.4.1.2), parsed for form only: duplicate extensions and a
 * pre_shared_key not last are refused. One object and one Uint16Array of offsets (a message of at
 * most 64 KB): views of its parts are made only when asked (an object of views, a Map of the
 * extensions' views, held a few slots each for as long as the message is used).
 */
export class ClientHello {
	private at = new Uint16Array(EXTENSIONS + 30);
	private length = EXTENSIONS;

	constructor(readonly bytes: Uint8Array) {
		const r = new Reader(bytes, "ClientHello");
		r.u16();   // legacy_version
		r.bytes(32);   // random
		this.range(SESSION_ID, r.opaque(1, 0, 32));
		const suites = r.opaque(2, 2);
		if (suites.length % 2)
			throw fatal(Alert.decode_error, "odd cipher_suites length");
		this.range(SUITES, suites);
		this.range(COMPRESSION, r.opaque(1, 1));
		if (r.remaining) {
			const list = r.block(2, "ClientHello extensions");
			while (list.remaining) {
				if (this.has(ExtensionType.pre_shared_key))
					throw fatal(Alert.illegal_parameter, "pre_shared_key is not the last extension");
				const type = list.u16();
				const data = list.opaque(2);
				if (this.has(type))
					throw fatal(Alert.illegal_parameter, `duplicate extension ${type} in ClientHello`);
				this.add(type, data);
				if (type === ExtensionType.pre_shared_key) {
					// the binders are the end of the message: <identities><binders>
					const p = new Reader(data, "pre_shared_key");
					p.opaque(2);
					this.at[BINDERS] = 4 + bytes.length - r.remaining - list.remaining - p.remaining;
				}
			}
		}
		r.end();
	}

	/** `view` (into `bytes`) as the range at `i` */
	private range(i: number, view: Uint8Array): void {
		const start = view.byteOffset - this.bytes.byteOffset;
		this.at[i] = start;
		this.at[i + 1] = start + view.length;
	}
	private add(type: number, data: Uint8Array): void {
		if (this.length === this.at.length) {
			const at = new Uint16Array(2 * this.length);
			at.set(this.at);
			this.at = at;
		}
		this.at[this.length++] = type;
		this.range(this.length, data);
		this.length += 2;
	}

	get legacyVersion(): number {
		return (this.bytes[0] << 8) | this.bytes[1];
	}
	/** the client's random: a view (the caller copies it) */
	get random(): Uint8Array {
		return sub(this.bytes, 2, 34);
	}
	/** the legacy session ID: a view (the caller copies what it keeps) */
	get sessionId(): Uint8Array {
		return sub(this.bytes, this.at[SESSION_ID], this.at[SESSION_ID + 1]);
	}
	get suiteCount(): number {
		return (this.at[SUITES + 1] - this.at[SUITES]) / 2;
	}
	/** the client offers this cipher suite (or signalling value) */
	offersSuite(code: number): boolean {
		const b = this.bytes;
		for (let i = this.at[SUITES], end = this.at[SUITES + 1]; i < end; i += 2)
			if (((b[i] << 8) | b[i + 1]) === code)
				return true;
		return false;
	}
	/** the compression methods hold this one */
	offersCompression(method: number): boolean {
		for (let i = this.at[COMPRESSION], end = this.at[COMPRESSION + 1]; i < end; i++)
			if (this.bytes[i] === method)
				return true;
		return false;
	}
	/** the compression methods are exactly [null] (TLS 1.3) */
	get nullCompressionOnly(): boolean {
		return this.at[COMPRESSION + 1] - this.at[COMPRESSION] === 1 && this.bytes[this.at[COMPRESSION]] === 0;
	}
	/** offset of the binders in the body (pre_shared_key), for the binder's transcript */
	get bindersAt(): number {
		return this.at[BINDERS];
	}

	get size(): number {
		return (this.length - EXTENSIONS) / 3;
	}
	private find(type: number): number {
		for (let i = EXTENSIONS; i < this.length; i += 3)
			if (this.at[i] === type)
				return i;
		return -1;
	}
	has(type: number): boolean {
		return this.find(type) >= 0;
	}
	/** an extension's data: a view into `bytes` */
	get(type: number): Uint8Array | undefined {
		const i = this.find(type);
		return i < 0 ? undefined : sub(this.bytes, this.at[i + 1], this.at[i + 2]);
	}
}
