/*
 * Certification path validation for TLS (RFC 5280 6.1, as the Web PKI uses it), done as the
 * certificates arrive, leaf first:
 *
 *   - the first certificate is the leaf (RFC 8446 4.4.2: the sender's certificate comes first);
 *     it is checked at once: its own problems, validity, key, name (RFC 9525), keyUsage
 *     (digitalSignature when present), extKeyUsage (the usage when present);
 *   - the path grows from the leaf up. After each certificate, the top of the path is looked up
 *     among the trust anchors (the top itself may be an anchor: same subject and key; or an anchor
 *     may be its issuer), then among the certificates received and not yet used, in any order;
 *     an issuer must have the top's issuer name as subject (bytes), a matching key identifier when
 *     both are present, be valid now, be a CA (basicConstraints cA), have keyCertSign when it has
 *     keyUsage, respect its pathLenConstraint and name constraints, carry the usage (or
 *     anyExtendedKeyUsage) when it has extKeyUsage, and its key must verify the top's signature;
 *   - the first issuer that passes is taken; one that fails is dropped and its reason kept, which
 *     becomes the error if no other issuer comes;
 *   - once anchored, later certificates are only parsed (they must still be well-formed DER).
 *
 * Memory: a certificate's signature, TBS digest and key are dropped as soon as its issuer has
 * checked it; an issuer's key exists only while it checks; only the leaf's key is kept (the TLS
 * engine needs it for CertificateVerify). What stays per path certificate is its summary
 * (names, validity, constraints). Certificates not (yet) in the path are kept whole (not their
 * DER: their parsed fields), at most maxDepth of them.
 */
import { X509Error } from "./errors";
import { equalBytes, toHex } from "./der";
import { DistinguishedName, describeName } from "./dn";
import { formatTime } from "./time";
import { ParsedCertificate, CertificateSummary, certificateBytes } from "x509/certificate";
import { KeyUsage, SERVER_AUTH, CLIENT_AUTH, ANY_EXTENDED_KEY_USAGE, BasicConstraints, NameConstraints, GeneralNames } from "./extensions";
import { parseServerName, checkServerIdentity } from "./name";
import { checkNameConstraints } from "x509/constraints";
import { publicKey, checkSignature, who } from "./signature";
import { TrustAnchor, anchorFromRoot, rootSummary } from "./anchor";
import { CAStore, recordResourceName } from "./castore";

export type Usage = "serverAuth" | "clientAuth";

export interface PathOptions {
	/** seconds since 1970 */
	readonly time: number;
	readonly serverName?: string;
	readonly usage: Usage;
	readonly maxDepth: number;
	/** root certificates (DER, checked by the caller), read when a lookup needs them: nothing is held per root */
	readonly roots: readonly (ArrayBuffer | Uint8Array)[];
	/** look roots up in the CA store too (opened for each lookup that needs it: nothing held between them) */
	readonly store: boolean;
	/**
	 * only the leaf's summary is wanted (finishLeaf(), a TLS engine): each other certificate is cut
	 * down to what name constraints above it need once its issuer has checked it, and dropped once
	 * the path is anchored
	 */
	readonly leafOnly?: boolean;
}

/** What stays of a certificate below the top of the path (leafOnly): what name constraints and pathLenConstraint need. */
interface Below {
	readonly subject: DistinguishedName;
	readonly subjectAltName?: GeneralNames;
	readonly selfIssued: boolean;
}

/** What an issuer (a CA certificate or a trust anchor) brings to the checks. */
interface Issuer {
	readonly subject: DistinguishedName;
	readonly basicConstraints?: BasicConstraints;
	readonly keyUsage?: number;
	readonly extKeyUsage?: string[];
	readonly nameConstraints?: NameConstraints;
	readonly version?: number;
}

function describe(cert: { subject: DistinguishedName }): string {
	return `'${describeName(cert.subject)}'`;
}

function at(error: X509Error, depth: number): X509Error {
	if (error.depth === undefined)
		error.depth = depth;
	return error;
}

function asX509(e: unknown, depth: number): X509Error {
	if (e instanceof X509Error)
		return at(e, depth);
	throw e;
}

/** A signature check's error: a bad signature concerns the signed certificate, a bad key its issuer. */
function signatureError(e: unknown, signedDepth: number): X509Error {
	if (!(e instanceof X509Error))
		throw e;
	return at(e, e.code === "badSignature" ? signedDepth : signedDepth + 1);
}

export class PathValidator implements PathOptions {
	// the options, as fields of the validator (no options object held: 1 + 7 XS slots)
	declare readonly time: number;
	declare readonly serverName?: string;
	declare readonly usage: Usage;
	declare readonly maxDepth: number;
	declare readonly roots: readonly (ArrayBuffer | Uint8Array)[];
	declare readonly store: boolean;
	declare readonly leafOnly?: boolean;
	private readonly path: ParsedCertificate[] = [];
	private readonly parked: ParsedCertificate[] = [];
	declare private anchor: TrustAnchor | undefined;
	declare private anchored: boolean | undefined;
	/** why the top of the path could not be linked so far */
	declare private pending: X509Error | undefined;
	/** CA store ids of roots named like the top's issuer that this build lacks */
	declare private missing: string[] | undefined;
	/** leafOnly, once anchored: the path's length (trust anchor included) and where its anchor came from */
	declare pathLength: number;
	declare anchorSource: "store" | "roots" | "peer" | undefined;

	constructor(options: PathOptions) {
		Object.assign(this, options);
		if (options.serverName !== undefined)
			parseServerName(options.serverName);    // checked now, parsed again for the leaf (nothing held meanwhile)
	}

	/** A certificate as it arrives (leaf first). Throws when it settles the outcome (a bad leaf). */
	add(cert: ParsedCertificate): void {
		if (this.path.length === 0) {
			this.checkLeaf(cert);
			this.path.push(cert);
			this.extend();
			return;
		}
		if (this.anchored) {
			release(cert);
			return;
		}
		if (this.parked.length >= this.maxDepth)
			throw at(new X509Error("depthExceeded", `x509: the peer sent more than ${this.maxDepth} certificates that do not chain to a trusted root`), this.path.length + this.parked.length);
		this.parked.push(cert);
		this.extend();
	}

	/** The validated path (leaf first, trust anchor last), or throws why there is none. */
	finish(): CertificateSummary[] {
		this.finishLeaf();
		const result: CertificateSummary[] = this.path.slice();
		releaseAll(this.path);
		const anchor = this.anchor;
		if (anchor !== undefined)
			result.push(anchor.summary ?? rootSummary(anchor.der as Uint8Array, "the trusted root"));
		return result;
	}

	/** The leaf's summary once the path is validated (leafOnly: pathLength, anchorSource tell the rest), or throws why not. */
	finishLeaf(): CertificateSummary {
		if (this.path.length === 0)
			throw new X509Error("malformed", "x509: no certificate");
		releaseAll(this.parked);
		this.parked.length = 0;
		if (!this.anchored)
			throw this.pending ?? this.unknownIssuer();
		release(this.path[0]);
		return this.path[0];
	}

	/** leafOnly, once the path reached a trust anchor: later certificates are only checked as they pass */
	get complete(): boolean {
		return this.anchored === true && this.leafOnly === true;
	}

	/** Frees the leaf's key and what is held (when verification is abandoned). */
	close(): void {
		const all = this.path.concat(this.parked);
		releaseAll(all);
		for (let i = 0; i < all.length; i++) {
			const cert = all[i];
			if (cert.publicKey !== undefined) {
				cert.publicKey.close();
				cert.publicKey = undefined;
			}
		}
	}

	// the leaf

	private checkLeaf(leaf: ParsedCertificate): void {
		this.checkCertificate(leaf, 0);
		try {
			leaf.publicKey = publicKey(leaf.spki as Uint8Array, "the certificate", leaf.subject);
			const serverName = this.serverName;
			if (serverName !== undefined)
				checkServerIdentity(leaf.subjectAltName, serverName, parseServerName(serverName));
			if (leaf.keyUsage !== undefined && !(leaf.keyUsage & KeyUsage.digitalSignature))
				throw new X509Error("keyUsage", `x509: ${who("the certificate", leaf.subject)} does not allow digitalSignature in its keyUsage, which TLS needs (RFC 5280 4.2.1.3)`);
			const usage = this.usage;
			if (leaf.extKeyUsage !== undefined && leaf.extKeyUsage.indexOf(usage === "serverAuth" ? SERVER_AUTH : CLIENT_AUTH) < 0) {
				const any = leaf.extKeyUsage.indexOf(ANY_EXTENDED_KEY_USAGE) >= 0;
				throw new X509Error("extendedKeyUsage", `x509: ${who("the certificate", leaf.subject)} is not for ${usage}: its extKeyUsage does not list it` +
					(any ? " (anyExtendedKeyUsage is not accepted in a leaf certificate)" : "") + " (RFC 5280 4.2.1.12)");
			}
		}
		catch (e) {
			if (leaf.publicKey !== undefined) {
				leaf.publicKey.close();
				leaf.publicKey = undefined;
			}
			throw asX509(e, 0);
		}
	}

	/** What every certificate of the path must satisfy: no defect, valid now. */
	private checkCertificate(cert: ParsedCertificate, depth: number): void {
		if (cert.defect !== undefined)
			throw at(cert.defect, depth);
		const time = this.time;
		if (time < cert.notBefore)
			throw at(new X509Error("notYetValid", `x509: the certificate ${describe(cert)} is not valid before ${formatTime(cert.notBefore)} (the time is ${formatTime(time)})`), depth);
		if (time > cert.notAfter)
			throw at(new X509Error("expired", `x509: the certificate ${describe(cert)} expired on ${formatTime(cert.notAfter)} (the time is ${formatTime(time)})`), depth);
	}

	// growing the path

	private extend(): void {
		for (;;) {
			const top = this.path[this.path.length - 1];
			if (this.tryAnchors(top)) {
				this.anchored = true;
				releaseAll(this.parked);
				this.parked.length = 0;
				if (this.leafOnly) {
					// the leaf's summary is all that is asked for now
					this.pathLength = this.path.length + (this.anchor !== undefined ? 1 : 0);
					this.anchorSource = this.anchor !== undefined ? this.anchor.source : top.trustAnchor;
					this.anchor = undefined;
					this.path.length = 1;
				}
				return;
			}
			let linked = false;
			for (let i = 0; i < this.parked.length && !linked;) {
				const candidate = this.parked[i];
				if (!this.mayIssue(candidate, top)) {
					i++;
					continue;
				}
				// removed in place, not splice(): splice() makes an array of the removed through the
				// species constructor, an entry of C into XS (docs/HOST.md)
				for (let j = i + 1; j < this.parked.length; j++)
					this.parked[j - 1] = this.parked[j];
				this.parked.length--;
				try {
					this.link(top, candidate);
					linked = true;
				}
				catch (e) {
					this.pending = asX509(e, this.path.length);
					release(candidate);
				}
			}
			if (!linked)
				return;
		}
	}

	/** Could `issuer` have issued `cert` by name and key identifier? */
	private mayIssue(issuer: { subject: { der: Uint8Array } ; subjectKeyId?: Uint8Array; keyId?: Uint8Array; spki?: Uint8Array }, cert: ParsedCertificate): boolean {
		if (!equalBytes(issuer.subject.der, cert.issuer.der))
			return false;
		const keyId = issuer.subjectKeyId ?? issuer.keyId;
		if (keyId !== undefined && cert.authorityKeyId !== undefined && !equalBytes(keyId, cert.authorityKeyId))
			return false;
		// a self-issued certificate with the same key adds nothing (a duplicate, or a re-issue)
		if (issuer.spki !== undefined && cert.spki !== undefined && cert.selfIssued && equalBytes(issuer.spki, cert.spki))
			return false;
		return true;
	}

	private link(top: ParsedCertificate, issuer: ParsedCertificate): void {
		const depth = this.path.length;
		if (depth + 1 > this.maxDepth)
			throw new X509Error("depthExceeded", `x509: the path would be longer than ${this.maxDepth} certificates`);
		this.checkCertificate(issuer, depth);
		this.checkIssuer(issuer, "the CA certificate", false);
		try {
			checkSignature(top, issuer.spki as Uint8Array, "its issuer", issuer.subject);
		}
		catch (e) {
			// a bad signature concerns the signed certificate; a bad key, its issuer
			throw signatureError(e, depth - 1);
		}
		this.path.push(issuer);
		release(top);
		if (this.leafOnly && depth > 1) {
			const below: Below = top.subjectAltName !== undefined ?
				{ subject: top.subject, subjectAltName: top.subjectAltName, selfIssued: top.selfIssued } :
				{ subject: top.subject, selfIssued: top.selfIssued };
			this.path[depth - 1] = below as ParsedCertificate;   // the top (above it) and the leaf stay whole
		}
		this.pending = undefined;
		this.missing = undefined;
	}

	/** The checks on an issuer (a CA certificate, or a trust anchor when `anchor`) against the path below it. */
	private checkIssuer(issuer: Issuer, role: string, anchor: boolean): void {
		const constraints = issuer.basicConstraints;
		if (anchor ? (constraints !== undefined && !constraints.ca) : (constraints === undefined || !constraints.ca || (issuer.version ?? 3) < 3))
			throw new X509Error("notCA", `x509: ${who(role, issuer.subject)} is not a CA (basicConstraints cA is not set), so it cannot issue certificates (RFC 5280 6.1.4 k)`);
		if (issuer.keyUsage !== undefined && !(issuer.keyUsage & KeyUsage.keyCertSign))
			throw new X509Error("keyUsage", `x509: ${who(role, issuer.subject)} does not allow keyCertSign in its keyUsage (RFC 5280 6.1.4 n)`);
		if (constraints?.pathLength !== undefined) {
			let below = 0;
			for (let i = 1; i < this.path.length; i++)
				if (!this.path[i].selfIssued)
					below++;
			if (below > constraints.pathLength)
				throw new X509Error("pathLength", `x509: ${who(role, issuer.subject)} allows ${constraints.pathLength} intermediate CA certificate${constraints.pathLength === 1 ? "" : "s"} below it (pathLenConstraint), the path has ${below} (RFC 5280 6.1.4 m)`);
		}
		const usage = this.usage;
		if (issuer.extKeyUsage !== undefined && issuer.extKeyUsage.indexOf(usage === "serverAuth" ? SERVER_AUTH : CLIENT_AUTH) < 0 &&
			issuer.extKeyUsage.indexOf(ANY_EXTENDED_KEY_USAGE) < 0)
			throw new X509Error("extendedKeyUsage", `x509: ${who(role, issuer.subject)} may not issue certificates for ${usage}: its extKeyUsage does not list it`);
		const nameConstraints = issuer.nameConstraints;
		if (nameConstraints !== undefined) {
			for (let i = 0; i < this.path.length; i++) {
				const cert = this.path[i];
				// self-issued intermediates are exempt (RFC 5280 6.1.3 b)
				if (i > 0 && cert.selfIssued)
					continue;
				checkNameConstraints(nameConstraints, { subject: cert.subject.der, subjectAltName: cert.subjectAltName }, cert.subject, who(role, issuer.subject));
			}
		}
	}

	/** Is the top an anchor, or issued by one? Sets this.anchor (or this.pending, this.missing). */
	private tryAnchors(top: ParsedCertificate): boolean {
		// each step looks at options.roots first, then at the CA store only if they did not settle it
		// (the store is opened for that lookup only: nothing held between lookups)
		// the top itself is a trust anchor (same name and key): trusted as it is
		for (let store = 0; store < 2; store++) {
			const named = this.anchorsNamed(top.subject.der, undefined, false, store === 1);
			for (let i = 0; i < named.length; i++) {
				const anchor = named[i];
				if (top.spki !== undefined && equalBytes(anchor.spki, top.spki)) {
					top.trustAnchor = anchor.source;
					this.anchor = undefined;
					return true;
				}
			}
		}
		for (let store = 0; store < 2; store++) {
			const issuers = this.anchorsNamed(top.issuer.der, top.authorityKeyId, true, store === 1);
			for (let i = 0; i < issuers.length; i++) {
				const anchor = issuers[i];
				if (!this.mayIssue(anchor, top))
					continue;
				try {
					this.checkIssuer(anchor, "the trusted root", true);
					try {
						checkSignature(top, anchor.spki, "the trusted root", anchor.subject);
					}
					catch (e) {
						throw signatureError(e, this.path.length - 1);
					}
					this.anchor = anchor;
					release(top);
					return true;
				}
				catch (e) {
					this.pending = asX509(e, this.path.length);
				}
			}
		}
		return false;
	}

	/** The anchors with this subject name (and possibly this key id): in options.roots, or (`store`) in the CA store. */
	private anchorsNamed(name: Uint8Array, keyId: Uint8Array | undefined, noteMissing: boolean, store: boolean): TrustAnchor[] {
		const found: TrustAnchor[] = [];
		if (store) {
			const caStore = this.store ? CAStore.open() : undefined;
			if (caStore === undefined)
				return found;
			const lookup = caStore.find(name, keyId);
			if (noteMissing)
				this.missing = lookup.missing;
			return lookup.anchors;
		}
		const roots = this.roots;
		for (let i = 0; i < roots.length; i++) {
			const anchor = anchorFromRoot(certificateBytes(roots[i]), name, `root ${i}`);
			if (anchor !== undefined)
				found.push(anchor);
		}
		return found;
	}

	private unknownIssuer(): X509Error {
		const top = this.path[this.path.length - 1];
		const issuer = describeName(top.issuer);
		const keyId = top.authorityKeyId !== undefined ? toHex(top.authorityKeyId) : undefined;
		let message: string;
		if (top.selfIssued)
			message = `x509: unknown issuer: the self-signed certificate '${issuer}' is not a trusted root`;
		else
			message = `x509: unknown issuer: no trusted root or certificate named '${issuer}'${keyId ? ` (key id ${keyId})` : ""} issued ${describe(top)}` +
				(this.path.length === 1 && !top.selfIssued ? " (if that is an intermediate CA, the peer did not send it)" : "");
		if (this.missing?.length)
			message += `; the CA store knows this root but this build does not include it: add "${recordResourceName(this.missing[0]).replace(/\.bin$/, "")}" (from build/ca/roots, npm run ca:build) to the manifest's resources, or include ca-roots`;
		else
			message += "; to trust it, pass its certificate (DER) in secure.certificate (or the roots option), or add it to the CA store resources (npm run ca:select -- <chain.pem or host:port> prints the manifest lines)";
		const error = new X509Error("unknownIssuer", message);
		error.depth = this.path.length - 1;
		const description: { commonName?: string; organization?: string; keyId?: string; storeId?: string } = {};
		if (top.issuer.commonName !== undefined)
			description.commonName = top.issuer.commonName;
		if (top.issuer.organization !== undefined)
			description.organization = top.issuer.organization;
		if (keyId !== undefined)
			description.keyId = keyId;
		if (this.missing?.length)
			description.storeId = this.missing[0];
		error.issuer = description;
		return error;
	}
}

/** Drops what verification consumed: signature, digest, TBS, public key info (the leaf keeps its Key). */
/** release() each (a for-of costs about 120 bytes of bytecode more than this loop: bench/notes.md) */
function releaseAll(certs: ParsedCertificate[]): void {
	for (let i = 0; i < certs.length; i++)
		release(certs[i]);
}

function release(cert: ParsedCertificate): void {
	cert.release?.();   // (what leafOnly keeps below the top has nothing to release)
}
