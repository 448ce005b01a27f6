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
import { DERReader, SEQUENCE, OCTET_STRING, BOOLEAN, contextConstructed, toHex } from "./der";
import { DistinguishedName, parseName } from "./dn";
import { readTime } from "./time";
import { ParsedCertificate, CertificateSummary } from "./certificate";
import {
	BasicConstraints, NameConstraints,
	BASIC_CONSTRAINTS, KEY_USAGE, EXT_KEY_USAGE, NAME_CONSTRAINTS,
	parseBasicConstraints, parseKeyUsage, parseExtKeyUsage, parseNameConstraints,
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
	/** what verifyChain returns for it as the path's last element */
	readonly summary: CertificateSummary;
}

/** An anchor from a parsed root certificate (its extensions other than the four are ignored). */
export function anchorFromCertificate(cert: ParsedCertificate): TrustAnchor {
	const spki = cert.spki as Uint8Array;
	const summary: CertificateSummary = {
		version: cert.version, serialNumber: cert.serialNumber, signatureAlgorithm: cert.signatureAlgorithm,
		issuer: cert.issuer, subject: cert.subject, notBefore: cert.notBefore, notAfter: cert.notAfter,
		selfIssued: cert.selfIssued, publicKeyAlgorithm: cert.publicKeyAlgorithm, trustAnchor: "roots",
	};
	copyOptional(summary, cert);
	const anchor: { -readonly [K in keyof TrustAnchor]: TrustAnchor[K] } = { subject: cert.subject, spki, source: "roots", summary };
	if (cert.subjectKeyId !== undefined)
		anchor.keyId = cert.subjectKeyId;
	if (cert.basicConstraints !== undefined)
		anchor.basicConstraints = cert.basicConstraints;
	if (cert.keyUsage !== undefined)
		anchor.keyUsage = cert.keyUsage;
	if (cert.extKeyUsage !== undefined)
		anchor.extKeyUsage = cert.extKeyUsage;
	if (cert.nameConstraints !== undefined)
		anchor.nameConstraints = cert.nameConstraints;
	return anchor;
}

function copyOptional(summary: CertificateSummary, from: CertificateSummary): void {
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
		version: 3, serialNumber: toHex(serial.length > 1 && serial[0] === 0 ? serial.subarray(1) : serial), signatureAlgorithm: "",
		issuer: subject, subject, notBefore,
		notAfter, selfIssued: true,
		publicKeyAlgorithm: "", trustAnchor: "store",
	};
	const anchor: { -readonly [K in keyof TrustAnchor]: TrustAnchor[K] } = { subject, spki, source: "store", id, summary };
	if (keyId !== undefined)
		anchor.keyId = summary.subjectKeyId = keyId;
	if (seq.peekTag() === contextConstructed(0)) {
		const explicit = seq.enter(contextConstructed(0), what);
		const extensions = explicit.enter(SEQUENCE);
		while (!extensions.atEnd) {
			const extension = extensions.enter(SEQUENCE);
			const oid = extension.readOID();
			if (extension.peekTag() === BOOLEAN)
				extension.readBoolean();
			const value = extension.readOctetString();
			extension.end();
			if (oid === BASIC_CONSTRAINTS)
				anchor.basicConstraints = summary.basicConstraints = parseBasicConstraints(value);
			else if (oid === KEY_USAGE)
				anchor.keyUsage = summary.keyUsage = parseKeyUsage(value);
			else if (oid === EXT_KEY_USAGE)
				anchor.extKeyUsage = summary.extKeyUsage = parseExtKeyUsage(value);
			else if (oid === NAME_CONSTRAINTS)
				anchor.nameConstraints = summary.nameConstraints = parseNameConstraints(value);
		}
		explicit.end();
	}
	seq.end();
	outer.end();
	return anchor;
}
