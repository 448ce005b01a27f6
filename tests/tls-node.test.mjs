// The TLS client engine (tests/xs/tls/connect.js in xsh) against Node's tls server, TLS 1.3 and
// 1.2: ALPN (we offer h2 and http/1.1, the server picks http/1.1), SNI, resumption, a 100 KB
// response in full-size records, and a server whose ALPN list does not meet ours. The server
// answers with what it negotiated, so each test compares both sides.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import tls from "node:tls";
import { makeCertificates, runClient, explainRun, assertHandshakeError } from "./lib/tls-peers.mjs";

const T = { timeout: 30000 };
const GET = "GET / HTTP/1.0\r\n\r\n";
let certs;

before(() => {
  certs = makeCertificates();
});
after(() => certs?.remove());

/**
 * A Node TLS server on 127.0.0.1, port 0. Each connection: read the request up to a blank line,
 * answer "HTTP/1.0 200 OK" with the server's view as a JSON body (+ `extra` bytes of filler), end.
 */
async function withServer(options, fn, { extra = 0 } = {}) {
  const errors = [];
  const server = tls.createServer({ key: certs.pem(`${options.kind}.key`), cert: certs.pem(`${options.kind}.crt`), ...options.tls }, (socket) => {
    let request = "";
    socket.setEncoding("utf8");
    socket.on("error", (e) => errors.push(e.message));
    socket.on("data", (d) => {
      request += d;
      if (!request.includes("\r\n\r\n")) return;
      const view = {
        protocol: socket.getProtocol(), cipher: socket.getCipher().standardName, alpn: socket.alpnProtocol,
        reused: socket.isSessionReused(), servername: socket.servername, request: request.split("\r\n")[0],
      };
      const json = JSON.stringify(view);
      socket.end(`HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n${json}\n${"x".repeat(extra)}`);
    });
  });
  server.on("tlsClientError", (e) => errors.push(`tlsClientError: ${e.message}`));
  await new Promise((res) => server.listen(0, "127.0.0.1", res));
  try {
    return await fn(server.address().port, errors);
  }
  finally {
    await new Promise((res) => server.close(res));
  }
}

/** the server's view, from the response body */
function serverView(r, connection = 0) {
  const text = r.first("data", connection)?.text ?? "";
  assert.match(text, /^HTTP\/1\.0 200 OK\r\n/, explainRun(r));
  return JSON.parse(text.split("\r\n\r\n")[1].split("\n")[0]);
}

function assertClean(r, errors) {
  const why = `${explainRun(r)}\n--- server errors\n${errors.join("\n")}`;
  assert.equal(r.code, 0, why);
  assert.equal(r.first("error"), undefined, why);
  assert.deepEqual(errors, [], why);
  return why;
}

const NAMES = { "TLS 1.3": "TLSv1.3", "TLS 1.2": "TLSv1.2" };

for (const [version, kind, suite] of [
  ["TLS 1.3", "p256", "TLS_AES_128_GCM_SHA256"],
  ["TLS 1.3", "rsa", "TLS_AES_256_GCM_SHA384"],
  ["TLS 1.2", "p256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"],
  ["TLS 1.2", "rsa", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"],
]) {
  test(`node ${version}: ${suite} (${kind}), ALPN ["h2","http/1.1"] -> http/1.1, SNI`, T, async () => {
    const tlsOptions = { minVersion: NAMES[version], maxVersion: NAMES[version], ALPNProtocols: ["http/1.1"] };
    await withServer({ kind, tls: tlsOptions }, async (port, errors) => {
      const r = await runClient(port, { request: GET, alpn: ["h2", "http/1.1"], suites: [suite] });
      const why = assertClean(r, errors);
      const c = r.first("connected");
      assert.equal(c.version, version, why);
      assert.equal(c.suite, suite, why);
      assert.equal(c.alpn, "http/1.1", why);
      const view = serverView(r);
      assert.deepEqual(view, { protocol: NAMES[version], cipher: suite, alpn: "http/1.1", reused: false, servername: "localhost", request: "GET / HTTP/1.0" });
      assert.equal(r.first("closed").clean, true, "Node ends with close_notify");
    });
  });
}

test("node TLS 1.3: no ALPN offered: none selected", T, async () => {
  await withServer({ kind: "p256", tls: { minVersion: "TLSv1.3", ALPNProtocols: ["http/1.1"] } }, async (port, errors) => {
    const r = await runClient(port, { request: GET });
    assertClean(r, errors);
    assert.equal(r.first("connected").alpn, undefined);
    assert.equal(serverView(r).alpn, false);
  });
});

test("node TLS 1.3: a server whose ALPN list does not meet ours: its no_application_protocol alert", T, async () => {
  await withServer({ kind: "p256", tls: { minVersion: "TLSv1.3", ALPNProtocols: ["spdy/3"] } }, async (port, errors) => {
    const r = await runClient(port, { request: GET, alpn: ["h2", "http/1.1"] });
    const why = `${explainRun(r)}\n--- server errors\n${errors.join("\n")}`;
    assertHandshakeError(r, why, { alert: 120, remote: true });
  });
});

for (const version of ["TLS 1.3", "TLS 1.2"]) {
  test(`node ${version}: resumption (the server says reused)`, T, async () => {
    await withServer({ kind: "p256", tls: { minVersion: NAMES[version], maxVersion: NAMES[version] } }, async (port, errors) => {
      const r = await runClient(port, { request: GET, resume: true });
      const why = assertClean(r, errors);
      assert.equal(r.first("connected", 0).resumed, false, why);
      assert.equal(r.first("connected", 1).resumed, true, why);
      assert.equal(r.first("connected", 1).version, version, why);
      assert.equal(serverView(r, 0).reused, false);
      assert.equal(serverView(r, 1).reused, true);
    });
  });
}

test("node TLS 1.3: a 100 KB response in full-size records", T, async () => {
  const extra = 100 * 1024;
  await withServer({ kind: "p256", tls: { minVersion: "TLSv1.3" } }, async (port, errors) => {
    const r = await runClient(port, { request: GET, records: true });
    const why = assertClean(r, errors);
    const text = r.first("data").text;
    assert.ok(text.endsWith(`\n${"x".repeat(extra)}`), `${text.length} bytes\n${why.slice(0, 2000)}`);
    const records = r.first("records");
    assert.equal(records.maxProtected, 16384 + 1 + 16, JSON.stringify(records));
    assert.ok(records.types[23] >= 7, JSON.stringify(records));
  }, { extra });
});
