/*
 * Public keys from SubjectPublicKeyInfo and certificate signature checks, through the crypto
 * facade (modules/crypto). The crypto core's errors become X509Errors:
 *   "crypto: key too small" (RSA under 2048 bits)                  -> weakKey
 *   unsupported key types, curves, point formats, keys over 4096   -> unsupportedAlgorithm
 *   a bad key encoding or point                                     -> malformed
 * A signature that does not verify, or whose algorithm does not fit the issuer's key, is
 * badSignature.
 */
import { Key } from "../crypto/keys";
import { verifyECDSA, verifyPKCS1, verifyPSS } from "../crypto/signature";
import { X509Error } from "./errors";
import { ParsedCertificate } from "x509/certificate";
import { DistinguishedName, describeName } from "./dn";

/** "the CA certificate 'CN=..., O=...'" (made only when a message needs it) */
export function who(role: string, name: DistinguishedName): string {
	return `${role} '${describeName(name)}'`;
}

function message(e: unknown): string {
	return e instanceof Error ? e.message : String(e);
}

/**
 * The key of a SubjectPublicKeyInfo; role and name say whose it is in messages
 * (without a name, role is the whole description: "the server's certificate").
 */
export function publicKey(spki: Uint8Array, role: string, name?: DistinguishedName): Key {
	try {
		return Key.fromSPKI(spki);
	}
	catch (e) {
		const text = message(e);
		const what = name !== undefined ? who(role, name) : role;
		if (text.includes("crypto: key too small"))
			throw new X509Error("weakKey", `x509: ${what} has an RSA key under 2048 bits, which is not secure`);
		if (text.includes("crypto: unsupported") || text.includes("crypto: key too large"))
			throw new X509Error("unsupportedAlgorithm", `x509: ${what} has a public key this verifier does not support (${text})`);
		if (text.includes("crypto: bad"))
			throw new X509Error("malformed", `x509: ${what} has a malformed public key (${text})`);
		throw e;
	}
}

/**
 * Checks that `cert`'s signature was made by the key `spki` of its issuer (`role` and `name` say
 * which, in messages). Uses the TBS digest (or, for SHA-512, the kept TBS) computed while the
 * certificate passed.
 */
export function checkSignature(cert: ParsedCertificate, spki: Uint8Array, role: string, name: DistinguishedName): void {
	const algorithm = cert.algorithm;
	const signature = cert.signature;
	if (algorithm === undefined || signature === undefined)
		throw cert.defect ?? new X509Error("malformed", `x509: ${who("the certificate", cert.subject)}: no signature`);
	const key = publicKey(spki, role, name);
	try {
		const expected = algorithm.kind === "ecdsa" ? "ec" : "rsa";
		if (key.type !== expected)
			throw new X509Error("badSignature", `x509: ${who("the certificate", cert.subject)} is signed with ${algorithm.name}, but ${who(role, name)} has an ${key.type.toUpperCase()} key`);
		const prehashed = cert.tbsDigest !== undefined;
		const data = cert.tbsDigest ?? cert.tbs;
		if (data === undefined)
			throw new X509Error("malformed", `x509: ${who("the certificate", cert.subject)}: its TBS was not hashed`);
		let ok: boolean;
		try {
			if (algorithm.kind === "ecdsa")
				ok = verifyECDSA(key, algorithm.hash, data, signature, { prehashed });
			else if (algorithm.kind === "rsa-pkcs1")
				ok = verifyPKCS1(key, algorithm.hash, data, signature, { prehashed });
			else
				ok = verifyPSS(key, algorithm.hash, data, signature, { prehashed, saltLength: algorithm.saltLength });
		}
		catch (e) {
			if (e instanceof X509Error)
				throw e;
			throw new X509Error("badSignature", `x509: ${who("the certificate", cert.subject)}: its signature cannot be checked with the key of ${who(role, name)} (${message(e)})`);
		}
		if (!ok)
			throw new X509Error("badSignature", `x509: ${who("the certificate", cert.subject)}: its signature (${algorithm.name}) does not verify with the key of ${who(role, name)}`);
	}
	finally {
		key.close();
	}
}
