// The TLS client engine (tests/xs/tls/connect.js in xsh) against GnuTLS's gnutls-serv: TLS 1.3
// and 1.2 through priority strings, record_size_limit (GnuTLS honours it: the server's records
// must fit our limit), resumption, HelloRetryRequest, the extended master secret required, and
// the server's CertificateRequest answered with an empty Certificate. The server's own report of
// each connection ("- Description: ...") is checked against what the driver negotiated.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { makeCertificates, startGnuTLS, runClient, explainRun, assertHandshakeError } from "./lib/tls-peers.mjs";

const T = { timeout: 30000 };
const GET = "GET / HTTP/1.0\r\n\r\n";
let certs, body, bodyFile;

before(() => {
  certs = makeCertificates();
  // the response body: 8 KB of text, more than one 512-byte record and more than one 4 KB one
  body = randomBytes(6000).toString("base64");
  bodyFile = certs.path("body.txt");
  writeFileSync(bodyFile, body);
});
after(() => certs?.remove());

const TLS13 = "NORMAL:-VERS-ALL:+VERS-TLS1.3";
const TLS12 = "NORMAL:-VERS-ALL:+VERS-TLS1.2";

async function withServer(kind, priority, fn) {
  const server = await startGnuTLS(["--http", `--httpdata=${bodyFile}`,
    `--x509certfile=${certs.path(`${kind}.crt`)}`, `--x509keyfile=${certs.path(`${kind}.key`)}`, `--priority=${priority}`]);
  try {
    return await fn(server);
  }
  finally {
    await server.stop();
  }
}

/** the driver got the whole response (status, headers, our body) and a clean close */
function assertResponse(r, server, connection = 0) {
  const why = explainRun(r, server);
  assert.equal(r.code, 0, why);
  assert.equal(r.first("error"), undefined, why);
  const text = r.first("data", connection)?.text ?? "";
  assert.match(text, /^HTTP\/1\.0 200 OK\r\n/, why);
  assert.match(text, new RegExp(`\r\nContent-Length: ${body.length}\r\n`), why);
  assert.ok(text.endsWith(`\r\n\r\n${body}`), `the body arrived whole\n${why}`);
  assert.equal(r.first("closed", connection)?.clean, true, why);
}

const AEAD = {
  TLS_AES_128_GCM_SHA256: "AES-128-GCM", TLS_AES_256_GCM_SHA384: "AES-256-GCM", TLS_CHACHA20_POLY1305_SHA256: "CHACHA20-POLY1305",
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: "AES-128-GCM", TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: "AES-128-GCM",
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: "AES-256-GCM", TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: "AES-256-GCM",
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: "CHACHA20-POLY1305", TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: "CHACHA20-POLY1305",
};
const GROUP = { x25519: "X25519", secp256r1: "SECP256R1", secp384r1: "SECP384R1" };

/** the server's "- Description:" lines, e.g. "(TLS1.3-X.509)-(ECDHE-X25519)-(ECDSA-SECP256R1-SHA256)-(AES-128-GCM)" */
async function descriptions(server, n) {
  await server.waitOutput(new RegExp(`(- Description: .*\\n[^]*){${n}}`));
  return [...server.output().matchAll(/^- Description: (.*)$/gm)].map((m) => m[1]);
}

/** what the server reports matches what we negotiated */
function assertServerView(description, c) {
  const version = c.version === "TLS 1.3" ? "TLS1.3" : "TLS1.2";
  assert.ok(description.startsWith(`(${version}-X.509)`), description);
  if (c.group) assert.ok(description.includes(`(ECDHE-${GROUP[c.group]})`), `${description} vs ${c.group}`);
  assert.ok(description.endsWith(`(${AEAD[c.suite]})`), `${description} vs ${c.suite}`);
}

// ---- TLS 1.3 ----

for (const [suite, cipher] of [["TLS_AES_128_GCM_SHA256", "AES-128-GCM"], ["TLS_AES_256_GCM_SHA384", "AES-256-GCM"], ["TLS_CHACHA20_POLY1305_SHA256", "CHACHA20-POLY1305"]]) {
  test(`gnutls 1.3: ${suite} (p256 certificate)`, T, async () => {
    await withServer("p256", `${TLS13}:-CIPHER-ALL:+${cipher}`, async (server) => {
      const r = await runClient(server.port, { request: GET, trace: true });
      assertResponse(r, server);
      const c = r.first("connected");
      assert.equal(c.version, "TLS 1.3");
      assert.equal(c.suite, suite);
      assert.equal(c.group, "x25519");
      const [d] = await descriptions(server, 1);
      assertServerView(d, c);
      assert.match(d, /\(ECDSA-SECP256R1-SHA256\)/);
      // gnutls-serv asks for a client certificate (optional): we answer with none
      assert.ok(r.traces.includes("received CertificateRequest"), r.traces.join("\n"));
      assert.ok(r.traces.includes("sent an empty Certificate (no client certificate for this request)"), r.traces.join("\n"));
    });
  });
}

test("gnutls 1.3: rsa certificate (RSA-PSS CertificateVerify)", T, async () => {
  await withServer("rsa", TLS13, async (server) => {
    const r = await runClient(server.port, { request: GET, trace: true });
    assertResponse(r, server);
    const c = r.first("connected");
    assert.equal(c.version, "TLS 1.3");
    assert.ok(r.traces.some((t) => /^received CertificateVerify: 0x80[456], good$/.test(t)), r.traces.join("\n"));
    const [d] = await descriptions(server, 1);
    assertServerView(d, c);
    assert.match(d, /\(RSA-PSS-RSAE-SHA(256|384|512)\)/);
  });
});

test("gnutls 1.3: resumption", T, async () => {
  await withServer("p256", TLS13, async (server) => {
    const r = await runClient(server.port, { request: GET, resume: true, trace: true });
    assertResponse(r, server, 0);
    assertResponse(r, server, 1);
    assert.equal(r.first("connected", 0).resumed, false);
    assert.equal(r.first("connected", 1).resumed, true);
    assert.equal(r.first("connected", 1).certificates, 0);
    await descriptions(server, 2);
    assert.match(server.output(), /\*\*\* This is a resumed session/);
  });
});

test("gnutls 1.3: HelloRetryRequest for secp384r1, then resumption through a HelloRetryRequest", T, async () => {
  await withServer("p256", `${TLS13}:-GROUP-ALL:+GROUP-SECP384R1`, async (server) => {
    const r = await runClient(server.port, { request: GET, resume: true, trace: true });
    assertResponse(r, server, 0);
    assertResponse(r, server, 1);
    for (const i of [0, 1]) {
      const t = r.all("trace", i).map((l) => l.line);
      assert.ok(t.some((l) => /^received HelloRetryRequest: .*group secp384r1/.test(l)), t.join("\n"));
      assert.equal(r.first("connected", i).group, "secp384r1");
    }
    assert.equal(r.first("connected", 1).resumed, true);
    // the second ClientHello carries the ticket again, its binder over the transcript with the HRR
    assert.ok(r.all("trace", 1).some((l) => l.line === "sent ClientHello: TLS 1.3 and TLS 1.2, 9 suites, key shares secp384r1, a session ticket"));
    const [full] = await descriptions(server, 2);
    assert.match(full, /\(ECDHE-SECP384R1\)/);    // (its report of a resumed session names no group)
  });
});

// ---- TLS 1.2 ----

for (const [kind, cipher, suite] of [
  ["p256", "AES-128-GCM", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"],
  ["p256", "CHACHA20-POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"],
  ["rsa", "AES-256-GCM", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"],
]) {
  test(`gnutls 1.2: ${suite} (${kind} certificate)`, T, async () => {
    await withServer(kind, `${TLS12}:-CIPHER-ALL:+${cipher}`, async (server) => {
      const r = await runClient(server.port, { request: GET, trace: true });
      assertResponse(r, server);
      const c = r.first("connected");
      assert.equal(c.version, "TLS 1.2");
      assert.equal(c.suite, suite);
      const [d] = await descriptions(server, 1);
      assertServerView(d, c);
      assert.match(server.output(), /^- Options: extended master secret, safe renegotiation,/m);
      assert.ok(r.traces.includes("received CertificateRequest"), r.traces.join("\n"));
    });
  });
}

test("gnutls 1.2: resumption", T, async () => {
  await withServer("rsa", TLS12, async (server) => {
    const r = await runClient(server.port, { request: GET, resume: true, trace: true });
    assertResponse(r, server, 0);
    assertResponse(r, server, 1);
    assert.equal(r.first("connected", 0).resumed, false);
    assert.equal(r.first("connected", 1).resumed, true);
    await descriptions(server, 2);
    assert.match(server.output(), /\*\*\* This is a resumed session/);
  });
});

test("gnutls 1.2: a server without the extended master secret (%NO_SESSION_HASH): handshake_failure", T, async () => {
  await withServer("p256", `${TLS12}:%NO_SESSION_HASH`, async (server) => {
    const r = await runClient(server.port, { request: GET, trace: true });
    const why = explainRun(r, server);
    assertHandshakeError(r, why, { alert: 40, remote: false, message: /extended master secret/ });
    await server.waitOutput(/A TLS fatal alert has been received/);
  });
});

// ---- record_size_limit (RFC 8449) ----

for (const [version, priority, overhead] of [["1.3", TLS13, 16], ["1.2", TLS12, 8 + 16]]) {
  test(`gnutls ${version}: record_size_limit 512 is honoured (the server's records <= 512 + ${overhead})`, T, async () => {
    await withServer("p256", `${priority}:-CIPHER-ALL:+AES-128-GCM`, async (server) => {
      const plain = await runClient(server.port, { request: GET, records: true });
      assertResponse(plain, server);
      assert.ok(plain.first("records").maxProtected > 512 + overhead, `without the limit: ${JSON.stringify(plain.first("records"))}`);
      const r = await runClient(server.port, { request: GET, records: true, recordSizeLimit: 512 });
      assertResponse(r, server);
      const c = r.first("connected");
      assert.equal(c.version, `TLS ${version}`);
      // our writes stay within it too (TLS 1.3: the limit counts the inner content type: 511)
      assert.ok(c.recordLimit <= (version === "1.3" ? 511 : 512), JSON.stringify(c));
      const records = r.first("records");
      assert.ok(records.maxProtected <= 512 + overhead, JSON.stringify(records));
      assert.ok(records.types[23] >= Math.ceil(body.length / 512), JSON.stringify(records));
    });
  });
}

for (const [version, priority, limit] of [["1.3", TLS13, 512], ["1.2", TLS12, 512]]) {
  test(`gnutls ${version}: the server's record_size_limit (--recordsize=512) bounds our records (a 1500-byte message, echoed)`, T, async () => {
    const message = `${"A".repeat(1500)}END`;
    const server = await startGnuTLS(["--echo", "--recordsize=512", `--priority=${priority}`,
      `--x509certfile=${certs.path("p256.crt")}`, `--x509keyfile=${certs.path("p256.key")}`]);
    try {
      // the server sends its limit only in answer to ours: we advertise the largest, 2^14 + 1
      const r = await runClient(server.port, { request: `${message}\n`, recordSizeLimit: 16385, closeOn: "END" });
      const why = explainRun(r, server);
      assert.equal(r.code, 0, why);
      assert.equal(r.first("error"), undefined, why);
      assert.equal(r.first("connected").version, `TLS ${version}`, why);
      assert.equal(r.first("connected").recordLimit, limit, why);
      assert.equal(r.first("data").text, `${message}\n`, why);    // GnuTLS would refuse a record over its limit
    }
    finally {
      await server.stop();
    }
  });
}
