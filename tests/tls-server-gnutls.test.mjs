// The TLS server engine (tests/xs/tls/serve.js in xsh) against GnuTLS's gnutls-cli, TLS 1.3 and 1.2
// chosen with priority strings: suites, groups, certificates, HelloRetryRequest, resumption (-r),
// KeyUpdate (inline ^rekey^), a client certificate. Each test asserts gnutls-cli's description of the
// session and what the server negotiated.
import { test } from "node:test";
import assert from "node:assert/strict";
import { serverCertificates, startServer, runCommand, explainRun } from "./lib/tls-peers.mjs";

const T = { timeout: 30000 };
const fixture = serverCertificates();

const V13 = "NORMAL:-VERS-ALL:+VERS-TLS1.3";
const V12 = "NORMAL:-VERS-ALL:+VERS-TLS1.2";

async function serve(options, priority, { args = [], connections = 1, input = "hello\n", until = /^hello$/m } = {}) {
  const server = await startServer({ ...fixture.der.p256, trace: true, connections, ...options });
  const c = await runCommand("gnutls-cli", ["--insecure", "--sni-hostname", "localhost", "--priority", priority,
    "-p", String(server.port), ...args, "127.0.0.1"], { input, until });
  const s = await server.done;
  return { s, c, why: explainRun(s, c.output) };
}

function assertEcho(r, connection = 0) {
  assert.equal(r.s.first("error"), undefined, r.why);
  assert.match(r.c.output, /^hello$/m, r.why);
  assert.equal(r.s.first("data", connection)?.text, "hello\n", r.why);
  assert.equal(r.s.first("closed", connection)?.clean, true, r.why);
  return r.s.first("connected", connection);
}

for (const [cipher, suite] of [["AES-128-GCM", "TLS_AES_128_GCM_SHA256"], ["AES-256-GCM", "TLS_AES_256_GCM_SHA384"], ["CHACHA20-POLY1305", "TLS_CHACHA20_POLY1305_SHA256"]]) {
  test(`gnutls 1.3: ${cipher}`, T, async () => {
    const r = await serve({}, `${V13}:-CIPHER-ALL:+${cipher}`);
    const c = assertEcho(r);
    assert.equal(c.suite, suite);
    assert.match(r.c.output, new RegExp(`Description: \\(TLS1\\.3-X\\.509\\)-\\(ECDHE-X25519\\)-\\(ECDSA-SECP256R1-SHA256\\)-\\(${cipher}\\)`), r.why);
  });
}

for (const [group, name] of [["x25519", "X25519"], ["secp256r1", "SECP256R1"], ["secp384r1", "SECP384R1"]]) {
  test(`gnutls 1.3: group ${group}`, T, async () => {
    const r = await serve({}, `${V13}:-GROUP-ALL:+GROUP-${name}`);
    assert.equal(assertEcho(r).group, group);
    assert.match(r.c.output, new RegExp(`\\(ECDHE-${name}\\)`), r.why);
  });
}

test("gnutls 1.3: HelloRetryRequest for the one group we take", T, async () => {
  const r = await serve({ groups: ["secp384r1"] }, `${V13}:-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1:+GROUP-SECP384R1`);
  assert.equal(assertEcho(r).group, "secp384r1");
  assert.ok(r.s.traces.some((t) => t.startsWith("sent HelloRetryRequest")), r.why);
  assert.match(r.c.output, /\(ECDHE-SECP384R1\)/, r.why);
});

for (const [kind, sig] of [["p384", "ECDSA-SECP384R1-SHA384"], ["rsa", "RSA-PSS-RSAE-SHA256"]]) {
  test(`gnutls 1.3: ${kind} certificate (${sig})`, T, async () => {
    const r = await serve({ ...fixture.der[kind] }, V13);
    assertEcho(r);
    assert.match(r.c.output, new RegExp(`\\(${sig}\\)`), r.why);
  });
}

for (const [cipher, kind, suite] of [
  ["AES-128-GCM", "p256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"],
  ["AES-256-GCM", "p384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"],
  ["CHACHA20-POLY1305", "p256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"],
  ["AES-128-GCM", "rsa", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"],
  ["AES-256-GCM", "rsa", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"],
  ["CHACHA20-POLY1305", "rsa", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"],
]) {
  test(`gnutls 1.2: ${suite}`, T, async () => {
    const r = await serve({ ...fixture.der[kind] }, `${V12}:-CIPHER-ALL:+${cipher}`);
    const c = assertEcho(r);
    assert.equal(c.version, "TLS 1.2");
    assert.equal(c.suite, suite);
    assert.match(r.c.output, /Options: extended master secret, safe renegotiation/, r.why);
  });
}

for (const [version, priority] of [["1.3", V13], ["1.2", V12]]) {
  test(`gnutls ${version}: resumption (-r)`, T, async () => {
    const r = await serve({}, priority, { args: ["-r"], connections: 2 });
    assert.equal(r.s.first("connected", 0)?.resumed, false, r.why);
    const second = assertEcho(r, 1);
    assert.equal(second.resumed, true);
    assert.match(r.c.output, /This is a resumed session/, r.why);
  });

  test(`gnutls ${version}: a client certificate`, T, async () => {
    const r = await serve({ clientAuthentication: "require", clientRoots: fixture.der.rsa.certificates }, priority,
      { args: ["--x509certfile", fixture.certs.path("rsa.crt"), "--x509keyfile", fixture.certs.path("rsa.key")] });
    assert.equal(assertEcho(r).clientCertificates, 1);
  });
}

test("gnutls 1.3: KeyUpdate from the client (^rekey^), then data", T, async () => {
  const r = await serve({}, V13, { args: ["--inline-commands"], input: "^rekey^\nhello\n" });
  assertEcho(r);
  assert.ok(r.s.traces.includes("received KeyUpdate (update requested)"), r.why);
  assert.ok(r.s.traces.includes("sent KeyUpdate"), r.why);
});

for (const [group, name] of [["x25519", "X25519"], ["secp256r1", "SECP256R1"], ["secp384r1", "SECP384R1"]]) {
  test(`gnutls 1.2: group ${group}`, T, async () => {
    // the P-256 certificate's curve stays among the client's groups (RFC 8422 5.1)
    const r = await serve({ groups: [group] }, `${V12}:-GROUP-ALL:+GROUP-${name}:+GROUP-SECP256R1`);
    assert.equal(assertEcho(r).group, group);
    assert.match(r.c.output, new RegExp(`\\(ECDHE-${name}\\)`), r.why);
  });
}

test("gnutls 1.3: a client certificate from another CA is refused (unknown_ca)", T, async () => {
  const r = await serve({ clientAuthentication: "require", clientRoots: fixture.der.p256.certificates }, V13,
    { args: ["--x509certfile", fixture.certs.path("rsa.crt"), "--x509keyfile", fixture.certs.path("rsa.key")], until: undefined });
  assert.equal(r.s.first("error")?.alert, 48, r.why);
  assert.equal(r.s.first("connected"), undefined);
});

test("gnutls 1.3: ALPN, the server's preference", T, async () => {
  const r = await serve({ alpn: ["h2", "http/1.1"] }, V13, { args: ["--alpn", "http/1.1", "--alpn", "h2"] });
  assert.equal(assertEcho(r).alpn, "h2");
});
