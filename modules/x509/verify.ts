/*
 * verifyChain: the whole-chain form of ChainVerifier (stream.ts), for applications and tests.
 *
 *   const path = verifyChain({ peer, intermediates, roots, time, serverName, usage, maxDepth });
 *
 * peer: the leaf (DER); intermediates: the other certificates as the peer sent them (any order,
 * extra ones allowed); roots: trust anchors besides the CA store. Returns the validated path
 * (CertificateSummary[], leaf first, trust anchor last) or throws an X509Error whose `code` says
 * why (docs/X509.md). Each certificate goes through the same machinery as in a TLS handshake, in
 * one chunk (parsed in place by the locator in C, located.ts).
 */
import { malformed } from "./errors";
import { CertificateSummary, certificateBytes } from "x509/certificate";
import { ChainVerifier, DER, VerifierOptions } from "./stream";

export interface VerifyChainOptions extends VerifierOptions {
	/** the peer's (leaf) certificate */
	peer: DER;
	/** the other certificates the peer sent, in the order sent */
	intermediates?: readonly DER[];
}

export function verifyChain(options: VerifyChainOptions): CertificateSummary[] {
	if (options === undefined || options.peer === undefined)
		throw malformed("x509: verifyChain needs the peer's certificate (options.peer)");
	const verifier = new ChainVerifier(options);
	const intermediates = options.intermediates ?? [];
	for (let i = 0; i <= intermediates.length; i++) {
		const bytes = certificateBytes(i === 0 ? options.peer : intermediates[i - 1]);
		verifier.beginCertificate(bytes.length);
		verifier.update(bytes, 0, bytes.length);
		verifier.endCertificate();
	}
	return verifier.finish();
}
