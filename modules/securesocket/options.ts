/*
 * The `secure` dictionary: the SDK's options (protocolVersion, certificate, verify, trace,
 * tls_max_fragment_length, tls_server_name, tls_signature_algorithms,
 * tls_application_layer_protocol_negotiation / applicationLayerProtocolNegotiation, clientKey,
 * clientCertificates) and ours (maxVersion, cipherSuites, groups, keyShares, session,
 * recordSizeLimit, keylog, handshakeTimeout). Unknown options and wrong types are errors.
 * What the client and the server (serveroptions.ts) share is resolved by resolveCommon().
 */
import { TLS12, TLS13, GROUP_X25519, GROUP_SECP256R1, GROUP_SECP384R1 } from "tls/constants";
import { SUITES, suiteByName } from "tls/suites";
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
	cipherSuites?: readonly string[];
	groups?: readonly string[];
	keyShares?: number;
	session?: Session;
	recordSizeLimit?: number;
	keylog?: (line: string) => void;
	handshakeTimeout?: number;
	/** seconds since 1970 for certificate validity, when the device clock cannot be trusted */
	time?: number;
}

export interface ResolvedOptions extends CommonOptions {
	roots: Uint8Array[];
	verify: boolean;
	maxFragmentLength: number | undefined;
	/** the name sent as SNI (undefined: none) */
	serverName: string | undefined;
	/** the name the certificate must match: tls_server_name, else the host (or address), even when no SNI is sent */
	verifyName: string | undefined;
	clientKey: Uint8Array | undefined;
	clientCertificates: Uint8Array[] | undefined;
	shares: number;
	session: Session | undefined;
}

const SCHEMES: { [name: string]: number } = {
	ecdsa_secp256r1_sha256: 0x0403, ecdsa_secp384r1_sha384: 0x0503,
	rsa_pss_rsae_sha256: 0x0804, rsa_pss_rsae_sha384: 0x0805, rsa_pss_rsae_sha512: 0x0806,
	rsa_pkcs1_sha256: 0x0401, rsa_pkcs1_sha384: 0x0501, rsa_pkcs1_sha512: 0x0601,
};
export const DEFAULT_SCHEMES = [0x0403, 0x0503, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601];
const GROUPS: { [name: string]: number } = { x25519: GROUP_X25519, secp256r1: GROUP_SECP256R1, secp384r1: GROUP_SECP384R1, "P-256": GROUP_SECP256R1, "P-384": GROUP_SECP384R1 };
// (the name lists are split from strings: smaller as bytecode than array literals, bench/notes.md)
/** the options of both sides, resolved by resolveCommon() */
export const COMMON_OPTIONS: readonly string[] = ("protocolVersion maxVersion certificate trace tls_signature_algorithms " +
	"tls_application_layer_protocol_negotiation applicationLayerProtocolNegotiation cipherSuites groups " +
	"recordSizeLimit keylog handshakeTimeout time").split(" ");
export const CLIENT_OPTIONS: readonly string[] = "verify tls_max_fragment_length tls_server_name clientKey clientCertificates keyShares session".split(" ");
/** the server's own (serveroptions.ts); `certificate` means the server's chain there */
export const SERVER_OPTIONS: readonly string[] = "key clientCertificates ca serverName tickets ticketKey ticketLifetime".split(" ");
// the defaults, shared by every connection (never changed)
const DEFAULT_SUITES = SUITES.map((x) => x.code);
const DEFAULT_GROUPS = [GROUP_X25519, GROUP_SECP256R1, GROUP_SECP384R1];
const KNOWN = new Set(COMMON_OPTIONS.concat(CLIENT_OPTIONS));

/**
 * The engine's values when the app sets none, as the prototype of a client engine's options
 * (compact()'s `defaults`): a connection's options hold only what differs (a property each is a
 * slot for as long as the connection lives). Never changed.
 */
export const CLIENT_DEFAULTS = { minVersion: TLS12, maxVersion: TLS13, suites: DEFAULT_SUITES, groups: DEFAULT_GROUPS, signatureAlgorithms: DEFAULT_SCHEMES };

/** drops the properties whose value is undefined (each one a slot for as long as the object lives),
    and those `defaults` has (the same value), which becomes the prototype; returns `o` */
export function compact<T extends object>(o: T, defaults: object = Object.prototype): T {
	for (const key in o)
		if (o[key] === undefined || (defaults as T)[key] === o[key])
			delete o[key];
	return Object.setPrototypeOf(o, defaults);
}

export function bad(message: string): never {
	throw new TypeError(`securesocket: ${message}`);
}

export function version(value: unknown, name: string): number {
	if (value === 0x0303 || value === "TLS 1.2" || value === "tls1.2")
		return TLS12;
	if (value === 0x0304 || value === "TLS 1.3" || value === "tls1.3")
		return TLS13;
	if (typeof value === "number" && value < TLS12)
		throw new RangeError(`securesocket: ${name} below TLS 1.2 is not supported`);
	return bad(`${name} must be 0x303, 0x304, "TLS 1.2" or "TLS 1.3"`);
}

export function bytes(value: unknown, name: string): Uint8Array {
	if (value instanceof Uint8Array)
		return value;
	if (value instanceof ArrayBuffer)
		return new Uint8Array(value);
	if (value !== null && typeof value === "object" && typeof (value as { byteLength?: unknown }).byteLength === "number")
		return new Uint8Array(value as ArrayBuffer);   // a host buffer (Resource)
	return bad(`${name} must be an ArrayBuffer, a Uint8Array or a host buffer`);
}

export function list<T>(value: unknown, name: string, each: (v: unknown, name: string) => T): T[] {
	if (Array.isArray(value))
		return value.map((v, i) => each(v, `${name}[${i}]`));
	return [each(value, name)];
}

function alpnList(value: unknown, name: string): string[] {
	// strings, or ArrayBuffers of the protocol name's bytes, as the SDK accepts
	return list(value, name, (v, n) => {
		const text = v instanceof ArrayBuffer ? String.fromArrayBuffer(v) : v;
		if (typeof text !== "string" || !text.length || text.length > 255)
			bad(`${n} must be a protocol name of 1 to 255 characters (a string or an ArrayBuffer)`);
		return text as string;
	});
}

/** what both sides resolve alike */
export interface CommonOptions {
	minVersion: number;
	maxVersion: number;
	trace: ((line: string) => void) | undefined;
	signatureAlgorithms: number[];
	alpn: string[] | undefined;
	suites: number[];
	groups: number[];
	recordSizeLimit: number | undefined;
	keylog: ((line: string) => void) | undefined;
	handshakeTimeout: number;
	time: number | undefined;
}

/** the secure dictionary as an object whose keys are all in `known` (`other`: the other side's options, named in the error) */
export function secureDictionary(secure: unknown, known: ReadonlySet<string>, other: readonly string[], side: string): { [key: string]: unknown } {
	const s = (secure ?? {}) as { [key: string]: unknown };
	if (typeof s !== "object")
		bad("secure must be an object");
	const keys = Object.keys(s);
	for (let i = 0; i < keys.length; i++)
		if (!known.has(keys[i]))
			bad(`unknown option "${keys[i]}" in secure` + (other.includes(keys[i]) ? ` (a ${side} option)` : ""));
	return s;
}

export function resolveCommon(s: { [key: string]: unknown }): CommonOptions {
	const minVersion = s.protocolVersion === undefined ? TLS12 : version(s.protocolVersion, "protocolVersion");
	const maxVersion = s.maxVersion === undefined ? TLS13 : version(s.maxVersion, "maxVersion");
	if (minVersion > maxVersion)
		bad("protocolVersion (the minimum) is above maxVersion");
	let traceTo: ((line: string) => void) | undefined;
	if (s.trace === true)
		traceTo = (line) => trace(`tls: ${line}\n`);
	else if (typeof s.trace === "function")
		traceTo = s.trace as (line: string) => void;
	else if (s.trace !== undefined && s.trace !== false)
		bad("trace must be a boolean or a function");
	let signatureAlgorithms = DEFAULT_SCHEMES;
	if (s.tls_signature_algorithms !== undefined)
		signatureAlgorithms = list(s.tls_signature_algorithms, "tls_signature_algorithms", (v, n) => {
			const code = typeof v === "string" ? SCHEMES[v] : v;
			if (typeof code !== "number" || !DEFAULT_SCHEMES.includes(code))
				bad(`${n}: unsupported signature algorithm ${String(v)}`);
			return code as number;
		});
	const alpnValue = s.tls_application_layer_protocol_negotiation ?? s.applicationLayerProtocolNegotiation;
	const alpn = alpnValue === undefined ? undefined : alpnList(alpnValue, "applicationLayerProtocolNegotiation");
	let suites = DEFAULT_SUITES;
	if (s.cipherSuites !== undefined)
		suites = list(s.cipherSuites, "cipherSuites", (v, n) => {
			const suite = typeof v === "string" ? suiteByName(v) : undefined;
			if (!suite)
				bad(`${n}: unknown cipher suite ${String(v)} (known: ${SUITES.map((x) => x.name).join(", ")})`);
			return suite.code;
		});
	let groups = DEFAULT_GROUPS;
	if (s.groups !== undefined)
		groups = list(s.groups, "groups", (v, n) => {
			const g = typeof v === "string" ? GROUPS[v] : undefined;
			if (!g)
				bad(`${n}: unknown group ${String(v)} (known: x25519, secp256r1, secp384r1)`);
			return g;
		});
	let recordSizeLimit: number | undefined;
	if (s.recordSizeLimit !== undefined) {
		const v = s.recordSizeLimit;
		if (typeof v !== "number" || v < 64 || v > 16385 || (v | 0) !== v)
			bad("recordSizeLimit must be an integer from 64 to 16385");
		recordSizeLimit = v;
	}
	if (s.keylog !== undefined && typeof s.keylog !== "function")
		bad("keylog must be a function");
	let handshakeTimeout = 30000;
	if (s.handshakeTimeout !== undefined) {
		if (typeof s.handshakeTimeout !== "number" || s.handshakeTimeout <= 0)
			bad("handshakeTimeout must be a positive number of milliseconds");
		handshakeTimeout = s.handshakeTimeout;
	}
	if (s.time !== undefined && typeof s.time !== "number")
		bad("time must be a number of seconds since 1970");
	return {
		minVersion, maxVersion, trace: traceTo, signatureAlgorithms, alpn, suites, groups, recordSizeLimit,
		keylog: s.keylog as ((line: string) => void) | undefined,
		handshakeTimeout,
		time: s.time as number | undefined,
	};
}

export function resolveOptions(secure: SecureOptions | undefined, host: string | undefined): ResolvedOptions {
	const s = secureDictionary(secure, KNOWN, SERVER_OPTIONS, "server");
	const common = resolveCommon(s);
	if (common.minVersion === TLS12 && !TLS12_BUILT) {
		// a build without TLS 1.2 (tls/client12 mapped to tls/no-client12): TLS 1.3 unless 1.2 is asked for
		if (s.protocolVersion !== undefined || common.maxVersion === TLS12)
			throw new RangeError("securesocket: TLS 1.2 is not in this build");
		common.minVersion = TLS13;
	}
	if (s.verify !== undefined && typeof s.verify !== "boolean")
		bad("verify must be a boolean");
	let maxFragmentLength: number | undefined;
	if (s.tls_max_fragment_length !== undefined) {
		const v = s.tls_max_fragment_length;
		const sizes: { [v: number]: number } = { 1: 512, 2: 1024, 3: 2048, 4: 4096, 512: 512, 1024: 1024, 2048: 2048, 4096: 4096 };
		if (typeof v !== "number" || !sizes[v])
			bad("tls_max_fragment_length must be 512, 1024, 2048 or 4096 (or the codes 1 to 4)");
		maxFragmentLength = sizes[v as number];
	}
	let serverName: string | undefined = host;
	let verifyName: string | undefined = host;
	if (s.tls_server_name !== undefined) {
		if (s.tls_server_name === false)
			serverName = undefined;
		else if (typeof s.tls_server_name !== "string" || !s.tls_server_name.length)
			bad("tls_server_name must be a host name");
		else
			serverName = verifyName = s.tls_server_name;
	}
	let shares = 1;
	if (s.keyShares !== undefined) {
		if (typeof s.keyShares !== "number" || s.keyShares < 1 || s.keyShares > common.groups.length || (s.keyShares | 0) !== s.keyShares)
			bad("keyShares must be an integer from 1 to the number of groups");
		shares = s.keyShares;
	}
	if ((s.clientKey === undefined) !== (s.clientCertificates === undefined))
		bad("clientKey and clientCertificates go together");
	if (s.session !== undefined && (typeof s.session !== "object" || s.session === null || !("secret" in (s.session as object))))
		bad("session must be a session object from a previous connection (socket.session)");
	return {
		...common,
		roots: s.certificate === undefined ? [] : list(s.certificate, "certificate", bytes),
		verify: s.verify !== false,
		maxFragmentLength, serverName, verifyName,
		clientKey: s.clientKey === undefined ? undefined : bytes(s.clientKey, "clientKey"),
		clientCertificates: s.clientCertificates === undefined ? undefined : list(s.clientCertificates, "clientCertificates", bytes),
		shares,
		session: s.session as Session | undefined,
	};
}
