/*
 * The certificate check of the device profile (manifest_device.json maps securesocket/verify here; the
 * full profiles' is verify.ts): the peer's chain goes through the chain verifier in C
 * (native/x509_chain.c: docs/X509.md "The device verifier"), leaf first and in order, against the CA
 * store resources and secure.certificate; each certificate is gathered whole (x509/gather) and handed
 * to it; the leaf's key comes back for the engine's signature checks. With secure.verify false only
 * the leaf is read (its key; the handshake signature is still checked with it).
 * What the app gets as peerCertificate is the leaf's PeerCertificate below (the full profiles give
 * x509's CertificateSummary: names, extensions, algorithms).
 */
import { Key } from "crypto/keys";
import { TLSError } from "tls/alert";
import type { CertificateSink } from "tls/options";
import { Gather } from "x509/gather";
import { copyOf } from "tls/bytes";
import { CheckOptions, alertFor } from "securesocket/check";
export type { CheckOptions } from "securesocket/check";

/** what the device profile reports of the peer's certificate (socket.tls.peerCertificate) */
export interface PeerCertificate {
	/** the subject's commonName, when it has one */
	readonly subject: { readonly commonName?: string };
	/** hex, without a leading zero byte */
	readonly serialNumber: string;
	/** validity, seconds since 1970 */
	readonly notBefore: number;
	readonly notAfter: number;
	/** its SubjectPublicKeyInfo (DER), e.g. to pin */
	readonly publicKeyInfo: ArrayBuffer;
}

// native/x509_chain.c: a failure is "<reason> <message>" (reason: an x509 error code, docs/X509.md)
const startChain = native<(options: number, time: number, name: string | undefined) => ArrayBuffer | string>("xs_x509_chain_start");
// the leaf's result: its fields (native/x509.h: offsets from its start), then its commonName's value range
const addCertificate = native<(state: ArrayBuffer, bytes: Uint8Array, offset: number, length: number, roots: readonly Uint8Array[] | undefined, name: string | undefined) => ArrayBuffer | string | undefined>("xs_x509_chain_add");
const finishChain = native<(state: ArrayBuffer) => string | undefined>("xs_x509_chain_finish");

/**
 * The leaf's PeerCertificate from its fields (x509.h's X509_SERIAL 3, X509_NOT_BEFORE_HIGH 9,
 * X509_NOT_AFTER_HIGH 11, X509_SPKI 15; at X509_FIELDS 41 its commonName's value range): the serial
 * number in hex without a leading zero byte, the commonName's bytes as ASCII ("?" for any other).
 */
function summary(bytes: Uint8Array, at: number, fields: ArrayBuffer): PeerCertificate {
	const f = new Uint32Array(fields);
	let i = at + f[3], serial = "", cn = "";
	if (f[4] - f[3] > 1 && bytes[i] === 0)
		i++;
	for (; i < at + f[4]; i++)
		serial += (bytes[i] | 256).toString(16).slice(1);
	for (i = at + f[41]; i < at + f[42]; i++)
		cn += String.fromCharCode(bytes[i] >= 0x20 && bytes[i] < 0x7f ? bytes[i] : 0x3f);
	return {
		subject: cn ? { commonName: cn } : {}, serialNumber: serial,
		notBefore: (f[9] | 0) * 0x100000000 + f[10], notAfter: (f[11] | 0) * 0x100000000 + f[12],
		publicKeyInfo: copyOf(bytes, at + f[15], at + f[16]).buffer as ArrayBuffer,   // (not slice(): docs/HOST.md, C stack)
	};
}

/** A "<reason> <message>" failure of the C verifier as the TLSError the engine sends */
function failure(text: string): TLSError {
	const space = text.indexOf(" ");
	const reason = text.slice(0, space);
	return new TLSError(alertFor(reason), text.slice(space + 1), false, reason);
}

/** One Certificate message's check: each certificate gathered, then added to the C verifier. */
class ChainSink extends Gather<true> implements CertificateSink {
	// declared, not class fields (a field declaration is about 45 B of bytecode)
	declare leaf: PeerCertificate | undefined;
	/** the verifier's state (native/x509_chain.h), until finish, close or a failure */
	declare private state: ArrayBuffer | undefined;
	declare private options: CheckOptions;
	/** the certificates begun */
	declare private count: number;

	constructor(state: ArrayBuffer, options: CheckOptions) {
		super();
		this.state = state;
		this.options = options;
		this.count = 0;
	}
	begin(length: number): void {
		this.count++;
		this.start(length);
	}
	update(bytes: Uint8Array): void {
		this.write(bytes, 0, bytes.length);
	}
	end(): void {
		this.complete();
	}
	finish(): Key {
		const state = this.state;
		const leaf = this.leaf;
		this.state = undefined;
		if (state === undefined || leaf === undefined)
			throw failure("malformed x509: no certificate");
		const result = finishChain(state);
		if (result !== undefined)
			throw failure(result);
		if (this.options.verify)
			this.options.trace?.(`certificate verified: ${this.count} certificates sent`);
		return Key.fromSPKI(leaf.publicKeyInfo);
	}
	close(): void {
		this.state = undefined;
	}
	protected parse(bytes: Uint8Array, offset: number, length: number): true {
		const state = this.state;
		if (state === undefined)
			throw failure("malformed x509: the check already ended");
		const options = this.options;
		const result = addCertificate(state, bytes, offset, length, options.roots, options.verifyName);
		if (typeof result === "string") {
			this.state = undefined;
			throw failure(result);
		}
		if (result !== undefined)
			this.leaf = summary(bytes, offset, result);
		return true;
	}
	protected fail(problem: string): Error {
		this.state = undefined;
		return failure(`malformed x509: certificate ${this.count - 1}${problem}`);
	}
}

/** verify: 1, clientAuth: 2, the CA store: 4, the device clock (no secure.time): 8 (native/x509_chain.h) */
function flags(options: CheckOptions): number {
	return (options.verify ? 1 : 0) | (options.usage === "clientAuth" ? 2 : 0) | (options.store !== false ? 4 : 0) | (options.time === undefined ? 8 : 0);
}

/**
 * A CertificateSink for each Certificate message, over the C chain verifier. Its `leaf` is then the
 * leaf's PeerCertificate (the engine's peerCertificate).
 */
export function certificateCheck(options: CheckOptions): () => CertificateSink {
	return () => {
		const state = startChain(flags(options), options.time ?? Math.floor(Date.now() / 1000), options.verifyName);
		if (typeof state === "string")
			throw failure(state);
		return new ChainSink(state, options);
	};
}
