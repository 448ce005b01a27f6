// SecureSocket (tests/xs/securesocket/client.js in xsh) against lighttpd with its mbedtls and
// wolfSSL TLS modules (Debian packages lighttpd, lighttpd-mod-mbedtls, lighttpd-mod-wolfssl),
// started by the tests on a free loopback port with a generated configuration (`lighttpd -D -f`):
// an HTTPS GET of a 40 KB static file (three full records) must return it byte for byte, with
// verification on (a test CA), ECDSA P-256 and RSA-2048 server certificates, TLS 1.3 and TLS 1.2
// (ssl.openssl.ssl-conf-cmd MinProtocol/MaxProtocol, which both modules take). Mutual TLS too
// (ssl.verifyclient.*): lighttpd's access log names the client certificate it verified.
// Debian 12's mbedtls is 2.28, which has no TLS 1.3: mod_mbedtls speaks TLS 1.2 only, and a test
// says so (a client that requires TLS 1.3 is refused with handshake_failure).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync, existsSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { explain } from "./lib/xsh.mjs";
import { freePort, waitForPort, testPKI, runSecureSocket } from "./lib/tls-peers.mjs";

const T = { timeout: 30000 };
const START_MS = 10000;

// ---- certificates, the document root ----
// test CA -> server-p256 (ECDSA P-256), server-rsa (RSA-2048), both for localhost and 127.0.0.1
// client CA -> client-p256, client-rsa (for ssl.verifyclient)

let dir, file;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "tls-lighttpd-"));
  const { openssl, ec, ca, issue } = testPKI(dir);
  writeFileSync(join(dir, "server.ext"), "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n" +
    "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n");
  writeFileSync(join(dir, "client.ext"), "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n");
  for (const [name, cn] of [["ca", "lighttpd Test CA"], ["clientca", "lighttpd Client CA"]])
    ca(name, cn);
  issue("server-p256", ec, "/CN=localhost", "ca", "server.ext");
  issue("server-rsa", ["rsa:2048"], "/CN=localhost", "ca", "server.ext");
  issue("client-p256", ec, "/CN=Client P-256/O=SecureSocket Tests", "clientca", "client.ext");
  issue("client-rsa", ["rsa:2048"], "/CN=Client RSA/O=SecureSocket Tests", "clientca", "client.ext");
  openssl("x509", "-in", "ca.crt", "-outform", "DER", "-out", "ca.der");
  // the file: 40 KB of base64 lines (text, so that read(String) carries it unchanged), random each run
  mkdirSync(join(dir, "www"));
  file = randomBytes(30000).toString("base64").replace(/.{76}/g, "$&\n");
  writeFileSync(join(dir, "www", "data.txt"), file);
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const path = (name) => join(dir, name);

// ---- lighttpd ----

let configs = 0;

/**
 * lighttpd in the foreground with a configuration for `module` ("mbedtls" or "wolfssl"): TLS on
 * 127.0.0.1:<a free port>, the certificate `cert` ("p256" or "rsa"), `protocol` the
 * ssl.openssl.ssl-conf-cmd pairs, `verifyClient` to require a certificate from the client CA.
 * Retries with another port if the first was taken meanwhile.
 * Returns { port, output(), waitOutput(regexp), stop() (resolves to the access log lines) }.
 */
async function startLighttpd(module, { cert = "p256", protocol = {}, verifyClient = false } = {}) {
  const id = ++configs;
  const accessLog = path(`access-${id}.log`);
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const conf = path(`lighttpd-${id}.conf`);
    const q = (s) => JSON.stringify(s);
    const lines = [
      `server.modules += ( ${q(`mod_${module}`)}, "mod_accesslog" )`,
      `server.document-root = ${q(path("www"))}`,
      `server.bind = "127.0.0.1"`,
      `server.port = ${port}`,
      `accesslog.filename = ${q(accessLog)}`,
      `accesslog.format = "%u %s %b %{SSL_PROTOCOL}e %{SSL_CLIENT_S_DN}e"`,
      `ssl.engine = "enable"`,
      `ssl.pemfile = ${q(path(`server-${cert}.crt`))}`,
      `ssl.privkey = ${q(path(`server-${cert}.key`))}`,
    ];
    const cmds = Object.entries(protocol).map(([k, v]) => `${q(k)} => ${q(v)}`);
    if (cmds.length) lines.push(`ssl.openssl.ssl-conf-cmd = ( ${cmds.join(", ")} )`);
    if (verifyClient)
      lines.push(`ssl.verifyclient.activate = "enable"`, `ssl.verifyclient.enforce = "enable"`,
        `ssl.verifyclient.ca-file = ${q(path("clientca.crt"))}`, `ssl.verifyclient.username = "SSL_CLIENT_S_DN_CN"`);
    writeFileSync(conf, lines.join("\n") + "\n");
    const child = spawn("lighttpd", ["-D", "-f", conf], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "", exited = false;
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (d) => { output += d; });
    child.stderr.on("data", (d) => { output += d; });
    child.on("error", (e) => { output += `spawn: ${e.message}\n`; });
    const closed = new Promise((res) => child.on("close", () => { exited = true; res(); }));
    const stop = async () => {
      if (!exited) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
        await closed;
        clearTimeout(timer);
      }
      // lighttpd writes its access log at the latest when it stops
      return existsSync(accessLog) ? readFileSync(accessLog, "utf8").split("\n").filter(Boolean) : [];
    };
    try {
      const end = Date.now() + START_MS;
      while (!/server started/.test(output)) {
        if (exited) throw new Error(`lighttpd exited\n${output}`);
        if (Date.now() > end) throw new Error(`lighttpd did not start in ${START_MS} ms\n${output}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      await waitForPort(port, START_MS, () => !exited);
      /** resolves once the output matches regexp (lighttpd logs to stderr: not in step with the client) */
      const waitOutput = async (regexp, ms = 5000) => {
        const end = Date.now() + ms;
        while (!regexp.test(output)) {
          if (Date.now() > end) throw new Error(`lighttpd did not print ${regexp}\n${output}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      return { port, output: () => output, waitOutput, stop };
    }
    catch (e) {
      lastError = e;
      await stop();
      if (!/in use/i.test(output)) break;
    }
  }
  throw lastError;
}

async function withLighttpd(module, options, fn) {
  const server = await startLighttpd(module, options);
  let log;
  try {
    await fn(server, async () => (log = await server.stop()));
  }
  finally {
    if (!log) await server.stop();
  }
}

const REQUEST = "GET /data.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";

/** SecureSocket to port with the test CA trusted, verification on; `secure` adds options */
async function get(port, secure = {}, request = REQUEST) {
  const config = { port, request, secure: { certificate: path("ca.der"), trace: true, ...secure } };
  return runSecureSocket(config);
}

const why = (r, server, log) => `${explain(r)}\n--- lighttpd\n${server.output()}${log ? `\n--- access log\n${log.join("\n")}` : ""}`;

/** the response is 200 with the file, byte for byte, and the server closed with close_notify */
function assertFile(r, server) {
  const w = why(r, server);
  assert.equal(r.code, 0, w);
  assert.equal(r.error, undefined, w);
  assert.equal(r.messages.at(-1), -1, `close_notify after the response\n${w}`);
  const at = r.text.indexOf("\r\n\r\n");
  assert.ok(at > 0, w);
  const head = r.text.slice(0, at), body = r.text.slice(at + 4);
  assert.match(head, /^HTTP\/1\.1 200 OK\r\n/, w);
  assert.match(head, new RegExp(`\r\nContent-Length: ${file.length}(\r\n|$)`), w);
  assert.match(head, /\r\nServer: lighttpd\//, w);
  assert.equal(body.length, file.length, w);
  assert.ok(body === file, `the body is the file, byte for byte\n${w}`);
  // the file spans several records: full-size ones
  assert.ok(r.events.filter((e) => e.message === 2).length >= 3, w);
}

/** the scheme the server signed its handshake with (our trace) */
function serverScheme(r) {
  const line = r.traces.find((t) => /^received (CertificateVerify|ServerKeyExchange):/.test(t));
  return line?.match(/(0x[0-9a-f]+),? good$/)?.[1];
}

// ---- GET, per module, certificate and version ----

const MATRIX = [];
for (const module of ["mbedtls", "wolfssl"])
  for (const cert of ["p256", "rsa"])
    for (const version of ["TLS 1.3", "TLS 1.2"])
      if (!(module === "mbedtls" && version === "TLS 1.3"))   // mbedtls 2.28: no TLS 1.3 (see below)
        MATRIX.push({ module, cert, version });

for (const { module, cert, version } of MATRIX) {
  const protocol = version === "TLS 1.3" ? { MinProtocol: "TLSv1.3" } : { MaxProtocol: "TLSv1.2" };
  test(`lighttpd mod_${module}, ${version} (${Object.entries(protocol).map(([k, v]) => `${k} ${v}`).join("")}), ${cert === "p256" ? "ECDSA P-256" : "RSA-2048"} certificate: an HTTPS GET returns the 40 KB file byte for byte`, T, async () => {
    await withLighttpd(module, { cert, protocol }, async (server, stop) => {
      // we offer both versions: the server's setting decides
      const r = await get(server.port);
      assertFile(r, server);
      const w = why(r, server);
      assert.equal(r.tls.version, version, w);
      assert.equal(r.tls.certificates, 1, w);
      if (version === "TLS 1.2")
        assert.match(r.tls.cipherSuite, cert === "p256" ? /^TLS_ECDHE_ECDSA_WITH_/ : /^TLS_ECDHE_RSA_WITH_/, w);
      else
        assert.match(r.tls.cipherSuite, /^TLS_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256)$/, w);
      // 1.3: ECDSA P-256 signs with 0x403, RSA with PSS; 1.2: ECDSA (any hash) or RSA PSS / PKCS#1
      const scheme = serverScheme(r);
      if (cert === "p256")
        assert.match(scheme ?? "", version === "TLS 1.3" ? /^0x403$/ : /^0x[456]03$/, w);
      else
        assert.match(scheme ?? "", version === "TLS 1.3" ? /^0x80[456]$/ : /^0x(80[456]|[456]01)$/, w);
      const log = await stop();
      assert.deepEqual(log, [`- 200 ${file.length} - -`], why(r, server, log));
    });
  });
}

test("lighttpd mod_mbedtls: Debian's mbedtls 2.28 has no TLS 1.3: a client that requires it gets handshake_failure (40) from the server; one that allows 1.2 gets 1.2 (no downgrade sentinel)", T, async () => {
  await withLighttpd("mbedtls", { cert: "p256" }, async (server, stop) => {
    let r = await get(server.port, { protocolVersion: "TLS 1.3" });
    let w = why(r, server);
    assert.equal(r.code, 0, w);
    assert.deepEqual(r.messages, [-2], w);
    assert.deepEqual(r.error, { name: "Error", message: "tls: the peer sent the alert handshake_failure", reason: "handshake_failure", remote: true, alert: 40 }, w);
    await server.waitOutput(/no ciphersuites in common/);
    r = await get(server.port);
    assertFile(r, server);
    assert.equal(r.tls.version, "TLS 1.2", why(r, server));
    const log = await stop();
    assert.deepEqual(log, [`- 200 ${file.length} - -`], why(r, server, log));
  });
});

// ---- mutual TLS: ssl.verifyclient ----

for (const [module, version] of [["mbedtls", "TLS 1.2"], ["wolfssl", "TLS 1.3"], ["wolfssl", "TLS 1.2"]]) {
  const protocol = version === "TLS 1.3" ? { MinProtocol: "TLSv1.3" } : { MaxProtocol: "TLSv1.2" };
  test(`lighttpd mod_${module}, ${version}, ssl.verifyclient enforced: ECDSA P-256 and RSA-2048 client certificates; the access log names each; none: refused`, T, async () => {
    await withLighttpd(module, { cert: "p256", protocol, verifyClient: true }, async (server, stop) => {
      const results = [];
      for (const client of ["p256", "rsa"]) {
        const r = await get(server.port, { clientKey: path(`client-${client}.p8.der`), clientCertificates: [path(`client-${client}.der`)] });
        assertFile(r, server);
        const w = why(r, server);
        assert.equal(r.tls.version, version, w);
        assert.ok(r.traces.includes("received CertificateRequest"), w);
        const sent = r.traces.find((t) => t.startsWith("sent Certificate and CertificateVerify"));
        // the scheme fits the key (1.3: the curve's scheme or PSS; 1.2: the suite's hash)
        assert.match(sent ?? "", client === "p256" ? (version === "TLS 1.3" ? /\(0x403\)$/ : /\(0x[45]03\)$/) : (version === "TLS 1.3" ? /\(0x80[456]\)$/ : /\(0x(80[45]|[45]01)\)$/), w);
        results.push(r);
      }
      // and without a certificate: refused. TLS 1.3 (wolfSSL): certificate_required after our
      // Finished. TLS 1.2: both modules close the connection without an alert (OpenSSL's s_client
      // sees the same: "unexpected eof"), which SecureSocket reports as reason "closed".
      const none = await get(server.port, {}, null);
      const w = why(none, server);
      assert.equal(none.code, 0, w);
      assert.ok(none.traces.includes("sent an empty Certificate (no client certificate for this request)"), w);
      if (version === "TLS 1.3") {
        assert.deepEqual(none.messages, [1, 3, -2], w);
        assert.deepEqual(none.error, { name: "Error", message: "tls: the peer sent the alert certificate_required", reason: "certificate_required", remote: true, alert: 116 }, w);
      }
      else {
        assert.deepEqual(none.messages, [-2], w);
        assert.equal(none.error.reason, "closed", w);
        assert.equal(none.error.message, "tls: the server closed the connection during the handshake", w);
      }
      await server.waitOutput(module === "mbedtls" ? /No client certification received from the client, but required/ : /peer did not return a certificate/);
      const log = await stop();
      const p = version === "TLS 1.3" ? "TLSv1.3" : "TLSv1.2";
      assert.deepEqual(log, [
        `Client P-256 200 ${file.length} ${p} CN=Client P-256, O=SecureSocket Tests`,
        `Client RSA 200 ${file.length} ${p} CN=Client RSA, O=SecureSocket Tests`,
      ], why(results[1], server, log));
    });
  });
}
