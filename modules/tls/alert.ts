/*
 * TLS alerts (RFC 8446 section 6, RFC 5246 section 7.2) and the one error type of the engine.
 * A fatal error is created with the alert it sends: `throw fatal(Alert.decode_error, "what went wrong")`,
 * its message "tls: what went wrong" (fatal() writes the module's prefix: once in the bytecode, not in each message).
 * The engine queues that alert to the peer and keeps the error: errors are sticky.
 */

export const enum Alert {
	close_notify = 0,
	unexpected_message = 10,
	bad_record_mac = 20,
	record_overflow = 22,
	handshake_failure = 40,
	bad_certificate = 42,
	unsupported_certificate = 43,
	certificate_revoked = 44,
	certificate_expired = 45,
	certificate_unknown = 46,
	illegal_parameter = 47,
	unknown_ca = 48,
	access_denied = 49,
	decode_error = 50,
	decrypt_error = 51,
	protocol_version = 70,
	insufficient_security = 71,
	internal_error = 80,
	inappropriate_fallback = 86,
	user_canceled = 90,
	no_renegotiation = 100,
	missing_extension = 109,
	unsupported_extension = 110,
	unrecognized_name = 112,
	bad_certificate_status_response = 113,
	unknown_psk_identity = 115,
	certificate_required = 116,
	no_application_protocol = 120,
}

/** each alert's name after its code, between spaces (one string: smaller bytecode than an object of 28 properties) */
const NAMES = " 0 close_notify 10 unexpected_message 20 bad_record_mac 22 record_overflow 40 handshake_failure" +
	" 42 bad_certificate 43 unsupported_certificate 44 certificate_revoked 45 certificate_expired 46 certificate_unknown" +
	" 47 illegal_parameter 48 unknown_ca 49 access_denied 50 decode_error 51 decrypt_error 70 protocol_version" +
	" 71 insufficient_security 80 internal_error 86 inappropriate_fallback 90 user_canceled 100 no_renegotiation" +
	" 109 missing_extension 110 unsupported_extension 112 unrecognized_name 113 bad_certificate_status_response" +
	" 115 unknown_psk_identity 116 certificate_required 120 no_application_protocol ";

export function alertName(alert: number): string {
	const key = ` ${alert} `, at = NAMES.indexOf(key);
	if (at < 0)
		return `alert ${alert}`;
	const start = at + key.length;
	return NAMES.slice(start, NAMES.indexOf(" ", start));
}

export class TLSError extends Error {
	/** the alert sent to the peer (or received from it, when `remote`) */
	declare readonly alert: number;
	/** true when the peer sent the alert */
	declare readonly remote: boolean;
	/** a short name of the reason, for apps: the alert name, or "timeout", "truncated", "closed", ... */
	declare readonly reason: string;
	constructor(alert: number, message: string, remote = false, reason?: string) {
		super(message);
		this.alert = alert;
		this.remote = remote;
		this.reason = reason ?? alertName(alert);
	}
}

/** The error for a fatal condition we detect: `throw fatal(Alert.x, "what")`, message "tls: what". */
export function fatal(alert: Alert, message: string): TLSError {
	return new TLSError(alert, "tls: " + message);
}
