// Mutual TLS (client certificates) against real servers that require one:
//   - OpenSSL s_server -Verify 1 -verify_return_error -CAfile <client CA> -www, TLS 1.3 and 1.2,
//     through SecureSocket (tests/xs/securesocket/client.js: secure.clientKey as DER, PKCS#8 or
//     PKCS#1, secure.clientCertificates as an array of DER certificates). The -www page is the
//     server's view: the client certificate it verified ("Client certificate" ... "Subject:"), and
//     the scheme of our CertificateVerify ("Peer signature type", "Peer signing digest").
//   - Node's tls server (requestCert, rejectUnauthorized), TLS 1.3 and 1.2, through the engine
//     driver (tests/xs/tls/connect.js: clientKey, clientCertificates), which reports
//     getPeerCertificate().
// ECDSA P-256 and RSA-2048 client keys; a client chain (leaf + intermediate); the scheme follows
// the server's list (1.3: ecdsa_secp256r1_sha256 or rsa_pss_rsae_*; 1.2: a scheme whose hash is the
// suite's PRF hash, as we keep only the transcript hash). Refusals: no certificate while one is
// required (certificate_required 116 in 1.3, handshake_failure 40 in 1.2), a certificate from
// another CA (unknown_ca 48), a key that fits none of the server's schemes (an empty Certificate):
// each is -2 with error.remote true and the server's alert.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import tls from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { explain } from "./lib/xsh.mjs";
import { startOpenSSL, runClient as runEngine, explainRun, testPKI, runSecureSocket as runDriver } from "./lib/tls-peers.mjs";

const T = { timeout: 30000 };
const GET = "GET / HTTP/1.0\r\n\r\n";

// ---- certificates ----
// server CA -> server (P-256, localhost and 127.0.0.1)
// client CA -> client-p256 (ECDSA P-256), client-rsa (RSA-2048), client inter CA -> client-chain (P-256)
// other CA  -> stranger (P-256): a client certificate the server does not trust

let certs;
before(() => {
  const dir = mkdtempSync(join(tmpdir(), "tls-mutual-"));
  const { openssl, ec, ca, issue } = testPKI(dir);
  writeFileSync(join(dir, "server.ext"), "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n" +
    "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n");
  writeFileSync(join(dir, "client.ext"), "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n" +
    "extendedKeyUsage=clientAuth\n");
  writeFileSync(join(dir, "ca.ext"), "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n");
  for (const [name, cn] of [["serverca", "Mutual Server CA"], ["clientca", "Mutual Client CA"], ["otherca", "Mutual Other CA"]])
    ca(name, cn);
  // issue() also writes each key's PKCS#8 DER (name.p8.der), what secure.clientKey takes
  issue("server", ec, "/CN=localhost", "serverca", "server.ext");
  issue("client-p256", ec, "/CN=Client P-256/O=SecureSocket Tests", "clientca", "client.ext");
  issue("client-rsa", ["rsa:2048"], "/CN=Client RSA/O=SecureSocket Tests", "clientca", "client.ext");
  issue("clientinter", ec, "/CN=Mutual Client Intermediate", "clientca", "ca.ext");
  issue("client-chain", ec, "/CN=Client Chain/O=SecureSocket Tests", "clientinter", "client.ext");
  issue("stranger", ec, "/CN=Stranger/O=Elsewhere", "otherca", "client.ext");
  // the RSA key as PKCS#1 DER too (RSAPrivateKey, what `openssl genrsa -traditional` writes)
  openssl("rsa", "-in", "client-rsa.key", "-traditional", "-outform", "DER", "-out", "client-rsa.pkcs1.der");
  openssl("x509", "-in", "serverca.crt", "-outform", "DER", "-out", "serverca.der");
  certs = { dir, path: (name) => join(dir, name), pem: (name) => readFileSync(join(dir, name)) };
});
after(() => {
  if (certs) rmSync(certs.dir, { recursive: true, force: true });
});

/** the client identities: key file, certificate files (leaf first), the subject the server must see */
const CLIENTS = {
  p256: { key: "client-p256.p8.der", chain: ["client-p256.der"], subject: "CN=Client P-256, O=SecureSocket Tests", cn: "Client P-256" },
  rsa: { key: "client-rsa.p8.der", chain: ["client-rsa.der"], subject: "CN=Client RSA, O=SecureSocket Tests", cn: "Client RSA" },
  rsaPKCS1: { key: "client-rsa.pkcs1.der", chain: ["client-rsa.der"], subject: "CN=Client RSA, O=SecureSocket Tests", cn: "Client RSA" },
  chain: { key: "client-chain.p8.der", chain: ["client-chain.der", "clientinter.der"], subject: "CN=Client Chain, O=SecureSocket Tests", cn: "Client Chain" },
  stranger: { key: "stranger.p8.der", chain: ["stranger.der"], subject: "CN=Stranger, O=Elsewhere", cn: "Stranger" },
};

// ---- OpenSSL s_server ----

/** s_server with the server's certificate, requiring a client certificate from the client CA */
function sServerArgs({ version, strict = true, extra = [] }) {
  return ["-cert", certs.path("server.crt"), "-key", certs.path("server.key"), "-www",
    "-Verify", "1", ...(strict ? ["-verify_return_error"] : []), "-CAfile", certs.path("clientca.crt"),
    version === "TLS 1.3" ? "-tls1_3" : "-tls1_2", ...extra];
}

async function withSServer(options, fn) {
  const server = await startOpenSSL(sServerArgs(options));
  try {
    return await fn(server);
  }
  finally {
    await server.stop();
  }
}

/** SecureSocket (client.js) to port, trusting the server CA, with the client identity if any */
async function runSecureSocket(port, { client, secure = {}, request = GET } = {}) {
  const id = client && CLIENTS[client];
  const config = {
    port,
    request,
    secure: {
      certificate: certs.path("serverca.der"),
      trace: true,
      ...(id ? { clientKey: certs.path(id.key), clientCertificates: id.chain.map((n) => certs.path(n)) } : {}),
      ...secure,
    },
  };
  return runDriver(config);
}

const why = (r, server) => `${explain(r)}${server ? `\n--- server output\n${server.output()}` : ""}`;

/** the scheme of our CertificateVerify, from our trace */
function sentScheme(r) {
  const line = r.traces.find((t) => t.startsWith("sent Certificate and CertificateVerify"));
  return line?.match(/\((0x[0-9a-f]+)\)$/)?.[1];
}

/** what s_server's -www page says of the client's CertificateVerify, per scheme */
const SERVER_VIEW = {
  "0x403": ["ECDSA", "SHA256"],
  "0x503": ["ECDSA", "SHA384"],
  "0x401": ["RSA", "SHA256"],
  "0x804": ["RSA-PSS", "SHA256"],
  "0x805": ["RSA-PSS", "SHA384"],
  "0x806": ["RSA-PSS", "SHA512"],
};

/** a GET through a server that required our certificate: the page, the server's view of us */
function assertAccepted(r, server, { version, client, scheme, suite }) {
  const w = why(r, server);
  assert.equal(r.code, 0, w);
  assert.equal(r.error, undefined, w);
  assert.equal(r.messages.at(-1), -1, `the server ends with close_notify\n${w}`);
  assert.equal(r.tls.version, version, w);
  if (suite) assert.equal(r.tls.cipherSuite, suite, w);
  assert.ok(r.traces.includes("received CertificateRequest"), w);
  assert.equal(sentScheme(r), scheme, w);
  const page = r.text;
  assert.match(page, /^HTTP\/1\.0 200 ok\r\n/, w);
  assert.match(page, new RegExp(`^New, ${version === "TLS 1.3" ? "TLSv1\\.3" : "TLSv1\\.2"}, Cipher is `, "m"), w);
  assert.match(page, /^\s*Verify return code: 0 \(ok\)$/m, `the server verified our chain\n${w}`);
  // the certificate the server got, and the signature it checked
  const certificate = page.slice(page.indexOf("\nClient certificate\n"));
  assert.ok(page.includes("\nClient certificate\n"), `the server reports a client certificate\n${w}`);
  assert.match(certificate, new RegExp(`^\\s*Subject: ${CLIENTS[client].subject}$`, "m"), w);
  assert.match(certificate, /^\s*Issuer: CN=Mutual Client (CA|Intermediate)$/m, w);
  const [type, digest] = SERVER_VIEW[scheme];
  assert.match(page, new RegExp(`^Peer signature type: ${type}$`, "m"), w);
  assert.match(page, new RegExp(`^Peer signing digest: ${digest}$`, "m"), w);
}

// the matrix: version x client key (x the server's suite or client_sigalgs)
const ACCEPTED = [
  // TLS 1.3: ecdsa_secp256r1_sha256 for P-256, rsa_pss_rsae_sha256 for RSA (our order, the server offers all)
  { version: "TLS 1.3", client: "p256", scheme: "0x403" },
  { version: "TLS 1.3", client: "rsa", scheme: "0x804" },
  // the server's CertificateRequest offers one scheme: we use it
  { version: "TLS 1.3", client: "rsa", scheme: "0x806", extra: ["-client_sigalgs", "RSA-PSS+SHA512"] },
  { version: "TLS 1.3", client: "chain", scheme: "0x403" },
  // TLS 1.2, SHA-256 suites (the server takes our first suite)
  { version: "TLS 1.2", client: "p256", scheme: "0x403", suite: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" },
  { version: "TLS 1.2", client: "rsa", scheme: "0x804", suite: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" },
  { version: "TLS 1.2", client: "rsaPKCS1", scheme: "0x401", extra: ["-client_sigalgs", "RSA+SHA256:ECDSA+SHA256"] },
  { version: "TLS 1.2", client: "chain", scheme: "0x403" },
  // TLS 1.2, SHA-384 suites: the CertificateVerify hash is SHA-384 (it signs Hash(handshake messages),
  // and we keep only the transcript hash, which is the suite's)
  { version: "TLS 1.2", client: "p256", scheme: "0x503", suite: "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", extra: ["-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384"] },
  { version: "TLS 1.2", client: "rsa", scheme: "0x805", suite: "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", extra: ["-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384"] },
];

for (const c of ACCEPTED) {
  const what = `${c.client === "chain" ? "P-256 leaf + intermediate" : c.client === "rsaPKCS1" ? "RSA-2048 (PKCS#1 key)" : c.client === "rsa" ? "RSA-2048" : "ECDSA P-256"}`;
  test(`s_server ${c.version} -Verify: ${what} client certificate, CertificateVerify ${c.scheme}${c.extra ? ` (${c.extra.join(" ")})` : ""}: the server verified it and names its subject`, T, async () => {
    await withSServer({ version: c.version, extra: c.extra }, async (server) => {
      const r = await runSecureSocket(server.port, { client: c.client });
      assertAccepted(r, server, c);
      // s_server's own log of the chain it verified
      assert.match(server.output(), new RegExp(`^depth=0 ${CLIENTS[c.client].subject.replaceAll("=", " = ")}$`, "m"), why(r, server));
    });
  });
}

// ---- refusals: -2 with the server's alert ----

for (const strict of [true, false]) {
  test(`s_server TLS 1.3 -Verify${strict ? " -verify_return_error" : ""}, no client certificate: 1, 3, then -2 certificate_required (116) from the server`, T, async () => {
    await withSServer({ version: "TLS 1.3", strict }, async (server) => {
      const r = await runSecureSocket(server.port, { request: null });
      const w = why(r, server);
      assert.equal(r.code, 0, w);
      // in TLS 1.3 our Finished completes our side: the server's verdict comes after it
      assert.deepEqual(r.messages, [1, 3, -2], w);
      assert.ok(r.traces.includes("sent an empty Certificate (no client certificate for this request)"), w);
      assert.deepEqual(r.error, { name: "Error", message: "tls: the peer sent the alert certificate_required", reason: "certificate_required", remote: true, alert: 116 }, w);
      await server.waitOutput(/peer did not return a certificate/);
    });
  });

  test(`s_server TLS 1.2 -Verify${strict ? " -verify_return_error" : ""}, no client certificate: -2 handshake_failure (40) from the server, no 1`, T, async () => {
    await withSServer({ version: "TLS 1.2", strict }, async (server) => {
      const r = await runSecureSocket(server.port, { request: null });
      const w = why(r, server);
      assert.equal(r.code, 0, w);
      assert.deepEqual(r.messages, [-2], w);
      assert.ok(r.traces.includes("sent an empty Certificate (no client certificate for this request)"), w);
      assert.equal(r.error.remote, true, w);
      assert.equal(r.error.alert, 40, w);
      assert.equal(r.error.reason, "handshake_failure", w);
      await server.waitOutput(/peer did not return a certificate/);
    });
  });
}

for (const version of ["TLS 1.3", "TLS 1.2"]) {
  test(`s_server ${version} -Verify -verify_return_error, a client certificate from another CA: -2 unknown_ca (48) from the server`, T, async () => {
    await withSServer({ version }, async (server) => {
      const r = await runSecureSocket(server.port, { client: "stranger", request: null });
      const w = why(r, server);
      assert.equal(r.code, 0, w);
      assert.deepEqual(r.messages, version === "TLS 1.3" ? [1, 3, -2] : [-2], w);
      assert.equal(sentScheme(r), "0x403", w);
      assert.deepEqual(r.error, { name: "Error", message: "tls: the peer sent the alert unknown_ca", reason: "unknown_ca", remote: true, alert: 48 }, w);
      await server.waitOutput(/depth=0 CN = Stranger, O = Elsewhere/);
    });
  });
}

test("s_server TLS 1.3, the server asks for RSA-PSS only, our key is P-256: we send an empty Certificate, -2 certificate_required (116)", T, async () => {
  await withSServer({ version: "TLS 1.3", extra: ["-client_sigalgs", "RSA-PSS+SHA256"] }, async (server) => {
    const r = await runSecureSocket(server.port, { client: "p256", request: null });
    const w = why(r, server);
    assert.equal(r.code, 0, w);
    assert.deepEqual(r.messages, [1, 3, -2], w);
    assert.ok(r.traces.includes("sent an empty Certificate (no client certificate for this request)"), w);
    assert.equal(r.error.alert, 116, w);
    assert.equal(r.error.remote, true, w);
  });
});

test("s_server TLS 1.2 with a SHA-384 suite, the server asks for SHA-256 schemes only: no scheme we can sign with (the transcript hash is SHA-384), an empty Certificate, -2 handshake_failure (40)", T, async () => {
  await withSServer({ version: "TLS 1.2", extra: ["-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384", "-client_sigalgs", "ECDSA+SHA256:RSA-PSS+SHA256"] }, async (server) => {
    const r = await runSecureSocket(server.port, { client: "p256", request: null });
    const w = why(r, server);
    assert.equal(r.code, 0, w);
    assert.deepEqual(r.messages, [-2], w);
    assert.ok(r.traces.includes("sent an empty Certificate (no client certificate for this request)"), w);
    assert.equal(r.error.alert, 40, w);
    assert.equal(r.error.remote, true, w);
  });
});

// ---- Node's tls server, through the engine driver ----

/**
 * A Node TLS server requiring a client certificate from the client CA; each connection is answered
 * with the subject CN and the issuer CN of the certificate it verified, then ended.
 */
async function withNodeServer(maxVersion, fn) {
  const seen = [];
  const errors = [];
  const server = tls.createServer({
    key: certs.pem("server.key"), cert: certs.pem("server.crt"), ca: [certs.pem("clientca.crt")],
    requestCert: true, rejectUnauthorized: true, minVersion: maxVersion, maxVersion,
  }, (socket) => {
    socket.on("error", (e) => errors.push(e.message));
    const peer = socket.getPeerCertificate(true);
    const view = { authorized: socket.authorized, protocol: socket.getProtocol(), subject: peer.subject?.CN, issuer: peer.issuer?.CN, chainIssuer: peer.issuerCertificate?.issuer?.CN };
    seen.push(view);
    setImmediate(() => socket.end(JSON.stringify(view)));
  });
  server.on("tlsClientError", (e) => errors.push(`tlsClientError: ${e.message}`));
  await new Promise((res) => server.listen(0, "127.0.0.1", res));
  try {
    return await fn(server.address().port, seen, errors);
  }
  finally {
    await new Promise((res) => server.close(res));
  }
}

for (const [version, node, client, issuer] of [
  ["TLS 1.3", "TLSv1.3", "chain", "Mutual Client Intermediate"],
  ["TLS 1.3", "TLSv1.3", "rsa", "Mutual Client CA"],
  ["TLS 1.2", "TLSv1.2", "p256", "Mutual Client CA"],
  ["TLS 1.2", "TLSv1.2", "chain", "Mutual Client Intermediate"],
]) {
  test(`node tls ${version} requestCert: the engine driver's ${client} client certificate, getPeerCertificate() names it`, T, async () => {
    await withNodeServer(node, async (port, seen, errors) => {
      const id = CLIENTS[client];
      const r = await runEngine(port, { trace: true, clientKey: certs.path(id.key), clientCertificates: id.chain.map((n) => certs.path(n)) }, { timeout: 15000 });
      const w = `${explainRun(r)}\n--- server errors\n${errors.join("\n")}`;
      assert.equal(r.code, 0, w);
      assert.equal(r.first("error"), undefined, w);
      assert.equal(r.first("connected").version, version, w);
      assert.ok(r.traces.some((t) => t.startsWith("sent Certificate and CertificateVerify")), w);
      const expected = { authorized: true, protocol: node, subject: id.cn, issuer, chainIssuer: "Mutual Client CA" };
      assert.deepEqual(seen, [expected], w);
      assert.deepEqual(JSON.parse(r.first("data").text), expected, w);
      assert.equal(r.first("closed").clean, true, w);
    });
  });
}
