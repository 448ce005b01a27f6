/*
 * The `secure` dictionary: the SDK's options (protocolVersion, certificate, verify, trace,
 * tls_max_fragment_length, tls_server_name, tls_signature_algorithms,
 * tls_application_layer_protocol_negotiation / applicationLayerProtocolNegotiation, clientKey,
 * clientCertificates) and ours (maxVersion, cipherSuites, groups, keyShares, session,
 * recordSizeLimit, keylog, handshakeTimeout, time). Unknown options and wrong types are errors.
 *
 * Table-driven: each option is a row (COMMON, CLIENT here, SERVER in serveroptions.ts) that says what
 * its value must be; one checker, value(), reads the rows, and its errors name the option and say
 * what it must be. resolve() checks a whole dictionary into an object of the values by option name
 * (lists as arrays, names as codes; only those the app gave: the defaults are the engine's, ENGINE_DEFAULTS);
 * the sides then check what spans options.
 */
import { TLS12, TLS13, GROUP_X25519, GROUP_SECP256R1, GROUP_SECP384R1 } from "tls/constants";
import { SUITES } from "tls/suites";
import { CHACHA20_POLY1305_BUILT } from "crypto/chachapoly";
import type { Session } from "tls/options";
import { TLS12_BUILT } from "tls/client12";

export type Bytes = ArrayBuffer | Uint8Array | HostBuffer;
export type VersionOption = number | "TLS 1.2" | "TLS 1.3" | "tls1.2" | "tls1.3";

export interface SecureOptions {
	protocolVersion?: VersionOption;
	maxVersion?: VersionOption;
	certificate?: Bytes | readonly Bytes[];
	verify?: boolean;
	trace?: boolean | ((line: string) => void);
	tls_max_fragment_length?: number;
	tls_server_name?: string | false;
	tls_signature_algorithms?: readonly (number | string)[];
	tls_application_layer_protocol_negotiation?: string | ArrayBuffer | readonly (string | ArrayBuffer)[];
	applicationLayerProtocolNegotiation?: string | ArrayBuffer | readonly (string | ArrayBuffer)[];
	clientKey?: Bytes;
	clientCertificates?: Bytes | readonly Bytes[];
	cipherSuites?: readonly (string | number)[];
	groups?: readonly (string | number)[];
	keyShares?: number;
	session?: Session;
	recordSizeLimit?: number;
	keylog?: (line: string) => void;
	handshakeTimeout?: number;
	/** seconds since 1970 for certificate validity, when the device clock cannot be trusted */
	time?: number;
}

type Line = (line: string) => void;

/** what both sides resolve alike, by option name: versions, suites, groups and schemes as codes;
    undefined when the app did not say (the defaults are ENGINE_DEFAULTS and SecureSocket's) */
export interface CommonOptions {
	protocolVersion: number | undefined;
	maxVersion: number | undefined;
	trace: Line | undefined;
	tls_signature_algorithms: number[] | undefined;
	tls_application_layer_protocol_negotiation: string[] | undefined;
	applicationLayerProtocolNegotiation: string[] | undefined;
	cipherSuites: number[] | undefined;
	groups: number[] | undefined;
	recordSizeLimit: number | undefined;
	keylog: Line | undefined;
	/** ms (30000) */
	handshakeTimeout: number | undefined;
	time: number | undefined;
}

/** a client's secure dictionary, resolved (resolveOptions()) */
export interface ResolvedOptions extends CommonOptions {
	/** roots */
	certificate: Uint8Array[] | undefined;
	verify: boolean | undefined;
	tls_max_fragment_length: number | undefined;
	tls_server_name: string | false | undefined;
	clientKey: Uint8Array | undefined;
	clientCertificates: Uint8Array[] | undefined;
	keyShares: number | undefined;
	session: Session | undefined;
}

/**
 * An option's row, one string (as bytecode, a string is far smaller than an array of parameters): its
 * kind, a letter; "*" when it takes one value or an array of them (resolved as an array); an integer's
 * bounds ("i64-16385"); then, after a space, what it must be, for its error ("<option> must be <what>";
 * WHAT has the kind's when the row says none). The kinds (value()):
 *   b, f, n   a boolean, a function, a number
 *   p         a number above 0
 *   i         an integer within the row's bounds
 *   t         trace: true (trace() lines), false or a function
 *   y         bytes: an ArrayBuffer, a Uint8Array or a host buffer, as a Uint8Array
 *   a         the same, an ArrayBuffer or a Uint8Array as given (no view of our own)
 *   l         an ALPN protocol name: a string or an ArrayBuffer of 1 to 255 characters
 *   h         a host name (a non-empty string), or false
 *   o         a session object
 *   v, s, c, g, m, r   one of the codes CODES[kind], or of the names NAMES[kind] (the code at its index);
 *             for an unknown name in a list the error lists the names; "v" (versions): a number below
 *             TLS 1.2 is a RangeError
 *   x         any: checked by its side
 */
export type Table = { readonly [name: string]: string };

/** what a kind must be when its row does not say */
const WHAT: { [kind: string]: string } = { b: "a boolean", f: "a function", y: "an ArrayBuffer, a Uint8Array or a host buffer" };
WHAT.a = WHAT.y;

const DEFAULT_SCHEMES = [0x0403, 0x0503, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601];
/** the cipher suites this build runs: all but ChaCha20-Poly1305's where its C core lacks that AEAD (the device profile: crypto/no-chachapoly) */
const BUILT_SUITES = SUITES.filter((x) => CHACHA20_POLY1305_BUILT || x.aead !== "CHACHA20-POLY1305");
const DEFAULT_SUITES = BUILT_SUITES.map((x) => x.code);
const DEFAULT_GROUPS = [GROUP_X25519, GROUP_SECP256R1, GROUP_SECP384R1];
// (the name lists are split from strings: smaller as bytecode than array literals, bench/notes.md)
/** the names of each choice kind (versions, schemes, cipher suites, groups, max fragment lengths, client certificate requests) */
const NAMES: { [kind: string]: readonly unknown[] } = {
	v: "TLS 1.2,tls1.2,TLS 1.3,tls1.3".split(","),
	s: ("ecdsa_secp256r1_sha256 ecdsa_secp384r1_sha384 rsa_pss_rsae_sha256 rsa_pss_rsae_sha384 rsa_pss_rsae_sha512 " +
		"rsa_pkcs1_sha256 rsa_pkcs1_sha384 rsa_pkcs1_sha512").split(" "),
	c: BUILT_SUITES.map((x) => x.name),
	g: "x25519 secp256r1 secp384r1 P-256 P-384".split(" "),
	m: [1, 2, 3, 4],
	r: [],
};
/** their codes: NAMES[kind][i] is CODES[kind][i] */
const CODES: { [kind: string]: readonly unknown[] } = {
	v: [TLS12, TLS12, TLS13, TLS13],
	s: DEFAULT_SCHEMES,
	c: DEFAULT_SUITES,
	g: DEFAULT_GROUPS.concat(GROUP_SECP256R1, GROUP_SECP384R1),
	m: [512, 1024, 2048, 4096],
	r: ["request", "require"],
};
const VERSION = "v 0x303, 0x304, \"TLS 1.2\" or \"TLS 1.3\"";
const ALPN = "l* a protocol name of 1 to 255 characters (a string or an ArrayBuffer)";

/** the options of both sides */
const COMMON: Table = {
	protocolVersion: VERSION,
	maxVersion: VERSION,
	trace: "t a boolean or a function",
	tls_signature_algorithms: "s* signature algorithm",
	tls_application_layer_protocol_negotiation: ALPN,
	applicationLayerProtocolNegotiation: ALPN,
	cipherSuites: "c* cipher suite",
	groups: "g* group",
	recordSizeLimit: "i64-16385 an integer from 64 to 16385",
	keylog: "f",
	handshakeTimeout: "p a positive number of milliseconds",
	time: "n a number of seconds since 1970",
};

/** the client's own */
export const CLIENT: Table = {
	certificate: "y*",
	verify: "b",
	tls_max_fragment_length: "m 512, 1024, 2048 or 4096 (or the codes 1 to 4)",
	tls_server_name: "h a host name (or false: no SNI)",
	clientKey: "y",
	clientCertificates: "y*",
	keyShares: "i1-3 an integer from 1 to the number of groups",
	session: "o a session object from a previous connection (socket.session)",
};
/** the server's (serveroptions.ts), named when a client is given one */
const SERVER_ONLY = "key ca serverName tickets ticketKey ticketLifetime".split(" ");

/**
 * The engine's values when the app sets none, as the prototype of an engine's options, a client's or a
 * server's (compact()'s `defaults`): a connection's options hold only what differs (a property each is
 * a slot for as long as the connection lives). Never changed. The resolved options leave them out.
 */
export const ENGINE_DEFAULTS = {
	minVersion: TLS12_BUILT ? TLS12 : TLS13, maxVersion: TLS13, suites: DEFAULT_SUITES, groups: DEFAULT_GROUPS,
	signatureAlgorithms: DEFAULT_SCHEMES, shares: 1, tickets: true,
};

/** drops the properties whose value is undefined (each one a slot for as long as the object lives),
    and those `defaults` has (the same value), which becomes the prototype; returns `o` */
export function compact<T extends object, D extends object>(o: T, defaults: D): T & D {
	const keys = Object.keys(o) as (keyof T)[];   // not for-in: 73 B more of bytecode
	for (let i = 0; i < keys.length; i++) {
		const key = keys[i];
		if (o[key] === undefined || (defaults as object as T)[key] === o[key])
			delete o[key];
	}
	return Object.setPrototypeOf(o, defaults);
}

export function bad(message: string): never {
	throw new TypeError(`securesocket: ${message}`);
}

function traceLine(line: string): void {
	trace(`tls: ${line}\n`);
}

/** one value of an option (an entry of a list), checked against its row and resolved; `name` names it in errors */
function value(v: unknown, name: string, row: string): unknown {
	const kind = row[0];
	switch (kind) {
		case "b":
			if (typeof v === "boolean")
				return v;
			break;
		case "f":
			if (typeof v === "function")
				return v;
			break;
		case "n":
			if (typeof v === "number")
				return v;
			break;
		case "p":
			if (typeof v === "number" && v > 0)
				return v;
			break;
		case "i": {
			const bounds = row.slice(1, row.indexOf(" ")).split("-");
			if (typeof v === "number" && (v | 0) === v && v >= +bounds[0] && v <= +bounds[1])
				return v;
			break;
		}
		case "t":
			if (v === true)
				return traceLine;
			if (v === false || typeof v === "function")
				return v || undefined;
			break;
		case "y":
		case "a":
			if (v instanceof Uint8Array || (kind === "a" && v instanceof ArrayBuffer))
				return v;
			if (v !== null && typeof v === "object" && typeof (v as { byteLength?: unknown }).byteLength === "number")
				return new Uint8Array(v as ArrayBuffer);   // an ArrayBuffer, or a host buffer (Resource)
			break;
		case "l": {
			// strings, or ArrayBuffers of the protocol name's bytes, as the SDK accepts
			const text = v instanceof ArrayBuffer ? String.fromArrayBuffer(v) : v;
			if (typeof text === "string" && text.length && text.length < 256)
				return text;
			break;
		}
		case "h":
			if (v === false || (typeof v === "string" && v.length))
				return v;
			break;
		case "o":
			if (v !== null && typeof v === "object" && "secret" in v)
				return v;
			break;
		case "x":
			return v;
		default: {
			const names = NAMES[kind], codes = CODES[kind];
			if (codes.includes(v))
				return v;
			const i = names.indexOf(v);
			if (i >= 0)
				return codes[i];
			if (kind === "v" && typeof v === "number" && v < TLS12)
				throw new RangeError(`securesocket: ${name} below TLS 1.2 is not supported`);
			if (kind === "c" && SUITES.some((x) => x.name === v || x.code === v))
				throw new RangeError(`securesocket: ${name}: ${String(v)} is not in this build (no ChaCha20-Poly1305)`);
			if (row[1] === "*")
				bad(`${name}: unknown ${row.slice(3)} ${String(v)} (known: ${names.join(", ")})`);
		}
	}
	const space = row.indexOf(" ");
	return bad(`${name} must be ${space < 0 ? WHAT[kind] : row.slice(space + 1)}`);
}

/** an option's value checked against its row: a list's entries one by one, named `name[i]` */
export function option(v: unknown, name: string, row: string): unknown {
	if (row[1] !== "*")
		return value(v, name, row);
	if (!Array.isArray(v))
		return [value(v, name, row)];
	if (!v.length && CODES[row[0]])
		bad(`${name} must name at least one ${row.slice(3)}`);   // no suite, group or scheme to offer
	const out = [];
	for (let i = 0; i < v.length; i++)
		out.push(value(v[i], `${name}[${i}]`, row));
	return out;
}

/**
 * The secure dictionary checked against COMMON and `own` (an option of `other` is named as a `side`
 * option in the error): the values the app gave, resolved, by option name; the versions checked.
 */
export function resolve(secure: unknown, own: Table, other: readonly string[], side: string): CommonOptions {
	const s = (secure ?? {}) as { [name: string]: unknown };
	if (typeof s !== "object")
		bad("secure must be an object");
	const out: { [name: string]: unknown } = {};
	const names = Object.keys(s);
	for (let i = 0; i < names.length; i++) {
		const name = names[i], v = s[name];
		const row = Object.hasOwn(own, name) ? own[name] : Object.hasOwn(COMMON, name) ? COMMON[name]
			: bad(`unknown option "${name}" in secure` + (other.includes(name) ? ` (a ${side} option)` : ""));
		if (v !== undefined)
			out[name] = option(v, name, row);
	}
	if (!TLS12_BUILT && (out.protocolVersion === TLS12 || out.maxVersion === TLS12))
		// a build without TLS 1.2 (tls/client12 mapped to tls/no-client12): TLS 1.3 unless 1.2 is asked for
		throw new RangeError("securesocket: TLS 1.2 is not in this build");
	if ((out.protocolVersion as number) > ((out.maxVersion ?? TLS13) as number))
		bad("protocolVersion (the minimum) is above maxVersion");
	return out as unknown as CommonOptions;
}

/** a client's secure dictionary, resolved (what spans options checked too) */
export function resolveOptions(secure: SecureOptions | undefined): ResolvedOptions {
	const o = resolve(secure, CLIENT, SERVER_ONLY, "server") as ResolvedOptions;
	if ((o.keyShares as number) > (o.groups ?? DEFAULT_GROUPS).length)
		bad("keyShares must be an integer from 1 to the number of groups");
	if (!o.clientKey !== !o.clientCertificates)
		bad("clientKey and clientCertificates go together");
	return o;
}
