// The TLS server engine (tests/xs/tls/serve.js in xsh) against Node's tls.connect: each version,
// the suites, ALPN, resumption, a client certificate, and the certificate check on Node's side
// (the chain we send verifies against its CA). Checks getProtocol(), getCipher(), alpnProtocol,
// isSessionReused() and what the server negotiated.
import { test } from "node:test";
import assert from "node:assert/strict";
import tls from "node:tls";
import { serverCertificates, startServer, explainRun } from "./lib/tls-peers.mjs";

const T = { timeout: 30000 };
const fixture = serverCertificates();

/** one connection from Node: sends "hello\n", waits for the echo, ends; resolves to what Node saw */
function nodeClient(port, options) {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port, servername: "localhost", ca: fixture.certs.pem("p256.crt"), ...options });
    let echoed = "";
    const seen = {};
    let session;
    socket.on("session", (s) => {
      session = s;
    });
    socket.on("secureConnect", () => {
      Object.assign(seen, {
        protocol: socket.getProtocol(), cipher: socket.getCipher(), alpn: socket.alpnProtocol,
        reused: socket.isSessionReused(), authorized: socket.authorized, authorizationError: socket.authorizationError,
      });
      socket.write("hello\n");
    });
    socket.on("data", (d) => {
      echoed += d;
      if (echoed.includes("hello\n")) socket.end();
    });
    socket.on("error", reject);
    socket.on("close", () => resolve({ ...seen, echoed, session }));
  });
}

async function serve(options, clients) {
  const server = await startServer({ ...fixture.der.p256, trace: true, connections: clients.length, ...options });
  const seen = [];
  try {
    for (const c of clients)
      seen.push(await nodeClient(server.port, typeof c === "function" ? c(seen) : c));
  }
  finally {
    const s = await server.done;
    seen.server = s;
  }
  return seen;
}

for (const [version, suite, nodeName] of [
  ["TLSv1.3", "TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256"],
  ["TLSv1.3", "TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384"],
  ["TLSv1.3", "TLS_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256"],
  ["TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"],
  ["TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384"],
  ["TLSv1.2", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305"],
]) {
  test(`node ${version}: ${suite}, the chain verifies on Node's side`, T, async () => {
    const seen = await serve({ suites: [suite] }, [{ minVersion: version, maxVersion: version }]);
    const why = explainRun(seen.server);
    assert.equal(seen[0].protocol, version, why);
    assert.equal(seen[0].cipher.standardName, suite);
    assert.equal(seen[0].cipher.name, nodeName);
    assert.equal(seen[0].authorized, true, `${seen[0].authorizationError}\n${why}`);
    assert.equal(seen[0].echoed, "hello\n");
    assert.equal(seen.server.first("connected")?.suite, suite, why);
    assert.equal(seen.server.first("closed")?.clean, true, why);
  });
}

for (const version of ["TLSv1.3", "TLSv1.2"]) {
  test(`node ${version}: RSA certificate, ECDHE_RSA or PSS`, T, async () => {
    const seen = await serve({ ...fixture.der.rsa }, [{ minVersion: version, maxVersion: version, ca: fixture.certs.pem("rsa.crt") }]);
    assert.equal(seen[0].authorized, true, explainRun(seen.server));
    assert.equal(seen[0].protocol, version);
    if (version === "TLSv1.2") assert.match(seen[0].cipher.standardName, /^TLS_ECDHE_RSA_/);
  });

  test(`node ${version}: ALPN`, T, async () => {
    const seen = await serve({ alpn: ["h2", "http/1.1"] }, [{ minVersion: version, maxVersion: version, ALPNProtocols: ["http/1.1"] }]);
    assert.equal(seen[0].alpn, "http/1.1", explainRun(seen.server));
    assert.equal(seen.server.first("connected")?.alpn, "http/1.1");
  });

  test(`node ${version}: resumption (isSessionReused)`, T, async () => {
    const seen = await serve({}, [
      { minVersion: version, maxVersion: version },
      (before) => ({ minVersion: version, maxVersion: version, session: before[0].session }),
    ]);
    const why = explainRun(seen.server);
    assert.ok(seen[0].session, why);
    assert.equal(seen[0].reused, false, why);
    assert.equal(seen[1].reused, true, why);
    assert.equal(seen.server.first("connected", 1)?.resumed, true, why);
  });

  test(`node ${version}: a client certificate, required and verified`, T, async () => {
    const seen = await serve({ clientAuthentication: "require", clientRoots: fixture.der.p384.certificates },
      [{ minVersion: version, maxVersion: version, cert: fixture.certs.pem("p384.crt"), key: fixture.certs.pem("p384.key") }]);
    assert.equal(seen[0].echoed, "hello\n", explainRun(seen.server));
    assert.equal(seen.server.first("connected")?.clientCertificates, 1);
  });
}

test("node: both versions allowed: TLS 1.3", T, async () => {
  const seen = await serve({}, [{}]);
  assert.equal(seen[0].protocol, "TLSv1.3", explainRun(seen.server));
});

test("node: the server limited to TLS 1.2 (no sentinel check on Node's side to trip)", T, async () => {
  const seen = await serve({ maxVersion: "TLS 1.2" }, [{}]);
  assert.equal(seen[0].protocol, "TLSv1.2", explainRun(seen.server));
});

test("node: a client limited to TLS 1.2 while we support 1.3: Node checks the downgrade sentinel and still connects at 1.2", T, async () => {
  const seen = await serve({}, [{ maxVersion: "TLSv1.2" }]);
  assert.equal(seen[0].protocol, "TLSv1.2", explainRun(seen.server));
  assert.equal(seen[0].echoed, "hello\n");
});

test("node: ALPN without overlap: the client gets no_application_protocol", T, async () => {
  const server = await startServer({ ...fixture.der.p256, alpn: ["h2"] });
  const error = await nodeClient(server.port, { ALPNProtocols: ["spdy/1"] }).then(() => undefined, (e) => e);
  const s = await server.done;
  assert.equal(s.first("error")?.alert, 120, explainRun(s));
  assert.match(String(error?.message), /no application protocol/i);
});

test("node: SNI picks the RSA certificate for its name; Node verifies it", T, async () => {
  const seen = await serve({ sni: { "other.test": fixture.der.rsa } }, [{ servername: "other.test", ca: fixture.certs.pem("rsa.crt"), checkServerIdentity: () => undefined }]);
  assert.equal(seen[0].authorized, true, `${seen[0].authorizationError}\n${explainRun(seen.server)}`);
  assert.equal(seen.server.first("connected")?.serverName, "other.test");
});
