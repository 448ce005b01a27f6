/*
 * Signature algorithms of certificates (AlgorithmIdentifier, RFC 5280 4.1.1.2):
 *   ECDSA with SHA-256/384/512 (RFC 5758 3.2: no parameters),
 *   RSASSA-PKCS1-v1_5 with SHA-256/384/512 (RFC 4055 5: parameters NULL, or absent),
 *   RSASSA-PSS with SHA-256/384/512 and MGF1 with the same hash (RFC 4055 3.1, DER: defaults omitted;
 *   its parameters read by x509/pss, which the device profile, manifest_device.json, leaves out).
 * MD2, MD4, MD5 and SHA-1 (with RSA, ECDSA, DSA, or as the PSS hash) are "weakAlgorithm";
 * anything else (SHA-224, Ed25519, DSA with SHA-2, a PSS MGF1 hash other than the message hash,
 * unknown OIDs) is "unsupportedAlgorithm".
 */
import { X509Error, malformed } from "./errors";
import { DERReader, readerOver, SEQUENCE } from "./der";
import { parsePSSParameters } from "x509/pss";

export type SignatureHash = "SHA-256" | "SHA-384" | "SHA-512";
export type SignatureKind = "ecdsa" | "rsa-pkcs1" | "rsa-pss";

export interface SignatureAlgorithm {
	/** a display name: "ecdsa-with-SHA256", "sha256WithRSAEncryption", "rsassa-pss-SHA256" */
	readonly name: string;
	readonly kind: SignatureKind;
	readonly hash: SignatureHash;
	/** RSASSA-PSS: the salt length the parameters give */
	readonly saltLength?: number;
}

/** The supported algorithms without parameters to read: one shared, frozen result each (no object per certificate). */
function algorithm(name: string, kind: SignatureKind, hash: SignatureHash): SignatureAlgorithm {
	return Object.freeze({ name, kind, hash });
}
const RSA_PKCS1: { [oid: string]: SignatureAlgorithm | "weak" | "unsupported" } = {
	"1.2.840.113549.1.1.11": algorithm("sha256WithRSAEncryption", "rsa-pkcs1", "SHA-256"),
	"1.2.840.113549.1.1.12": algorithm("sha384WithRSAEncryption", "rsa-pkcs1", "SHA-384"),
	"1.2.840.113549.1.1.13": algorithm("sha512WithRSAEncryption", "rsa-pkcs1", "SHA-512"),
	"1.2.840.113549.1.1.14": "unsupported",   // sha224WithRSAEncryption
	"1.2.840.113549.1.1.2": "weak",           // md2WithRSAEncryption
	"1.2.840.113549.1.1.3": "weak",           // md4WithRSAEncryption
	"1.2.840.113549.1.1.4": "weak",           // md5WithRSAEncryption
	"1.2.840.113549.1.1.5": "weak",           // sha1WithRSAEncryption
	"1.3.14.3.2.29": "weak",                  // sha1WithRSAEncryption (OIW)
};

const ECDSA: { [oid: string]: SignatureAlgorithm | "weak" | "unsupported" } = {
	"1.2.840.10045.4.3.2": algorithm("ecdsa-with-SHA256", "ecdsa", "SHA-256"),
	"1.2.840.10045.4.3.3": algorithm("ecdsa-with-SHA384", "ecdsa", "SHA-384"),
	"1.2.840.10045.4.3.4": algorithm("ecdsa-with-SHA512", "ecdsa", "SHA-512"),
	"1.2.840.10045.4.3.1": "unsupported",     // ecdsa-with-SHA224
	"1.2.840.10045.4.1": "weak",              // ecdsa-with-SHA1
};

const WEAK_OTHERS: { [oid: string]: string } = {
	"1.2.840.10040.4.3": "dsa-with-sha1",
};

const UNSUPPORTED_OTHERS: { [oid: string]: string } = {
	"1.3.101.112": "Ed25519",
	"1.3.101.113": "Ed448",
	"2.16.840.1.101.3.4.3.1": "dsa-with-sha224",
	"2.16.840.1.101.3.4.3.2": "dsa-with-sha256",
};

const RSASSA_PSS = "1.2.840.113549.1.1.10";

export function weak(what: string, name: string): X509Error {
	return new X509Error("weakAlgorithm", `x509: ${what} uses ${name}, which is not secure (MD5 and SHA-1 signatures are refused)`);
}

export function unsupported(what: string, name: string): X509Error {
	return new X509Error("unsupportedAlgorithm", `x509: ${what} uses ${name}, which this verifier does not support`);
}

/**
 * The signature algorithm of an AlgorithmIdentifier (the whole element). Throws "malformed",
 * "weakAlgorithm" or "unsupportedAlgorithm".
 */
export function parseSignatureAlgorithm(element: Uint8Array, what: string, shared?: DERReader, start = 0, end = element.length): SignatureAlgorithm {
	const outer = readerOver(element, what, start, end, shared);
	const algorithm = outer.enter(SEQUENCE, what);
	const oid = algorithm.readOID(what);
	let result: SignatureAlgorithm;
	const rsa = RSA_PKCS1[oid];
	const ecdsa = ECDSA[oid];
	if (rsa !== undefined) {
		if (!algorithm.atEnd)
			algorithm.readNull(what);
		if (rsa === "weak")
			throw weak(what, `RSA with ${oid === "1.2.840.113549.1.1.4" ? "MD5" : oid === "1.2.840.113549.1.1.2" ? "MD2" : oid === "1.2.840.113549.1.1.3" ? "MD4" : "SHA-1"}`);
		if (rsa === "unsupported")
			throw unsupported(what, "RSA with SHA-224");
		result = rsa;
	}
	else if (ecdsa !== undefined) {
		if (!algorithm.atEnd)
			throw malformed(`x509: ${what}: ECDSA algorithm with parameters (RFC 5758 3.2)`);
		if (ecdsa === "weak")
			throw weak(what, "ECDSA with SHA-1");
		if (ecdsa === "unsupported")
			throw unsupported(what, "ECDSA with SHA-224");
		result = ecdsa;
	}
	else if (oid === RSASSA_PSS)
		result = parsePSSParameters(algorithm, what);
	else if (WEAK_OTHERS[oid] !== undefined)
		throw weak(what, WEAK_OTHERS[oid]);
	else
		throw unsupported(what, UNSUPPORTED_OTHERS[oid] ?? `the signature algorithm ${oid}`);
	algorithm.end();
	outer.end();
	return result;
}
