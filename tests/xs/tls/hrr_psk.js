// The second ClientHello after a HelloRetryRequest offers the session's PSK only when its hash is
// the selected suite's (RFC 8446 4.1.4: the binder then hashes the transcript with the HRR).
//   build/xsh --manifest manifest.json tests/xs/tls/hrr_psk.js <session suite> <HRR suite>   (hex codes)
// Prints {"suiteAfterHRR", "firstOffersPSK", "secondOffersPSK", "secondShares"}.
import { newClient } from "tls/client12";
import { SUITES } from "tls/suites";
import { TLS12, TLS13 } from "tls/constants";
import { argv } from "xsh";

const HRR_RANDOM = [0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
	0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C];
const sessionSuite = parseInt(argv[1], 16), hrrSuite = parseInt(argv[2], 16);
const session = {
	version: TLS13, suite: sessionSuite, serverName: "localhost", secret: new ArrayBuffer(sessionSuite === 0x1302 ? 48 : 32),
	ticket: new ArrayBuffer(16), id: undefined, ticketAgeAdd: 0, received: Date.now(), lifetime: 3600, alpn: undefined,
	extendedMasterSecret: false,
};
const client = newClient({
	serverName: "localhost", minVersion: TLS12, maxVersion: TLS13, suites: SUITES.map((s) => s.code),
	groups: [0x001D, 0x0017], signatureAlgorithms: [0x0403], session, certificates() { throw new Error("not reached"); },
});

/** the extension types of a ClientHello record */
function extensions(record) {
	let p = 5 + 4 + 2 + 32;
	p += 1 + record[p];                                 // session ID
	p += 2 + ((record[p] << 8) | record[p + 1]);        // cipher suites
	p += 1 + record[p];                                 // compression
	const end = p + 2 + ((record[p] << 8) | record[p + 1]);
	const types = [];
	for (p += 2; p < end; p += 4 + ((record[p + 2] << 8) | record[p + 3]))
		types.push((record[p] << 8) | record[p + 1]);
	return types;
}

client.start();
const first = client.takeOutput();
// a HelloRetryRequest: the selected suite, TLS 1.3, a key share for secp256r1
const sessionIdLength = first[43], sessionId = first.subarray(44, 44 + sessionIdLength);
const exts = [0x00, 0x2B, 0x00, 0x02, 0x03, 0x04, 0x00, 0x33, 0x00, 0x02, 0x00, 0x17];
const body = [0x03, 0x03, ...HRR_RANDOM, sessionIdLength, ...sessionId, hrrSuite >> 8, hrrSuite & 0xFF, 0x00, 0x00, exts.length, ...exts];
const message = [2, 0, body.length >> 8, body.length & 0xFF, ...body];
client.receive(new Uint8Array([22, 3, 3, message.length >> 8, message.length & 0xFF, ...message]));
let second;
// the flight is one buffer of records (a compatibility change_cipher_spec may come first)
for (let o = client.takeOutput(); o; o = client.takeOutput())
	for (let p = 0; p < o.length; p += 5 + ((o[p + 3] << 8) | o[p + 4]))
		if (o[p] === 22) second = o.subarray(p, p + 5 + ((o[p + 3] << 8) | o[p + 4]));
trace(JSON.stringify({
	suiteAfterHRR: client.suite.name,
	firstOffersPSK: extensions(first).includes(41),
	secondOffersPSK: second ? extensions(second).includes(41) : undefined,
	secondIsLast: second ? extensions(second).at(-1) : undefined,
}) + "\n");
