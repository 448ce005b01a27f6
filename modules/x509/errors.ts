/*
 * X509Error: every failure of the x509 modules. `code` names the reason (see docs/X509.md);
 * the message starts with "x509: " and says what was wrong and, where it helps, what to do.
 */

export type X509ErrorCode =
	| "expired"
	| "notYetValid"
	| "nameMismatch"
	| "unknownIssuer"
	| "notCA"
	| "pathLength"
	| "badSignature"
	| "keyUsage"
	| "extendedKeyUsage"
	| "nameConstraints"
	| "weakKey"
	| "weakAlgorithm"
	| "unsupportedAlgorithm"
	| "unsupportedCritical"
	| "malformed"
	| "clockNotSet"
	| "depthExceeded";

/** What an unknownIssuer error knows about the issuer it could not find. */
export interface IssuerDescription {
	commonName?: string;
	organization?: string;
	/** the authority key identifier of the certificate that names this issuer, hex */
	keyId?: string;
	/** the id of a root that the CA store index knows but whose record is not in this build */
	storeId?: string;
}

export class X509Error extends Error {
	override readonly name = "X509Error";
	readonly code: X509ErrorCode;
	/** position in the path of the certificate concerned: 0 the peer's (leaf), 1 its issuer... */
	depth: number | undefined;
	/** unknownIssuer: the missing issuer */
	issuer: IssuerDescription | undefined;

	constructor(code: X509ErrorCode, message: string) {
		super(message);
		this.code = code;
		this.depth = undefined;
		this.issuer = undefined;
	}
}

/** A "malformed" X509Error; `message` must start with "x509: ". */
export function malformed(message: string): X509Error {
	return new X509Error("malformed", message);
}
