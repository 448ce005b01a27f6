// The TLS server engine (tests/xs/tls/serve.js in xsh) against a hostile raw-TCP client
// (tests/lib/hostile-peer.mjs): garbage, malformed or unacceptable ClientHellos, TLS 1.2 without
// the extended master secret or secure renegotiation, a bad Finished. Each case: the right alert
// reaches the client, the server reports a clean error with that alert, and xsh exits normally.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { makeCertificates, startServer, runClient, explainRun } from "./lib/tls-peers.mjs";
import { clientHello, defaultClientExtensions, rawClient, tls12Client, ext, u16, GROUP } from "./lib/hostile-peer.mjs";

const T = { timeout: 30000 };
let certs, der;

before(() => {
  certs = makeCertificates();
  der = certs.der("p256");
});
after(() => certs?.remove());

/** sends `bytes` to a fresh server; asserts the alert both ways and a clean exit; returns the server's error */
async function refused(bytes, alert, options = {}) {
  const server = await startServer({ ...der, trace: true, ...options });
  const client = await rawClient(server.port, bytes);
  const s = await server.done;
  const why = `${explainRun(s)}\nthe client got: ${JSON.stringify(client.alerts)}`;
  assert.equal(s.code, 0, why);
  const error = s.first("error");
  assert.equal(error?.alert, alert, why);
  assert.equal(error.remote, false, why);
  assert.match(error.message, /^tls: /, why);
  assert.deepEqual(client.alerts.at(-1), { level: 2, description: alert }, why);
  assert.equal(s.first("connected"), undefined, why);
  return error;
}

const exts = (o) => defaultClientExtensions(o);

test("hostile: not TLS at all (an HTTP request): unexpected_message", T, async () => {
  await refused(Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), 10);
});

test("hostile: a record with a bad version byte: protocol_version", T, async () => {
  await refused(Buffer.from([22, 4, 1, 0, 4, 1, 0, 0, 0]), 70);
});

test("hostile: a ClientHello whose fields run past its end: decode_error", T, async () => {
  // an extension whose length runs past the end of the list
  const e = await refused(clientHello({ extensions: [Buffer.from([0, 10, 0, 200, 0, 2])] }), 50);
  assert.match(e.message, /truncated|bad length/);
});

test("hostile: an empty record: unexpected_message", T, async () => {
  await refused(Buffer.from([22, 3, 3, 0, 0]), 10);
});

test("hostile: a handshake message that is not a ClientHello: unexpected_message", T, async () => {
  await refused(Buffer.from([22, 3, 3, 0, 4, 2, 0, 0, 0]), 10);
});

test("hostile: no supported version (TLS 1.1 only): protocol_version", T, async () => {
  await refused(clientHello({ version: 0x0302, extensions: exts({ omit: [43] }) }), 70);
  await refused(clientHello({ extensions: exts({ versions: [0x0302, 0x0301] }) }), 70);
});

test("hostile: no common cipher suite: handshake_failure", T, async () => {
  const e = await refused(clientHello({ suites: [0x009C, 0x002F] }), 40);
  assert.match(e.message, /no cipher suite/);
});

test("hostile: no common group (1.3): handshake_failure", T, async () => {
  const groups = ext(10, Buffer.concat([u16(2), u16(GROUP.secp521r1)]));
  const share = ext(51, Buffer.concat([u16(0)]));
  const list = exts({ omit: [10, 51] });
  const e = await refused(clientHello({ extensions: [...list, groups, share] }), 40);
  assert.match(e.message, /no group/);
});

test("hostile: no common signature algorithm (1.3, rsa_pkcs1_sha1 only): handshake_failure", T, async () => {
  const list = exts({ omit: [13] });
  const e = await refused(clientHello({ extensions: [...list, ext(13, Buffer.concat([u16(2), u16(0x0201)]))] }), 40);
  assert.match(e.message, /no signature algorithm/);
});

test("hostile: TLS 1.2 without the extended master secret: handshake_failure", T, async () => {
  const e = await refused(clientHello({ suites: [0xC02B], extensions: exts({ versions: [0x0303], omit: [23] }) }), 40);
  assert.match(e.message, /extended master secret/);
});

test("hostile: TLS 1.2 without renegotiation_info or its SCSV: handshake_failure", T, async () => {
  const e = await refused(clientHello({ suites: [0xC02B], extensions: exts({ versions: [0x0303], omit: [0xFF01] }) }), 40);
  assert.match(e.message, /secure renegotiation/);
});

test("hostile: a duplicate extension: illegal_parameter", T, async () => {
  const e = await refused(clientHello({ extensions: [...exts(), ext(23)] }), 47);
  assert.match(e.message, /duplicate extension 23/);
});

test("hostile: pre_shared_key not last: illegal_parameter", T, async () => {
  const psk = ext(41, Buffer.from("0009000300010200000000000021200000000000000000000000000000000000000000000000000000000000000000", "hex"));
  const list = exts();
  const e = await refused(clientHello({ extensions: [...list.slice(0, 2), psk, ...list.slice(2)] }), 47);
  assert.match(e.message, /pre_shared_key is not the last/);
});

test("hostile: TLS 1.3 without key_share: missing_extension", T, async () => {
  await refused(clientHello({ extensions: exts({ omit: [51] }) }), 109);
});

test("hostile: TLS 1.3 with compression: illegal_parameter", T, async () => {
  await refused(clientHello({ compression: [1, 0] }), 47);
});

test("hostile: a bad x25519 share (all zeros: a low-order point): illegal_parameter", T, async () => {
  await refused(clientHello({ share: Buffer.alloc(32) }), 47);
});

test("hostile: a share for a group not in supported_groups: illegal_parameter", T, async () => {
  const list = exts({ omit: [10] });
  await refused(clientHello({ extensions: [...list, ext(10, Buffer.concat([u16(2), u16(GROUP.secp256r1)]))] }), 47);
});

test("hostile: TLS_FALLBACK_SCSV with TLS 1.2 while we do 1.3: inappropriate_fallback", T, async () => {
  await refused(clientHello({ suites: [0xC02B, 0x5600], extensions: exts({ versions: [0x0303] }) }), 86);
});

test("hostile: ALPN without a protocol in common: no_application_protocol", T, async () => {
  const name = Buffer.from("spdy/1");
  const alpn = ext(16, Buffer.concat([u16(name.length + 1), Buffer.from([name.length]), name]));
  await refused(clientHello({ extensions: [...exts(), alpn] }), 120, { alpn: ["h2"] });
});

test("hostile: a server_name with a NUL byte: illegal_parameter", T, async () => {
  const name = Buffer.from("local\0host");
  const sni = ext(0, Buffer.concat([u16(name.length + 3), Buffer.from([0]), u16(name.length), name]));
  await refused(clientHello({ extensions: [sni, ...exts({ omit: [0] })] }), 47);
});

test("hostile: TLS 1.2, a bad client Finished: decrypt_error", T, async () => {
  const e = await refused(tls12Client({ finished: (good) => Buffer.from(good.map((b) => b ^ 1)) }), 51);
  assert.match(e.message, /bad client Finished/);
});

test("hostile: TLS 1.2, the scripted client with a good Finished connects (the script is right)", T, async () => {
  const server = await startServer({ ...der, trace: true });
  const client = await rawClient(server.port, tls12Client());
  const s = await server.done;
  assert.equal(s.first("connected")?.version, "TLS 1.2", explainRun(s));
  // our CCS and Finished came back
  assert.ok(client.records.some((r) => r.type === 20), explainRun(s));
});

// ---- our own client, made to misbehave after a correct record layer ----

for (const version of ["TLS 1.3", "TLS 1.2"]) {
  test(`hostile: ${version}, a bad client Finished under correct record protection: decrypt_error`, T, async () => {
    const server = await startServer({ ...der, trace: true });
    const r = await runClient(server.port, { minVersion: version, maxVersion: version, badFinished: true });
    const s = await server.done;
    assert.equal(s.code, 0, explainRun(s));
    assert.equal(s.first("error")?.alert, 51, explainRun(s));
    assert.match(s.first("error").message, /bad client Finished/);
    assert.equal(s.first("connected"), undefined);
    assert.equal(r.first("error")?.alert, 51, explainRun(r));
    assert.equal(r.first("error").remote, true);
  });

  test(`hostile: ${version}, a client CertificateVerify made with another key than the certificate's: decrypt_error`, T, async () => {
    const other = certs.otherKey("p256");
    const server = await startServer({ ...der, trace: true, clientAuthentication: "require", clientRoots: der.certificates });
    const r = await runClient(server.port, { minVersion: version, maxVersion: version, clientCertificates: der.certificates, clientKey: other });
    const s = await server.done;
    assert.equal(s.first("error")?.alert, 51, explainRun(s));
    assert.match(s.first("error").message, /bad CertificateVerify signature/);
    assert.equal(s.first("connected"), undefined);
    assert.equal(r.first("error")?.alert, 51, explainRun(r));
  });
}

test("hostile: TLS 1.3, a ticket of ours with a bad PSK binder: decrypt_error (not a silent full handshake)", T, async () => {
  const server = await startServer({ ...der, trace: true, connections: 2 });
  const r = await runClient(server.port, { minVersion: "TLS 1.3", resume: true, badBinder: true, request: "hello", closeOn: "hello" });
  const s = await server.done;
  assert.equal(s.first("connected", 0)?.resumed, false, explainRun(s));
  assert.equal(s.first("error", 1)?.alert, 51, explainRun(s));
  assert.match(s.first("error", 1).message, /bad PSK binder/);
  assert.equal(r.first("error", 1)?.alert, 51, explainRun(r));
});

// ---- TLS 1.3: what the client may send in plaintext after our ServerHello ----

/** a TLS 1.3 ClientHello, then, once the server's flight came, `answer` (plaintext records) */
async function afterServerHello(answer) {
  const server = await startServer({ ...der, trace: true });
  let sent = false;
  await rawClient(server.port, (received) => {
    if (!received.length) return clientHello({ extensions: exts() });
    if (sent || received.length < 5) return undefined;
    sent = true;
    return answer;
  });
  const s = await server.done;
  return { s, error: s.first("error"), why: explainRun(s) };
}

test("hostile 1.3: a plaintext alert right after our ServerHello (as OpenSSL clients send when they refuse our certificate): the client's reason, remote", T, async () => {
  const { s, error, why } = await afterServerHello(Buffer.from([21, 3, 3, 0, 2, 2, 48]));
  assert.equal(s.code, 0, why);
  assert.deepEqual({ alert: error?.alert, remote: error?.remote, message: error?.message },
    { alert: 48, remote: true, message: "tls: the peer sent the alert unknown_ca" }, why);
});

test("hostile 1.3: any other plaintext record after our ServerHello (a handshake record): unexpected_message", T, async () => {
  const { s, error, why } = await afterServerHello(Buffer.from([22, 3, 3, 0, 4, 20, 0, 0, 0]));
  assert.equal(s.code, 0, why);
  assert.deepEqual({ alert: error?.alert, remote: error?.remote }, { alert: 10, remote: false }, why);
  assert.match(error.message, /unprotected record after the handshake keys/, why);
});

test("hostile 1.3: a plaintext alert of 3 bytes after our ServerHello: unexpected_message (only a well-formed two-byte alert is taken)", T, async () => {
  const { error, why } = await afterServerHello(Buffer.from([21, 3, 3, 0, 3, 2, 48, 0]));
  assert.deepEqual({ alert: error?.alert, remote: error?.remote }, { alert: 10, remote: false }, why);
});
