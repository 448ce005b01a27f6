/*
 * What a parsed certificate is (x509/located, the locator in C, makes it): the summary
 * verifyChain returns, the fields verification consumes, the shared field reader, and the
 * SubjectPublicKeyInfo of a server's own certificate.
 */
import { X509Error } from "./errors";
import { DERReader, SEQUENCE, INTEGER, contextConstructed, copyBytes } from "./der";
import { alloc, copy, sub } from "../tls/bytes";
import { DistinguishedName, NameView } from "./dn";
import { SignatureAlgorithm } from "./algorithms";
import { BasicConstraints, GeneralNames, NameConstraints } from "./extensions";
import type { Key } from "../crypto/keys";

/** What verifyChain returns for each certificate of the path (leaf first, trust anchor last). */
export interface CertificateSummary {
	/** 1, 2 or 3 */
	readonly version: number;
	/** hex, without a sign byte; "" for a CA store record */
	readonly serialNumber: string;
	/** e.g. "ecdsa-with-SHA256", "sha256WithRSAEncryption", "rsassa-pss-SHA256"; "" when not known */
	readonly signatureAlgorithm: string;
	readonly issuer: DistinguishedName;
	readonly subject: DistinguishedName;
	/** seconds since 1970 */
	readonly notBefore: number;
	readonly notAfter: number;
	readonly basicConstraints?: BasicConstraints;
	/** keyUsage bits (KeyUsage.*), when the extension is present */
	readonly keyUsage?: number;
	/** key purposes (dotted OIDs), when the extension is present */
	readonly extKeyUsage?: string[];
	readonly subjectAltName?: GeneralNames;
	readonly nameConstraints?: NameConstraints;
	readonly subjectKeyId?: Uint8Array;
	readonly authorityKeyId?: Uint8Array;
	/** issuer and subject are the same name */
	readonly selfIssued: boolean;
	/** "rsa", "ec", "rsa-pss", "ed25519", "x25519" or the algorithm's OID */
	readonly publicKeyAlgorithm: string;
	/** the leaf's public key (for CertificateVerify); undefined on the other elements, whose keys are freed once used */
	publicKey?: Key;
	/** on the last element: where the trust anchor came from */
	trustAnchor?: "store" | "roots" | "peer";
}

/**
 * Where a field kept as bytes is in a certificate's buffer: start + end * 2^16 (one number, one XS
 * slot; the buffer is under 64 KB: the field limits below).
 */
export type Range = number;

export function range(start: number, end: number): Range {
	return start + end * 0x10000;
}

/**
 * A certificate as parsed: the summary, plus what verification consumes and then drops. The fields
 * kept as bytes (issuer and subject names, key, signature, key identifiers) are in one buffer, one
 * after the other, located by ranges (a view and its buffer cost 7 XS slots, a name object 4 more):
 * the summary's `issuer`, `subject`, `subjectKeyId`, `authorityKeyId` (and `spki`, `signature` until
 * verification consumed them) are made from it when read.
 */
export class ParsedCertificate implements CertificateSummary {
	// optional fields are only declared: a property exists once set (each costs an XS slot)
	version = 1;
	// (made by parsers that keep the summary: not for what a leafOnly path drops once checked)
	declare serialNumber: string;
	declare signatureAlgorithm: string;
	notBefore = 0;
	notAfter = 0;
	declare basicConstraints?: BasicConstraints;
	declare keyUsage?: number;
	declare extKeyUsage?: string[];
	declare subjectAltName?: GeneralNames;
	declare nameConstraints?: NameConstraints;
	declare selfIssued: boolean;   // (not made false by FOR_PATH parsers: absent reads as false)
	declare publicKeyAlgorithm: string;
	declare publicKey?: Key;
	declare trustAnchor?: "store" | "roots" | "peer";

	/** the fields kept as bytes, one after the other (the ranges below; no view kept: a view costs 4 XS slots) */
	buffer: ArrayBuffer = EMPTY_NAME.der.buffer as ArrayBuffer;
	/**
	 * the issuer and subject names, one after the other in the buffer: the issuer's start + the
	 * subject's start * 2^16 + the subject's end * 2^32 (one number: the issuer's range is its low 32
	 * bits, the subject's what is above its low 16)
	 */
	declare namesAt?: number;
	declare keyIdAt?: Range;
	declare authorityKeyIdAt?: Range;
	// consumed by verification, then dropped
	/** the SubjectPublicKeyInfo element */
	declare spkiAt?: Range;
	/** the signature value (BIT STRING bytes) */
	declare signatureAt?: Range;
	/** the signature algorithm, when supported (else see defect) */
	declare algorithm?: SignatureAlgorithm;
	/** the TBS digest with algorithm.hash (SHA-256/384), in the buffer (room made when the hash is known, written at the TBS's end) */
	declare digestAt?: Range;
	/** the TBS itself, for SHA-512 signatures (no incremental SHA-512 in the crypto facade) */
	declare tbs?: Uint8Array;
	/** the first problem that makes this certificate unusable in a path */
	declare defect?: X509Error;

	get issuer(): DistinguishedName {
		return this.name(this.namesAt === undefined ? undefined : this.namesAt % 0x100000000);
	}
	get subject(): DistinguishedName {
		return this.name(this.namesAt === undefined ? undefined : Math.floor(this.namesAt / 0x10000));
	}
	get subjectKeyId(): Uint8Array | undefined {
		return this.view(this.keyIdAt);
	}
	get authorityKeyId(): Uint8Array | undefined {
		return this.view(this.authorityKeyIdAt);
	}
	get spki(): Uint8Array | undefined {
		return this.view(this.spkiAt);
	}
	get signature(): Uint8Array | undefined {
		return this.view(this.signatureAt);
	}
	get tbsDigest(): Uint8Array | undefined {
		return this.view(this.digestAt);
	}

	/** the bytes of a range (a view of the buffer), or undefined */
	view(at: Range | undefined): Uint8Array | undefined {
		const start = (at as number) % 0x10000;
		return at === undefined ? undefined : new Uint8Array(this.buffer, start, Math.floor(at / 0x10000) - start);
	}

	private name(at: Range | undefined): DistinguishedName {
		return at === undefined ? EMPTY_NAME : new NameView(this.view(at) as Uint8Array);
	}

	/** Drops what verification consumed (signature, key, digest, TBS), the other byte fields moved into a buffer of their size. */
	release(): void {
		delete this.signatureAt;
		delete this.spkiAt;
		delete this.digestAt;
		delete this.tbs;
		delete this.algorithm;
		const old = this.buffer;
		const bytes = alloc(old.byteLength);
		// the names first (both at once), then the key identifiers
		const names = this.namesAt;
		let to = 0;
		if (names !== undefined) {
			const from = names % 0x10000;
			to = Math.floor(names / 0x100000000) - from;
			copy(bytes, 0, old, from, to);
			this.namesAt = names - from * 0x100010001;
		}
		for (let i = 0; i < KEPT.length; i++) {
			const at = this[KEPT[i]];
			if (at === undefined)
				continue;
			const from = at % 0x10000, length = Math.floor(at / 0x10000) - from;
			copy(bytes, to, old, from, length);
			this[KEPT[i]] = range(to, to + length);
			to += length;
		}
		this.buffer = copyBytes(sub(bytes, 0, to)).buffer as ArrayBuffer;
	}
}

/** the byte fields a released certificate keeps */
const KEPT = "keyIdAt authorityKeyIdAt".split(" ") as ("keyIdAt" | "authorityKeyIdAt")[];

export const EMPTY_NAME: DistinguishedName = { der: new Uint8Array(0) };

/**
 * The reader of every certificate field (reset for each): one for all parsers, as a field is read
 * at once inside value() (a reader is 8 XS slots: none is made per field, and none is held by a
 * connection between its records). Released after each field, so that it holds no buffer.
 */
export const FIELDS = new DERReader(EMPTY_NAME.der, "");

/** FIELDS after use: over no bytes (it holds none between fields) */
export function releaseFields(): void {
	FIELDS.reset(EMPTY_NAME.der, "");
}

export const KEY_ALGORITHMS: { [oid: string]: string } = {
	"1.2.840.113549.1.1.1": "rsa",
	"1.2.840.10045.2.1": "ec",
	"1.2.840.113549.1.1.10": "rsa-pss",
	"1.3.101.110": "x25519",
	"1.3.101.112": "ed25519",
};

/**
 * Where a certificate's bytes go as they come (x509/intake's startCertificate): write() them in,
 * then finish(); `cert` is the parsed certificate once finished. close() frees what it holds.
 */
export interface CertificateIntake {
	readonly cert: ParsedCertificate;
	write(bytes: Uint8Array, offset: number, length: number): void;
	finish(): void;
	close?(): void;
}

/** what a parser keeps: nothing (the certificate is only checked), what the path needs, or that and the summary */
export const ONLY_CHECKED = 0, FOR_PATH = 1, SUMMARY = 2;

/** A whole certificate's DER as bytes. */
export function certificateBytes(der: ArrayBuffer | Uint8Array): Uint8Array {
	return der instanceof Uint8Array ? der : new Uint8Array(der);
}


/**
 * The SubjectPublicKeyInfo (DER, header included) of a certificate whose fields are not needed: a
 * server's own leaf, whose key must match its private key. Walks the outline only (RFC 5280 4.1):
 * Certificate and tbsCertificate entered, the fields before subjectPublicKeyInfo skipped with
 * their tags, headers and lengths checked, the rest not read (the key itself is checked by the
 * crypto core: Key.fromSPKI). parseCertificateBytes would also read the names, times and
 * extensions: about 0.65 ms of XS per server connection. Throws "malformed" X509Errors.
 */
export function publicKeyInfo(bytes: Uint8Array, what: string): Uint8Array {
	try {
		const tbs = FIELDS.reset(bytes, what).enter(SEQUENCE).enter(SEQUENCE, `${what} tbsCertificate`);
		if (tbs.peekTag() === contextConstructed(0))
			tbs.skip();
		tbs.expectRaw(INTEGER, `${what} serialNumber`);
		tbs.expectRaw(SEQUENCE, `${what} signature`);
		tbs.expectRaw(SEQUENCE, `${what} issuer`);
		tbs.expectRaw(SEQUENCE, `${what} validity`);
		tbs.expectRaw(SEQUENCE, `${what} subject`);
		return tbs.expectRaw(SEQUENCE, `${what} subjectPublicKeyInfo`);
	}
	finally {
		FIELDS.reset(EMPTY_NAME.der, "");
	}
}

