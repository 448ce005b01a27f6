/*
 * The Certificate message, streamed (RFC 8446 4.4.2, RFC 5246 7.4.2): its body is parsed as its
 * bytes arrive and each certificate's bytes go straight to the CertificateSink (the X.509
 * verifier), so the chain is never held whole, however long it is.
 *
 *   TLS 1.3: opaque certificate_request_context<0..2^8-1>;
 *            CertificateEntry certificate_list<0..2^24-1>;   entry: opaque cert_data<1..2^24-1>;
 *                                                                   Extension extensions<0..2^16-1>;
 *   TLS 1.2: ASN.1Cert certificate_list<0..2^24-1>;          entry: opaque ASN.1Cert<1..2^24-1>;
 */
import type { Key } from "crypto/keys";
import { Alert, TLSError, fatal } from "./alert";
import type { CertificateSink } from "./options";
import type { Writer } from "./bytes";
import { sub } from "./bytes";

const enum Step { contextLength, context, listLength, entryLength, entry, extensionsLength, extensions, done }

export class CertificateStream {
	declare private readonly sink: CertificateSink;
	declare private readonly tls13: boolean;
	/** the client's Certificate (client authentication): it may be empty */
	declare private readonly fromClient: boolean;
	declare private step: Step;
	declare private field: number;           // the length field being read
	declare private fieldBytes: number;      // how many of its bytes came
	declare private left: number;            // bytes left in the current variable part
	declare private listLeft: number;        // bytes left in certificate_list
	declare private readonly bodyLength: number;
	declare private consumed: number;        // body bytes taken so far
	/** how many certificates, and their bytes */
	declare count: number;
	declare bytes: number;

	constructor(sink: CertificateSink, tls13: boolean, bodyLength: number, fromClient = false) {
		this.field = this.fieldBytes = this.left = this.listLeft = this.consumed = this.count = this.bytes = 0;
		this.sink = sink;
		this.tls13 = tls13;
		this.fromClient = fromClient;
		this.step = tls13 ? Step.contextLength : Step.listLength;
		this.bodyLength = bodyLength;
	}

	/** the body's next bytes */
	data(bytes: Uint8Array): void {
		let at = 0;
		if (this.consumed + bytes.length > this.bodyLength)
			throw fatal(Alert.decode_error, "the Certificate message is longer than announced");
		while (at < bytes.length) {
			switch (this.step) {
				case Step.contextLength:
				case Step.listLength:
				case Step.entryLength:
				case Step.extensionsLength: {
					const size = this.step === Step.contextLength ? 1 : this.step === Step.extensionsLength ? 2 : 3;
					this.field = (this.field << 8) | bytes[at++];
					this.consumed++;
					if (this.step !== Step.listLength && this.step !== Step.contextLength)
						this.listLeft--;
					if (++this.fieldBytes < size)
						break;
					const value = this.field;
					this.field = 0;
					this.fieldBytes = 0;
					this.fieldDone(value);
					break;
				}
				case Step.context:
					// the server's has none; we request client certificates with an empty context
					throw fatal(Alert.illegal_parameter, `${this.fromClient ? "client" : "server"} Certificate with a request context`);
				case Step.entry:
				case Step.extensions: {
					// a certificate's bytes go to the sink; its extensions (OCSP, SCT: not requested) are skipped
					const n = Math.min(this.left, bytes.length - at), entry = this.step === Step.entry;
					if (entry)
						this.sink.update(sub(bytes, at, at + n));
					at += n;
					this.consumed += n;
					this.left -= n;
					this.listLeft -= n;
					if (this.left)
						break;
					if (entry)
						this.sink.end();
					this.step = entry && this.tls13 ? Step.extensionsLength : this.next();
					break;
				}
				case Step.done:
					throw fatal(Alert.decode_error, "bytes trail the certificate_list");
			}
		}
	}

	private fieldDone(value: number): void {
		switch (this.step) {
			case Step.contextLength:
				this.step = value ? Step.context : Step.listLength;
				this.listLeft = 0;
				break;
			case Step.listLength:
				if (value !== this.bodyLength - this.consumed)
					throw fatal(Alert.decode_error, "certificate_list length does not match the message");
				this.listLeft = value;
				this.step = this.next();
				break;
			case Step.entryLength:
				if (value === 0 || value > this.listLeft)
					throw fatal(Alert.decode_error, "bad certificate length");
				this.left = value;
				this.count++;
				this.bytes += value;
				this.sink.begin(value);
				this.step = Step.entry;
				break;
			case Step.extensionsLength:
				if (value > this.listLeft)
					throw fatal(Alert.decode_error, "bad certificate extensions length");
				this.left = value;
				this.step = value ? Step.extensions : this.next();
				break;
		}
	}

	private next(): Step {
		return this.listLeft > 0 ? Step.entryLength : Step.done;
	}

	/** the message's last byte came: the leaf's key (undefined: a client sent no certificate) */
	/** what the sink kept of the leaf, once finished */
	get leaf(): unknown {
		return this.sink.leaf;
	}

	finish(): Key | undefined {
		if (this.step !== Step.done || this.consumed !== this.bodyLength)
			throw fatal(Alert.decode_error, "the Certificate message is truncated");
		if (this.count === 0) {
			if (this.fromClient)
				return undefined;
			throw fatal(Alert.decode_error, "the server sent no certificate");
		}
		try {
			return this.sink.finish();
		}
		catch (e) {
			if (e instanceof TLSError)
				throw e;
			throw fatal(Alert.bad_certificate, `${e instanceof Error ? e.message : e}`);
		}
	}

	close(): void {
		this.sink.close();
	}
}

/**
 * The certificate_list of a Certificate message we send (RFC 8446 4.4.2, RFC 5246 7.4.2): each DER
 * certificate in a 3-byte block, followed under TLS 1.3 by its (empty) extensions
 */
export function writeCertificateList(w: Writer, certificates: readonly (ArrayBuffer | Uint8Array)[] | undefined, tls13: boolean): void {
	w.begin(3);
	for (let i = 0; certificates && i < certificates.length; i++) {
		w.opaque(3, certificates[i]);
		if (tls13)
			w.u16(0);
	}
	w.end();
}
