/*
 * RSASSA-PSS parameters of a certificate's signature algorithm (RFC 4055 3.1), for x509/algorithms.
 * Its own module so that a device build can leave it out: manifest_device.json maps "x509/pss" to
 * x509/no-pss, which refuses RSASSA-PSS-signed certificates.
 */
import { malformed } from "./errors";
import { DERReader, SEQUENCE, contextConstructed } from "./der";
import { SignatureAlgorithm, SignatureHash, weak, unsupported } from "./algorithms";

const MGF1 = "1.2.840.113549.1.1.8";

const HASHES: { [oid: string]: SignatureHash | "SHA-1" | "SHA-224" } = {
	"2.16.840.1.101.3.4.2.1": "SHA-256",
	"2.16.840.1.101.3.4.2.2": "SHA-384",
	"2.16.840.1.101.3.4.2.3": "SHA-512",
	"2.16.840.1.101.3.4.2.4": "SHA-224",
	"1.3.14.3.2.26": "SHA-1",
};

function shortHash(hash: string): string {
	return hash.replace("-", "");
}

/** A hash AlgorithmIdentifier (parameters NULL or absent, RFC 4055 2.1). */
function readHashAlgorithm(reader: DERReader, what: string): string {
	const algorithm = reader.enter(SEQUENCE, what);
	const oid = algorithm.readOID(what);
	if (!algorithm.atEnd)
		algorithm.readNull(what);
	algorithm.end();
	return oid;
}

/** RSASSA-PSS-params (RFC 4055 3.1); DER: fields equal to their DEFAULT must be absent. */
export function parsePSSParameters(reader: DERReader, what: string): SignatureAlgorithm {
	const params = reader.enter(SEQUENCE, what);
	let hash: string = "SHA-1";
	let mgfHash: string = "SHA-1";
	let saltLength = 20;
	if (params.peekTag() === contextConstructed(0)) {
		const field = params.enter(contextConstructed(0), what);
		const oid = readHashAlgorithm(field, what);
		field.end();
		hash = HASHES[oid] ?? oid;
		if (hash === "SHA-1")
			throw malformed(`x509: ${what}: PSS hash SHA-1 encoded although it is the DEFAULT`);
	}
	if (params.peekTag() === contextConstructed(1)) {
		const field = params.enter(contextConstructed(1), what);
		const mgf = field.enter(SEQUENCE, what);
		const mgfOid = mgf.readOID(what);
		if (mgfOid !== MGF1)
			throw unsupported(what, `RSASSA-PSS with mask generation ${mgfOid}`);
		const oid = readHashAlgorithm(mgf, what);
		mgf.end();
		field.end();
		mgfHash = HASHES[oid] ?? oid;
		if (mgfHash === "SHA-1")
			throw malformed(`x509: ${what}: PSS MGF1 with SHA-1 encoded although it is the DEFAULT`);
	}
	if (params.peekTag() === contextConstructed(2)) {
		const field = params.enter(contextConstructed(2), what);
		saltLength = field.readSmallInteger(what);
		field.end();
		if (saltLength === 20)
			throw malformed(`x509: ${what}: PSS salt length 20 encoded although it is the DEFAULT`);
	}
	if (params.peekTag() === contextConstructed(3)) {
		const field = params.enter(contextConstructed(3), what);
		const trailer = field.readSmallInteger(what);
		field.end();
		if (trailer === 1)
			throw malformed(`x509: ${what}: PSS trailer field 1 encoded although it is the DEFAULT`);
		throw unsupported(what, `RSASSA-PSS with trailer field ${trailer}`);
	}
	params.end();
	if (hash === "SHA-1" || mgfHash === "SHA-1")
		throw weak(what, "RSASSA-PSS with SHA-1");
	if (hash !== "SHA-256" && hash !== "SHA-384" && hash !== "SHA-512")
		throw unsupported(what, `RSASSA-PSS with hash ${hash}`);
	if (mgfHash !== hash)
		throw unsupported(what, `RSASSA-PSS with MGF1 ${mgfHash} and hash ${hash}`);
	return { name: `rsassa-pss-${shortHash(hash)}`, kind: "rsa-pss", hash, saltLength };
}
