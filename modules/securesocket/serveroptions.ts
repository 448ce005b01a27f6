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
	CLIENT, bad, option, resolve,
	type Bytes, type CommonOptions, type SecureOptions, type Table,
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

/** a server's secure dictionary, resolved (resolveServerOptions()): by option name, as options.ts's */
export interface ResolvedServerOptions extends CommonOptions {
	/** the default chain and its key, loaded */
	credentials: Credentials;
	/** SNI: the credentials for the name the client asked (undefined: the default ones) */
	selectCredentials: ((name: string | undefined) => Credentials | undefined) | undefined;
	/** undefined: none asked */
	clientCertificates: ClientCertificateMode | undefined;
	/** roots for clients' certificates */
	ca: Uint8Array[] | undefined;
	tickets: boolean | undefined;
	ticketKey: ArrayBuffer | undefined;
	ticketLifetime: number | undefined;
}

/** the server's own options (options.ts has those of both sides); certificate and key: credentials() */
const SERVER: Table = {
	certificate: "x",
	key: "x",
	clientCertificates: "r \"request\" or \"require\" on a server (a client's chain is a client option)",
	ca: "y*",
	serverName: "f a function (name) => {certificate, key} or undefined",
	tickets: "b",
	ticketKey: "y",
	ticketLifetime: "i1-604800 an integer number of seconds from 1 to 604800 (7 days)",
};
/** a client's own options, named in the error when a server is given one (the shared names are the server's) */
const CLIENT_NAMES = Object.keys(CLIENT);
/** the dictionary as resolve() gives it, before its credentials are loaded */
type Resolving = ResolvedServerOptions & { certificate: unknown, key: unknown, serverName: ((name: string | undefined) => Identity | undefined) | undefined };
/** leaf certificates already parsed whole, by buffer: their offsets in it (a listener resolves its options per connection) */
const PARSED = new WeakMap<object, number[]>();

/** a DER chain (leaf first) and its key, loaded; `where` names the option in errors */
function credentials(certificate: unknown, key: unknown, where: string): Credentials {
	if (certificate === undefined)
		bad(`${where}certificate (the server's DER chain, leaf first) is required`);
	if (key === undefined)
		bad(`${where}key (the server's PKCS#8 DER private key) is required`);
	const chain = option(certificate, `${where}certificate`, "a*") as (ArrayBuffer | Uint8Array)[];
	if (!chain.length)
		bad(`${where}certificate must hold at least the leaf`);
	const der = option(key, `${where}key`, "y") as Uint8Array;
	let loaded: Key;
	try {
		loaded = Key.fromPrivateKey(der);
	}
	catch (e) {
		throw new TypeError(`securesocket: ${where}key is not a private key we can use (PKCS#8, SEC1 or PKCS#1 DER): ${(e as Error).message}`);
	}
	// the leaf must be a certificate for this key: a mistake here would only show as clients' failed handshakes
	let leafKey: Key | undefined;
	try {
		// the whole certificate the first time its buffer is seen (a broken name, date or extension is the
		// app's error, said here); then its key only, by the outline up to subjectPublicKeyInfo
		const leaf = option(chain[0], "", "y") as Uint8Array;
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

/** a server's secure dictionary, resolved: the default credentials loaded, what spans options checked */
export function resolveServerOptions(secure: ServerSecureOptions | undefined): ResolvedServerOptions {
	if (secure === undefined)
		bad("secure with certificate and key is required for a server (listener)");
	const o = resolve(secure, SERVER, CLIENT_NAMES, "client") as Resolving;
	if (o.clientCertificates && !o.ca?.length)
		bad("clientCertificates needs ca: the roots clients' certificates must chain to");
	if (!o.clientCertificates && o.ca)
		bad("ca (roots for clients' certificates) needs clientCertificates \"request\" or \"require\"");
	const ticketKey = o.ticketKey as Uint8Array | undefined;   // Is.bytes
	if (ticketKey) {
		if (ticketKey.length !== 32)
			bad("ticketKey must be 32 bytes");
		o.ticketKey = copyOf(ticketKey).buffer as ArrayBuffer;   // the app's buffer may change
	}
	o.credentials = credentials(o.certificate, o.key, "");
	const choose = o.serverName;
	if (choose)
		o.selectCredentials = (name) => {
			const identity = choose(name);
			if (identity === undefined)
				return undefined;
			if (identity === null || typeof identity !== "object")
				bad("serverName() must return {certificate, key} or undefined");
			return credentials(identity.certificate, identity.key, "serverName(): ");
		};
	return o;
}
