/*
 * Trust anchors: what a root contributes to verification (RFC 5280 6.1.1 d, "trust anchor
 * information"): its name, public key and key identifier, plus the constraints a root may carry
 * (basicConstraints, keyUsage, extKeyUsage, nameConstraints), which this verifier applies to the
 * path below it as NSS and Go do. A root's validity period and self-signature are not checked
 * (RFC 5280 6.1: the anchor is trusted as configured).
 *
 * Anchors come from certificates (options.roots, secure.certificate) or from CA store records
 * (castore.ts), whose DER form is:
 *
 *   AnchorRecord ::= SEQUENCE {
 *     version        INTEGER (1),
 *     serialNumber   INTEGER,
 *     subject        Name,
 *     validity       Validity,
 *     subjectPublicKeyInfo SubjectPublicKeyInfo,
 *     keyIdentifier  OCTET STRING,   -- the root's subjectKeyIdentifier; empty when it has none
 *     extensions [0] EXPLICIT Extensions OPTIONAL   -- only the four above, as the root has them
 *   }
 */
import { malformed } from "./errors";
import { DERReader, SEQUENCE, OCTET_STRING, BOOLEAN, contextConstructed, toHex, equalBytes } from "./der";
import { DistinguishedName, NameView, parseName } from "./dn";
import { readTime } from "./time";
import { CertificateSummary, parseCertificateBytes, FIELDS, releaseFields } from "x509/certificate";
import { sub } from "../tls/bytes";
import {
	BasicConstraints, NameConstraints,
	BASIC_CONSTRAINTS, KEY_USAGE, EXT_KEY_USAGE, NAME_CONSTRAINTS, SUBJECT_KEY_ID,
	parseBasicConstraints, parseKeyUsage, parseExtKeyUsage, parseNameConstraints, subjectKeyIdAt,
} from "./extensions";

export interface TrustAnchor {
	readonly subject: DistinguishedName;
	/** the SubjectPublicKeyInfo element */
	readonly spki: Uint8Array;
	readonly keyId?: Uint8Array;
	readonly basicConstraints?: BasicConstraints;
	readonly keyUsage?: number;
	readonly extKeyUsage?: string[];
	readonly nameConstraints?: NameConstraints;
	/** "roots": given by the application; "store": the CA store */
	readonly source: "roots" | "store";
	/** the CA store's id of the root ("1a2b3c4d") */
	readonly id?: string;
	/** what verifyChain returns for it as the path's last element (a store record's; a root's is made from `der` when asked: rootSummary) */
	readonly summary?: CertificateSummary;
	/** a root certificate's bytes (options.roots) */
	readonly der?: Uint8Array;
}

/** What verifyChain returns for a root certificate (options.roots) as the path's last element: its parse, checked. */
export function rootSummary(bytes: Uint8Array, what: string): CertificateSummary {
	const cert = parseCertificateBytes(bytes, what);
	cert.release();
	cert.trustAnchor = "roots";
	return cert;
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The Extensions SEQUENCE that is exactly bytes[start .. end), into the anchor: the four
 * constraining extensions (a root certificate's subjectKeyIdentifier too); the others are ignored.
 * All with the parser's one shared reader (FIELDS): it goes back to the next extension after each
 * value (a reader is 8 XS slots).
 */
function readExtensions(bytes: Uint8Array, start: number, end: number, anchor: Writable<TrustAnchor>, root: boolean, what: string): void {
	const limit = FIELDS.reset(bytes, what, start, end).enter(SEQUENCE).limit;
	if (limit !== end)
		throw malformed(`x509: ${what}: ${end - limit} unexpected bytes at the end`);
	for (let at = FIELDS.contentStart; at < limit;) {
		const extension = FIELDS.reset(bytes, what, at, limit).enter(SEQUENCE);
		const oid = extension.readOID();
		if (extension.peekTag() === BOOLEAN)
			extension.readBoolean();
		const value = extension.readOctetString();
		extension.end();
		at = extension.contentEnd;
		const length = value.length;
		if (oid === BASIC_CONSTRAINTS)
			anchor.basicConstraints = parseBasicConstraints(value, 0, length, FIELDS);
		else if (oid === KEY_USAGE)
			anchor.keyUsage = parseKeyUsage(value, 0, length, FIELDS);
		else if (oid === EXT_KEY_USAGE)
			anchor.extKeyUsage = parseExtKeyUsage(value, 0, length, FIELDS);
		else if (oid === NAME_CONSTRAINTS)
			anchor.nameConstraints = parseNameConstraints(value, 0, length, FIELDS);
		else if (root && oid === SUBJECT_KEY_ID) {
			const at = subjectKeyIdAt(value, 0, length, FIELDS);
			anchor.keyId = sub(value, at % 0x10000, Math.floor(at / 0x10000));
		}
	}
	releaseFields();
}

/**
 * The anchor of a root certificate the application gave (options.roots) when its subject is exactly
 * `name` (a Name's DER), else undefined. Read in place from its bytes (which the verifier parsed and
 * checked whole once: stream.ts): subject, key, key identifier and the four constraining
 * extensions; its other fields are not needed to use it as an anchor. Nothing is kept: the anchor
 * lives while a lookup uses it.
 */
export function anchorFromRoot(bytes: Uint8Array, name: Uint8Array, what: string): TrustAnchor | undefined {
	const tbs = FIELDS.reset(bytes, what).enter(SEQUENCE).enter(SEQUENCE);
	if (tbs.peekTag() === contextConstructed(0))
		tbs.skip();
	for (let i = 0; i < 5; i++)     // serialNumber, signature, issuer, validity, subject
		tbs.skip();
	const subjectStart = tbs.elementStart, subjectEnd = tbs.contentEnd;
	let anchor: Writable<TrustAnchor> | undefined;
	if (equalBytes(name, bytes, subjectStart, subjectEnd)) {
		const spki = tbs.expectRaw(SEQUENCE);
		// the extensions [3], if any: their content's place (read once the walk is over: one reader)
		let start = 0, end = 0;
		while (!tbs.atEnd) {
			if (tbs.skip() === contextConstructed(3)) {
				start = tbs.contentStart;
				end = tbs.contentEnd;
			}
		}
		anchor = { subject: new NameView(sub(bytes, subjectStart, subjectEnd)), spki, source: "roots", der: bytes };
		if (end > 0)
			readExtensions(bytes, start, end, anchor, true, what);
	}
	releaseFields();
	return anchor;
}

function copyOptional(summary: CertificateSummary, from: Pick<CertificateSummary, "basicConstraints" | "keyUsage" | "extKeyUsage" | "nameConstraints" | "subjectKeyId">): void {
	const target = summary as { -readonly [K in keyof CertificateSummary]: CertificateSummary[K] };
	if (from.basicConstraints !== undefined)
		target.basicConstraints = from.basicConstraints;
	if (from.keyUsage !== undefined)
		target.keyUsage = from.keyUsage;
	if (from.extKeyUsage !== undefined)
		target.extKeyUsage = from.extKeyUsage;
	if (from.nameConstraints !== undefined)
		target.nameConstraints = from.nameConstraints;
	if (from.subjectKeyId !== undefined)
		target.subjectKeyId = from.subjectKeyId;
}

/** An anchor from a CA store record (the DER above). `id` names the record in messages. */
export function parseAnchorRecord(record: Uint8Array, id: string): TrustAnchor {
	const what = `CA store record ${id}`;
	const outer = new DERReader(record, what);
	const seq = outer.enter(SEQUENCE);
	if (seq.readSmallInteger(what) !== 1)
		throw malformed(`x509: ${what}: unknown record version`);
	const serial = seq.readIntegerBytes(what);
	const subject = parseName(seq.expectRaw(SEQUENCE, what), what);
	const validity = seq.enter(SEQUENCE, what);
	const notBefore = readTime(validity, what);
	const notAfter = readTime(validity, what);
	validity.end();
	const spki = seq.expectRaw(SEQUENCE, what);
	const keyIdBytes = seq.expectContent(OCTET_STRING, what);
	const keyId = keyIdBytes.length ? keyIdBytes : undefined;
	const summary: { -readonly [K in keyof CertificateSummary]: CertificateSummary[K] } = {
		version: 3, serialNumber: toHex(serial.length > 1 && serial[0] === 0 ? sub(serial, 1) : serial), signatureAlgorithm: "",
		issuer: subject, subject, notBefore,
		notAfter, selfIssued: true,
		publicKeyAlgorithm: "", trustAnchor: "store",
	};
	const anchor: Writable<TrustAnchor> = { subject, spki, source: "store", id, summary };
	if (keyId !== undefined)
		anchor.keyId = summary.subjectKeyId = keyId;
	if (seq.peekTag() === contextConstructed(0)) {
		seq.skip(what);
		readExtensions(record, seq.contentStart, seq.contentEnd, anchor, false, what);
		copyOptional(summary, anchor);
	}
	seq.end();
	outer.end();
	return anchor;
}
