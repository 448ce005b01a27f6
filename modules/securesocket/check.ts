/*
 * What both certificate checks share (securesocket/verify: verify.ts in the full profiles,
 * verify-device.ts in the device profile): the options of a check and the alert for each X.509
 * failure code (docs/X509.md).
 */
import { Alert } from "tls/alert";

/** what a check needs: from the client's resolved options (SecureSocket), or a server's (accept.ts) */
export interface CheckOptions {
	verify: boolean;
	/** trust anchors besides the CA store (secure.certificate, or a server's ca) */
	roots: readonly Uint8Array[] | undefined;
	/** seconds since 1970 to check validity at (secure.time) */
	time: number | undefined;
	/** the name the certificate must match (undefined: none, a client's certificate) */
	verifyName: string | undefined;
	trace: ((line: string) => void) | undefined;
	/** the peer's role: "serverAuth" (default) checks a server, "clientAuth" a client */
	usage?: "serverAuth" | "clientAuth";
	/** false: only `roots`, not the CA store */
	store?: boolean;
}

/** the alert for each X.509 failure code (RFC 8446 6.2); bad_certificate for the codes not here */
const ALERTS: { readonly [code: string]: Alert } = {
	expired: Alert.certificate_expired, notYetValid: Alert.certificate_expired, unknownIssuer: Alert.unknown_ca,
	weakKey: Alert.unsupported_certificate, weakAlgorithm: Alert.unsupported_certificate,
	unsupportedAlgorithm: Alert.unsupported_certificate, unsupportedCritical: Alert.unsupported_certificate,
	clockNotSet: Alert.certificate_unknown,
};

/** the alert of an X.509 failure code */
export function alertFor(code: string): Alert {
	return ALERTS[code] ?? Alert.bad_certificate;
}
