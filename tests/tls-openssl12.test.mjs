// The TLS client engine (tests/xs/tls/connect.js in xsh) against OpenSSL's s_server, TLS 1.2:
// ECDHE-ECDSA and ECDHE-RSA with AES-128/256-GCM and ChaCha20-Poly1305, groups, resumption by
// ticket and by session ID, the extended master secret required, renegotiation refused,
// max_fragment_length, and a TLS 1.3-capable server asked for 1.2 (downgrade sentinel).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeCertificates, startOpenSSL, runClient, startClient, explainRun, withOpenSSL, assertWwwPage, assertHandshakeError } from "./lib/tls-peers.mjs";

const T = { timeout: 30000 };
const GET = "GET / HTTP/1.0\r\n\r\n";
let certs;

before(() => {
  certs = makeCertificates();
});
after(() => certs?.remove());

const certArgs = (name) => ["-cert", certs.path(`${name}.crt`), "-key", certs.path(`${name}.key`)];

const withServer = withOpenSSL;

function assertPage(r, server, connection = 0) {
  const page = assertWwwPage(r, server, connection);
  const why = explainRun(r, server);
  // what every TLS 1.2 connection of ours must have (the server's view)
  assert.match(page, /^Secure Renegotiation IS supported$/m, why);
  assert.match(page, /^\s*Extended master secret: yes$/m, why);
  return page;
}

const connected = (r, connection = 0) => r.first("connected", connection);

// ---- suites (the server picks, from its -cipher list of one) ----

const SUITES = [
  ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256", "p256"],
  ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384", "p256"],
  ["TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305", "p256"],
  ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "rsa"],
  ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384", "rsa"],
  ["TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305", "rsa"],
];

for (const [suite, opensslName, kind] of SUITES) {
  test(`openssl 1.2: ${suite} (${kind} certificate)`, T, async () => {
    await withServer([...certArgs(kind), "-www", "-tls1_2", "-cipher", opensslName], async (server) => {
      const r = await runClient(server.port, { request: GET, trace: true });
      const page = assertPage(r, server);
      const c = connected(r);
      assert.equal(c.version, "TLS 1.2");
      assert.equal(c.suite, suite);
      assert.equal(c.group, "x25519");
      assert.equal(c.certificates, 1);
      assert.match(page, new RegExp(`^New, TLSv1\\.2, Cipher is ${opensslName}$`, "m"), "the server's view");
      const ske = r.traces.find((t) => t.startsWith("received ServerKeyExchange:"));
      assert.match(ske ?? "", kind === "rsa" ? /signature 0x80[456] good$/ : /signature 0x403 good$/, r.traces.join("\n"));
    });
  });
}

for (const [sigalgs, scheme] of [[undefined, "0x403"], ["ECDSA+SHA384", "0x503"]]) {
  test(`openssl 1.2: p384 certificate, ServerKeyExchange signed with ${scheme}${sigalgs ? ` (-sigalgs ${sigalgs})` : ""}`, T, async () => {
    // in TLS 1.2 an ECDSA scheme names the hash only: OpenSSL signs with SHA-256 by default
    await withServer([...certArgs("p384"), "-www", "-tls1_2", ...(sigalgs ? ["-sigalgs", sigalgs] : [])], async (server) => {
      const r = await runClient(server.port, { request: GET, trace: true });
      assertPage(r, server);
      assert.equal(connected(r).version, "TLS 1.2");
      assert.equal(connected(r).certificateBytes, certs.derSize("p384.crt"));
      assert.ok(r.traces.includes(`received ServerKeyExchange: x25519, signature ${scheme} good`), r.traces.join("\n"));
    });
  });
}

test("openssl 1.2: rsa certificate with the server limited to PKCS#1 v1.5 signatures (0x401)", T, async () => {
  await withServer([...certArgs("rsa"), "-www", "-tls1_2", "-sigalgs", "RSA+SHA256"], async (server) => {
    const r = await runClient(server.port, { request: GET, trace: true });
    assertPage(r, server);
    assert.ok(r.traces.some((t) => /^received ServerKeyExchange: x25519, signature 0x401 good$/.test(t)), r.traces.join("\n"));
  });
});

for (const [group, kind] of [["secp256r1", "p256"], ["secp384r1", "p384"]]) {
  test(`openssl 1.2: ECDHE group ${group} (offered alone; ${kind} certificate, whose curve must be offered too)`, T, async () => {
    await withServer([...certArgs(kind), "-www", "-tls1_2"], async (server) => {
      const r = await runClient(server.port, { request: GET, groups: [group], trace: true });
      const page = assertPage(r, server);
      assert.equal(connected(r).group, group);
      assert.match(page, new RegExp(`^Shared groups: ${group}$`, "m"));
    });
  });
}

test("openssl 1.2: a TLS 1.3-capable server, our maximum 1.2 (its downgrade sentinel is expected)", T, async () => {
  await withServer([...certArgs("p256"), "-www"], async (server) => {
    const r = await runClient(server.port, { request: GET, maxVersion: "TLS 1.2", trace: true, records: true });
    const page = assertPage(r, server);
    assert.equal(connected(r).version, "TLS 1.2");
    assert.match(r.first("records").serverRandom, /444f574e47524401$/, "the random ends with DOWNGRD 01 (RFC 8446 4.1.3)");
    assert.ok(r.traces[0] === "sent ClientHello: TLS 1.2, 6 suites, key shares none", r.traces.join("\n"));
    assert.match(page, /^New, TLSv1\.2, /m);
  });
});

// ---- resumption ----

test("openssl 1.2: resumption with a session ticket (RFC 5077)", T, async () => {
  await withServer([...certArgs("p256"), "-www", "-tls1_2"], async (server) => {
    const r = await runClient(server.port, { request: GET, resume: true, trace: true });
    const first = assertPage(r, server, 0);
    const second = assertPage(r, server, 1);
    assert.equal(r.first("session", 0).ticket, true);
    assert.equal(connected(r, 0).resumed, false);
    assert.equal(connected(r, 1).resumed, true);
    assert.equal(connected(r, 1).certificates, 0);
    assert.equal(connected(r, 1).suite, connected(r, 0).suite);
    assert.match(first, /^New, TLSv1\.2, /m);
    assert.match(second, /^Reused, TLSv1\.2, /m, "the server resumed");
  });
});

test("openssl 1.2: resumption by session ID (server without tickets, -no_ticket)", T, async () => {
  await withServer([...certArgs("rsa"), "-www", "-tls1_2", "-no_ticket"], async (server) => {
    const r = await runClient(server.port, { request: GET, resume: true, trace: true });
    const first = assertPage(r, server, 0);
    const second = assertPage(r, server, 1);
    assert.deepEqual(r.first("session", 0), { event: "session", version: "TLS 1.2", connection: 0, ticket: false, id: true });
    assert.equal(connected(r, 1).resumed, true);
    assert.equal(connected(r, 1).certificates, 0);
    assert.match(first, /^New, TLSv1\.2, /m);
    assert.match(second, /^Reused, TLSv1\.2, /m, "the server resumed");
    assert.match(second, /^\s*1 session cache hits$/m);
  });
});

// ---- required extensions ----

test("openssl 1.2: a server without the extended master secret: we refuse (handshake_failure)", T, async () => {
  // OpenSSL 3.0's s_server has no -no_ems; its configuration option does the same
  const conf = join(certs.dir, "no-ems.cnf");
  writeFileSync(conf, "openssl_conf = openssl_init\n[openssl_init]\nssl_conf = ssl_sect\n[ssl_sect]\n" +
    "system_default = system_default_sect\n[system_default_sect]\nOptions = -ExtendedMasterSecret\n");
  await withServer([...certArgs("p256"), "-www", "-tls1_2"], async (server) => {
    const r = await runClient(server.port, { request: GET, trace: true });
    const why = explainRun(r, server);
    assertHandshakeError(r, why, { alert: 40, remote: false, message: /extended master secret/ });
    await server.waitOutput(/alert handshake failure[^\n]*SSL alert number 40/);
  }, { env: { ...process.env, OPENSSL_CONF: conf } });
});

test("openssl 1.2: renegotiation refused: the server's HelloRequest gets no_renegotiation", T, async () => {
  await withServer([...certArgs("p256"), "-tls1_2"], async (server) => {
    const client = startClient(server.port, { request: "hello\n", trace: true, stream: true });
    await server.waitOutput(/^hello$/m);
    await client.waitFor((l) => l.event === "connected");
    const mark = server.output().length;
    server.write("r\n");    // SSL_renegotiate: HelloRequest
    const r = await client.done;
    const why = explainRun(r, server);
    assert.equal(r.code, 0, why);
    // we answer the HelloRequest with a no_renegotiation warning and carry on; OpenSSL, having
    // asked, takes the refusal as fatal (ssl3_read_bytes: SSL_R_NO_RENEGOTIATION) and ends the
    // connection with handshake_failure: a clean failure, reported as the peer's alert
    await server.waitOutput(/no renegotiation/, 10000, mark);
    const e = r.first("error");
    assert.ok(e, why);
    assert.equal(e.alert, 40, why);
    assert.equal(e.remote, true, why);
    assert.equal(r.all("connected").length, 1, "no second handshake");
  });
});

// ---- record sizes ----

test("openssl 1.2: max_fragment_length 512 is honoured (records <= 8 + 512 + 16)", T, async () => {
  await withServer([...certArgs("p256"), "-www", "-tls1_2"], async (server) => {
    const r = await runClient(server.port, { request: GET, records: true, maxFragmentLength: 512 });
    assertPage(r, server);
    const records = r.first("records");
    assert.equal(connected(r).recordLimit, 512);
    assert.ok(records.maxProtected <= 8 + 512 + 16 && records.maxPlain <= 512, JSON.stringify(records));
    assert.ok(records.types[23] > 4, JSON.stringify(records));
  });
});
