/*
 * The certificate check SecureSocket gives the engine: the peer's chain goes through the X.509
 * verifier (modules/x509) against the CA store and secure.certificate, and the leaf's key comes
 * back for the engine's signature checks. With secure.verify false the chain is only parsed (the
 * handshake signature is still checked with the leaf's key).
 */
import { Key } from "crypto/keys";
import { TLSError, Alert } from "tls/alert";
import { verifyChain, X509Error } from "x509";
import { parseCertificateBytes } from "x509/certificate";
import { publicKey } from "x509/signature";
import type { ResolvedOptions } from "./options";

/** the alert for each X.509 failure (RFC 8446 6.2) */
function alertFor(code: string): Alert {
	switch (code) {
		case "expired":
		case "notYetValid":
			return Alert.certificate_expired;
		case "unknownIssuer":
			return Alert.unknown_ca;
		case "weakKey":
		case "weakAlgorithm":
		case "unsupportedCritical":
			return Alert.unsupported_certificate;
		case "clockNotSet":
			return Alert.certificate_unknown;
		default:
			return Alert.bad_certificate;
	}
}

export function certificateCheck(options: ResolvedOptions): (chain: readonly Uint8Array[]) => Key {
	return (chain) => {
		try {
			if (!options.verify) {
				// parsing does not make the key (path validation does): take it from the SPKI
				const leaf = parseCertificateBytes(chain[0], "the server's certificate");
				if (!leaf.spki)
					throw new TLSError(Alert.unsupported_certificate, "tls: the server's certificate has a key we cannot use");
				return publicKey(leaf.spki, "the server's certificate");
			}
			const path = verifyChain({
				peer: chain[0],
				intermediates: chain.slice(1),
				roots: options.roots,
				time: options.time,
				serverName: options.verifyName,
				usage: "serverAuth",
			});
			const key = path[0].publicKey;
			if (!key)
				throw new TLSError(Alert.unsupported_certificate, "tls: the server's certificate has a key we cannot use");
			options.trace?.(`certificate verified: ${path.length} certificates to a trust anchor from ${path[path.length - 1].trustAnchor ?? "?"}`);
			return key;
		}
		catch (e) {
			if (e instanceof X509Error)
				throw new TLSError(alertFor(e.code), e.message, false, e.code);
			throw e;
		}
	};
}

export function loadClientKey(der: Uint8Array): Key {
	return Key.fromPrivateKey(der);
}
