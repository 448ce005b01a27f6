// The device profile (manifest_device.json: the ESP8266 client) run whole: its modules in build/xsh-device,
// the host built with its C defines (no signing, no private keys). Against OpenSSL's s_server: a verified
// TLS 1.3 handshake and HTTPS GET, and session resumption, work; each feature the profile leaves out is
// refused with its own error (and the alert the peer gets), never accepted some weaker way: a chain with
// name constraints, an RSASSA-PSS-signed certificate, an IPv6 server name, a client key. A server that
// asks for a client certificate gets an empty Certificate (and may refuse it: certificate_required).
// Each refusal has its control: the same connection with manifest_tls13.json in build/xsh succeeds. The
// profile's modules are tsc's output without trace statements (tools/strip-traces.mjs).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repo, startXsh } from "./lib/xsh.mjs";
import { startOpenSSL, explainRun, tls13Manifest } from "./lib/tls-peers.mjs";
import { PKI } from "./fixtures/x509/pki.mjs";
import { manifestModules, missingImports, reachable } from "../bench/codesize.mjs";
import { withoutTraces } from "../tools/strip-traces.mjs";

const T = { timeout: 30000 };
const GET = "GET / HTTP/1.0\r\n\r\n";
const NAME = "leaf.example.com";
const device = { manifest: join(repo, "manifest_device.json"), xsh: join(repo, "build", "xsh-device") };
const full = { manifest: tls13Manifest, xsh: join(repo, "build", "xsh") };
const driver = join(repo, "tests", "xs", "securesocket", "client.js");

const pki = new PKI();
after(() => pki.remove());
for (const n of ["root", "inter", "leaf", "nc"]) pki.key(n, "ec256");
for (const n of ["rsaRoot", "rsaLeaf"]) pki.key(n, "rsa2048");
pki.cert("root", { cn: "Device Test Root", ca: true });
pki.cert("inter", { cn: "Device Test Intermediate", ca: true, issuer: "root" });
const SAN = `DNS:${NAME},IP:127.0.0.1,IP:::1`;
const leafOptions = { cn: NAME, key: "leaf", san: SAN, ca: false, eku: "serverAuth", keyUsage: "critical,digitalSignature" };
pki.cert("leaf", { ...leafOptions, issuer: "inter" });
// a CA whose name constraints the leaf keeps to: the full profile accepts this chain
pki.cert("nc", { cn: "Permits .example.com", ca: true, issuer: "root", nameConstraints: "critical,permitted;DNS:.example.com,permitted;IP:127.0.0.0/255.0.0.0,permitted;IP:::1/ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" });
pki.cert("leafNC", { ...leafOptions, issuer: "nc" });
// an RSA leaf whose certificate is signed with RSASSA-PSS
pki.cert("rsaRoot", { cn: "Device Test RSA Root", ca: true });
pki.cert("rsaLeafPSS", { ...leafOptions, key: "rsaLeaf", issuer: "rsaRoot", pss: true });

async function withServer({ cert, key, chain, more = [] }, fn) {
  const args = ["-cert", pki.pem(cert), "-key", pki.path(`${key}.key`), "-www", "-tls1_3", "-no-CAfile", "-no-CApath", "-no-CAstore", ...more];
  if (chain) args.push("-cert_chain", pki.pem(chain));
  const server = await startOpenSSL(args);
  try {
    return await fn(server);
  } finally {
    await server.stop();
  }
}

/** SecureSocket (tests/xs/securesocket/client.js) in a profile, trusting `root`, to 127.0.0.1 */
async function connect(server, profile, { root = "root", serverName = NAME, secure = {}, connections } = {}) {
  const config = { port: server.port, address: "127.0.0.1", request: GET, secure: { certificate: [pki.der(root)], tls_server_name: serverName, ...secure } };
  if (connections) Object.assign(config, { connections, resume: true });
  const r = await startXsh(driver, [JSON.stringify(config)], { manifest: profile.manifest, xsh: profile.xsh, timeout: 15000 }).done;
  r.events = r.lines.filter((l) => "message" in l);
  r.why = explainRun(r, server);
  return r;
}

const page = (r) => assert.ok(r.lines.some((l) => typeof l.text === "string" && l.text.startsWith("HTTP/1.0 200 ok")), r.why);

/** the handshake ended with our error: its reason, the alert we sent, the message */
function refused(r, { reason, alert, message }) {
  assert.equal(r.code, 0, r.why);
  const error = r.events.find((e) => e.message === -2)?.error;
  assert.ok(error, r.why);
  assert.equal(error.reason, reason, r.why);
  assert.equal(error.alert, alert, r.why);
  assert.equal(error.remote, false, r.why);
  assert.match(error.message, message, r.why);
  assert.ok(!r.events.some((e) => e.message === 1), r.why);
}

test("device profile: the manifest is whole, TLS 1.3 only, with its stubs, the chain checked in C (no x509 verifier modules)", () => {
  const modules = manifestModules(device.manifest);
  assert.deepEqual(missingImports(modules), []);
  // the device's certificate check is native/x509_chain.c behind securesocket/verify-device; of x509 only the
  // gathering of a certificate's bytes and the byte comparison the engine imports (x509/der) stay
  for (const [name, stub] of [["tls/client12", "tls/no-client12"], ["tls/clientauth", "tls/no-clientauth"], ["securesocket/verify", "securesocket/verify-device"], ["x509/der", "x509/equal"], ["x509/gather", "x509/gather"]]) {
    assert.match(modules.get(name), new RegExp(`/${stub}\\.js$`));
    assert.ok(reachable(modules, ["securesocket"]).has(name), name);
  }
  assert.deepEqual([...modules.keys()].filter((m) => m.startsWith("x509")).sort(), ["x509/der", "x509/gather"]);
  assert.ok(!modules.has("x509") && !modules.has("x509/verify"));
});

test("device profile: its modules are tsc's output without trace statements (tools/strip-traces.mjs, build/device/modules)", () => {
  const modules = manifestModules(device.manifest);
  const traceStatement = /^\s*(if \(\w+\.tracing\)|this\.trace\()/m;
  for (const [name, file] of modules) {
    assert.ok(file.startsWith(join(repo, "build", "device", "modules") + "/"), `${name}: ${file}`);
    assert.doesNotMatch(readFileSync(file, "utf8"), traceStatement, name);
  }
  // what was taken out: the full profile's engine has them
  assert.match(readFileSync(manifestModules(full.manifest).get("tls/client"), "utf8"), traceStatement);
  assert.match(withoutTraces("if (this.tracing) this.trace(`x`);\nif (this.tracing) a(); else b();\nif (c) d(); else if (this.tracing) this.trace(`z`);\nthis.trace(`y`);\nkept();\n"),
    /^if \(this\.tracing\)\s+a\(\);\s*else\s+b\(\);\s*if \(c\)\s+d\(\);\s*kept\(\);\s*$/);
});

test("device profile: a verified TLS 1.3 handshake and HTTPS GET, and a resumed second connection", T, async () => {
  await withServer({ cert: "leaf", key: "leaf", chain: "inter" }, async (server) => {
    const r = await connect(server, device, { connections: 2, secure: { trace: true } });
    assert.equal(r.code, 0, r.why);
    // trace: true gives SecureSocket's own lines only: the engine's are not in the device build
    const traces = r.lines.filter((l) => "trace" in l).map((l) => l.trace);
    assert.ok(traces.some((t) => t.startsWith("certificate verified")), r.why);
    assert.ok(!traces.some((t) => /^(sent|received) /.test(t)), r.why);
    const control = await connect(server, full, { secure: { trace: true } });
    assert.ok(control.lines.some((l) => /^sent ClientHello/.test(l.trace ?? "")), control.why);
    page(r);
    const connected = r.events.filter((e) => e.message === 1);
    assert.equal(r.lines.filter((l) => typeof l.text === "string" && l.text.startsWith("HTTP/1.0 200 ok")).length, 2, r.why);
    assert.deepEqual(connected.map((e) => e.tls.resumed), [false, true], r.why);   // session tickets stay in the profile
  });
});

test("device profile: no ChaCha20-Poly1305 in its C core: it offers the AES-GCM suites only (a server that prefers ChaCha20-Poly1305 gets AES-128-GCM; manifest_tls13.json gets ChaCha20-Poly1305), and asking for it throws", T, async () => {
  const suite = (r) => r.events.find((e) => e.message === 1)?.tls?.cipherSuite;
  await withServer({ cert: "leaf", key: "leaf", chain: "inter", more: ["-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256", "-serverpref"] }, async (server) => {
    const r = await connect(server, device);
    page(r);
    assert.equal(suite(r), "TLS_AES_128_GCM_SHA256", r.why);
    const control = await connect(server, full);
    page(control);
    assert.equal(suite(control), "TLS_CHACHA20_POLY1305_SHA256", control.why);
    for (const asked of ["TLS_CHACHA20_POLY1305_SHA256", 0x1303]) {
      const refusal = await connect(server, device, { secure: { cipherSuites: ["TLS_AES_128_GCM_SHA256", asked] } });
      assert.notEqual(refusal.code, 0, refusal.why);
      assert.match(refusal.stderr, new RegExp(`RangeError: securesocket: cipherSuites\\[1\\]: ${asked} is not in this build \\(no ChaCha20-Poly1305\\)`), refusal.why);
    }
  });
});

test("device profile: a chain whose CA has name constraints is refused (nameConstraints, bad_certificate); manifest_tls13.json accepts it", T, async () => {
  await withServer({ cert: "leafNC", key: "leaf", chain: "nc" }, async (server) => {
    refused(await connect(server, device), { reason: "nameConstraints", alert: 42, message: /^x509: .*'CN=Permits \.example\.com'.* has name constraints, not in this build/ });
    page(await connect(server, full));
  });
});

test("device profile: an RSASSA-PSS-signed certificate is refused (unsupportedAlgorithm, unsupported_certificate); manifest_tls13.json accepts it", T, async () => {
  await withServer({ cert: "rsaLeafPSS", key: "rsaLeaf" }, async (server) => {
    refused(await connect(server, device, { root: "rsaRoot" }), { reason: "unsupportedAlgorithm", alert: 43, message: /^x509: .*RSASSA-PSS, not in this build/ });
    page(await connect(server, full, { root: "rsaRoot" }));
  });
});

test("device profile: an IPv6 server name is refused (nameMismatch, bad_certificate); manifest_tls13.json matches it", T, async () => {
  await withServer({ cert: "leaf", key: "leaf", chain: "inter" }, async (server) => {
    refused(await connect(server, device, { serverName: "::1" }), { reason: "nameMismatch", alert: 42, message: /^x509: the server name is IPv6, not in this build/ });
    page(await connect(server, full, { serverName: "::1" }));
    page(await connect(server, device, { serverName: "127.0.0.1" }));   // IPv4 reference identities stay
  });
});

test("device profile: a CertificateRequest gets an empty Certificate (a server that requires one refuses: certificate_required); a client key throws \"crypto: private keys are not in this build\"", T, async () => {
  await withServer({ cert: "leaf", key: "leaf", chain: "inter", more: ["-verify", "1"] }, async (server) => {
    page(await connect(server, device));   // optional: the server goes on without one
  });
  await withServer({ cert: "leaf", key: "leaf", chain: "inter", more: ["-Verify", "1"] }, async (server) => {
    const r = await connect(server, device);
    const error = r.events.find((e) => e.message === -2)?.error;
    assert.ok(error, r.why);
    assert.equal(error.remote, true, r.why);
    assert.equal(error.alert, 116, r.why);   // certificate_required
    pki.run(["pkey", "-in", pki.path("leaf.key"), "-outform", "DER", "-out", pki.path("leaf.p8.der")]);
    const withKey = await connect(server, device, { secure: { clientKey: pki.path("leaf.p8.der"), clientCertificates: pki.der("leaf") } });
    assert.equal(withKey.code, 1, withKey.why);
    assert.match(withKey.stderr, /crypto: private keys are not in this build/, withKey.why);
  });
});
