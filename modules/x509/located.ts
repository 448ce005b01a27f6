/*
 * Parsing one whole certificate (RFC 5280 4.1) with the X.509 locator in C: the certificate parser
 * of the full profiles (x509/certificate, through certificate-located.ts). Keeps what verification
 * needs (parsed.ts: ParsedCertificate). The DER walk, the structure, the times and basicConstraints, keyUsage and extKeyUsage are the locator's
 * (native/x509_certificate.c, xs_x509_locate); the names, the signature algorithm and the extensions
 * it only locates (subjectAltName, nameConstraints, key identifiers) are read here with the JS readers.
 */
import { X509Error, malformed } from "./errors";
import { oidToString, toHex } from "./der";
import { alloc, copy, sub } from "../tls/bytes";
import { readName } from "./dn";
import { digest } from "../crypto/hash";
import { parseSignatureAlgorithm } from "./algorithms";
import { basicConstraints, parseExtKeyUsage, parseSubjectAltName, parseNameConstraints, authorityKeyIdAt, subjectKeyIdAt } from "./extensions";
import {
	CertificateSummary, ParsedCertificate, Range, range, FIELDS, releaseFields, KEY_ALGORITHMS, ONLY_CHECKED, SUMMARY, certificateBytes,
} from "x509/parsed";
export {
	CertificateSummary, ParsedCertificate, FIELDS, releaseFields, ONLY_CHECKED, FOR_PATH, SUMMARY, certificateBytes, publicKeyInfo,
} from "x509/parsed";

/**
 * The X.509 locator in C (native/x509_certificate.c): xs_x509_locate(what, bytes, offset, length,
 * fields) walks one whole certificate, checks its DER and structure, and writes where its fields
 * are (offsets from the certificate's start) into `fields`; it returns the message of what is wrong,
 * or undefined. Indexes into LOCATED (native/x509.h's X509_*).
 */
const locate = native<(what: string, bytes: Uint8Array, offset: number, length: number, fields: ArrayBuffer) => string | undefined>("xs_x509_locate");
const L_TBS = 0, L_TBS_END = 1, L_VERSION = 2, L_SERIAL = 3, L_SERIAL_END = 4, L_TBS_ALGORITHM = 5, L_TBS_ALGORITHM_END = 6,
	L_ISSUER = 7, L_ISSUER_END = 8, L_NOT_BEFORE = 9, L_NOT_AFTER = 11, L_SUBJECT = 13, L_SUBJECT_END = 14, L_SPKI = 15,
	L_SPKI_END = 16, L_KEY_ALGORITHM = 17, L_KEY_ALGORITHM_END = 18, L_FLAGS = 20, L_PATH_LENGTH = 21, L_KEY_USAGE = 22,
	L_EXT_KEY_USAGE = 23, L_SUBJECT_ALT_NAME = 25, L_AUTHORITY_KEY_ID = 27, L_SUBJECT_KEY_ID = 29, L_NAME_CONSTRAINTS = 31,
	L_CRITICAL = 33, L_SIGNATURE = 37, L_SIGNATURE_END = 38, L_FIELDS = 41;
// X509_FLAGS
const HAS_BASIC_CONSTRAINTS = 1, IS_CA = 2, HAS_PATH_LENGTH = 4, HAS_KEY_USAGE = 8, SELF_ISSUED = 512;
/** the locator's output: one for all certificates (read at once after each call) */
const LOCATED = new Uint32Array(L_FIELDS);

/** The room kept for a TBS digest (SHA-384's) at the start of a hashed certificate's buffer. */
const DIGEST_ROOM = 48;

/**
 * Parses the certificate bytes[offset .. offset + length) (in place: nothing of `bytes` is held):
 * the locator in C walks it, then what it leaves to the JS is read here (the names, the signature
 * algorithm, the extensions it only locates). `mode` says what is kept; `hash`: the TBS digest
 * (or the TBS itself, for SHA-512) is made for the signature check. `what` names the certificate in
 * messages. Throws "malformed"; other problems are left in the result's `defect`.
 */
export function parseCertificateAt(bytes: Uint8Array, offset: number, length: number, what: string, mode: number, hash: boolean): ParsedCertificate {
	const message = locate(what, bytes, offset, length, LOCATED.buffer as ArrayBuffer);
	if (message !== undefined)
		throw malformed(message);
	const cert = new ParsedCertificate();
	try {
		readFields(cert, bytes, offset, what, mode, hash);
	}
	catch (e) {
		throw named(e, what);
	}
	finally {
		releaseFields();
	}
	return cert;
}

/** Puts the certificate's name in the message of an error about one of its fields. */
function named(e: unknown, what: string): unknown {
	if (e instanceof X509Error && !e.message.startsWith(`x509: ${what}`))
		e.message = `x509: ${what} ${e.message.slice(6)}`;
	return e;
}

/** where the certificate that LOCATED describes starts in its bytes (set for each; module state: a local costs an XS slot) */
let BASE = 0;

/** field i of LOCATED as an offset into the certificate's bytes */
function at(i: number): number {
	return BASE + LOCATED[i];
}

/** Copies bytes[start, end) to buffer[fill ..]: its range there. */
function keepBytes(buffer: ArrayBuffer, fill: number, bytes: Uint8Array, start: number, end: number): Range {
	copy(buffer, fill, bytes, start, end - start);
	return range(fill, fill + end - start);
}

/** Copies the located range i, i + 1 to buffer[fill ..]: its range there. */
function keep(buffer: ArrayBuffer, fill: number, bytes: Uint8Array, i: number): Range {
	return keepBytes(buffer, fill, bytes, at(i), at(i + 1));
}

/** The located certificate's fields into cert (few locals: each costs an XS slot while the TBS is read). */
function readFields(cert: ParsedCertificate, bytes: Uint8Array, base: number, what: string, mode: number, hash: boolean): void {
	const f = LOCATED;
	const flags = f[L_FLAGS];
	BASE = base;
	cert.version = f[L_VERSION];
	cert.notBefore = (f[L_NOT_BEFORE] | 0) * 0x100000000 + f[L_NOT_BEFORE + 1];
	cert.notAfter = (f[L_NOT_AFTER] | 0) * 0x100000000 + f[L_NOT_AFTER + 1];
	readName(bytes, "issuer", FIELDS, at(L_ISSUER), at(L_ISSUER_END));
	readName(bytes, "subject", FIELDS, at(L_SUBJECT), at(L_SUBJECT_END));
	try {
		cert.algorithm = parseSignatureAlgorithm(bytes, "signature algorithm", FIELDS, at(L_TBS_ALGORITHM), at(L_TBS_ALGORITHM_END));
		if (mode === SUMMARY)
			cert.signatureAlgorithm = cert.algorithm.name;
	}
	catch (e) {
		// a weak or unsupported algorithm matters only if the certificate ends up in the path
		if (!(e instanceof X509Error) || e.code === "malformed")
			throw e;
		cert.defect = named(e, what) as X509Error;
	}
	if (mode === SUMMARY) {
		cert.serialNumber = toHex(sub(bytes, at(L_SERIAL) + (f[L_SERIAL_END] - f[L_SERIAL] > 1 && bytes[at(L_SERIAL)] === 0 ? 1 : 0), at(L_SERIAL_END)));
		const oid = oidToString(bytes, "subjectPublicKeyInfo", at(L_KEY_ALGORITHM), at(L_KEY_ALGORITHM_END));
		cert.publicKeyAlgorithm = KEY_ALGORITHMS[oid] ?? oid;
		cert.selfIssued = (flags & SELF_ISSUED) !== 0;
	}
	else if (mode !== ONLY_CHECKED && (flags & SELF_ISSUED))
		cert.selfIssued = true;
	// the extensions: the located ones read here (extnValue contents; 0, 0 when absent)
	if (flags & HAS_BASIC_CONSTRAINTS)
		cert.basicConstraints = basicConstraints((flags & IS_CA) !== 0, flags & HAS_PATH_LENGTH ? f[L_PATH_LENGTH] : undefined);
	if (flags & HAS_KEY_USAGE)
		cert.keyUsage = f[L_KEY_USAGE];
	if (f[L_EXT_KEY_USAGE + 1])
		cert.extKeyUsage = parseExtKeyUsage(bytes, at(L_EXT_KEY_USAGE), at(L_EXT_KEY_USAGE + 1), FIELDS);
	if (f[L_SUBJECT_ALT_NAME + 1])
		cert.subjectAltName = parseSubjectAltName(bytes, at(L_SUBJECT_ALT_NAME), at(L_SUBJECT_ALT_NAME + 1), FIELDS);
	if (f[L_NAME_CONSTRAINTS + 1])
		cert.nameConstraints = parseNameConstraints(bytes, at(L_NAME_CONSTRAINTS), at(L_NAME_CONSTRAINTS + 1), FIELDS);
	// the key identifiers: where they are, as ranges of bytes (checked here, copied below)
	const authorityKeyId = f[L_AUTHORITY_KEY_ID + 1] ? authorityKeyIdAt(bytes, at(L_AUTHORITY_KEY_ID), at(L_AUTHORITY_KEY_ID + 1), FIELDS) : undefined;
	const keyId = f[L_SUBJECT_KEY_ID + 1] ? subjectKeyIdAt(bytes, at(L_SUBJECT_KEY_ID), at(L_SUBJECT_KEY_ID + 1), FIELDS) : undefined;
	if (f[L_CRITICAL + 1] && cert.defect === undefined)
		cert.defect = new X509Error("unsupportedCritical",
			`x509: ${what} has a critical extension this verifier does not know (${oidToString(bytes, "extension id", at(L_CRITICAL), at(L_CRITICAL + 1))}) (RFC 5280 4.2)`);
	if (mode !== ONLY_CHECKED)
		keepFields(cert, bytes, hash, authorityKeyId, keyId);
}

/**
 * The fields kept as bytes, one after the other in the certificate's buffer: the digest's room, the
 * names, the key, the signature, the key identifiers (ranges into bytes); and the TBS digest for the
 * signature check, one native hash over the TBS (SHA-512: the TBS kept, hashed in C when checked).
 */
function keepFields(cert: ParsedCertificate, bytes: Uint8Array, hash: boolean, authorityKeyId: Range | undefined, keyId: Range | undefined): void {
	const f = LOCATED;
	let fill = hash ? DIGEST_ROOM : 0;
	const buffer = cert.buffer = new ArrayBuffer(fill + f[L_ISSUER_END] - f[L_ISSUER] + f[L_SUBJECT_END] - f[L_SUBJECT] + f[L_SPKI_END] - f[L_SPKI] +
		f[L_SIGNATURE_END] - f[L_SIGNATURE] + (authorityKeyId === undefined ? 0 : Math.floor(authorityKeyId / 0x10000) - authorityKeyId % 0x10000) +
		(keyId === undefined ? 0 : Math.floor(keyId / 0x10000) - keyId % 0x10000));
	// the issuer, then the subject right after it: one number (namesAt)
	cert.namesAt = fill + (fill + f[L_ISSUER_END] - f[L_ISSUER]) * 0x10000;
	fill = Math.floor(keep(buffer, fill, bytes, L_ISSUER) / 0x10000);
	fill = Math.floor(keep(buffer, fill, bytes, L_SUBJECT) / 0x10000);
	cert.namesAt += fill * 0x100000000;
	cert.spkiAt = keep(buffer, fill, bytes, L_SPKI);
	cert.signatureAt = keep(buffer, Math.floor(cert.spkiAt / 0x10000), bytes, L_SIGNATURE);
	fill = Math.floor(cert.signatureAt / 0x10000);
	if (authorityKeyId !== undefined) {
		cert.authorityKeyIdAt = keepBytes(buffer, fill, bytes, authorityKeyId % 0x10000, Math.floor(authorityKeyId / 0x10000));
		fill = Math.floor(cert.authorityKeyIdAt / 0x10000);
	}
	if (keyId !== undefined)
		cert.keyIdAt = keepBytes(buffer, fill, bytes, keyId % 0x10000, Math.floor(keyId / 0x10000));
	const algorithm = cert.algorithm;
	if (!hash || algorithm === undefined)
		return;
	if (algorithm.hash === "SHA-512") {
		cert.tbs = alloc(f[L_TBS_END] - f[L_TBS]);
		copy(cert.tbs, 0, bytes, at(L_TBS), f[L_TBS_END] - f[L_TBS]);
	}
	else {
		const value = digest(algorithm.hash, bytes, at(L_TBS), f[L_TBS_END] - f[L_TBS]);
		copy(buffer, 0, value, 0, value.byteLength);
		cert.digestAt = range(0, value.byteLength);
	}
}

/**
 * Parses a complete certificate (no signature check, no TBS hash). `what` names it in messages.
 * Throws "malformed"; other problems are left in the result's `defect`.
 */
export function parseCertificateBytes(bytes: Uint8Array, what: string): ParsedCertificate {
	return parseCertificateAt(bytes, 0, bytes.length, what, SUMMARY, false);
}

/** The fields of a certificate (DER), without verifying anything. Throws "malformed" X509Errors. */
export function parseCertificate(der: ArrayBuffer | Uint8Array): CertificateSummary {
	const cert = parseCertificateBytes(certificateBytes(der), "certificate");
	cert.release();
	return cert;
}
