/*
 * Gathering one certificate's bytes for a parser that reads it whole (the locator in C): when all its
 * bytes come in one write() (a TLS record holds it) it is parsed there, in place: no copy, nothing of
 * the record kept. Else its bytes are gathered in one buffer of its length and parsed at complete();
 * certificates longer than MAX_CERTIFICATE are refused. Used by intake-located.ts (the locator's
 * intake) and the device profile's verifier (securesocket/verify-device.ts, the chain checked in C).
 */
import { copy } from "../tls/bytes";

/**
 * The largest certificate accepted (bytes): the field limits of x509/certificate allow about 13 KB of
 * fields, and a TLS record holds 16 KB.
 */
export const MAX_CERTIFICATE = 16384;

export abstract class Gather<T> {
	/** undefined until bytes come; the parse's result when they came at once; else the buffer that gathers them (one field: each costs an XS slot) */
	declare protected held: T | ArrayBuffer | undefined;
	/** the bytes still to come */
	declare private left: number;

	/** a certificate of `length` bytes starts */
	protected start(length: number): void {
		if (length > MAX_CERTIFICATE)
			throw this.fail(` of ${length} bytes: more than the ${MAX_CERTIFICATE} this verifier accepts`);
		this.held = undefined;
		this.left = length;
	}

	write(bytes: Uint8Array, offset: number, length: number): void {
		if (length > this.left)
			throw this.fail(": more bytes than its length");
		if (this.held === undefined && length === this.left)
			this.held = this.parse(bytes, offset, length);   // all of it at once: parsed in place
		else if (length > 0) {
			const gathered = (this.held ??= new ArrayBuffer(this.left)) as ArrayBuffer;
			copy(gathered, gathered.byteLength - this.left, bytes, offset, length);
		}
		this.left -= length;
	}

	/** all its bytes came: parsed now if they were gathered */
	protected complete(): void {
		if (this.left !== 0)
			throw this.fail(": truncated");
		if (this.held instanceof ArrayBuffer)
			this.held = this.parse(new Uint8Array(this.held), 0, this.held.byteLength);
	}

	/** the certificate bytes[offset .. offset + length), whole */
	protected abstract parse(bytes: Uint8Array, offset: number, length: number): T;
	/** the error for a problem with the certificate's length (`problem` follows its name: " of 20000 bytes: ...", ": truncated") */
	protected abstract fail(problem: string): Error;
}
