/* Registry values this engine speaks (IANA TLS parameters; RFC 8446, RFC 5246 and extensions). */

export const enum ContentType {
	change_cipher_spec = 20,
	alert = 21,
	handshake = 22,
	application_data = 23,
}

export const enum HandshakeType {
	hello_request = 0,
	client_hello = 1,
	server_hello = 2,
	new_session_ticket = 4,
	end_of_early_data = 5,
	encrypted_extensions = 8,
	certificate = 11,
	server_key_exchange = 12,
	certificate_request = 13,
	server_hello_done = 14,
	certificate_verify = 15,
	client_key_exchange = 16,
	finished = 20,
	key_update = 24,
	message_hash = 254,
}

export const enum ExtensionType {
	server_name = 0,
	max_fragment_length = 1,
	status_request = 5,
	supported_groups = 10,
	ec_point_formats = 11,
	signature_algorithms = 13,
	application_layer_protocol_negotiation = 16,
	extended_master_secret = 23,
	record_size_limit = 28,
	session_ticket = 35,
	pre_shared_key = 41,
	early_data = 42,
	supported_versions = 43,
	cookie = 44,
	psk_key_exchange_modes = 45,
	certificate_authorities = 47,
	signature_algorithms_cert = 50,
	key_share = 51,
	renegotiation_info = 0xFF01,
}

/** the protocol versions: a const enum, written into the code where used (each use of an imported constant
    costs bytecode); the engine uses these, TLS12 and TLS13 are the same values for JS callers */
export const enum Version { TLS12 = 0x0303, TLS13 = 0x0304 }
export const TLS12 = Version.TLS12;
export const TLS13 = Version.TLS13;

export type VersionName = "TLS 1.2" | "TLS 1.3";
export function versionName(code: number): VersionName {
	return code === Version.TLS13 ? "TLS 1.3" : "TLS 1.2";
}

/* named groups (RFC 8446 4.2.7) */
export const GROUP_SECP256R1 = 0x0017;
export const GROUP_SECP384R1 = 0x0018;
export const GROUP_X25519 = 0x001D;

/** bytes from hex digits (the constants below: smaller as code than array literals) */
function fromHex(digits: string): Uint8Array {
	const b = new Uint8Array(digits.length / 2);
	for (let i = 0; i < b.length; i++)
		b[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
	return b;
}

/** a HelloRetryRequest's ServerHello.random: SHA-256 of "HelloRetryRequest" (RFC 8446 4.1.3) */
export const HRR_RANDOM = fromHex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");
// the downgrade sentinels of a TLS 1.3 server's random (RFC 8446 4.1.3): prf.ts, with what else only TLS 1.2's sides use
