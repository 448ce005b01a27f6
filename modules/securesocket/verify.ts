/*
 * The certificate check SecureSocket gives the engine: the peer's chain goes through the X.509
 * verifier (modules/x509) against the CA store and secure.certificate, and the leaf's key comes
 * back for the engine's signature checks. With secure.verify false the chain is only parsed (the
 * handshake signature is still checked with the leaf's key). A server checks its clients' chains
 * the same way, against secure.ca only, for clientAuth (accept.ts makes that check).
 */
import type { Key } from "crypto/keys";
import { TLSError, Alert } from "tls/alert";
import { X509Error } from "x509/errors";
import { ChainVerifier } from "x509/stream";
import type { CertificateSummary } from "x509/certificate";
import type { CertificateSink } from "tls/options";
import { parseCertificateBytes } from "x509/certificate";
import { publicKey } from "x509/signature";
import { alloc } from "tls/bytes";
import { CheckOptions, alertFor } from "securesocket/check";
export type { CheckOptions } from "securesocket/check";

/** what SecureSocket reports of the server's certificate (socket.tls.peerCertificate) */
export type PeerCertificate = CertificateSummary;

function toTLSError(e: unknown): unknown {
	if (e instanceof X509Error)
		return new TLSError(alertFor(e.code), e.message, false, e.code);
	return e;
}

/** without verification: only the leaf is kept, to take its key */
class LeafSink implements CertificateSink {
	// declared, not class fields (a field declaration is about 45 B of bytecode): set at the first begin()
	/** the leaf's bytes (the first certificate; the others are not kept), until finish() */
	declare private bytes: Uint8Array | undefined;
	/** how many of them came */
	declare private filled: number;
	declare leaf: PeerCertificate | undefined;
	begin(length: number): void {
		if (!this.bytes) {
			this.bytes = alloc(length);
			this.filled = 0;
		}
	}
	update(bytes: Uint8Array): void {
		const leaf = this.bytes!;
		if (this.filled < leaf.length) {   // the leaf's (the engine gives each certificate its length's bytes)
			leaf.set(bytes, this.filled);
			this.filled += bytes.length;
		}
	}
	end(): void {}
	finish(): Key {
		try {
			const parsed = parseCertificateBytes(this.bytes!, "the server's certificate");
			this.bytes = undefined;
			if (!parsed.spki)
				throw new TLSError(Alert.unsupported_certificate, "tls: the server's certificate has a key we cannot use");
			const key = publicKey(parsed.spki, "the server's certificate");
			parsed.release();
			this.leaf = parsed;
			return key;
		}
		catch (e) {
			throw toTLSError(e);
		}
	}
	close(): void {
		this.bytes = undefined;
	}
}

/** with verification: the chain streams through the X.509 verifier (never held whole) */
class ChainSink implements CertificateSink {
	declare leaf: PeerCertificate | undefined;
	declare private readonly verifier: ChainVerifier;
	declare private readonly options: CheckOptions;
	constructor(verifier: ChainVerifier, options: CheckOptions) {
		this.verifier = verifier;
		this.options = options;
	}
	begin(length: number): void {
		try { this.verifier.beginCertificate(length); } catch (e) { throw toTLSError(e); }
	}
	update(bytes: Uint8Array): void {
		try { this.verifier.update(bytes, 0, bytes.length); } catch (e) { throw toTLSError(e); }
	}
	end(): void {
		try { this.verifier.endCertificate(); } catch (e) { throw toTLSError(e); }
	}
	finish(): Key {
		const options = this.options;
		const verifier = this.verifier;
		let leaf: CertificateSummary;
		try {
			leaf = verifier.finishLeaf();
		}
		catch (e) {
			throw toTLSError(e);
		}
		const key = leaf.publicKey;
		if (!key)
			throw new TLSError(Alert.unsupported_certificate, `tls: the ${options.usage === "clientAuth" ? "client" : "server"}'s certificate has a key we cannot use`);
		options.trace?.(`certificate verified: ${verifier.pathLength} certificates to a trust anchor from ${verifier.anchorSource ?? "?"}`);
		this.leaf = leaf;
		return key;
	}
	close(): void {
		this.verifier.close();
	}
}

/**
 * A CertificateSink for each Certificate message: with verification, the chain streams through
 * the X.509 verifier (never held whole); without, only the leaf is kept, to take its key.
 * The sink's `leaf` is then the leaf's summary (the engine's peerCertificate).
 */
export function certificateCheck(options: CheckOptions): () => CertificateSink {
	return () => {
		if (!options.verify)
			return new LeafSink();
		try {
			return new ChainSink(new ChainVerifier({ roots: options.roots, time: options.time, serverName: options.verifyName, usage: options.usage ?? "serverAuth", store: options.store, leafOnly: true }), options);
		}
		catch (e) {
			throw toTLSError(e);
		}
	};
}
