/*
 * What the engine needs from its user (SecureSocket, a test, the ECMA-419 adapter): protocol
 * choices, and the certificate check, which lives outside the engine (modules/x509).
 */
import type { Key } from "crypto/keys";
import type { TLSError } from "./alert";

/** A resumable session (TLS 1.3 ticket, TLS 1.2 ticket or session ID). Opaque to apps. */
export interface Session {
	readonly version: number;
	readonly suite: number;
	readonly serverName: string | undefined;
	/** 1.3: resumption PSK; 1.2: master secret */
	readonly secret: ArrayBuffer;
	readonly ticket: ArrayBuffer | undefined;
	/** 1.2 session ID */
	readonly id: ArrayBuffer | undefined;
	/** 1.3 */
	readonly ticketAgeAdd: number;
	readonly received: number;      // ms, Date.now() when received
	readonly lifetime: number;      // seconds
	readonly alpn: string | undefined;
	/** 1.2: extended master secret was used (required to resume) */
	readonly extendedMasterSecret: boolean;
}

export interface ClientOptions {
	/** server_name to send and the name certificates must match (DNS name or IP literal) */
	serverName?: string;
	/** lowest and highest versions (TLS12, TLS13) */
	minVersion: number;
	maxVersion: number;
	/** cipher suite codes, in our order of preference */
	suites: readonly number[];
	/** named groups; key shares are sent for `shares` of them (default: the first) */
	groups: readonly number[];
	shares?: number;
	/** signature schemes we accept */
	signatureAlgorithms: readonly number[];
	alpn?: readonly string[];
	/** max_fragment_length (RFC 6066): 512, 1024, 2048 or 4096 */
	maxFragmentLength?: number;
	/** record_size_limit (RFC 8449) we advertise: 64 to 16385 */
	recordSizeLimit?: number;
	session?: Session;
	/**
	 * The certificate check: a new sink for each Certificate message. The engine streams the
	 * peer's certificates into it as their bytes arrive (never holding the chain), then asks
	 * finish() for the leaf's public key; any step may throw a TLSError (bad_certificate,
	 * unknown_ca, ...). It always runs before any signature check: the engine cannot skip it.
	 */
	certificates(): CertificateSink;
	/** client authentication: our chain and key, if the server asks */
	clientCertificates?: readonly ArrayBuffer[];
	clientKey?: Key;
	/** NSS key log lines (SSLKEYLOGFILE format) */
	keylog?: (line: string) => void;
	/** a readable trace of the handshake */
	trace?: (line: string) => void;
	/** called with each new session a server gives (1.3 NewSessionTicket, 1.2 ticket / ID) */
	onSession?: (session: Session) => void;
	/** random source for tests (RFC 8448 known answers): fills buffers */
	random?: (bytes: Uint8Array) => void;
	/** fixed key share private keys for tests, by group */
	privateKeys?: { [group: number]: ArrayBuffer };
}

export type ErrorHandler = (error: TLSError) => void;

/** Where the engine streams the peer's certificates (modules/securesocket/verify.ts makes them). */
export interface CertificateSink {
	/** a certificate of `length` bytes starts (leaf first, in the order sent) */
	begin(length: number): void;
	/** its next bytes: a view valid only during the call */
	update(bytes: Uint8Array): void;
	/** all its bytes came */
	end(): void;
	/** the chain is complete: the leaf's public key, or throw */
	finish(): Key;
	/** once finished, what the check keeps of the leaf for the app (the engine's peerCertificate) */
	readonly leaf?: unknown;
	/** the handshake was abandoned */
	close(): void;
}

/** A certificate chain and its private key, for a server (or a client authenticating). */
export interface ServerCredentials {
	/** DER chain, leaf first (SecureSocket passes the app's bytes, not copies: a Resource in flash stays there) */
	certificates: readonly (ArrayBuffer | Uint8Array)[];
	/** the leaf's private key (crypto/keys Key.fromPrivateKey of PKCS#8 DER) */
	key: Key;
}

export interface ServerOptions {
	/** lowest and highest versions (TLS12, TLS13) */
	minVersion: number;
	maxVersion: number;
	/** cipher suite codes, in our order of preference (the server's preference wins) */
	suites: readonly number[];
	/** named groups, in our order of preference; HelloRetryRequest when no acceptable share came */
	groups: readonly number[];
	/** signature schemes we sign with and accept from clients, in our order of preference */
	signatureAlgorithms: readonly number[];
	/** the default certificate */
	credentials: ServerCredentials;
	/** SNI: the credentials for the name the client asked (undefined: the default ones) */
	selectCredentials?: (serverName: string | undefined) => ServerCredentials | undefined;
	/** ALPN protocols, our preference first; a client offering none of them gets no_application_protocol */
	alpn?: readonly string[];
	/** client authentication (default "none") */
	clientAuthentication?: "none" | "request" | "require";
	/** the verifier of the client's chain: a new sink per Certificate message (required unless "none") */
	clientCertificates?(): CertificateSink;
	/** session tickets: TLS 1.3 NewSessionTicket, TLS 1.2 RFC 5077 (default true) */
	tickets?: boolean;
	/** 32 bytes that encrypt the tickets (default: random, once per process) */
	ticketKey?: ArrayBuffer;
	/** seconds (default 7200, at most 604800) */
	ticketLifetime?: number;
	/** record_size_limit (RFC 8449) we advertise when the client sends one: 64 to 16385 */
	recordSizeLimit?: number;
	keylog?: (line: string) => void;
	trace?: (line: string) => void;
	/** random source for tests: fills buffers */
	random?: (bytes: Uint8Array) => void;
	/** fixed key share private keys for tests, by group */
	privateKeys?: { [group: number]: ArrayBuffer };
}
