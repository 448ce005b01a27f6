// SecureSocket on the server side (new SecureSocket({listener, secure})): the secure dictionary's
// validation (modules/securesocket/serveroptions.ts). Certificates: tests/lib/tls-peers.mjs
// makeServerCertificates(). The XS side: tests/xs/server/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import https from "node:https";
import net from "node:net";
import tls from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repo, startXsh, explain, xshPath } from "./lib/xsh.mjs";
import { makeServerCertificates, serverManifest } from "./lib/tls-peers.mjs";

const xsDir = join(repo, "tests", "xs", "server");
const T = { timeout: 60000 };
let certs;
before(() => {
  certs = makeServerCertificates();
});
after(() => certs?.remove());

test("options: missing certificate/key, wrong types, client options, a key that is not the leaf's: TypeError naming the option", T, async () => {
  const dir = mkdtempSync(join(tmpdir(), "server-options-"));
  try {
    copyFileSync(certs.path("server.der"), join(dir, "leaf.der"));
    copyFileSync(certs.path("server.key.der"), join(dir, "leaf.key.der"));
    copyFileSync(certs.path("client.key.der"), join(dir, "other.key.der"));
    copyFileSync(certs.path("ca.der"), join(dir, "ca.der"));
    const r = await startXsh(join(xsDir, "options.js"), [dir], { manifest: serverManifest }).done;
    assert.equal(r.code, 0, explain(r));
    const got = Object.fromEntries(r.lines.filter((l) => l.case).map((l) => [l.case, l]));
    const expect = (name, pattern, type = "TypeError") => {
      assert.ok(got[name], `case ${name}: ${explain(r)}`);
      assert.equal(got[name].name, type, `${name}: ${JSON.stringify(got[name])}`);
      assert.match(got[name].message, pattern, name);
    };
    expect("none", /^securesocket: secure with certificate and key is required for a server/);
    expect("noCertificate", /^securesocket: certificate \(the server's DER chain, leaf first\) is required/);
    expect("noKey", /^securesocket: key \(the server's PKCS#8 DER private key\) is required/);
    expect("certificateString", /^securesocket: certificate must be an ArrayBuffer/);
    expect("emptyChain", /^securesocket: certificate must hold at least the leaf/);
    expect("badKey", /^securesocket: key is not a private key we can use .*crypto: /);
    expect("keyMismatch", /^securesocket: key does not match the public key of certificate\[0\]/);
    expect("notACertificate", /^securesocket: certificate\[0\] is not a certificate we can use: x509: /);
    // parsed whole the first time a buffer is seen (later connections take only its key's outline): a bad
    // time is refused, and again for the same buffer (a certificate that failed is not remembered)
    expect("badTime", /^securesocket: certificate\[0\] is not a certificate we can use: x509: .*time/i);
    expect("badTimeAgain", /^securesocket: certificate\[0\] is not a certificate we can use: x509: .*time/i);
    expect("unknown", /^securesocket: unknown option "bogus" in secure$/);
    expect("clientOption", /^securesocket: unknown option "verify" in secure \(a client option\)/);
    expect("clientSession", /^securesocket: unknown option "session" in secure \(a client option\)/);
    expect("clientCertificatesChain", /^securesocket: clientCertificates must be "request" or "require" on a server/);
    expect("clientCertificatesNoCa", /^securesocket: clientCertificates needs ca/);
    expect("caAlone", /^securesocket: ca \(roots for clients' certificates\) needs clientCertificates/);
    expect("serverNameString", /^securesocket: serverName must be a function/);
    expect("ticketKeyShort", /^securesocket: ticketKey must be 32 bytes/);
    expect("ticketLifetimeBig", /^securesocket: ticketLifetime must be an integer number of seconds from 1 to 604800/);
    expect("ticketsString", /^securesocket: tickets must be a boolean/);
    expect("versionOld", /^securesocket: protocolVersion below TLS 1.2 is not supported/, "RangeError");
    expect("suiteNope", /^securesocket: cipherSuites\[0\]: unknown cipher suite NOPE/);
    assert.deepEqual(got.good, {
      case: "good", ok: true, chain: 2, clientAuthentication: "request", ca: 1, minVersion: 0x303, maxVersion: 0x304,
      suites: 2, groups: [23], alpn: ["h2", "http/1.1"], tickets: false, ticketKey: 32, ticketLifetime: 600,
      sni: {
        "other.test": 1, "unknown.test": "default",
        "bad.test": "securesocket: serverName(): key does not match the public key of serverName(): certificate[0] (the leaf)",
      },
    });
    assert.deepEqual(got.defaults, {
      case: "defaults", ok: true, chain: 1, clientAuthentication: "none", ca: 0, minVersion: 0x303, maxVersion: 0x304,
      suites: 9, groups: [29, 23, 24], tickets: true, sni: {},
    });
    assert.deepEqual(r.lines.at(-1), { end: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---- a server in xsh (tests/xs/server/serve.js) against real clients ----

/**
 * Starts serve.js with certificate/key from the certificates made above (names: "server",
 * "server384", "serverrsa") and more config; resolves to { port, waitFor, child, stop(), done }.
 */
async function startSecureServer(identity = "server", config = {}, { timeout = 120000 } = {}) {
  const ca = config.secure?.ca;
  const secure = { ...(config.secure ?? {}), ...(ca ? { ca: certs.path(`${ca}.der`) } : {}) };
  const run = startXsh(join(xsDir, "serve.js"), [JSON.stringify({
    certificate: certs.path(`${identity}.der`), key: certs.path(`${identity}.key.der`), ...config, secure,
  })], { manifest: serverManifest, timeout });
  const { port } = await run.waitFor((l) => l.event === "listening");
  const done = run.done.then((r) => {
    r.event = (name) => r.lines.filter((l) => l.event === name);
    return r;
  });
  return {
    port, waitFor: run.waitFor, child: run.child, done,
    async stop() {
      run.child.kill("SIGTERM");
      return done;
    },
  };
}

/** runs a client command to its end; resolves to { code, stdout, stderr } */
function command(file, args, { input = "", timeout = 20000 } = {}) {
  return new Promise((res) => {
    const child = spawn(file, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    child.stdout.on("data", (d) => { stdout += d; });
    child.stderr.on("data", (d) => { stderr += d; });
    child.stdin.on("error", () => {});
    const timer = setTimeout(() => child.kill("SIGKILL"), timeout);
    child.on("close", (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

/** the JSON line our responder puts first in its body */
const answer = (text) => JSON.parse(text.slice(text.indexOf("{"), text.indexOf("}") + 1));

test("curl: TLS 1.3 and TLS 1.2 (--tlsv1.x --tls-max), ECDSA P-256, P-384 and RSA certificates, verified with --cacert", T, async () => {
  for (const identity of ["server", "server384", "serverrsa"]) {
    const server = await startSecureServer(identity);
    try {
      for (const [args, version] of [[["--tlsv1.3"], "TLS 1.3"], [["--tlsv1.2", "--tls-max", "1.2"], "TLS 1.2"]]) {
        const r = await command("curl", ["-sS", "--cacert", certs.path("ca.crt"), ...args, `https://localhost:${server.port}/curl`]);
        assert.equal(r.code, 0, `${identity} ${version}: ${r.stderr}`);
        const got = answer(r.stdout);
        assert.equal(got.version, version, `${identity}: ${r.stdout}`);
        if (version === "TLS 1.2")
          assert.match(got.cipherSuite, identity === "serverrsa" ? /^TLS_ECDHE_RSA_WITH_/ : /^TLS_ECDHE_ECDSA_WITH_/);
      }
    } finally {
      const r = await server.stop();
      assert.deepEqual(r.event("error"), [], explain(r));
      assert.equal(r.event("request").length, 2, explain(r));
    }
  }
});

test("curl refuses our certificate without the CA (exit 60), and our server reports the client's alert", T, async () => {
  const server = await startSecureServer();
  try {
    const r = await command("curl", ["-sS", `https://localhost:${server.port}/`]);
    assert.equal(r.code, 60, r.stderr);
    const error = await server.waitFor((l) => l.event === "error");
    assert.match(error.message, /^tls: /);
    assert.equal(error.id, 1);
  } finally {
    await server.stop();
  }
});

test("Node: https.get (TLS 1.3, 1.2) and tls.connect with ALPN, then resumption with the session Node kept (1.3 ticket, 1.2 ticket)", T, async () => {
  const server = await startSecureServer("server", { secure: { applicationLayerProtocolNegotiation: ["http/1.1"] } });
  try {
    for (const maxVersion of ["TLSv1.3", "TLSv1.2"]) {
      const body = await new Promise((res, rej) => {
        https.get({ host: "127.0.0.1", servername: "localhost", port: server.port, path: "/node", ca: certs.pem("ca.crt"), maxVersion, agent: false }, (response) => {
          let text = "";
          response.on("data", (d) => { text += d; });
          response.on("end", () => res(text));
        }).on("error", rej);
      });
      assert.equal(answer(body).version, maxVersion === "TLSv1.3" ? "TLS 1.3" : "TLS 1.2");
      let session;
      for (const round of [0, 1]) {
        const { reused, alpn, text } = await new Promise((res, rej) => {
          const s = tls.connect({ host: "127.0.0.1", servername: "localhost", port: server.port, ca: certs.pem("ca.crt"), maxVersion, ALPNProtocols: ["h2", "http/1.1"], session }, () => {
            s.write("GET /tls HTTP/1.1\r\nHost: localhost\r\n\r\n");
          });
          let text = "";
          s.on("session", (t) => { session = t; });
          s.on("data", (d) => { text += d; });
          s.on("end", () => res({ reused: s.isSessionReused(), alpn: s.alpnProtocol, text }));
          s.on("error", rej);
        });
        assert.equal(alpn, "http/1.1");
        assert.equal(answer(text).alpn, "http/1.1");
        assert.equal(reused, round === 1, `${maxVersion} round ${round}: resumed ${reused}`);
        assert.equal(answer(text).resumed, round === 1);
        assert.ok(session, "the server gave a ticket");
      }
    }
  } finally {
    const r = await server.stop();
    assert.deepEqual(r.event("error"), [], explain(r));
  }
});

test("openssl s_client with a client certificate: accepted (require, TLS 1.3 and 1.2), refused without one, from another CA, or not for clientAuth", T, async () => {
  const server = await startSecureServer("server", { secure: { clientCertificates: "require", ca: "ca" } });
  const sClient = (args) => command("openssl", ["s_client", "-connect", `127.0.0.1:${server.port}`, "-servername", "localhost",
    "-CAfile", certs.path("ca.crt"), "-verify_return_error", "-ign_eof", ...args], { input: "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n" });
  try {
    for (const version of ["-tls1_3", "-tls1_2"]) {
      for (const who of ["client", "clientrsa"]) {
        const r = await sClient([version, "-cert", certs.path(`${who}.crt`), "-key", certs.path(`${who}.key`)]);
        assert.match(r.stdout, /HTTP\/1\.1 200 OK/, `${who} ${version}: ${r.stdout}\n${r.stderr}`);
        assert.equal(answer(r.stdout.slice(r.stdout.indexOf("HTTP/1.1 200"))).client, who === "client" ? "Test Client" : "Test RSA Client");
      }
    }
    const refusals = [
      [[], /certificate_required|handshake_failure|certificateRequired|no certificate/i],
      [["-cert", certs.path("stranger.crt"), "-key", certs.path("stranger.key")], /unknownIssuer/],
      [["-cert", certs.path("serveronly.crt"), "-key", certs.path("serveronly.key")], /extendedKeyUsage/],
    ];
    let seen = 0;
    for (const [args, reason] of refusals) {
      for (const version of ["-tls1_3", "-tls1_2"]) {
        const r = await sClient([version, ...args]);
        assert.doesNotMatch(r.stdout, /HTTP\/1\.1 200 OK/, `${args} ${version}`);
        const error = await server.waitFor((l) => l.event === "error" && l.id > seen);
        seen = error.id;
        assert.match(`${error.reason} ${error.message}`, reason, `${args} ${version}: ${JSON.stringify(error)}`);
      }
    }
  } finally {
    await server.stop();
  }
});

test("memory: 200 sequential then 8 concurrent HTTPS connections (Node https.get): all answered, XS chunks, slots and the native heap back to the idle figures", { timeout: 180000 }, async () => {
  const server = await startSecureServer("server", { phases: [1, 201, 209] });
  const get = () => new Promise((res, rej) => {
    https.get({ host: "127.0.0.1", servername: "localhost", port: server.port, path: "/memory", ca: certs.pem("ca.crt"), agent: false }, (response) => {
      let text = "";
      response.on("data", (d) => { text += d; });
      response.on("end", () => res(answer(text)));
    }).on("error", rej);
  });
  const phase = (after) => server.waitFor((l) => l.event === "memory" && l.after === after, 60000);
  try {
    await get();
    const warm = await phase(1);
    for (let i = 0; i < 200; i++)
      assert.equal((await get()).version, "TLS 1.3");
    const sequential = await phase(201);
    const concurrent = await Promise.all(Array.from({ length: 8 }, get));
    assert.equal(concurrent.length, 8);
    const parallel = await phase(209);
    const r = await server.done;
    assert.equal(r.code, 0, explain(r));
    assert.deepEqual(r.event("error"), []);
    const idle = r.event("memory")[0];
    const figures = JSON.stringify(r.event("memory"));
    // The native heap holds nothing between connections (keys and mbedtls contexts are freed at close).
    for (const m of [idle, warm, sequential, parallel])
      assert.equal(m.native, 0, figures);
    // XS: the first connection creates what lives for the process (module-level tables, the ticket
    // key): about 190 slots here. After it, a collection must give back the same figures; the
    // tolerance (32 slots, 1 KB of chunks) is below what a leak of one slot or 8 bytes per
    // connection would add over 200 connections (200 slots, 1.6 KB), so such a leak fails.
    assert.ok(warm.slots - idle.slots < 512 && warm.chunks - idle.chunks < 8192, `one-time allocations: ${figures}`);
    for (const m of [sequential, parallel]) {
      assert.ok(Math.abs(m.slots - warm.slots) <= 32, `slots: ${figures}`);
      assert.ok(Math.abs(m.chunks - warm.chunks) <= 1024, `chunks: ${figures}`);
    }
    // the peaks: each connection used native memory (so the zero above is not from nothing measured)
    assert.ok(sequential.nativePeak > 1000 && parallel.nativePeak > sequential.nativePeak, figures);
    console.log(`server memory: ${figures}`);
  } finally {
    await server.stop();
  }
});

test("examples/https-server.js: curl gets the page (TLS 1.3 and 1.2) and a 404; with a client CA, curl needs --cert", T, async () => {
  /** starts the example; resolves to { port, stop() } once it printed its URL */
  const start = (extra = []) => new Promise((res, rej) => {
    const child = spawn(xshPath, ["--manifest", serverManifest, join(repo, "examples", "https-server.js"), "0",
      certs.path("server.der"), certs.path("server.key.der"), ...extra], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /https:\/\/localhost:(\d+)\//.exec(out);
      if (m) res({ port: Number(m[1]), output: () => out, stop: () => new Promise((done) => { child.on("close", done); child.kill("SIGTERM"); }) });
    });
    child.on("close", (code) => rej(new Error(`https-server.js exited ${code}: ${out}`)));
  });
  const curl = (port, args, path = "/") => command("curl", ["-sS", "--cacert", certs.path("ca.crt"), ...args, `https://localhost:${port}${path}`]);
  let server = await start();
  try {
    let r = await curl(server.port, ["--tlsv1.3"]);
    assert.equal(r.stdout, "hello over TLS 1.3, TLS_AES_128_GCM_SHA256, x25519\n", r.stderr);
    r = await curl(server.port, ["--tlsv1.2", "--tls-max", "1.2"]);
    assert.equal(r.stdout, "hello over TLS 1.2, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, x25519\n", r.stderr);
    r = await command("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", certs.path("ca.crt"), `https://localhost:${server.port}/nope`]);
    assert.equal(r.stdout, "404");
    assert.match(server.output(), /GET \/ 200\n[^]*GET \/nope 404/);
  } finally {
    await server.stop();
  }
  server = await start([certs.path("ca.der")]);
  try {
    let r = await curl(server.port, []);
    assert.notEqual(r.code, 0, "no client certificate: refused");
    r = await curl(server.port, ["--cert", certs.path("client.crt"), "--key", certs.path("client.key")]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^hello over TLS 1\.3, .*, client certificate CN=Test Client\n$/);
  } finally {
    await server.stop();
  }
});

test("SNI: secure.serverName picks the P-384 identity for other.test, the default (P-256) for localhost and for no name", T, async () => {
  const server = await startSecureServer("server", { sni: { "other.test": { certificate: certs.path("server384.der"), key: certs.path("server384.key.der") } } });
  const keyBits = async (args) => {
    const r = await command("openssl", ["s_client", "-connect", `127.0.0.1:${server.port}`, ...args], { input: "" });
    return /Server public key is (\d+) bit/.exec(r.stdout)?.[1];
  };
  try {
    assert.equal(await keyBits(["-servername", "other.test"]), "384");
    assert.equal(await keyBits(["-servername", "localhost"]), "256");
    assert.equal(await keyBits(["-noservername"]), "256");
    assert.equal(await keyBits(["-servername", "other.test", "-tls1_2"]), "384");
  } finally {
    await server.stop();
  }
});

test("each suite and group through SecureSocket: openssl s_client (1.3: 3 suites, 3 groups; 1.2: ECDSA and RSA suites) and gnutls-cli (1.3, 1.2)", T, async () => {
  const cases = [
    ...["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"].map((suite) =>
      ["server", ["-tls1_3", "-ciphersuites", suite], { version: "TLS 1.3", cipherSuite: suite }]),
    ...[["X25519", "x25519"], ["P-256", "secp256r1"], ["P-384", "secp384r1"]].map(([group, name]) =>
      ["server", ["-tls1_3", "-groups", group], { version: "TLS 1.3", group: name }]),
    ...[["ECDHE-ECDSA-AES128-GCM-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"], ["ECDHE-ECDSA-AES256-GCM-SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"],
      ["ECDHE-ECDSA-CHACHA20-POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"]].map(([cipher, suite]) =>
      ["server", ["-tls1_2", "-cipher", cipher], { version: "TLS 1.2", cipherSuite: suite }]),
    ...[["ECDHE-RSA-AES128-GCM-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"], ["ECDHE-RSA-AES256-GCM-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"],
      ["ECDHE-RSA-CHACHA20-POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"]].map(([cipher, suite]) =>
      ["serverrsa", ["-tls1_2", "-cipher", cipher], { version: "TLS 1.2", cipherSuite: suite }]),
  ];
  for (const identity of ["server", "serverrsa"]) {
    const server = await startSecureServer(identity);
    let seen = 0;
    const next = async () => {
      const line = await server.waitFor((l) => (l.event === "connected" || l.event === "error") && l.id > seen);
      seen = line.id;
      return line;
    };
    try {
      for (const [who, args, expected] of cases.filter((c) => c[0] === identity)) {
        const r = await command("openssl", ["s_client", "-connect", `127.0.0.1:${server.port}`, "-servername", "localhost",
          "-CAfile", certs.path("ca.crt"), "-verify_return_error", "-ign_eof", ...args], { input: "GET / HTTP/1.1\r\n\r\n" });
        const line = await next();
        assert.equal(line.event, "connected", `${who} ${args.join(" ")}: ${JSON.stringify(line)}\n${r.stdout}`);
        for (const [k, v] of Object.entries(expected))
          assert.equal(line.tls[k], v, `${args.join(" ")}: ${k}`);
        assert.match(r.stdout, /HTTP\/1\.1 200 OK/, args.join(" "));
      }
      for (const [priority, version] of [["NORMAL:-VERS-ALL:+VERS-TLS1.3", "TLS 1.3"], ["NORMAL:-VERS-ALL:+VERS-TLS1.2", "TLS 1.2"]]) {
        const r = await command("gnutls-cli", ["--x509cafile", certs.path("ca.crt"), "--priority", priority, "-p", String(server.port), "localhost"],
          { input: "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n" });
        const line = await next();
        assert.equal(line.event, "connected", `gnutls-cli ${priority}: ${JSON.stringify(line)}\n${r.stdout}\n${r.stderr}`);
        assert.equal(line.tls.version, version);
        assert.match(r.stdout, /HTTP\/1\.1 200 OK/, `gnutls-cli ${priority}: ${r.stdout}\n${r.stderr}`);
      }
    } finally {
      await server.stop();
    }
  }
});

test("clientCertificates \"request\": a client without a certificate is served (no peer certificate), one with a good certificate is identified, a bad one is refused", T, async () => {
  const server = await startSecureServer("server", { secure: { clientCertificates: "request", ca: "ca" } });
  const get = (args) => command("openssl", ["s_client", "-connect", `127.0.0.1:${server.port}`, "-servername", "localhost",
    "-CAfile", certs.path("ca.crt"), "-verify_return_error", "-ign_eof", ...args], { input: "GET / HTTP/1.1\r\n\r\n" });
  try {
    let r = await get([]);
    assert.match(r.stdout, /HTTP\/1\.1 200 OK/, r.stdout);
    assert.equal(answer(r.stdout.slice(r.stdout.indexOf("HTTP/1.1 200"))).client, undefined);
    r = await get(["-cert", certs.path("client.crt"), "-key", certs.path("client.key")]);
    assert.equal(answer(r.stdout.slice(r.stdout.indexOf("HTTP/1.1 200"))).client, "Test Client");
    r = await get(["-cert", certs.path("stranger.crt"), "-key", certs.path("stranger.key")]);
    assert.doesNotMatch(r.stdout, /HTTP\/1\.1 200 OK/);
    const error = await server.waitFor((l) => l.event === "error");
    assert.equal(error.reason, "unknownIssuer", JSON.stringify(error));
  } finally {
    await server.stop();
  }
});

test("handshakeTimeout: a client that connects and sends nothing gets closed, the app sees -2 \"timeout\"; a garbage client gets -2 at once", T, async () => {
  const server = await startSecureServer("server", { secure: { handshakeTimeout: 300 } });
  try {
    const silent = net.connect(server.port, "127.0.0.1");
    silent.on("error", () => {});
    const closed = new Promise((res) => silent.on("close", res));
    const error = await server.waitFor((l) => l.event === "error" && l.id === 1);
    assert.equal(error.reason, "timeout", JSON.stringify(error));
    assert.match(error.message, /handshake timed out after 300 ms/);
    await closed;
    const garbage = net.connect(server.port, "127.0.0.1", () => garbage.write("GET / HTTP/1.1\r\n\r\n"));
    garbage.on("error", () => {});
    const second = await server.waitFor((l) => l.event === "error" && l.id === 2);
    assert.match(second.message, /^tls: /, JSON.stringify(second));
    assert.notEqual(second.reason, "timeout");
  } finally {
    await server.stop();
  }
});

test("the client's end: close_notify gives the server -1, a TCP close without it -2 \"truncated\"; curl refusing our certificate -2", T, async () => {
  const server = await startSecureServer();
  const connect = () => new Promise((res, rej) => {
    const s = tls.connect({ host: "127.0.0.1", servername: "localhost", port: server.port, ca: certs.pem("ca.crt") }, () => res(s));
    s.on("error", rej);
  });
  try {
    let s = await connect();
    s.write("GET / HTTP/1.1\r\n");          // not a whole request: the server waits
    await server.waitFor((l) => l.event === "connected" && l.id === 1);
    s.end();                                 // close_notify, then FIN
    const clean = await server.waitFor((l) => (l.event === "closed" || l.event === "error") && l.id === 1);
    assert.deepEqual(clean, { event: "closed", id: 1, clean: true });
    s = await connect();
    s.write("GET / HTTP/1.1\r\n");
    await server.waitFor((l) => l.event === "connected" && l.id === 2);
    s.destroy();                             // FIN without close_notify
    const truncated = await server.waitFor((l) => (l.event === "closed" || l.event === "error") && l.id === 2);
    assert.equal(truncated.event, "error", JSON.stringify(truncated));
    assert.equal(truncated.reason, "truncated");
    const refused = await command("curl", ["-sS", `https://localhost:${server.port}/`]);   // no CA: curl refuses us with an alert
    assert.equal(refused.code, 60, refused.stderr);
    const alert = await server.waitFor((l) => l.event === "error" && l.id === 3);
    // curl (OpenSSL) sends its unknown_ca alert before its handshake keys, in a plaintext record: the
    // server takes an unprotected alert until the client's first protected record (record.ts
    // allowPlaintextAlert), so the app learns the client's reason
    assert.equal(alert.message, "tls: the peer sent the alert unknown_ca", JSON.stringify(alert));
    assert.ok(!server.child.killed);
  } finally {
    await server.stop();
  }
});
