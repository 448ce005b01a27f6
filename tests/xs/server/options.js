// The server-side secure dictionary's validation (modules/securesocket/serveroptions.ts), for
// tests/securesocket-server.test.mjs: each case resolves a dictionary and logs {case, name, message}
// of what it threw, or {case, ok: true, ...what it resolved}: the options as the server engine made from
// them sees them (accept.ts; the defaults are its options' prototype).
//   build/xsh tests/xs/server/options.js <dir with leaf.der, leaf.key.der, other.key.der, ca.der>
import { resolveServerOptions } from "../../../build/js/modules/securesocket/serveroptions.js";
import { serverEngine } from "../../../build/js/modules/securesocket/accept.js";
import { argv, readFile } from "xsh";

const dir = argv[1];
const log = (o) => trace(JSON.stringify(o) + "\n");
const leaf = readFile(`${dir}/leaf.der`), key = readFile(`${dir}/leaf.key.der`);
const otherKey = readFile(`${dir}/other.key.der`), ca = readFile(`${dir}/ca.der`);
const base = { certificate: leaf, key };
// the leaf with a letter in its notBefore (UTCTime, tag 23, 13 bytes): its outline is intact, its time is not
const badTime = new Uint8Array(leaf.slice(0));
for (let i = 0; i + 15 <= badTime.length; i++)
	if (badTime[i] === 23 && badTime[i + 1] === 13) {
		badTime[i + 4] = 0x58;
		break;
	}

const cases = {
	none: undefined,
	noCertificate: { key },
	noKey: { certificate: leaf },
	certificateString: { certificate: "PEM text", key },
	emptyChain: { certificate: [], key },
	badKey: { certificate: leaf, key: new Uint8Array([48, 3, 2, 1, 0]) },
	keyMismatch: { certificate: leaf, key: otherKey },
	notACertificate: { certificate: key, key },
	badTime: { certificate: badTime.buffer, key },
	badTimeAgain: { certificate: badTime.buffer, key },
	unknown: { ...base, bogus: 1 },
	clientOption: { ...base, verify: false },
	clientSession: { ...base, session: {} },
	clientCertificatesChain: { ...base, clientCertificates: [leaf], ca },
	clientCertificatesNoCa: { ...base, clientCertificates: "require" },
	caAlone: { ...base, ca },
	serverNameString: { ...base, serverName: "localhost" },
	ticketKeyShort: { ...base, ticketKey: new ArrayBuffer(16) },
	ticketLifetimeBig: { ...base, ticketLifetime: 604801 },
	ticketsString: { ...base, tickets: "yes" },
	versionOld: { ...base, protocolVersion: 0x301 },
	suiteNope: { ...base, cipherSuites: ["NOPE"] },
	good: {
		certificate: [leaf, ca], key: new Uint8Array(key), clientCertificates: "request", ca: [ca],
		protocolVersion: "TLS 1.2", maxVersion: 0x304, cipherSuites: ["TLS_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"],
		groups: ["secp256r1"], tls_signature_algorithms: ["ecdsa_secp256r1_sha256"], applicationLayerProtocolNegotiation: ["h2", "http/1.1"],
		recordSizeLimit: 1024, trace: false, keylog: () => {}, handshakeTimeout: 5000, time: 1800000000,
		tickets: false, ticketKey: new ArrayBuffer(32), ticketLifetime: 600,
		serverName: (name) => name === "other.test" ? { certificate: leaf, key } : name === "bad.test" ? { certificate: leaf, key: otherKey } : undefined,
	},
	defaults: base,
};

for (const [name, secure] of Object.entries(cases)) {
	try {
		const r = resolveServerOptions(secure);
		const sni = {};
		if (r.selectCredentials)
			for (const host of ["other.test", "unknown.test", "bad.test"]) {
				try {
					const c = r.selectCredentials(host);
					sni[host] = c === undefined ? "default" : c.certificates.length;
				}
				catch (e) {
					sni[host] = e.message;
				}
			}
		const engine = serverEngine(r), o = engine.options;
		log({
			case: name, ok: true, chain: o.credentials.certificates.length, clientAuthentication: o.clientAuthentication ?? "none",
			ca: r.ca?.length ?? 0, minVersion: o.minVersion, maxVersion: o.maxVersion, suites: o.suites.length, groups: o.groups,
			alpn: o.alpn, tickets: o.tickets, ticketKey: o.ticketKey?.byteLength, ticketLifetime: o.ticketLifetime, sni,
		});
		engine.dispose();
	}
	catch (e) {
		log({ case: name, name: e.name, message: e.message });
	}
}
log({ end: true });
