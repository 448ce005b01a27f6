/*
 * Parsing one certificate (RFC 5280 4.1) from the streaming scanner's events (the full profiles; the
 * device profile's x509/certificate is located.ts, the locator in C), keeping only what
 * verification needs: names (DER, plus CN/O for messages), serial, validity, the SubjectPublicKeyInfo,
 * the signature algorithm and value, and the extensions the verifier understands (extensions.ts).
 * Unknown non-critical extensions and the unique identifiers are skipped as they pass.
 *
 * Problems are of two kinds:
 *   - "malformed" (bad DER, fields out of order, a duplicate extension...) throws at once;
 *   - problems that matter only if the certificate ends up in the path (a weak or unsupported
 *     signature algorithm, an unknown critical extension) are kept in `defect`: a server may send
 *     extra certificates that are never used.
 *
 * The TBS range (tbs) and the signature algorithm are published as soon as they are
 * known, so that the caller can hash the TBS while it passes (stream.ts).
 */
import { X509Error, malformed } from "./errors";
import {
	DERReader, SEQUENCE, BIT_STRING, INTEGER, OID, BOOLEAN, OCTET_STRING,
	contextConstructed, contextPrimitive, booleanValue, unusedBitCount, checkInteger, oidToString, toHex,
} from "./der";
import { copy, sub } from "../tls/bytes";
import { Action, DESCEND, CAPTURE, READ, SKIP, Scanner } from "./scanner";
import { readName } from "./dn";
import { readTime } from "./time";
import { parseSignatureAlgorithm } from "./algorithms";
import {
	KNOWN_EXTENSIONS, ACCEPTED_UNREAD,
	BASIC_CONSTRAINTS, KEY_USAGE, EXT_KEY_USAGE, SUBJECT_ALT_NAME, NAME_CONSTRAINTS, AUTHORITY_KEY_ID, SUBJECT_KEY_ID,
	parseBasicConstraints, parseKeyUsage, parseExtKeyUsage, parseSubjectAltName, parseNameConstraints,
	authorityKeyIdAt, subjectKeyIdAt,
} from "./extensions";
import {
	CertificateSummary, ParsedCertificate, Range, range, FIELDS, releaseFields, KEY_ALGORITHMS, ONLY_CHECKED, SUMMARY, certificateBytes,
} from "x509/parsed";
export {
	CertificateSummary, ParsedCertificate, FIELDS, releaseFields, ONLY_CHECKED, FOR_PATH, SUMMARY, certificateBytes, publicKeyInfo,
} from "x509/parsed";

// the largest elements accepted (content bytes); larger ones are "malformed"
const LIMIT_VERSION = 3;
const LIMIT_SERIAL = 21;           // 20 octets, plus a sign byte (RFC 5280 4.1.2.2)
const LIMIT_ALGORITHM = 96;
const LIMIT_NAME = 1024;
const LIMIT_VALIDITY = 40;
const LIMIT_SPKI = 1100;           // RSA-8192 fits; the crypto core takes at most 4096 bits
const LIMIT_SIGNATURE = 1040;
const LIMIT_EXTENSION_ID = 32;
const LIMIT_EXTENSIONS = 48;        // Web PKI certificates have about ten

// the TBS fields, in order (RFC 5280 4.1)
const F_VERSION = 0, F_SERIAL = 1, F_SIGNATURE = 2, F_ISSUER = 3, F_VALIDITY = 4, F_SUBJECT = 5, F_SPKI = 6,
	F_ISSUER_UID = 7, F_SUBJECT_UID = 8, F_EXTENSIONS = 9, F_DONE = 10, F_EXTENSIONS_READ = 11,
	// then the Certificate's fields after the TBS (RFC 5280 4.1.1)
	F_TBS_ENDED = 12, F_OUTER_ALGORITHM = 13, F_SIGNATURE_READ = 14;

// what a captured element is
const C_VERSION = 1, C_SERIAL = 2, C_TBS_ALGORITHM = 3, C_ISSUER = 4, C_VALIDITY = 5, C_SUBJECT = 6, C_SPKI = 7,
	C_OUTER_ALGORITHM = 8, C_SIGNATURE = 9, C_EXTENSION_ID = 10, C_CRITICAL = 11, C_EXTENSION_VALUE = 12;

function tooLarge(what: string, length: number, limit: number): X509Error {
	return malformed(`x509: ${what} of ${length} bytes: more than the ${limit} this verifier accepts`);
}

function unexpected(what: string, tag: number): X509Error {
	return malformed(`x509: ${what}: unexpected element (tag 0x${tag.toString(16)})`);
}


/** Parses one certificate as its bytes pass (the scanner's events; write() them in, then finish()). */
export class CertificateParser extends Scanner {
	cert = new ParsedCertificate();
	/** the TBS element's range in the certificate, once its header was read: start + end * 2^24 (-1 before) */
	tbs = -1;

	/** the TBS fields read so far (F_*), then the outer ones after the TBS */
	private field = F_VERSION;
	private capturing = 0;
	/**
	 * the TBS signature field's range in cert.buffer, to compare with the outer one; set once it was
	 * read (cert.algorithm or cert.defect then tells the result)
	 */
	tbsAlgorithm: Range | undefined = undefined;
	/** how much of cert.buffer is used */
	private fill = 0;
	private extensionId = "";
	/** 0: an extension's id is next, 1: critical or the value, 2: the value of a critical one, 3: its end */
	private extensionStep = 0;
	/** the extension ids seen so far, each after a space (a string: no array of its own) */
	private seen = "";

	/** false: the certificate is only checked as it passes (its fields go through the scanner's scratch buffer: `cert` is not to be used) */
	/** ONLY_CHECKED, FOR_PATH or SUMMARY */
	private readonly mode: number;

	/**
	 * `what` names the certificate in messages ("certificate 2"); `length`, its length, sizes the
	 * buffer of its kept fields (up to 2 KB, grown if they need more; cut to their size by release())
	 */
	constructor(what: string, mode: number, length: number) {
		super(what, length);
		this.mode = mode;
		const cert = this.cert;
		cert.buffer = new ArrayBuffer(mode !== ONLY_CHECKED ? Math.min(length, 2048) : 256);
		if (mode === SUMMARY) {
			cert.serialNumber = cert.signatureAlgorithm = cert.publicKeyAlgorithm = "";
			cert.selfIssued = false;
		}
	}

	protected header(tag: number, length: number, headerLength: number, offset: number, depth: number): Action {
		const what = this.what;
		switch (depth) {
			case 0:
				if (tag !== SEQUENCE)
					throw malformed(`x509: ${what}: not a DER SEQUENCE`);
				return DESCEND;
			case 1: {
				// the TBS (its end() makes the field F_TBS_ENDED), the signature algorithm, the signature
				const field = this.field;
				this.field = field + 1;
				if (field === F_VERSION && tag === SEQUENCE) {
					this.field = F_VERSION;
					this.tbs = offset + (offset + headerLength + length) * 0x1000000;
					return DESCEND;
				}
				if (field === F_TBS_ENDED && tag === SEQUENCE)
					return this.take(C_OUTER_ALGORITHM, length, LIMIT_ALGORITHM, "signatureAlgorithm");
				if (field === F_OUTER_ALGORITHM && tag === BIT_STRING)
					return this.take(C_SIGNATURE, length, LIMIT_SIGNATURE, "signature");
				throw unexpected(what, tag);
			}
			case 2:
				return this.tbsField(tag, length);
			case 3:
				// inside [3]: exactly one SEQUENCE OF Extension
				if (tag !== SEQUENCE || this.field !== F_DONE)
					throw unexpected(what + " extensions", tag);
				this.field = F_EXTENSIONS_READ;
				return DESCEND;
			case 4:
				if (tag !== SEQUENCE)
					throw unexpected(what + " extension", tag);
				this.extensionId = "";
				this.extensionStep = 0;
				return DESCEND;
			case 5:
				return this.extensionField(tag, length);
			default:
				throw unexpected(what, tag);
		}
	}

	/** The fields the certificate keeps get a buffer of their own; the others are read from the scanner's scratch. */
	private take(kind: number, length: number, limit: number, what: string): Action {
		if (length > limit)
			throw tooLarge(`${this.what} ${what}`, length, limit);
		this.capturing = kind;
		// the two signature algorithm fields are compared in cert.buffer: always captured
		return kind === C_TBS_ALGORITHM || kind === C_OUTER_ALGORITHM || (this.mode !== ONLY_CHECKED && (kind === C_ISSUER || kind === C_SUBJECT || kind === C_SPKI || kind === C_SIGNATURE)) ? CAPTURE : READ;
	}

	private tbsField(tag: number, length: number): Action {
		const field = this.field;
		if (tag === contextConstructed(0) && field <= F_VERSION) {
			this.field = F_SERIAL;
			return this.take(C_VERSION, length, LIMIT_VERSION + 2, "version");
		}
		if (tag === INTEGER && field <= F_SERIAL) {
			this.field = F_SIGNATURE;
			return this.take(C_SERIAL, length, LIMIT_SERIAL, "serialNumber");
		}
		if (tag === SEQUENCE && field >= F_SIGNATURE && field <= F_SPKI) {
			this.field = field + 1;
			switch (field) {
				case F_SIGNATURE: return this.take(C_TBS_ALGORITHM, length, LIMIT_ALGORITHM, "signature");
				case F_ISSUER: return this.take(C_ISSUER, length, LIMIT_NAME, "issuer");
				case F_VALIDITY: return this.take(C_VALIDITY, length, LIMIT_VALIDITY, "validity");
				case F_SUBJECT: return this.take(C_SUBJECT, length, LIMIT_NAME, "subject");
				default: return this.take(C_SPKI, length, LIMIT_SPKI, "subjectPublicKeyInfo");
			}
		}
		// issuerUniqueID [1] and subjectUniqueID [2] (v2, v3; skipped), extensions [3] (v3)
		if (tag === contextPrimitive(1) && field === F_ISSUER_UID) {
			this.needVersion(2, "issuerUniqueID");
			this.field = F_SUBJECT_UID;
			return SKIP;
		}
		if (tag === contextPrimitive(2) && field >= F_ISSUER_UID && field <= F_SUBJECT_UID) {
			this.needVersion(2, "subjectUniqueID");
			this.field = F_EXTENSIONS;
			return SKIP;
		}
		if (tag === contextConstructed(3) && field >= F_ISSUER_UID && field <= F_EXTENSIONS) {
			this.needVersion(3, "extensions");
			this.field = F_DONE;
			return DESCEND;
		}
		throw unexpected(this.what + " tbsCertificate", tag);
	}

	private needVersion(version: number, field: string): void {
		if (this.cert.version < version)
			throw malformed(`x509: ${this.what}: ${field} in a version ${this.cert.version} certificate`);
	}

	private extensionField(tag: number, length: number): Action {
		const step = this.extensionStep;
		if (step === 0 && tag === OID) {
			this.extensionStep = 1;
			return this.take(C_EXTENSION_ID, length, LIMIT_EXTENSION_ID, "extension id");
		}
		if (step === 1 && tag === BOOLEAN) {
			this.extensionStep = 2;
			return this.take(C_CRITICAL, length, 1, "extension critical");
		}
		if ((step === 1 || step === 2) && tag === OCTET_STRING) {
			this.extensionStep = 3;
			const id = this.extensionId;
			const limit = KNOWN_EXTENSIONS[id];
			if (limit !== undefined) {
				if (length > limit)
					throw tooLarge(`${this.what} extension ${id}`, length, limit);
				this.capturing = C_EXTENSION_VALUE;
				return READ;
			}
			if (step === 2 && !ACCEPTED_UNREAD[id] && this.cert.defect === undefined)
				this.cert.defect = new X509Error("unsupportedCritical",
					`x509: ${this.what} has a critical extension this verifier does not know (${id}) (RFC 5280 4.2)`);
			return SKIP;
		}
		throw unexpected(this.what + " extension", tag);
	}

	/** the buffer captured fields go to (the scanner's CAPTURE): the certificate's */
	protected get arena(): ArrayBuffer {
		return this.cert.buffer;
	}

	/** Room for `size` bytes at the end of cert.buffer (grown when needed, then cut to its use by release()): where they go. */
	protected reserve(size: number): number {
		const cert = this.cert;
		const at = this.fill;
		const length = cert.buffer.byteLength;
		if (at + size > length) {
			const bytes = new ArrayBuffer(Math.max(at + size, 2 * length, 256));
			copy(bytes, 0, cert.buffer, 0, at);
			// (the TBS hasher makes room while a field may be arriving: it goes on in the new buffer)
			if (this.capture === cert.buffer)
				this.capture = bytes;
			cert.buffer = bytes;
		}
		this.fill = at + size;
		return at;
	}

	/** A copy of from[where] (a range) at the end of cert.buffer: its range there. */
	private append(from: Uint8Array, where: Range): Range {
		const start = where % 0x10000, length = Math.floor(where / 0x10000) - start;
		const at = this.reserve(length);
		copy(this.cert.buffer, at, from, start, length);   // (no view of the buffer made)
		return range(at, at + length);
	}

	protected value(element: Uint8Array, start: number, content: number, end: number): void {
		try {
			this.parseValue(element, start, content, end);
		}
		catch (e) {
			throw this.named(e);
		}
		finally {
			releaseFields();
		}
	}

	/** Puts the certificate's name in the message of an error about one of its fields. */
	private named(e: unknown): unknown {
		if (e instanceof X509Error && !e.message.startsWith(`x509: ${this.what}`))
			e.message = `x509: ${this.what} ${e.message.slice(6)}`;
		return e;
	}

	/**
	 * A captured or read field: element[start .. end) (captured: in cert.buffer), its content from
	 * `content` (offsets, not views: a view costs 4 XS slots).
	 */
	private parseValue(element: Uint8Array, start: number, content: number, end: number): void {
		const cert = this.cert;
		const what = this.what;
		const kind = this.capturing;
		const keep = this.mode !== ONLY_CHECKED, summary = this.mode === SUMMARY;
		this.capturing = 0;
		switch (kind) {
			case C_VERSION: {
				const reader = FIELDS.reset(element, "version", content, end);
				const version = reader.readSmallInteger();
				reader.end();
				if (version === 0)
					throw malformed(`x509: ${what}: version 1 encoded although it is the DEFAULT`);
				if (version > 2)
					throw malformed(`x509: ${what}: unknown version ${version + 1}`);
				cert.version = version + 1;
				break;
			}
			case C_SERIAL: {
				const serial = sub(element, content, end);
				checkInteger(serial, "serialNumber");
				if (summary)
					cert.serialNumber = toHex(serial.length > 1 && serial[0] === 0 ? sub(serial, 1) : serial);
				break;
			}
			case C_TBS_ALGORITHM:
				this.tbsAlgorithm = range(start, end);
				try {
					cert.algorithm = parseSignatureAlgorithm(element, "signature algorithm", FIELDS, start, end);
					if (summary)
						cert.signatureAlgorithm = cert.algorithm.name;
				}
				catch (e) {
					this.deferred(e);
				}
				break;
			case C_ISSUER:
				readName(element, "issuer", FIELDS, start, end);
				if (keep)
					cert.namesAt = start + end * 0x10000;
				break;
			case C_VALIDITY: {
				const reader = FIELDS.reset(element, "validity", start, end).enter(SEQUENCE);
				cert.notBefore = readTime(reader, "notBefore");
				cert.notAfter = readTime(reader, "notAfter");
				reader.end();
				break;
			}
			case C_SUBJECT:
				readName(element, "subject", FIELDS, start, end);
				if (keep) {
					// the subject comes right after the issuer in the buffer (validity is not kept): one number
					const names = cert.namesAt as number;
					if (Math.floor(names / 0x10000) !== start)
						throw new Error("x509: the subject is not next to the issuer");
					cert.namesAt = names + end * 0x100000000;
					// the issuer is in the same buffer: compared there (no view made)
					const same = sameBytes(element, names, start, end);
					if (same || summary)
						cert.selfIssued = same;
				}
				break;
			case C_SPKI: {
				const algorithm = spkiAlgorithm(FIELDS.reset(element, "subjectPublicKeyInfo", start, end));
				if (summary)
					cert.publicKeyAlgorithm = algorithm;
				if (keep)
					cert.spkiAt = range(start, end);
				break;
			}
			case C_OUTER_ALGORITHM:
				// RFC 5280 4.1.1.2: MUST be the same as the signature field of the TBS
				if (this.tbsAlgorithm === undefined || !sameBytes(element, this.tbsAlgorithm, start, end))
					throw malformed(`x509: ${what}: signatureAlgorithm differs from the TBS signature field (RFC 5280 4.1.1.2)`);
				break;
			case C_SIGNATURE: {
				// whole bytes: the unused-bit count 0, then the signature (unusedBitCount() only to say what is wrong)
				if ((end - content < 2 || element[content] !== 0) && unusedBitCount(element, "signature", content, end) !== 0)
					throw malformed(`x509: ${what}: signature not made of whole bytes`);
				if (keep)
					cert.signatureAt = range(content + 1, end);
				break;
			}
			case C_EXTENSION_ID: {
				const id = oidToString(element, "extension id", content, end);
				const seen = this.seen;
				if ((seen + " ").includes(` ${id} `))
					throw malformed(`x509: ${what}: extension ${id} appears twice (RFC 5280 4.2)`);
				let count = 0;
				for (let i = 0; i < seen.length; i++)
					if (seen.charCodeAt(i) === 0x20)
						count++;
				if (count >= LIMIT_EXTENSIONS)
					throw malformed(`x509: ${what}: more than ${LIMIT_EXTENSIONS} extensions`);
				this.seen = `${seen} ${id}`;
				this.extensionId = id;
				break;
			}
			case C_CRITICAL:
				// (extensionStep 2 says the extension is critical from here on)
				if (!booleanValue(element, "extension critical", content, end))
					throw malformed(`x509: ${what}: critical FALSE encoded although it is the DEFAULT`);
				break;
			case C_EXTENSION_VALUE:
				this.extension(this.extensionId, element, content, end);
				break;
		}
	}

	/** An extension's value: bytes[start .. end) (the parsers copy what they keep) */
	private extension(id: string, bytes: Uint8Array, start: number, end: number): void {
		const cert = this.cert;
		switch (id) {
			case BASIC_CONSTRAINTS: cert.basicConstraints = parseBasicConstraints(bytes, start, end, FIELDS); break;
			case KEY_USAGE: cert.keyUsage = parseKeyUsage(bytes, start, end, FIELDS); break;
			case EXT_KEY_USAGE: cert.extKeyUsage = parseExtKeyUsage(bytes, start, end, FIELDS); break;
			case SUBJECT_ALT_NAME: cert.subjectAltName = parseSubjectAltName(bytes, start, end, FIELDS); break;
			case NAME_CONSTRAINTS: cert.nameConstraints = parseNameConstraints(bytes, start, end, FIELDS); break;
			case AUTHORITY_KEY_ID: {
				const keyId = authorityKeyIdAt(bytes, start, end, FIELDS);
				if (keyId !== undefined && this.mode !== ONLY_CHECKED)
					cert.authorityKeyIdAt = this.append(bytes, keyId);
				break;
			}
			case SUBJECT_KEY_ID: {
				const keyId = subjectKeyIdAt(bytes, start, end, FIELDS);
				if (this.mode !== ONLY_CHECKED)
					cert.keyIdAt = this.append(bytes, keyId);
				break;
			}
		}
	}

	private deferred(e: unknown): void {
		if (!(e instanceof X509Error) || e.code === "malformed")
			throw e;
		if (this.cert.defect === undefined)
			this.cert.defect = this.named(e) as X509Error;
	}

	protected end(depth: number): void {
		const what = this.what;
		if (depth === 1) {
			if (this.field < F_ISSUER_UID)
				throw malformed(`x509: ${what}: tbsCertificate is missing fields`);
			this.field = F_TBS_ENDED;
		}
		if (depth === 2 && this.field !== F_EXTENSIONS_READ)
			throw malformed(`x509: ${what}: empty extensions field`);
		if (depth === 3 && this.seen === "")
			throw malformed(`x509: ${what}: empty extensions (RFC 5280 4.1: SIZE (1..MAX))`);
		if (depth === 4 && this.extensionStep !== 3)
			throw malformed(`x509: ${what}: extension without a value`);
		if (depth === 0 && this.field !== F_SIGNATURE_READ)
			throw malformed(`x509: ${what}: Certificate is missing its signature`);
	}
}

/** Are bytes[at] (a range) and bytes[start .. end) the same? (two fields of cert.buffer: no view made) */
function sameBytes(bytes: Uint8Array, at: Range, start: number, end: number): boolean {
	const from = at % 0x10000;
	let same = Math.floor(at / 0x10000) - from === end - start;
	for (let i = 0; same && i < end - start; i++)
		same = bytes[from + i] === bytes[start + i];
	return same;
}

/** Checks the SubjectPublicKeyInfo's outline (the crypto core checks the key) and names its algorithm. */
function spkiAlgorithm(outer: DERReader): string {
	const what = outer.what;
	const spki = outer.enter(SEQUENCE);
	const algorithm = spki.enter(SEQUENCE, what);
	const oid = algorithm.readOID();
	if (!algorithm.atEnd)
		algorithm.skip();
	algorithm.end();
	unusedBitCount(spki.bytes, what, spki.expectAt(BIT_STRING, what), spki.contentEnd);
	spki.end();
	outer.end();
	return KEY_ALGORITHMS[oid] ?? oid;
}

/**
 * Parses a complete certificate (no signature check, no TBS hash). `what` names it in messages.
 * Throws "malformed"; other problems are left in the result's `defect`.
 */
export function parseCertificateBytes(bytes: Uint8Array, what: string): ParsedCertificate {
	const parser = new CertificateParser(what, SUMMARY, bytes.length);
	parser.write(bytes, 0, bytes.length);
	parser.finish();
	return parser.cert;
}

/** The fields of a certificate (DER), without verifying anything. Throws "malformed" X509Errors. */
export function parseCertificate(der: ArrayBuffer | Uint8Array): CertificateSummary {
	const cert = parseCertificateBytes(certificateBytes(der), "certificate");
	cert.release();
	return cert;
}
