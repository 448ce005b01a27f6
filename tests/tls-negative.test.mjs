// The TLS client engine (tests/xs/tls/connect.js in xsh) against peers that must be refused: an
// OpenSSL server that speaks only TLS 1.1, and scripted Node peers that answer the ClientHello
// with a ServerHello we must reject: TLS 1.1, a cipher suite we did not offer (1.3 and 1.2), a
// TLS 1.3 suite in a TLS 1.2 ServerHello, the TLS 1.3 downgrade sentinel, an extension we did not
// send, a session ID not echoed. Each test checks the error the driver reports and the alert
// the peer receives. And, engine level: which PSK the ClientHello after a HelloRetryRequest offers.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { join } from "node:path";
import { tcpServer, runXsh, explain } from "./lib/xsh.mjs";
import { makeCertificates, startOpenSSL, runClient, explainRun, projectManifest, tlsDir, assertHandshakeError } from "./lib/tls-peers.mjs";

const T = { timeout: 30000 };
let certs;

before(() => {
  certs = makeCertificates();
});
after(() => certs?.remove());

// ---- a real server that is too old ----

test("openssl TLS 1.1 only (-tls1_1 at SECLEVEL=0): the server refuses us with protocol_version", T, async () => {
  const server = await startOpenSSL(["-cert", certs.path("p256.crt"), "-key", certs.path("p256.key"),
    "-www", "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"]);
  try {
    const r = await runClient(server.port, { request: "GET / HTTP/1.0\r\n\r\n" });
    const why = explainRun(r, server);
    // we offer only TLS 1.3 and 1.2 (supported_versions): no version in common
    assertHandshakeError(r, why, { alert: 70, remote: true });
    await server.waitOutput(/unsupported protocol/);
  }
  finally {
    await server.stop();
  }
});

// ---- scripted peers ----

const u8 = (v) => Buffer.from([v]);
const u16 = (v) => Buffer.from([v >> 8, v & 0xFF]);
const u24 = (v) => Buffer.from([v >> 16, (v >> 8) & 0xFF, v & 0xFF]);
const ext = (type, data) => Buffer.concat([u16(type), u16(data.length), data]);
const x25519Public = () => generateKeyPairSync("x25519").publicKey.export({ format: "der", type: "spki" }).subarray(-32);

/** a ServerHello record */
function serverHello({ version = 0x0303, recordVersion = 0x0303, random = randomBytes(32), sessionId, suite, extensions = [] }) {
  const exts = Buffer.concat(extensions);
  const body = Buffer.concat([u16(version), random, u8(sessionId.length), sessionId, u16(suite), u8(0), u16(exts.length), exts]);
  const message = Buffer.concat([u8(2), u24(body.length), body]);
  return Buffer.concat([u8(22), u16(recordVersion), u16(message.length), message]);
}

/** parses a ClientHello record: session ID and suites */
function parseClientHello(record) {
  let p = 5 + 4 + 2 + 32;
  const sessionId = record.subarray(p + 1, p + 1 + record[p]);
  p += 1 + record[p];
  const n = record.readUInt16BE(p);
  const suites = [];
  for (let i = 0; i < n; i += 2) suites.push(record.readUInt16BE(p + 2 + i));
  return { sessionId, suites };
}

/**
 * A peer that reads the ClientHello, answers answer(hello) and collects what the client sends
 * after. Runs the driver with `options`; resolves to { r, after: Buffer, hello }.
 */
async function scripted(options, answer) {
  let hello, resolveAfter;
  const afterBytes = new Promise((res) => { resolveAfter = res; });
  const peer = await tcpServer((socket) => {
    let got = Buffer.alloc(0), answered = false;
    const afterChunks = [];
    socket.on("data", (d) => {
      if (answered) {
        afterChunks.push(d);
        return;
      }
      got = Buffer.concat([got, d]);
      if (got.length < 5 || got.length < 5 + got.readUInt16BE(3)) return;
      hello = parseClientHello(got);
      answered = true;
      socket.write(answer(hello));
    });
    socket.on("close", () => resolveAfter(Buffer.concat(afterChunks)));
  });
  try {
    const r = await runClient(peer.port, options);
    const timer = setTimeout(() => resolveAfter(undefined), 5000);
    const after = await afterBytes;
    clearTimeout(timer);
    return { r, after, hello };
  }
  finally {
    await peer.close();
  }
}

/** the driver reports our fatal alert, and the peer received exactly that alert record */
function assertRefused({ r, after }, alert, message) {
  const why = `${explainRun(r)}\n--- the peer received after its ServerHello: ${after?.toString("hex")}`;
  assertHandshakeError(r, why, { alert, remote: false, message });
  assert.ok(after, `the client closed the connection\n${why}`);
  assert.equal(after.toString("hex"), Buffer.from([21, 3, 3, 0, 2, 2, alert]).toString("hex"), why);
}

const DOWNGRD_01 = Buffer.from("444f574e47524401", "hex");

test("scripted: a TLS 1.1 ServerHello -> protocol_version", T, async () => {
  const result = await scripted({}, ({ sessionId }) => serverHello({
    version: 0x0302, recordVersion: 0x0302, sessionId: Buffer.alloc(0), suite: 0xC013,
    extensions: [ext(0xFF01, u8(0))],
  }));
  assertRefused(result, 70, /below our minimum/);
});

test("scripted: a TLS 1.3 ServerHello selecting TLS_AES_256_GCM_SHA384, which we did not offer -> illegal_parameter", T, async () => {
  const result = await scripted({ suites: ["TLS_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"] }, ({ sessionId, suites }) => {
    assert.ok(!suites.includes(0x1302), "the ClientHello does not offer 0x1302");
    return serverHello({
      sessionId, suite: 0x1302,
      extensions: [ext(43, u16(0x0304)), ext(51, Buffer.concat([u16(0x001D), u16(32), x25519Public()]))],
    });
  });
  assertRefused(result, 47, /cipher suite 0x1302, which we did not offer/);
  assert.deepEqual(result.hello.suites, [0x1301, 0xC02B]);
});

test("scripted: a TLS 1.2 ServerHello selecting ECDHE-RSA-AES256-GCM-SHA384, which we did not offer -> illegal_parameter", T, async () => {
  const result = await scripted({ maxVersion: "TLS 1.2", suites: ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"] }, ({ sessionId }) => serverHello({
    sessionId: randomBytes(32), suite: 0xC030,
    extensions: [ext(0xFF01, u8(0)), ext(23, Buffer.alloc(0))],
  }));
  assertRefused(result, 47, /cipher suite 0xc030, which we did not offer/);
});

test("scripted: a TLS 1.2 ServerHello selecting a TLS 1.3 suite we offered -> illegal_parameter", T, async () => {
  const result = await scripted({}, () => serverHello({
    sessionId: randomBytes(32), suite: 0x1301,
    extensions: [ext(0xFF01, u8(0)), ext(23, Buffer.alloc(0))],
  }));
  assertRefused(result, 47, /cipher suite 0x1301/);
});

test("scripted: a TLS 1.2 ServerHello with the downgrade sentinel while we offer 1.3 -> illegal_parameter", T, async () => {
  const result = await scripted({}, () => serverHello({
    random: Buffer.concat([randomBytes(24), DOWNGRD_01]), sessionId: randomBytes(32), suite: 0xC02B,
    extensions: [ext(0xFF01, u8(0)), ext(23, Buffer.alloc(0))],
  }));
  assertRefused(result, 47, /downgrade/);
});

test("scripted: a TLS 1.3 ServerHello with an extension we did not send (status_request) -> unsupported_extension", T, async () => {
  const result = await scripted({}, ({ sessionId }) => serverHello({
    sessionId, suite: 0x1301,
    extensions: [ext(43, u16(0x0304)), ext(51, Buffer.concat([u16(0x001D), u16(32), x25519Public()])), ext(5, Buffer.alloc(0))],
  }));
  assertRefused(result, 110, /extension 5, which we did not offer/);
});

test("scripted: a TLS 1.3 ServerHello that does not echo our session ID -> illegal_parameter", T, async () => {
  const result = await scripted({}, () => serverHello({
    sessionId: randomBytes(32), suite: 0x1301,
    extensions: [ext(43, u16(0x0304)), ext(51, Buffer.concat([u16(0x001D), u16(32), x25519Public()]))],
  }));
  assertRefused(result, 47, /echo our session ID/);
});

// ---- resumption through a HelloRetryRequest (engine level, scripted HRR in XS) ----

for (const [sessionSuite, hrrSuite, offered] of [["1302", "1301", false], ["1303", "1301", true], ["1301", "1302", false]]) {
  test(`scripted HRR selecting 0x${hrrSuite}: a 0x${sessionSuite} session's PSK is ${offered ? "" : "not "}offered again (RFC 8446 4.1.4)`, T, async () => {
    const r = await runXsh(join(tlsDir, "hrr_psk.js"), [sessionSuite, hrrSuite], { manifest: projectManifest });
    assert.equal(r.code, 0, explain(r));
    const [result] = r.lines;
    assert.equal(result.firstOffersPSK, true, explain(r));
    assert.equal(result.secondOffersPSK, offered, explain(r));
    assert.equal(result.secondIsLast, offered ? 41 : 45, "pre_shared_key stays last");
  });
}
