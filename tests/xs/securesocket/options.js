// The secure dictionary's validation: each case constructs a SecureSocket (to a port where nothing
// listens) and logs what the constructor threw: {case, name, message}, or {case, constructed: true}
// (the socket is then closed at once).
//   build/xsh tests/xs/securesocket/options.js '<JSON {port}>'
import SecureSocket from "securesocket";
import { argv } from "xsh";

const { port } = JSON.parse(argv[1]);
const log = (o) => trace(JSON.stringify(o) + "\n");

const cases = {
	unknown: { secure: { verfiy: false } },
	verifyString: { secure: { verify: "yes" } },
	fragment3000: { secure: { tls_max_fragment_length: 3000 } },
	version301: { secure: { protocolVersion: 0x301 } },
	versionName: { secure: { protocolVersion: "TLS 1.0" } },
	maxBelowMin: { secure: { protocolVersion: "TLS 1.3", maxVersion: "TLS 1.2" } },
	suiteNope: { secure: { cipherSuites: ["NOPE"] } },
	groupNope: { secure: { groups: ["x448"] } },
	alpnEmpty: { secure: { applicationLayerProtocolNegotiation: [""] } },
	alpnNumber: { secure: { tls_application_layer_protocol_negotiation: 7 } },
	certificateString: { secure: { certificate: "a PEM string" } },
	keylogString: { secure: { keylog: "file.txt" } },
	timeoutZero: { secure: { handshakeTimeout: 0 } },
	serverNameNumber: { secure: { tls_server_name: 42 } },
	schemeNope: { secure: { tls_signature_algorithms: ["rsa_pkcs1_md5"] } },
	sessionBogus: { secure: { session: {} } },
	clientKeyAlone: { secure: { clientKey: new ArrayBuffer(8) } },
	groupsEmpty: { secure: { groups: [] } },
	groupsHole: { secure: { groups: [, "x25519"] } },
	keySharesMore: { secure: { groups: ["x25519"], keyShares: 2 } },
	fragmentString: { secure: { tls_max_fragment_length: "1" } },
	unknownConstructor: { secure: { constructor: 1 } },
	noHost: { host: undefined },
	// the TCP socket refuses it after the engine is made: the engine is disposed, the error is the socket's
	badPort: { port: 70000 },
	listener: { listener: {} },
	// accepted: every known option with a good value
	good: {
		secure: {
			protocolVersion: 0x303, maxVersion: "tls1.3", verify: true, trace: false, tls_max_fragment_length: 2,
			tls_server_name: "localhost", tls_signature_algorithms: ["ecdsa_secp256r1_sha256", 0x0804],
			applicationLayerProtocolNegotiation: "http/1.1", cipherSuites: ["TLS_AES_128_GCM_SHA256", 0x1302],
			groups: ["x25519", "P-256", 24], keyShares: 2, recordSizeLimit: 4096, keylog: () => {}, handshakeTimeout: 1000,
			time: 1700000000, certificate: [new Uint8Array(4), new ArrayBuffer(4)],
		},
	},
};

for (const name in cases) {
	const dictionary = Object.assign({ host: "127.0.0.1", port }, cases[name]);
	try {
		const socket = new SecureSocket(dictionary);
		socket.close();
		log({ case: name, constructed: true });
	}
	catch (e) {
		log({ case: name, name: e.name, message: e.message });
	}
}
log({ end: true });
