// Helpers for the TLS client interop tests: certificates made with openssl at test time, free
// ports, TLS peers (OpenSSL s_server, GnuTLS gnutls-serv, Node's tls) started on 127.0.0.1 and
// stopped after, and the XS driver tests/xs/tls/connect.js run in xsh.
import assert from "node:assert/strict";
import { before, after } from "node:test";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repo, startXsh, delay } from "./xsh.mjs";

export const projectManifest = join(repo, "manifest.json");
/** the client manifest plus the server side (tls/server, securesocket/server, ...) */
export const serverManifest = join(repo, "manifest_server.json");
/** the small client profile: TLS 1.3 only (tls/client12 is tls/no-client12) */
export const tls13Manifest = join(repo, "manifest_tls13.json");
export const tlsDir = join(repo, "tests", "xs", "tls");

/** how long a peer may take to start listening */
const START_MS = 10000;

// ---- certificates ----

function openssl(args, cwd) {
  return execFileSync("openssl", args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
}

/**
 * Makes, in a new temp dir: self-signed leaves for CN=localhost with ECDSA P-256, ECDSA P-384 and
 * RSA-2048 keys (p256, p384, rsa: `.crt` and `.key`), and with `chain` a 4-certificate RSA-2048
 * chain root -> inter1 -> inter2 -> leaf (`chainleaf.crt`, `chainleaf.key`, and
 * `chain.extra.pem` = inter2, inter1, root, what the server sends after the leaf).
 * Returns { dir, path(name), pem(name), remove() }.
 */
export function makeCertificates({ chain = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "tls-certs-"));
  const subj = (cn) => ["-subj", `/CN=${cn}`];
  const selfSigned = (name, keyArgs) => {
    openssl(["req", "-x509", "-newkey", ...keyArgs, "-nodes", "-keyout", `${name}.key`, "-out", `${name}.crt`,
      "-days", "2", ...subj("localhost"), "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], dir);
  };
  selfSigned("p256", ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"]);
  selfSigned("p384", ["ec", "-pkeyopt", "ec_paramgen_curve:P-384"]);
  selfSigned("rsa", ["rsa:2048"]);
  const pem = (name) => readFileSync(join(dir, name), "utf8");
  if (chain) makeChain(dir, subj, pem);
  return {
    dir,
    path: (name) => join(dir, name),
    pem,
    /** DER forms for TLSServer (tests/xs/tls/serve.js): `${name}.der` certificate and `${name}.p8` PKCS#8 key */
    der(name) {
      const cert = join(dir, `${name}.der`), key = join(dir, `${name}.p8`);
      openssl(["x509", "-in", `${name}.crt`, "-outform", "DER", "-out", cert], dir);
      openssl(["pkcs8", "-topk8", "-nocrypt", "-in", `${name}.key`, "-outform", "DER", "-out", key], dir);
      return { certificates: [cert], key };
    },
    /** a new PKCS#8 DER key of the same kind as `name`'s (not the certificate's key): its path */
    otherKey(name) {
      const key = join(dir, `${name}.other.p8`);
      const args = name === "rsa" ? ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"] : ["-algorithm", "EC", "-pkeyopt", `ec_paramgen_curve:${name === "p384" ? "P-384" : "P-256"}`];
      openssl(["genpkey", ...args, "-outform", "DER", "-out", key], dir);
      return key;
    },
    /** DER size of a PEM certificate file */
    derSize: (name) => openssl(["x509", "-in", name, "-outform", "DER"], dir).length,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function makeChain(dir, subj, pem) {
  // the chain: a CA, two intermediates, a leaf
  writeFileSync(join(dir, "ca.ext"), "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n");
  writeFileSync(join(dir, "leaf.ext"), "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n");
  openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "root.key", "-out", "root.crt", "-days", "2",
    ...subj("Test Root CA"), "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], dir);
  const issue = (name, cn, issuer, ext) => {
    openssl(["req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, ...subj(cn)], dir);
    openssl(["x509", "-req", "-in", `${name}.csr`, "-CA", `${issuer}.crt`, "-CAkey", `${issuer}.key`, "-CAcreateserial",
      "-out", `${name}.crt`, "-days", "2", "-sha256", "-extfile", ext], dir);
  };
  issue("inter1", "Test Intermediate 1", "root", "ca.ext");
  issue("inter2", "Test Intermediate 2", "inter1", "ca.ext");
  issue("chainleaf", "localhost", "inter2", "leaf.ext");
  writeFileSync(join(dir, "chain.extra.pem"), pem("inter2.crt") + pem("inter1.crt") + pem("root.crt"));
}

/**
 * Certificates for our TLS server and its clients, in a new temp dir, PEM and DER (`name.der`,
 * keys as PKCS#8 DER `name.key.der`): a CA (`ca`, ECDSA P-256); server leaves for localhost and
 * 127.0.0.1 from it, serverAuth: `server` (P-256), `server384` (P-384), `serverrsa` (RSA-2048);
 * `client` (P-256, clientAuth, CN=Test Client) from the CA; `clientrsa` (RSA-2048, clientAuth);
 * `serveronly` (clientAuth missing from its extKeyUsage); `stranger` (a client certificate from
 * another CA, `otherca`). Certificates last `days` (2); with `revocation` the leaves name a CRL and
 * an OCSP responder (on 127.0.0.1: nothing answers), as scanners expect of a real deployment.
 * Returns { dir, path(name), pem(name), der(name), remove() }.
 */
export function makeServerCertificates({ days = 2, revocation = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "tls-server-certs-"));
  const ec = (curve) => ["-newkey", "ec", "-pkeyopt", `ec_paramgen_curve:${curve}`];
  const rsa = ["-newkey", "rsa:2048"];
  const ca = (name, cn) => {
    openssl(["req", "-x509", ...ec("P-256"), "-nodes", "-keyout", `${name}.key`, "-out", `${name}.crt`, "-days", String(days),
      "-subj", `/CN=${cn}`, "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], dir);
  };
  const leaf = (name, keyArgs, cn, issuer, usage, san = "") => {
    writeFileSync(join(dir, `${name}.ext`), "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n" +
      `extendedKeyUsage=${usage}\n${san}` +
      (revocation ? "crlDistributionPoints=URI:http://127.0.0.1/ca.crl\nauthorityInfoAccess=OCSP;URI:http://127.0.0.1/ocsp\n" : ""));
    openssl(["req", "-new", ...keyArgs, "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${cn}`], dir);
    openssl(["x509", "-req", "-in", `${name}.csr`, "-CA", `${issuer}.crt`, "-CAkey", `${issuer}.key`, "-CAcreateserial",
      "-out", `${name}.crt`, "-days", String(days), "-sha256", "-extfile", `${name}.ext`], dir);
  };
  const hostNames = "subjectAltName=DNS:localhost,IP:127.0.0.1\n";
  ca("ca", "SecureSocket Server Test CA");
  ca("otherca", "SecureSocket Other CA");
  leaf("server", ec("P-256"), "localhost", "ca", "serverAuth", hostNames);
  leaf("server384", ec("P-384"), "localhost", "ca", "serverAuth", hostNames);
  leaf("serverrsa", rsa, "localhost", "ca", "serverAuth", hostNames);
  leaf("client", ec("P-256"), "Test Client", "ca", "clientAuth");
  leaf("clientrsa", rsa, "Test RSA Client", "ca", "clientAuth");
  leaf("serveronly", ec("P-256"), "Test Server-Only Client", "ca", "serverAuth");
  leaf("stranger", ec("P-256"), "Test Stranger", "otherca", "clientAuth");
  for (const name of ["ca", "otherca", "server", "server384", "serverrsa", "client", "clientrsa", "serveronly", "stranger"]) {
    openssl(["x509", "-in", `${name}.crt`, "-outform", "DER", "-out", `${name}.der`], dir);
    openssl(["pkcs8", "-topk8", "-nocrypt", "-in", `${name}.key`, "-outform", "DER", "-out", `${name}.key.der`], dir);
  }
  return {
    dir,
    path: (name) => join(dir, name),
    pem: (name) => readFileSync(join(dir, name), "utf8"),
    der: (name) => readFileSync(join(dir, name)),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * For a test file of the server engine: certificates made before its tests (makeCertificates) and
 * removed after; `kinds` in DER for serve.js. Returns { certs, der } filled in by before().
 */
export function serverCertificates(kinds = ["p256", "p384", "rsa"]) {
  const fixture = { certs: undefined, der: {} };
  before(() => {
    fixture.certs = makeCertificates();
    for (const kind of kinds) fixture.der[kind] = fixture.certs.der(kind);
  });
  after(() => fixture.certs?.remove());
  return fixture;
}

/**
 * A small PKI in `dir` made with openssl: ca(name, cn) a self-signed P-256 CA (name.key, name.crt);
 * issue(name, keyArgs, subject, ca, extFile) a certificate signed by that CA with the extensions of
 * dir/extFile, also as name.der, and its key as PKCS#8 DER (name.p8.der, what secure.key and
 * secure.clientKey take). `ec` is the P-256 key argument list; openssl(...args) runs in dir.
 */
export function testPKI(dir) {
  const openssl = (...args) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  const ec = ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"];
  return {
    openssl,
    ec,
    ca(name, cn) {
      openssl("req", "-x509", "-newkey", ...ec, "-nodes", "-keyout", `${name}.key`, "-out", `${name}.crt`, "-days", "2",
        "-subj", `/CN=${cn}`, "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    },
    issue(name, keyArgs, subject, ca, ext) {
      openssl("req", "-new", "-newkey", ...keyArgs, "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subject);
      openssl("x509", "-req", "-in", `${name}.csr`, "-CA", `${ca}.crt`, "-CAkey", `${ca}.key`, "-CAcreateserial",
        "-out", `${name}.crt`, "-days", "2", "-sha256", "-extfile", ext);
      openssl("x509", "-in", `${name}.crt`, "-outform", "DER", "-out", `${name}.der`);
      openssl("pkey", "-in", `${name}.key`, "-outform", "DER", "-out", `${name}.p8.der`);
    },
  };
}

/**
 * The engine driver's run (runClient) ended in an error before "connected": exit 0, the error's
 * alert, which side sent it (remote) and, if given, its message. Returns the error.
 */
export function assertHandshakeError(r, why, { alert, remote, message }) {
  assert.equal(r.code, 0, why);
  assert.equal(r.first("connected"), undefined, why);
  const e = r.first("error");
  assert.ok(e, why);
  assert.equal(e.alert, alert, why);
  assert.equal(e.remote, remote, why);
  if (message) assert.match(e.message, message, why);
  return e;
}

/**
 * Runs the SecureSocket driver (tests/xs/securesocket/client.js) with config; resolves to its run with
 * events (callback lines), messages, traces, text (plaintext received), error (of the last -2) and
 * tls (socket.tls at message 1).
 */
export async function runSecureSocket(config, { timeout = 15000, manifest = projectManifest } = {}) {
  const r = await startXsh(join(repo, "tests", "xs", "securesocket", "client.js"), [JSON.stringify(config)],
    { manifest, timeout }).done;
  r.events = r.lines.filter((l) => "message" in l);
  r.messages = r.events.map((e) => e.message);
  r.traces = r.lines.filter((l) => typeof l.trace === "string").map((l) => l.trace);
  r.text = r.events.filter((e) => e.message === 2).map((e) => e.text).join("");
  r.error = r.events.findLast((e) => e.message === -2)?.error;
  r.tls = r.events.find((e) => e.message === 1)?.tls;
  return r;
}

// ---- ports ----

/** a port on 127.0.0.1 (or host, e.g. "::1") that was free a moment ago */
export async function freePort(host = "127.0.0.1") {
  const server = net.createServer();
  await new Promise((res, rej) => {
    server.once("error", rej);
    server.listen(0, host, res);
  });
  const { port } = server.address();
  await new Promise((res) => server.close(res));
  return port;
}

/** resolves once something accepts TCP connections on 127.0.0.1:port (or host:port; the probe closes at once) */
export async function waitForPort(port, ms = START_MS, alive = () => true, host = "127.0.0.1") {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise((res) => {
      const s = net.connect({ host, port }, () => {
        s.destroy();
        res(true);
      });
      s.once("error", () => res(false));
    });
    if (ok) return;
    if (!alive()) throw new Error(`the peer exited before listening on port ${port}`);
    if (Date.now() > end) throw new Error(`nothing listens on port ${port} after ${ms} ms`);
    await delay(25);
  }
}

// ---- external peers ----

/**
 * Starts a server process whose arguments depend on the port (makeArgs(port)), on a free port of
 * host (default 127.0.0.1), waiting for `ready` (a regexp) on its output and for the port to accept
 * connections. Retries with another port if the first one was taken meanwhile. stdin is a pipe
 * (s_server's commands). Returns { port, child, output(), write(text), waitOutput(regexp, ms), stop() }.
 */
export async function startProcess(command, makeArgs, ready, { cwd, env, host = "127.0.0.1" } = {}) {
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort(host);
    const child = spawn(command, makeArgs(port), { cwd, env: env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    let exited = false;
    const watchers = new Set();
    const onData = (d) => {
      output += d;
      for (const w of watchers) w();
    };
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.stdin.on("error", () => {});
    const closed = new Promise((res) => child.on("close", () => {
      exited = true;
      for (const w of watchers) w();
      res();
    }));
    child.on("error", (e) => {
      lastError = e;
    });
    const peer = {
      port,
      child,
      output: () => output,
      write(text) {
        child.stdin.write(text);
      },
      /** resolves once the output (so far, from `from`) matches regexp; to the match */
      waitOutput(regexp, ms = 10000, from = 0) {
        return new Promise((res, rej) => {
          const check = () => {
            const m = regexp.exec(output.slice(from));
            if (m) {
              watchers.delete(check);
              clearTimeout(timer);
              res(m);
            }
            else if (exited) {
              watchers.delete(check);
              clearTimeout(timer);
              rej(new Error(`${command} exited before printing ${regexp}\n${output}`));
            }
          };
          const timer = setTimeout(() => {
            watchers.delete(check);
            rej(new Error(`timed out waiting for ${regexp} from ${command}\n${output}`));
          }, ms);
          watchers.add(check);
          check();
        });
      },
      async stop() {
        if (!exited) {
          child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
          await closed;
          clearTimeout(timer);
        }
      },
    };
    try {
      await peer.waitOutput(ready, START_MS);
      await waitForPort(port, START_MS, () => !exited, host);
      return peer;
    }
    catch (e) {
      lastError = e;
      await peer.stop();
      if (!/in use|bind|listen/i.test(output)) break;
    }
  }
  throw lastError;
}

/** OpenSSL s_server on 127.0.0.1 (or opts.host, e.g. "::1") with the given arguments (after -accept) */
export function startOpenSSL(args, opts = {}) {
  const host = opts.host ?? "127.0.0.1";
  const accept = host.includes(":") ? `[${host}]` : host;
  return startProcess("openssl", (port) => ["s_server", "-accept", `${accept}:${port}`, ...args], /^ACCEPT$/m, opts);
}

/**
 * GnuTLS gnutls-serv with the given arguments (it has no listen address option: it listens on every
 * interface; we connect to 127.0.0.1). Run through `stdbuf -oL`: its per-connection report
 * ("- Description: (TLS1.3-X.509)-(ECDHE-X25519)-...") is printf'd, block-buffered into a pipe.
 */
export function startGnuTLS(args, opts = {}) {
  return startProcess("stdbuf", (port) => ["-oL", "gnutls-serv", "-p", String(port), ...args], /listening on/i, opts);
}

/** runs fn(server) and stops the server afterwards, whatever happens */
export async function withPeer(server, fn) {
  try {
    return await fn(server);
  }
  finally {
    await server.stop();
  }
}

/** s_server with args for the duration of fn(server) */
export async function withOpenSSL(args, fn, opts) {
  return withPeer(await startOpenSSL(args, opts), fn);
}

/** the driver connected (per connection index) without error and got s_server's whole -www page; returns it */
export function assertWwwPage(r, server, connection = 0) {
  const why = explainRun(r, server);
  assert.equal(r.code, 0, why);
  assert.equal(r.first("error"), undefined, why);
  const page = r.first("data", connection)?.text ?? "";
  assert.match(page, /^HTTP\/1\.0 200 ok\r\n/, why);
  assert.match(page, /<\/pre><\/BODY><\/HTML>/, why);
  assert.equal(r.first("closed", connection)?.clean, true, `the server ends with close_notify\n${why}`);
  return page;
}

// ---- the XS driver ----

/**
 * Runs tests/xs/tls/connect.js against 127.0.0.1:port with the given options. Resolves to xsh's
 * result with helpers: first(event), all(event), traces (text lines).
 */
export async function runClient(port, options = {}, { timeout = 20000, manifest = projectManifest } = {}) {
  const run = startXsh(join(tlsDir, "connect.js"), ["127.0.0.1", port, JSON.stringify(options)],
    { manifest, timeout });
  const r = await run.done;
  return withHelpers(r);
}

/** like runClient, but returns { waitFor, done } to interact with the peer meanwhile */
export function startClient(port, options = {}, { timeout = 20000 } = {}) {
  const run = startXsh(join(tlsDir, "connect.js"), ["127.0.0.1", port, JSON.stringify(options)],
    { manifest: projectManifest, timeout });
  return { waitFor: run.waitFor, done: run.done.then(withHelpers), child: run.child };
}

function withHelpers(r) {
  r.all = (event, connection) => r.lines.filter((l) => l.event === event && (connection === undefined || l.connection === connection));
  r.first = (event, connection) => r.all(event, connection)[0];
  r.traces = r.lines.filter((l) => l.event === "trace").map((l) => l.line);
  return r;
}

/** a failure message with the driver's and the peer's output */
export function explainRun(r, peer) {
  return `xsh exit ${r.code}${r.timedOut ? " (killed by the timer)" : ""}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}` +
    (peer ? `\n--- peer output\n${typeof peer === "string" ? peer : peer.output()}` : "");
}

// ---- the XS server driver (tests/xs/tls/serve.js) and clients against it ----

/**
 * Starts tests/xs/tls/serve.js with the given options; resolves once it listens, to
 * { port, waitFor, done } where done resolves to xsh's result with first/all/traces helpers.
 */
export async function startServer(options, { timeout = 20000 } = {}) {
  const run = startXsh(join(tlsDir, "serve.js"), [JSON.stringify(options)], { manifest: serverManifest, timeout });
  const { port } = await run.waitFor((l) => l.event === "listening");
  return { port, waitFor: run.waitFor, child: run.child, done: run.done.then(withHelpers) };
}

/**
 * Runs a client command (e.g. openssl s_client, gnutls-cli) against the server: writes `input`
 * to its stdin, waits until its output matches `until` (if given), then ends stdin and waits for
 * it to exit (killed after `timeout`). Resolves to { code, output }.
 */
export function runCommand(command, args, { input = "", until, timeout = 15000, steps = [] } = {}) {
  return new Promise((res) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    let ended = false;
    const pendingSteps = [...steps];
    const end = () => {
      if (!ended) {
        ended = true;
        child.stdin.end();
      }
    };
    const onData = (d) => {
      output += d;
      while (pendingSteps.length && pendingSteps[0][0].test(output))
        child.stdin.write(pendingSteps.shift()[1]);
      if (!pendingSteps.length && until && until.test(output)) end();
    };
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.stdin.on("error", () => {});
    const timer = setTimeout(() => child.kill("SIGKILL"), timeout);
    child.on("close", (code) => {
      clearTimeout(timer);
      res({ code, output });
    });
    child.stdin.write(input);
    if (!until && !steps.length) end();
  });
}

/** openssl s_client to 127.0.0.1:port with args; see runCommand */
export function runSClient(port, args, opts) {
  return runCommand("openssl", ["s_client", "-connect", `127.0.0.1:${port}`, ...args], opts);
}
