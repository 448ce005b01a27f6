/*
 * The `secure` dictionary of a server-side SecureSocket (new SecureSocket({listener, secure})):
 *   certificate           our chain, DER, leaf first (one buffer or an array)       required
 *   key                   the leaf's private key, PKCS#8 DER (or SEC1 / PKCS#1)     required
 *   clientCertificates    "request" or "require": ask the client for a certificate
 *   ca                    the roots a client's certificate must chain to (DER, one or an array);
 *                         required with clientCertificates; the CA store is not used for clients
 *   serverName            SNI: a function (name: string | undefined) => {certificate, key} | undefined
 *   tickets, ticketKey, ticketLifetime   session tickets (on by default)
 * and those both sides share (options.ts: protocolVersion, maxVersion, cipherSuites, groups,
 * tls_signature_algorithms, applicationLayerProtocolNegotiation, recordSizeLimit, trace, keylog,
 * handshakeTimeout, time). Unknown options, client-only options and wrong types are errors.
 */
import { Key } from "crypto/keys";
import { copyOf } from "tls/bytes";
import { parseCertificateBytes, publicKeyInfo } from "x509/certificate";
import { publicKey } from "x509/signature";
import {
	COMMON_OPTIONS, CLIENT_OPTIONS, SERVER_OPTIONS, bad, bytes, list, secureDictionary, resolveCommon,
	type Bytes, type CommonOptions, type SecureOptions,
} from "securesocket/options";

export type ClientCertificateMode = "none" | "request" | "require";

export interface Identity {
	certificate: Bytes | readonly Bytes[];
	key: Bytes;
}

export interface ServerSecureOptions extends Omit<SecureOptions, "certificate" | "clientCertificates" | "verify" |
	"tls_max_fragment_length" | "tls_server_name" | "clientKey" | "keyShares" | "session"> {
	certificate: Bytes | readonly Bytes[];
	key: Bytes;
	clientCertificates?: "request" | "require";
	ca?: Bytes | readonly Bytes[];
	serverName?: (name: string | undefined) => Identity | undefined;
	tickets?: boolean;
	ticketKey?: ArrayBuffer;
	ticketLifetime?: number;
}

/** a chain and its loaded key: what the engine signs with */
export interface Credentials {
	/**
	 * the app's bytes, not copies (the chain of every connection: a Resource in flash stays there), and
	 * as given when they are an ArrayBuffer or a Uint8Array (no view of our own per certificate and connection)
	 */
	certificates: (ArrayBuffer | Uint8Array)[];
	key: Key;
}

export interface ResolvedServerOptions extends CommonOptions {
	credentials: Credentials;
	/** SNI: the credentials for the name the client asked (undefined: the default ones) */
	selectCredentials: ((name: string | undefined) => Credentials | undefined) | undefined;
	clientAuthentication: ClientCertificateMode;
	/** roots for clients' certificates */
	ca: Uint8Array[];
	tickets: boolean;
	ticketKey: ArrayBuffer | undefined;
	ticketLifetime: number | undefined;
}

const KNOWN = new Set(COMMON_OPTIONS.concat(SERVER_OPTIONS));
/** leaf certificates already parsed whole, by buffer: their offsets in it (a listener resolves its options per connection) */
const PARSED = new WeakMap<object, number[]>();
const CLIENT_ONLY = CLIENT_OPTIONS.filter((name) => !SERVER_OPTIONS.includes(name));

/** a DER chain (leaf first) and its key, loaded; `where` names the option in errors */
function credentials(certificate: unknown, key: unknown, where: string): Credentials {
	if (certificate === undefined)
		bad(`${where}certificate (the server's DER chain, leaf first) is required`);
	if (key === undefined)
		bad(`${where}key (the server's PKCS#8 DER private key) is required`);
	const chain = list(certificate, `${where}certificate`, asGiven);
	if (!chain.length)
		bad(`${where}certificate must hold at least the leaf`);
	let loaded: Key;
	try {
		loaded = Key.fromPrivateKey(bytes(key, `${where}key`));
	}
	catch (e) {
		if (e instanceof TypeError)
			throw e;
		throw new TypeError(`securesocket: ${where}key is not a private key we can use (PKCS#8, SEC1 or PKCS#1 DER): ${(e as Error).message}`);
	}
	// the leaf must be a certificate for this key: a mistake here would only show as clients' failed handshakes
	let leafKey: Key | undefined;
	try {
		// the whole certificate the first time its buffer is seen (a broken name, date or extension is the
		// app's error, said here); then its key only, by the outline up to subjectPublicKeyInfo
		const leaf = bytes(chain[0], `${where}certificate[0]`);
		const seen = PARSED.get(leaf.buffer);
		if (!seen?.includes(leaf.byteOffset)) {
			parseCertificateBytes(leaf, "the server's certificate");
			if (seen)
				seen.push(leaf.byteOffset);
			else
				PARSED.set(leaf.buffer, [leaf.byteOffset]);
		}
		leafKey = publicKey(publicKeyInfo(leaf, "the server's certificate"), "the server's certificate");
	}
	catch (e) {
		loaded.close();
		throw new TypeError(`securesocket: ${where}certificate[0] is not a certificate we can use: ${(e as Error).message}`);
	}
	const same = leafKey?.matches(loaded) ?? false;
	leafKey?.close();
	if (!same) {
		loaded.close();
		bad(`${where}key does not match the public key of ${where}certificate[0] (the leaf)`);
	}
	return { certificates: chain, key: loaded };
}

/** a certificate's bytes: an ArrayBuffer or a Uint8Array as it is, a host buffer (Resource) in a view */
function asGiven(value: unknown, name: string): ArrayBuffer | Uint8Array {
	return value instanceof ArrayBuffer || value instanceof Uint8Array ? value : bytes(value, name);
}

export function resolveServerOptions(secure: ServerSecureOptions | undefined): ResolvedServerOptions {
	if (secure === undefined)
		bad("secure with certificate and key is required for a server (listener)");
	const s = secureDictionary(secure, KNOWN, CLIENT_ONLY, "client");
	const common = resolveCommon(s);
	const defaults = credentials(s.certificate, s.key, "");
	let selectCredentials: ResolvedServerOptions["selectCredentials"];
	if (s.serverName !== undefined) {
		if (typeof s.serverName !== "function")
			bad("serverName must be a function (name) => {certificate, key} or undefined");
		const choose = s.serverName as (name: string | undefined) => unknown;
		selectCredentials = (name) => {
			const identity = choose(name);
			if (identity === undefined)
				return undefined;
			if (identity === null || typeof identity !== "object")
				bad("serverName() must return {certificate, key} or undefined");
			const { certificate, key } = identity as { certificate?: unknown, key?: unknown };
			return credentials(certificate, key, "serverName(): ");
		};
	}
	let clientAuthentication: ClientCertificateMode = "none";
	if (s.clientCertificates !== undefined) {
		if (s.clientCertificates !== "request" && s.clientCertificates !== "require")
			bad("clientCertificates must be \"request\" or \"require\" on a server (a client's chain is a client option)");
		clientAuthentication = s.clientCertificates;
	}
	const ca = s.ca === undefined ? [] : list(s.ca, "ca", bytes);
	if (clientAuthentication !== "none" && !ca.length)
		bad("clientCertificates needs ca: the roots clients' certificates must chain to");
	if (clientAuthentication === "none" && s.ca !== undefined)
		bad("ca (roots for clients' certificates) needs clientCertificates \"request\" or \"require\"");
	if (s.tickets !== undefined && typeof s.tickets !== "boolean")
		bad("tickets must be a boolean");
	let ticketKey: ArrayBuffer | undefined;
	if (s.ticketKey !== undefined) {
		const key = bytes(s.ticketKey, "ticketKey");
		if (key.length !== 32)
			bad("ticketKey must be 32 bytes");
		ticketKey = copyOf(key).buffer as ArrayBuffer;
	}
	const lifetime = s.ticketLifetime;
	if (lifetime !== undefined && (typeof lifetime !== "number" || lifetime < 1 || lifetime > 604800 || (lifetime | 0) !== lifetime))
		bad("ticketLifetime must be an integer number of seconds from 1 to 604800 (7 days)");
	return {
		...common,
		credentials: defaults,
		selectCredentials,
		clientAuthentication,
		ca,
		tickets: s.tickets !== false,
		ticketKey,
		ticketLifetime: lifetime as number | undefined,
	};
}
