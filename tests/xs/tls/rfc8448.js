// Known answers from RFC 8448 section 3 ("Simple 1-RTT Handshake"): our key schedule, Finished
// computation and record layer (RecordLayer + Protection) reproduce the RFC's published values
// byte for byte, from its X25519 keys and its handshake messages as the transcript.
//   build/xsh --manifest manifest.json tests/xs/tls/rfc8448.js
// Prints one JSON line per check: {"check", "ok", "got", "want"} (hex), then {"done": true, count}.
//
// The vectors are copied from RFC 8448 section 3 (test vectors may be copied). They check
// themselves: the handshake messages must hash to the RFC's transcript hashes, and the protected
// records must open (AES-GCM tag) under keys derived from the RFC's secrets, so a copying error
// cannot pass unnoticed.
import { KeySchedule, expandLabel, trafficKeys } from "tls/keyschedule";
import { RecordLayer, Protection } from "tls/record";
import { HandshakeReader } from "tls/handshake";
import { suiteByCode } from "tls/suites";
import { TLS13 } from "tls/constants";
import { ECDH } from "crypto/ecdh";
import { digest } from "crypto/hash";
import { leafKey } from "./leafkey.js";
import { newClient } from "tls/client12";

// ---- RFC 8448 section 3 ----
const V = {
	clientPrivate: "49af42ba7f7994852d713ef2784bcbcaa7911de26adc5642cb634540e7ea5005",
	clientPublic: "99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c",
	serverPrivate: "b1580eeadf6dd589b8ef4f2d5652578cc810e9980191ec8d058308cea216a21e",
	serverPublic: "c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f",
	sharedSecret: "8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d",
	// {client} send handshake record: ClientHello (196 octets)
	clientHello:
		"010000c00303cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef" +
		"6283024dece7000006130113031302010000910000000b000900000673657276" +
		"6572ff01000100000a00140012001d0017001800190100010101020103010400" +
		"230000003300260024001d002099381de560e4bd43d23d8e435a7dbafeb3c06e" +
		"51c13cae4d5413691e529aaf2c002b0003020304000d0020001e040305030603" +
		"020308040805080604010501060102010402050206020202002d00020101001c" +
		"00024001",
	// {server} construct a ServerHello (90 octets)
	serverHello:
		"020000560303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155" +
		"772ed3e2692800130100002e00330024001d0020c9828876112095fe66762bdb" +
		"f7c672e156d6cc253b833df1dd69b1b04e751f0f002b00020304",
	// EncryptedExtensions, Certificate, CertificateVerify, Finished (657 octets)
	serverFlight:
		"080000240022000a00140012001d00170018001901000101010201030104001c" +
		"00024001000000000b0001b9000001b50001b0308201ac30820115a003020102" +
		"020102300d06092a864886f70d01010b0500300e310c300a0603550403130372" +
		"7361301e170d3136303733303031323335395a170d3236303733303031323335" +
		"395a300e310c300a0603550403130372736130819f300d06092a864886f70d01" +
		"0101050003818d0030818902818100b4bb498f8279303d980836399b36c6988c" +
		"0c68de55e1bdb826d3901a2461eafd2de49a91d015abbc9a95137ace6c1af19e" +
		"aa6af98c7ced43120998e187a80ee0ccb0524b1b018c3e0b63264d449a6d38e2" +
		"2a5fda430846748030530ef0461c8ca9d9efbfae8ea6d1d03e2bd193eff0ab9a" +
		"8002c47428a6d35a8d88d79f7f1e3f0203010001a31a301830090603551d1304" +
		"023000300b0603551d0f0404030205a0300d06092a864886f70d01010b050003" +
		"81810085aad2a0e5b9276b908c65f73a7267170618a54c5f8a7b337d2df7a594" +
		"365417f2eae8f8a58c8f8172f9319cf36b7fd6c55b80f21a03015156726096fd" +
		"335e5e67f2dbf102702e608ccae6bec1fc63a42a99be5c3eb7107c3c54e9b9eb" +
		"2bd5203b1c3b84e0a8b2f759409ba3eac9d91d402dcc0cc8f8961229ac9187b4" +
		"2b4de100000f000084080400805a747c5d88fa9bd2e55ab085a61015b7211f82" +
		"4cd484145ab3ff52f1fda8477b0b7abc90db78e2d33a5c141a078653fa6bef78" +
		"0c5ea248eeaaa785c4f394cab6d30bbe8d4859ee511f602957b15411ac027671" +
		"459e46445c9ea58c181e818e95b8c3fb0bf3278409d3be152a3da5043e063dda" +
		"65cdf5aea20d53dfacd42f74f3140000209b9b141d906337fbd2cbdce71df4de" +
		"da4ab42c309572cb7fffee5454b78f0718",
	// {server} send handshake record: the complete record (679 octets)
	serverFlightRecord:
		"17030302a2d1ff334a56f5bff6594a07cc87b580233f500f45e489e7f33af35e" +
		"df7869fcf40aa40aa2b8ea73f848a7ca07612ef9f945cb960b4068905123ea78" +
		"b111b429ba9191cd05d2a389280f526134aadc7fc78c4b729df828b5ecf7b13b" +
		"d9aefb0e57f271585b8ea9bb355c7c79020716cfb9b1183ef3ab20e37d57a6b9" +
		"d7477609aee6e122a4cf51427325250c7d0e509289444c9b3a648f1d71035d2e" +
		"d65b0e3cdd0cbae8bf2d0b227812cbb360987255cc744110c453baa4fcd61092" +
		"8d809810e4b7ed1a8fd991f06aa6248204797e36a6a73b70a2559c09ead68694" +
		"5ba246ab66e5edd8044b4c6de3fcf2a89441ac66272fd8fb330ef8190579b368" +
		"4596c960bd596eea520a56a8d650f563aad27409960dca63d3e688611ea5e22f" +
		"4415cf9538d51a200c27034272968a264ed6540c84838d89f72c24461aad6d26" +
		"f59ecaba9acbbb317b66d902f4f292a36ac1b639c637ce343117b65962224531" +
		"7b49eeda0c6258f100d7d961ffb138647e92ea330faeea6dfa31c7a84dc3bd7e" +
		"1b7a6c7178af36879018e3f252107f243d243dc7339d5684c8b0378bf30244da" +
		"8c87c843f5e56eb4c5e8280a2b48052cf93b16499a66db7cca71e4599426f7d4" +
		"61e66f99882bd89fc50800becca62d6c74116dbd2972fda1fa80f85df881edbe" +
		"5a37668936b335583b599186dc5c6918a396fa48a181d6b6fa4f9d62d513afbb" +
		"992f2b992f67f8afe67f76913fa388cb5630c8ca01e0c65d11c66a1e2ac4c859" +
		"77b7c7a6999bbf10dc35ae69f5515614636c0b9b68c19ed2e31c0b3b66763038" +
		"ebba42f3b38edc0399f3a9f23faa63978c317fc9fa66a73f60f0504de93b5b84" +
		"5e275592c12335ee340bbc4fddd502784016e4b3be7ef04dda49f4b440a30cb5" +
		"d2af939828fd4ae3794e44f94df5a631ede42c1719bfdabf0253fe5175be898e" +
		"750edc53370d2b",
	// {client} send handshake record: the client Finished (58 octets)
	clientFinishedRecord:
		"170303003575ec4dc238cce60b298044a71e219c56cc77b0517fe9b93c7a4bfc" +
		"44d87f38f80338ac98fc46deb384bd1caeacab6867d726c40546",
	// {server} send handshake record: NewSessionTicket (227 octets)
	ticketRecord:
		"17030300de3a6b8f90414a97d6959c3487680de5134a2b240e6cffac116e95d4" +
		"1d6af8f6b580dcf3d11d63c758db289a015940252f55713e061dc13e078891a3" +
		"8efbcf5753ad8ef170ad3c7353d16d9da773b9ca7f2b9fa1b6c0d4a3d03f75e0" +
		"9c30ba1e62972ac46f75f7b981be63439b2999ce13064615139891d5e4c5b406" +
		"f16e3fc181a77ca475840025db2f0a77f81b5ab05b94c01346755f69232c8651" +
		"9d86cbeeac87aac347d143f9605d64f650db4d023e70e952ca49fe5137121c74" +
		"bc2697687e248746d6df353005f3bce18696129c8153556b3b6c6779b37bf159" +
		"85684f",
	// application data 00..31, both ways, and close_notify, both ways
	clientAppRecord:
		"1703030043a23f7054b62c94d0affafe8228ba55cbefacea42f914aa66bcab3f" +
		"2b9819a8a5b46b395bd54a9a20441e2b62974e1f5a6292a2977014bd1e3deae6" +
		"3aeebb21694915e4",
	serverAppRecord:
		"17030300432e937e11ef4ac740e538ad36005fc4a46932fc3225d05f82aa1b36" +
		"e30efaf97d90e6dffc602dcb501a59a8fcc49c4bf2e5f0a21c0047c2abf33254" +
		"0dd032e167c2955d",
	clientAlertRecord: "1703030013c9872760655666b74d7ff1153efd6db6d0b0e3",
	serverAlertRecord: "1703030013b58fd67166ebf599d24720cfbe7efa7a8864a9",
	// key schedule
	earlySecret: "33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a",
	handshakeSecret: "1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac",
	hashClientHelloServerHello: "860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8",
	clientHandshakeSecret: "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21",
	serverHandshakeSecret: "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38",
	serverHandshakeKey: "3fce516009c21727d0f2e4e86ee403bc",
	serverHandshakeIV: "5d313eb2671276ee13000b30",
	clientHandshakeKey: "dbfaa693d1762c5b666af5d950258d01",
	clientHandshakeIV: "5bd3c71b836e0b76bb73265f",
	hashThroughCertificate: "764d6632b3c35c3f3205e3499ac3edbaabb88295fba751461d3678e2e5ea0687",
	hashThroughCertificateVerify: "edb7725fa7a3473b031ec8ef65a2485493900138a2b91291407d7951a06110ed",
	serverFinished: "9b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718",
	hashThroughServerFinished: "9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13",
	masterSecret: "18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919",
	clientApplicationSecret: "9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5",
	serverApplicationSecret: "a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643",
	exporterSecret: "fe22f881176eda18eb8f44529e6792c50c9a3f89452f68d8ae311b4309d3cf50",
	serverApplicationKey: "9f02283b6c9c07efc26bb9f2ac92e356",
	serverApplicationIV: "cf782b88dd83549aadf1e984",
	clientApplicationKey: "17422dda596ed5d9acd890e3c63f5051",
	clientApplicationIV: "5b78923dee08579033e523d9",
	clientFinished: "a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61",
	hashThroughClientFinished: "209145a96ee8e2a122ff810047cc952684658d6049e86429426db87c54ad143d",
	resumptionMasterSecret: "7df235f2031d2a051287d02b0241b0bfdaf86cc856231f2d5aba46c434ec196c",
	resumptionPSK: "4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3",
	resumptionEarlySecret: "9b2188e9b2fc6d64d71dc329900e20bb41915000f678aa839cbb797cb7d8332c",
};

// ---- helpers ----
const out = (o) => trace(JSON.stringify(o) + "\n");
let count = 0;

function bytes(hexText) {
	const b = new Uint8Array(hexText.length / 2);
	for (let i = 0; i < b.length; i++)
		b[i] = parseInt(hexText.substr(2 * i, 2), 16);
	return b;
}
function hex(data) {
	const b = data instanceof Uint8Array ? data : new Uint8Array(data);
	let s = "";
	for (let i = 0; i < b.length; i++)
		s += (b[i] < 16 ? "0" : "") + b[i].toString(16);
	return s;
}
function concat(...parts) {
	const n = parts.reduce((t, p) => t + p.length, 0);
	const c = new Uint8Array(n);
	let at = 0;
	for (const p of parts) { c.set(p, at); at += p.length; }
	return c;
}
/** compares a computed value (buffer) with the RFC's (hex) */
function check(name, got, want) {
	count++;
	const g = typeof got === "string" ? got : hex(got);
	out({ check: name, ok: g === want, got: g, want });
}
function checkTrue(name, ok, detail) {
	count++;
	out({ check: name, ok: !!ok, got: String(!!ok), want: "true", detail });
}
/** a record layer's streamer that takes every record whole: each record's content to `onRecord` */
function wholeRecords(onRecord) {
	return { onRecord, streamable: () => false, streamData() {}, streamEnd() {} };
}
/** records from `record` (one or more, fed in pieces of `piece` bytes) as [type, content hex] */
function receiveRecords(layer, record, piece = record.length) {
	const got = [];
	layer.streamer = wholeRecords((type, content) => got.push([type, hex(content)]));
	for (let at = 0; at < record.length; at += piece)
		layer.receive(record.subarray(at, Math.min(record.length, at + piece)));
	return got;
}

const SHA256 = "SHA-256";
const suite = suiteByCode(0x1301);     // TLS_AES_128_GCM_SHA256, the RFC's suite
function protection(secret) {
	const { key, iv } = trafficKeys(SHA256, secret, suite.keyLength);
	return new Protection(suite, TLS13, key, iv);
}

// ---- X25519 (RFC 8448: {client} create an ephemeral x25519 key pair; {server} likewise) ----
const clientECDH = new ECDH("x25519", bytes(V.clientPrivate));
check("x25519 client public key", clientECDH.publicKey, V.clientPublic);
const serverECDH = new ECDH("x25519", bytes(V.serverPrivate));
check("x25519 server public key", serverECDH.publicKey, V.serverPublic);
const shared = clientECDH.computeSecret(bytes(V.serverPublic));
check("x25519 shared secret (client side)", shared, V.sharedSecret);
check("x25519 shared secret (server side)", serverECDH.computeSecret(bytes(V.clientPublic)), V.sharedSecret);
clientECDH.close();
serverECDH.close();

// ---- the transcript: the RFC's messages ----
const clientHello = bytes(V.clientHello), serverHello = bytes(V.serverHello), flight = bytes(V.serverFlight);
check("ClientHello carries the client key share", hex(clientHello).includes(V.clientPublic) ? V.clientPublic : "", V.clientPublic);
const hashCHSH = digest(SHA256, concat(clientHello, serverHello));
check("transcript hash ClientHello..ServerHello", hashCHSH, V.hashClientHelloServerHello);

// ---- key schedule: early and handshake secrets, handshake traffic secrets ----
const schedule = new KeySchedule(SHA256);
check("early secret", schedule.secret, V.earlySecret);
schedule.handshake(shared);
check("handshake secret", schedule.secret, V.handshakeSecret);
const clientHS = schedule.derive("c hs traffic", hashCHSH);
const serverHS = schedule.derive("s hs traffic", hashCHSH);
check("client handshake traffic secret", clientHS, V.clientHandshakeSecret);
check("server handshake traffic secret", serverHS, V.serverHandshakeSecret);
const serverHSKeys = trafficKeys(SHA256, serverHS, 16), clientHSKeys = trafficKeys(SHA256, clientHS, 16);
check("server handshake write key", serverHSKeys.key, V.serverHandshakeKey);
check("server handshake write iv", serverHSKeys.iv, V.serverHandshakeIV);
check("client handshake write key", clientHSKeys.key, V.clientHandshakeKey);
check("client handshake write iv", clientHSKeys.iv, V.clientHandshakeIV);

// ---- the server's protected flight through our record layer ----
const flightRecord = bytes(V.serverFlightRecord);
{
	const layer = new RecordLayer();
	layer.version = TLS13;
	layer.setRead(protection(serverHS));
	const got = receiveRecords(layer, flightRecord);
	check("server flight record decrypts to EncryptedExtensions..Finished", got.length === 1 && got[0][0] === 22 ? got[0][1] : JSON.stringify(got), V.serverFlight);
	layer.close();
}
{
	// the same record as TCP might deliver it: in pieces of 7 bytes
	const layer = new RecordLayer();
	layer.version = TLS13;
	layer.setRead(protection(serverHS));
	const got = receiveRecords(layer, flightRecord, 7);
	check("server flight record fed in 7-byte pieces", got.length === 1 && got[0][0] === 22 ? got[0][1] : JSON.stringify(got), V.serverFlight);
	layer.close();
}
{
	// one flipped ciphertext bit: bad_record_mac, and nothing handed on
	const layer = new RecordLayer();
	layer.version = TLS13;
	layer.setRead(protection(serverHS));
	const tampered = flightRecord.slice();
	tampered[300] ^= 1;
	let alert, handed = 0;
	try {
		layer.streamer = wholeRecords(() => handed++);
		layer.receive(tampered);
	}
	catch (e) {
		alert = e.alert;
	}
	check("tampered server flight record: bad_record_mac, nothing handed on", `alert ${alert}, ${handed} records`, "alert 20, 0 records");
	layer.close();
}

// ---- the flight's messages, transcript hashes, CertificateVerify, server Finished ----
const reader = new HandshakeReader();
reader.push(flight);
const messages = [];
for (let m = reader.next(); m; m = reader.next())
	messages.push(m);
check("flight messages", messages.map((m) => m.type).join(","), "8,11,15,20");
const [ee, certificate, certificateVerify, serverFinished] = messages;
const hashThroughCertificate = digest(SHA256, concat(clientHello, serverHello, ee.message, certificate.message));
check("transcript hash through Certificate", hashThroughCertificate, V.hashThroughCertificate);
{
	// The RFC's server certificate has a 1024-bit RSA key, which our crypto refuses by policy (RSA
	// under 2048 bits, docs/crypto-publickey.md): its CertificateVerify cannot be checked here.
	// Certificate: context<1> certificate_list<3> cert_data<3> ...
	const body = certificate.body;
	const length = (body[4] << 16) | (body[5] << 8) | body[6];
	let refused = "accepted";
	try {
		leafKey(body.slice(7, 7 + length));
	}
	catch (e) {
		refused = e.message;
	}
	check("the RFC's 1024-bit RSA certificate key is refused (RSA under 2048 bits)", refused, "crypto: key too small");
	const cv = certificateVerify.body;
	check("CertificateVerify scheme", cv.subarray(0, 2), "0804");
}
const hashThroughCertificateVerify = digest(SHA256, concat(clientHello, serverHello, ee.message, certificate.message, certificateVerify.message));
check("transcript hash through CertificateVerify", hashThroughCertificateVerify, V.hashThroughCertificateVerify);
check("server Finished verify_data (computed)", schedule.finished(serverHS, hashThroughCertificateVerify), V.serverFinished);
check("server Finished verify_data (in the flight)", serverFinished.body, V.serverFinished);
const hashThroughServerFinished = digest(SHA256, concat(clientHello, serverHello, flight));
check("transcript hash through server Finished", hashThroughServerFinished, V.hashThroughServerFinished);

// ---- master secret, application traffic secrets and keys ----
schedule.master();
check("master secret", schedule.secret, V.masterSecret);
const clientApp = schedule.derive("c ap traffic", hashThroughServerFinished);
const serverApp = schedule.derive("s ap traffic", hashThroughServerFinished);
check("client application traffic secret", clientApp, V.clientApplicationSecret);
check("server application traffic secret", serverApp, V.serverApplicationSecret);
check("exporter master secret", schedule.derive("exp master", hashThroughServerFinished), V.exporterSecret);
const serverAppKeys = trafficKeys(SHA256, serverApp, 16), clientAppKeys = trafficKeys(SHA256, clientApp, 16);
check("server application write key", serverAppKeys.key, V.serverApplicationKey);
check("server application write iv", serverAppKeys.iv, V.serverApplicationIV);
check("client application write key", clientAppKeys.key, V.clientApplicationKey);
check("client application write iv", clientAppKeys.iv, V.clientApplicationIV);

// ---- the client Finished, and its record ----
const clientVerify = new Uint8Array(schedule.finished(clientHS, hashThroughServerFinished));
check("client Finished verify_data", clientVerify, V.clientFinished);
const clientFinished = concat(new Uint8Array([20, 0, 0, 32]), clientVerify);
const writer = new RecordLayer();
writer.version = TLS13;
writer.setWrite(protection(clientHS));
check("client Finished record (encrypted)", (writer.seal(22, clientFinished), writer.takeOutput()), V.clientFinishedRecord);

// ---- resumption ----
const hashThroughClientFinished = digest(SHA256, concat(clientHello, serverHello, flight, clientFinished));
check("transcript hash through client Finished", hashThroughClientFinished, V.hashThroughClientFinished);
const resumptionMaster = schedule.derive("res master", hashThroughClientFinished);
check("resumption master secret", resumptionMaster, V.resumptionMasterSecret);

// ---- application records: the server's (ticket, data, close_notify), the client's ----
const reader2 = new RecordLayer();
reader2.version = TLS13;
reader2.setRead(protection(serverApp));
{
	const got = receiveRecords(reader2, bytes(V.ticketRecord));
	const ok = got.length === 1 && got[0][0] === 22 && got[0][1].startsWith("04");
	checkTrue("NewSessionTicket record decrypts (server application keys, sequence 0)", ok, JSON.stringify(got.map((g) => [g[0], g[1].slice(0, 8)])));
	// NewSessionTicket: type(1) length(3) lifetime(4) age_add(4) nonce<1> ...
	const nst = bytes(got[0]?.[1] ?? "");
	const nonce = nst.slice(13, 13 + nst[12]);
	check("ticket nonce", nonce, "0000");
	const psk = expandLabel(SHA256, resumptionMaster, "resumption", nonce, 32);
	check("resumption PSK from the ticket nonce", psk, V.resumptionPSK);
	check("early secret from the resumption PSK", new KeySchedule(SHA256, psk).secret, V.resumptionEarlySecret);
}
const appData = new Uint8Array(50);
for (let i = 0; i < 50; i++)
	appData[i] = i;
{
	const got = receiveRecords(reader2, bytes(V.serverAppRecord));
	check("server application data record decrypts to 00..31", got.length === 1 && got[0][0] === 23 ? got[0][1] : JSON.stringify(got), hex(appData));
	const alert = receiveRecords(reader2, bytes(V.serverAlertRecord));
	check("server close_notify record decrypts", alert.length === 1 && alert[0][0] === 21 ? alert[0][1] : JSON.stringify(alert), "0100");
}
writer.setWrite(protection(clientApp));
check("client application data record (encrypted, sequence 0)", (writer.seal(23, appData), writer.takeOutput()), V.clientAppRecord);
check("client close_notify record (encrypted, sequence 1)", (writer.seal(21, new Uint8Array([1, 0])), writer.takeOutput()), V.clientAlertRecord);
reader2.close();
writer.close();

// ---- our engine's own ClientHello from the RFC's fixed inputs ----
// TLSClient given the RFC's client random and X25519 private key, and the RFC's suites, groups
// (those we implement) and record_size_limit. Where it must match the RFC's ClientHello it is
// compared field by field; where it cannot, the difference is checked to be exactly the documented
// one (docs/TLS.md, "RFC 8448"): a 32-byte legacy_session_id (compatibility mode, RFC 8446 D.4);
// supported_groups and signature_algorithms without P-521, FFDHE, SHA-1 and DSA, which we do not
// implement and so never offer; no renegotiation_info/session_ticket (TLS 1.2 extensions) in a
// TLS 1.3-only hello; and our extension order.
function parseHello(message) {
	let at = 4;
	const u8 = () => message[at++];
	const u16 = () => { const v = (message[at] << 8) | message[at + 1]; at += 2; return v; };
	const take = (n) => { const b = message.subarray(at, at + n); at += n; return b; };
	const hello = { type: message[0], version: u16(), random: take(32) };
	hello.sessionId = take(u8());
	const suites = take(u16());
	hello.suites = [];
	for (let i = 0; i < suites.length; i += 2)
		hello.suites.push((suites[i] << 8) | suites[i + 1]);
	hello.compression = take(u8());
	const end = at + u16();
	hello.extensions = new Map();
	hello.order = [];
	while (at < end) {
		const type = u16();
		hello.order.push(type);
		hello.extensions.set(type, hex(take(u16())));
	}
	hello.rest = message.length - at;
	return hello;
}
/** a u16 list inside an extension body with a 2-byte list length */
function u16List(bodyHex) {
	const list = [];
	for (let i = 4; i < bodyHex.length; i += 4)
		list.push(parseInt(bodyHex.slice(i, i + 4), 16));
	return list;
}
{
	const rfcRandom = bytes(V.clientHello).subarray(6, 38);
	let firstRandom = true;
	const engine = newClient({
		serverName: "server", minVersion: TLS13, maxVersion: TLS13,
		suites: [0x1301, 0x1303, 0x1302], groups: [0x001D, 0x0017, 0x0018], shares: 1,
		// our default schemes (modules/securesocket/options.ts DEFAULT_SCHEMES)
		signatureAlgorithms: [0x0403, 0x0503, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601],
		recordSizeLimit: 0x4001,
		certificates() { throw new Error("rfc8448: no certificate is expected"); },
		random(b) {
			if (firstRandom && b.length === 32) b.set(rfcRandom);
			else b.fill(0x5A);
			firstRandom = false;
		},
		privateKeys: { 0x001D: bytes(V.clientPrivate).buffer },
	});
	engine.start();
	const record = engine.takeOutput();
	engine.dispose();
	const ours = parseHello(record.subarray(5)), rfc = parseHello(bytes(V.clientHello));
	check("engine ClientHello: record header (handshake, 0x0301, length)", record.subarray(0, 5), "160301" + (record.length - 5).toString(16).padStart(4, "0"));
	check("engine ClientHello: legacy_version and the RFC's client random", concat(new Uint8Array([ours.version >> 8, ours.version & 255]), ours.random), "0303" + hex(rfc.random));
	check("engine ClientHello: cipher suites in the RFC's order", ours.suites.map((c) => c.toString(16)).join(","), rfc.suites.map((c) => c.toString(16)).join(","));
	check("engine ClientHello: null compression, nothing after the extensions", `${hex(ours.compression)} ${ours.rest}`, `${hex(rfc.compression)} ${rfc.rest}`);
	for (const [type, name] of [[0x0033, "key_share (x25519, the RFC's public key)"], [0x0000, "server_name"], [0x002B, "supported_versions"],
		[0x002D, "psk_key_exchange_modes"], [0x001C, "record_size_limit"]])
		check(`engine ClientHello: ${name} as the RFC's`, ours.extensions.get(type) ?? "(missing)", rfc.extensions.get(type));
	// the documented differences, and nothing else
	const groups = u16List(ours.extensions.get(0x000A)), rfcGroups = u16List(rfc.extensions.get(0x000A));
	check("engine ClientHello: supported_groups = the RFC's first three (no P-521, no FFDHE)", groups.join(","), rfcGroups.slice(0, 3).join(","));
	const schemes = u16List(ours.extensions.get(0x000D)), rfcSchemes = u16List(rfc.extensions.get(0x000D));
	const left = rfcSchemes.filter((s) => !schemes.includes(s)).map((s) => s.toString(16)).join(",");
	checkTrue("engine ClientHello: signature_algorithms within the RFC's, leaving out only P-521, SHA-1 and DSA ones",
		schemes.every((s) => rfcSchemes.includes(s)) && left === "603,203,201,402,502,602,202", `ours ${schemes.map((s) => s.toString(16))}; RFC's not offered ${left}`);
	const rfcOnly = rfc.order.filter((t) => !ours.extensions.has(t)).map((t) => t.toString(16)).join(",");
	const oursOnly = ours.order.filter((t) => !rfc.extensions.has(t)).map((t) => t.toString(16)).join(",");
	check("engine ClientHello: extensions only the RFC's has (renegotiation_info, session_ticket) / only ours has", `${rfcOnly} / ${oursOnly}`, "ff01,23 / ");
	check("engine ClientHello: legacy_session_id (RFC: empty; ours: 32 bytes, compatibility mode)", `${rfc.sessionId.length} ${ours.sessionId.length}`, "0 32");
}

out({ done: true, count });
