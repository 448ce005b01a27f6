// Certificate verification over real TLS connections (issue 5, item 7, second half): SecureSocket
// (tests/xs/securesocket/client.js in xsh) against OpenSSL's s_server, one server per test, stopped
// after it. The certificates are made with openssl at test time by the generator tests/x509.test.mjs
// uses (tests/fixtures/x509/pki.mjs); the validity periods openssl cannot set (an expired one that
// began earlier, one that begins tomorrow) are made by re-signing with Node's crypto.
//
// Each bad variant must end the handshake with message -2, socket.error.reason = its X509Error
// code and error.alert = the alert modules/securesocket/verify.ts sends for it, which s_server
// reports receiving ("SSL alert number N"). The good variants complete an HTTP GET of s_server's
// -www page. Then: the built-in CA store alone refuses our test root and says how to add it, and
// `npm run ca:select` on the chain saved from a local server names the root that chain needs
// and prints manifest lines that are enough to verify that server.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { sign, X509Certificate } from "node:crypto";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { repo, startXsh, projectModules } from "./lib/xsh.mjs";
import { startOpenSSL, explainRun } from "./lib/tls-peers.mjs";
import { PKI } from "./fixtures/x509/pki.mjs";
import { dissectCertificate, assemble, encode, fieldIndex } from "./fixtures/x509/surgery.mjs";

const T = { timeout: 30000 };
const GET = "GET / HTTP/1.0\r\n\r\n";
const manifest = join(repo, "manifest.json");
const driver = join(repo, "tests", "xs", "securesocket", "client.js");
const NAME = "leaf.example.com";
const now = Math.floor(Date.now() / 1000);
const DAY = 86400;

const pki = new PKI();
after(() => pki.remove());

// ---- certificates ----

// keys: RSA key generation is the slow part (four RSA keys)
for (const n of ["root", "inter", "leaf", "other", "x", "i1", "i2", "stray"]) pki.key(n, "ec256");
for (const n of ["root384", "inter384", "leaf384"]) pki.key(n, "ec384");
for (const n of ["rsaRoot", "rsaInter", "rsaLeaf"]) pki.key(n, "rsa2048");
pki.key("rsa1024", "rsa1024");
pki.key("ed", "ed25519");

// the P-256 PKI, as in tests/x509.test.mjs
pki.cert("root", { cn: "Test Root", o: "x509 tests", ca: true });
pki.cert("inter", { cn: "Test Intermediate", o: "x509 tests", ca: true, issuer: "root" });
pki.cert("other", { cn: "Other Root", ca: true });
const LEAF_SAN = `DNS:${NAME},IP:127.0.0.1,IP:::1`;
const leaf = (name, options = {}) => pki.cert(name, { cn: NAME, key: "leaf", issuer: "inter", san: LEAF_SAN, ca: false,
  eku: "serverAuth", keyUsage: "critical,digitalSignature", ...options });
leaf("leaf");
// names: wildcards (leftmost label only, one label, not under a public suffix), and names that
// must not match the IP literals 127.0.0.1 and ::1 (a DNS entry spelled like one, other addresses,
// the IPv4-mapped IPv6 form)
leaf("wild", { san: "DNS:*.example.com,DNS:a.*.example.net,DNS:f*.example.org,DNS:*.co.uk" });
leaf("notIP", { san: "DNS:localhost,DNS:127.0.0.1,IP:127.0.0.2,IP:::2,IP:::ffff:127.0.0.1" });
// bad leaves
leaf("leafClient", { eku: "clientAuth" });
leaf("leafCritical", { extra: "1.2.3.4.5=critical,ASN1:UTF8String:hello" });
leaf("leafSha1", { md: "sha1" });
leaf("leaf1024", { key: "rsa1024" });
// issuers that may not issue, or may not issue that
const interLike = (name, options) => pki.cert(name, { key: "x", issuer: "root", ...options });
interLike("notCA", { cn: "Not a CA", ca: false });
interLike("ncDNS", { cn: "Permits .example.com", ca: true, nameConstraints: "critical,permitted;DNS:.example.com" });
interLike("ncIP", { cn: "Permits 10.0.0.0 mask 8", ca: true, nameConstraints: "critical,permitted;IP:10.0.0.0/255.0.0.0,permitted;DNS:example.com" });
interLike("edCA", { cn: "Ed25519 CA", key: "ed", ca: true });
const under = (name, issuer, options = {}) => leaf(name, { issuer, issuerKey: issuer === "edCA" ? "ed" : "x", ...options });
under("leafNotCA", "notCA");
under("leafNC", "ncDNS", { san: "DNS:ok.example.com,DNS:evil.org" });
under("leafNCip", "ncIP", { san: "DNS:www.example.com,IP:127.0.0.1" });
under("leafUnderEd", "edCA");
// path length: root <- p1 (pathlen 0) <- p2 <- leafP
pki.cert("p1", { cn: "PathLen 0", key: "i1", ca: true, pathlen: 0, issuer: "root" });
pki.cert("p2", { cn: "Below PathLen 0", key: "i2", ca: true, issuer: "p1", issuerKey: "i1" });
leaf("leafP", { issuer: "p2", issuerKey: "i2" });
// four certificates: root <- i1 <- i2 <- leaf4
pki.cert("i1", { cn: "Intermediate 1", ca: true, issuer: "root" });
pki.cert("i2", { cn: "Intermediate 2", ca: true, issuer: "i1" });
leaf("leaf4", { issuer: "i2" });
// a certificate that has nothing to do with the chain
pki.cert("stray", { cn: "stray.example", issuer: "other", san: "DNS:stray.example", ca: false });
// P-384 and RSA-2048 chains
pki.cert("root384", { cn: "Root P-384", ca: true, md: "sha384" });
pki.cert("inter384", { cn: "Intermediate P-384", ca: true, issuer: "root384", md: "sha384" });
pki.cert("leaf384", { cn: NAME, issuer: "inter384", md: "sha384", san: LEAF_SAN, ca: false, eku: "serverAuth" });
pki.cert("rsaRoot", { cn: "RSA Root", ca: true });
pki.cert("rsaInter", { cn: "RSA Intermediate", ca: true, issuer: "rsaRoot" });
pki.cert("rsaLeaf", { cn: NAME, issuer: "rsaInter", san: LEAF_SAN, ca: false, eku: "serverAuth" });

const pemOf = (der) => `-----BEGIN CERTIFICATE-----\n${der.toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "")}\n-----END CERTIFICATE-----\n`;
const writeCert = (name, der) => {
  pki.write(`${name}.der`, der);
  pki.write(`${name}.pem`, pemOf(der));
};
const utcTime = (seconds) => encode(0x17, Buffer.from(new Date(seconds * 1000).toISOString().replace(/[-:T]/g, "").slice(2, 14) + "Z"));

/** certificate `from` with another validity period, signed again (ECDSA SHA-256) with the issuer's key */
function withValidity(name, from, issuerKey, notBefore, notAfter) {
  const parts = dissectCertificate(readFileSync(pki.der(from)));
  const tbsFields = [...parts.tbsFields];
  tbsFields[fieldIndex(parts, 3)] = encode(0x30, utcTime(notBefore), utcTime(notAfter));
  const signature = sign("sha256", encode(0x30, ...tbsFields), readFileSync(pki.path(`${issuerKey}.key`)));
  writeCert(name, assemble({ ...parts, tbsFields, signature: encode(0x03, Buffer.from([0]), signature) }));
}
withValidity("leafExpired", "leaf", "inter", now - 30 * DAY, now - DAY);
withValidity("leafNotYet", "leaf", "inter", now + DAY, now + 30 * DAY);
withValidity("interExpired", "inter", "root", now - 30 * DAY, now - DAY);
withValidity("leafResigned", "leaf", "inter", now - DAY, now + 30 * DAY);   // the control: re-signing alone changes nothing

/** certificate `from` with one bit of its signature flipped */
function withBadSignature(name, from) {
  const der = Buffer.from(readFileSync(pki.der(from)));
  der[der.length - 3] ^= 0x01;
  writeCert(name, der);
}
withBadSignature("leafBadSig", "leaf");
withBadSignature("interBadSig", "inter");

/** a PEM file of these certificates, in this order (what s_server sends after the leaf) */
function chainFile(names) {
  const file = pki.path(`chain-${names.join("-")}.pem`);
  writeFileSync(file, names.map((n) => readFileSync(pki.pem(n), "utf8")).join(""));
  return file;
}

// ---- servers and the driver ----

/** the alert each X509Error code is sent with (docs/X509.md, modules/securesocket/verify.ts) */
const ALERTS = { certificate_expired: 45, unknown_ca: 48, bad_certificate: 42, unsupported_certificate: 43 };
const alertFor = (code) => ({
  expired: 45, notYetValid: 45, unknownIssuer: 48,
  weakKey: 43, weakAlgorithm: 43, unsupportedAlgorithm: 43, unsupportedCritical: 43,
})[code] ?? 42;
const alertName = (alert) => Object.keys(ALERTS).find((k) => ALERTS[k] === alert);
/** how OpenSSL names them in "sslv3 alert ... SSL alert number N" */
const OPENSSL_NAMES = { 42: "bad certificate", 43: "unsupported certificate", 45: "certificate expired", 48: "unknown ca" };

/**
 * Starts s_server with certificate `cert` and key `key` (names in the PKI), sending the
 * certificates `chain` after it in that order, TLS 1.3 or 1.2 only, on 127.0.0.1 or `host`; runs
 * fn(server); stops the server. `weak`: SECLEVEL 0, so that OpenSSL agrees to serve RSA-1024 and
 * SHA-1 certificates.
 */
async function withServer({ cert, key, chain = [], version = "1.3", host, weak = false }, fn) {
  const args = ["-cert", pki.pem(cert), "-key", pki.path(`${key}.key`), "-www", version === "1.2" ? "-tls1_2" : "-tls1_3",
    // no CA store: OpenSSL must not complete the chain on its own
    "-no-CAfile", "-no-CApath", "-no-CAstore"];
  if (chain.length) args.push("-cert_chain", chainFile(chain));
  if (weak) args.push("-cipher", "DEFAULT@SECLEVEL=0");
  const server = await startOpenSSL(args, { host });
  try {
    return await fn(server);
  }
  finally {
    await server.stop();
  }
}

/**
 * Runs the driver against the server: roots (names of trusted certificates, DER files) in
 * secure.certificate, the address, tls_server_name; traced; GET on message 1.
 */
async function connect(server, { roots = ["root"], address = "127.0.0.1", host, serverName, manifest: m = manifest } = {}) {
  const config = { port: server.port, request: GET, secure: { trace: true } };
  const mark = server.output().length;   // what s_server printed before this connection
  if (host) config.host = host;
  else config.address = address;
  if (roots.length) config.secure.certificate = roots.map((n) => pki.der(n));
  if (serverName !== undefined) config.secure.tls_server_name = serverName;
  const r = await startXsh(driver, [JSON.stringify(config)], { manifest: m, timeout: 15000 }).done;
  r.events = r.lines.filter((l) => "message" in l);
  r.traces = r.lines.filter((l) => "trace" in l).map((l) => l.trace);
  r.why = explainRun(r, server);
  r.mark = mark;
  return r;
}

/** the handshake (of that version) failed with this code and alert, and s_server saw the alert */
async function assertRefused(r, server, code, { message, version = "1.3" } = {}) {
  const alert = alertFor(code);
  assert.equal(r.code, 0, r.why);
  assert.ok(r.traces.some((l) => l.startsWith(`received ServerHello: TLS ${version}, `)), r.why);
  assert.deepEqual(r.events.map((e) => e.message), [-2], r.why);
  const { error } = r.events[0];
  assert.equal(error.reason, code, r.why);
  assert.equal(error.alert, alert, r.why);
  assert.equal(error.remote, false, r.why);
  assert.match(error.message, /^x509: /, r.why);
  if (message) for (const part of [].concat(message)) assert.ok(error.message.includes(part), `${JSON.stringify(part)} not in: ${error.message}`);
  assert.ok(r.traces.includes(`error: ${error.message} (sent ${alertName(alert)})`), r.why);
  assert.deepEqual(r.lines.at(-1), { end: true }, r.why);
  const seen = await server.waitOutput(/alert ([a-z ]+):[^\n]*SSL alert number (\d+)/, 5000, r.mark);
  assert.deepEqual([seen[1], Number(seen[2])], [OPENSSL_NAMES[alert], alert], server.output());
  return error;
}

/**
 * The handshake completed (that version; the certificates received: how many, how many bytes; the
 * length of the verified path, trust anchor included; where the anchor came from), and the GET got
 * the whole page.
 */
function assertPage(r, { version = "1.3", certificates, bytes, path = 3, anchor = "roots" } = {}) {
  assert.equal(r.code, 0, r.why);
  const messages = r.events.map((e) => e.message);
  assert.equal(messages[0], 1, r.why);
  assert.equal(messages.at(-1), -1, `the page ends with close_notify\n${r.why}`);
  assert.ok(!messages.includes(-2), r.why);
  const { tls } = r.events[0];
  assert.equal(tls.version, `TLS ${version}`, r.why);
  if (certificates !== undefined) assert.equal(tls.certificates, certificates, r.why);
  assert.ok(r.traces.includes(`certificate verified: ${path} certificates to a trust anchor from ${anchor}`), r.why);
  if (bytes !== undefined)
    assert.ok(r.traces.includes(`received Certificate: ${certificates} certificates, ${bytes} bytes, checked as they came`), r.why);
  const page = r.events.filter((e) => e.message === 2).map((e) => e.text).join("");
  assert.match(page, /^HTTP\/1\.0 200 ok\r\n/, r.why);
  assert.match(page, new RegExp(`New, TLSv${version}, Cipher is`), r.why);
  assert.match(page, /<\/pre><\/BODY><\/HTML>\s*$/, r.why);
}

// ---- the generated certificates are what they claim ----

test("the generated certificates: re-signed ones verify with their issuer's key; the flipped ones do not", () => {
  const x = (n) => new X509Certificate(readFileSync(pki.der(n)));
  for (const [n, issuer] of [["leafExpired", "inter"], ["leafNotYet", "inter"], ["leafResigned", "inter"], ["interExpired", "root"]])
    assert.equal(x(n).verify(x(issuer).publicKey), true, n);
  assert.equal(x("leafBadSig").verify(x("inter").publicKey), false);
  assert.equal(x("interBadSig").verify(x("root").publicKey), false);
  assert.ok(new Date(x("leafExpired").validTo) < new Date() && new Date(x("leafExpired").validFrom) < new Date(x("leafExpired").validTo));
  assert.ok(new Date(x("leafNotYet").validFrom) > new Date());
  assert.ok(new Date(x("interExpired").validTo) < new Date());
});

// ---- good chains: the handshake completes and the GET gets the page ----

// path: the verified path's length, trust anchor included
const good = [
  { name: "ECDSA P-256: leaf and intermediate", cert: "leaf", key: "leaf", chain: ["inter"], path: 3, versions: ["1.3", "1.2"] },
  { name: "ECDSA P-384 (SHA-384 signatures)", cert: "leaf384", key: "leaf384", chain: ["inter384"], roots: ["root384"], path: 3, versions: ["1.3", "1.2"] },
  { name: "RSA-2048: leaf and intermediate", cert: "rsaLeaf", key: "rsaLeaf", chain: ["rsaInter"], roots: ["rsaRoot"], path: 3, versions: ["1.3", "1.2"] },
  { name: "four certificates, the intermediates out of order (leaf, Intermediate 1, Intermediate 2)", cert: "leaf4", key: "leaf", chain: ["i1", "i2"], path: 4, versions: ["1.3", "1.2"] },
  { name: "an extra unrelated certificate first in the chain", cert: "leaf", key: "leaf", chain: ["stray", "inter"], path: 3 },
  { name: "the root sent too, another root trusted as well", cert: "leaf", key: "leaf", chain: ["inter", "root"], roots: ["other", "root"], path: 3 },
  { name: "a leaf re-signed by this test with a current validity (the control of the validity variants)", cert: "leafResigned", key: "leaf", chain: ["inter"], path: 3 },
];
const derSize = (name) => readFileSync(pki.der(name)).length;
for (const g of good) {
  for (const version of g.versions ?? ["1.3"]) {
    test(`accepted, TLS ${version}: ${g.name}`, T, async () => {
      await withServer({ ...g, version }, async (server) => {
        const sent = [g.cert, ...g.chain];
        assertPage(await connect(server, { roots: g.roots, serverName: NAME }),
          { version, certificates: sent.length, bytes: sent.reduce((n, c) => n + derSize(c), 0), path: g.path });
      });
    });
  }
}

// ---- bad chains: each refused with its own code and alert ----

const bad = [
  { name: "expired leaf", cert: "leafExpired", chain: ["inter"], code: "expired", message: `'CN=${NAME}' expired on`, versions: ["1.3", "1.2"] },
  { name: "expired intermediate", cert: "leaf", chain: ["interExpired"], code: "expired", message: "'CN=Test Intermediate, O=x509 tests' expired on" },
  { name: "leaf not yet valid", cert: "leafNotYet", chain: ["inter"], code: "notYetValid", message: `'CN=${NAME}'` },
  { name: "wrong host name", cert: "leaf", chain: ["inter"], serverName: "other.example.com", code: "nameMismatch", message: "other.example.com", versions: ["1.3", "1.2"] },
  { name: "untrusted root: the server sends its root, another root is trusted", cert: "leaf", chain: ["inter", "root"], roots: ["other"], code: "unknownIssuer",
    message: "the self-signed certificate 'CN=Test Root, O=x509 tests' is not a trusted root", versions: ["1.3", "1.2"] },
  { name: "missing intermediate: the server sends the leaf alone", cert: "leaf", code: "unknownIssuer", message: ["'CN=Test Intermediate, O=x509 tests'", "the peer did not send it"] },
  { name: "intermediate that is not a CA (cA FALSE)", cert: "leafNotCA", chain: ["notCA"], code: "notCA", message: "Not a CA" },
  { name: "path length exceeded (a CA below a pathLenConstraint 0)", cert: "leafP", chain: ["p2", "p1"], code: "pathLength" },
  { name: "wrong EKU: a clientAuth-only leaf", cert: "leafClient", chain: ["inter"], code: "extendedKeyUsage" },
  { name: "bad signature on the leaf", cert: "leafBadSig", chain: ["inter"], code: "badSignature", versions: ["1.3", "1.2"] },
  { name: "bad signature on the intermediate", cert: "leaf", chain: ["interBadSig"], code: "badSignature" },
  { name: "RSA-1024 leaf", cert: "leaf1024", key: "rsa1024", chain: ["inter"], weak: true, code: "weakKey", versions: ["1.3", "1.2"] },
  { name: "SHA-1 signature", cert: "leafSha1", chain: ["inter"], weak: true, code: "weakAlgorithm", message: "SHA-1" },
  { name: "Ed25519 signature (an algorithm the verifier does not support)", cert: "leafUnderEd", chain: ["edCA"], code: "unsupportedAlgorithm", message: "Ed25519" },
  { name: "unknown critical extension", cert: "leafCritical", chain: ["inter"], code: "unsupportedCritical", message: "1.2.3.4.5" },
  { name: "name constraints: a DNS name outside the permitted subtree", cert: "leafNC", chain: ["ncDNS"], serverName: "ok.example.com", code: "nameConstraints", message: "evil.org" },
  { name: "name constraints: an IP address outside the permitted subtree (connected by 127.0.0.1)", cert: "leafNCip", chain: ["ncIP"], byAddress: true, code: "nameConstraints", message: "127.0.0.1" },
];
for (const b of bad) {
  for (const version of b.versions ?? ["1.3"]) {
    test(`refused, TLS ${version}: ${b.name}: ${b.code}, alert ${alertFor(b.code)}`, T, async () => {
      await withServer({ key: "leaf", ...b, version }, async (server) => {
        // byAddress: the name checked is the address connected to, 127.0.0.1
        const serverName = b.byAddress ? undefined : b.serverName ?? NAME;
        await assertRefused(await connect(server, { roots: b.roots, serverName }), server, b.code, { message: b.message, version });
      });
    });
  }
}

// ---- names: wildcards, IP literals (RFC 9525) ----

/** one server, one connection per [name, expected], each a subtest */
async function nameChecks(t, server, cases, options = {}) {
  for (const [label, connectOptions, expect] of cases) {
    await t.test(`${label}: ${expect}`, async () => {
      const r = await connect(server, { ...options, ...connectOptions });
      if (expect === "ok") assertPage(r);
      else await assertRefused(r, server, expect);
    });
  }
}

test("wildcards: *.example.com matches one leftmost label only; a.*, f* and *.co.uk match nothing", T, async (t) => {
  await withServer({ cert: "wild", key: "leaf", chain: ["inter"] }, (server) => nameChecks(t, server, [
    ["www.example.com", { serverName: "www.example.com" }, "ok"],
    ["WWW.Example.COM", { serverName: "WWW.Example.COM" }, "ok"],
    ["a.b.example.com (two labels)", { serverName: "a.b.example.com" }, "nameMismatch"],
    ["example.com (no label)", { serverName: "example.com" }, "nameMismatch"],
    ["a.b.example.net (wildcard not leftmost)", { serverName: "a.b.example.net" }, "nameMismatch"],
    ["foo.example.org (partial-label wildcard)", { serverName: "foo.example.org" }, "nameMismatch"],
    ["foo.co.uk (wildcard under a public suffix)", { serverName: "foo.co.uk" }, "nameMismatch"],
  ]));
});

test("IPv4: connected to 127.0.0.1 (host or address), the name checked is the address, against iPAddress entries only", T, async (t) => {
  await withServer({ cert: "leaf", key: "leaf", chain: ["inter"] }, (server) => nameChecks(t, server, [
    ["host 127.0.0.1, SAN IP:127.0.0.1", { host: "127.0.0.1" }, "ok"],
    ["address 127.0.0.1, SAN IP:127.0.0.1", { address: "127.0.0.1" }, "ok"],
  ]));
  await withServer({ cert: "notIP", key: "leaf", chain: ["inter"] }, (server) => nameChecks(t, server, [
    ["address 127.0.0.1, SAN DNS:127.0.0.1, IP:127.0.0.2, IP:::ffff:127.0.0.1", { address: "127.0.0.1" }, "nameMismatch"],
  ]));
});

test("IPv6: a server on ::1, connected to ::1 (host or address), checked against iPAddress entries", T, async (t) => {
  await withServer({ cert: "leaf", key: "leaf", chain: ["inter"], host: "::1" }, (server) => nameChecks(t, server, [
    ["address ::1, SAN IP:::1", { address: "::1" }, "ok"],
    ["host ::1, SAN IP:::1", { host: "::1" }, "ok"],
  ]));
  await withServer({ cert: "notIP", key: "leaf", chain: ["inter"], host: "::1" }, (server) => nameChecks(t, server, [
    ["address ::1, SAN IP:::2, IP:::ffff:127.0.0.1 and no ::1", { address: "::1" }, "nameMismatch"],
  ]));
});

test("IPv6 literals in tls_server_name (over 127.0.0.1): compared as addresses", T, async (t) => {
  await withServer({ cert: "leaf", key: "leaf", chain: ["inter"] }, (server) => nameChecks(t, server, [
    ["tls_server_name ::1", { serverName: "::1" }, "ok"],
    ["tls_server_name 0:0:0:0:0:0:0:1", { serverName: "0:0:0:0:0:0:0:1" }, "ok"],
    ["tls_server_name [::1]", { serverName: "[::1]" }, "ok"],
    ["tls_server_name ::2", { serverName: "::2" }, "nameMismatch"],
  ]));
});

// ---- the built-in CA store, and ca:select on a chain saved from a local server ----

/** the subjectKeyIdentifier of a certificate, lowercase hex */
function subjectKeyId(pem) {
  const text = execFileSync("openssl", ["x509", "-in", pem, "-noout", "-ext", "subjectKeyIdentifier"], { timeout: 10000 }).toString();
  return /Identifier:\s*\n\s*([0-9A-F:]+)/.exec(text)?.[1].replace(/:/g, "").toLowerCase();
}

/** runs a command to its end, with a kill timer; resolves to { status, signal, stdout, stderr } */
function run(command, args, { input = "", ms = 30000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repo, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.stdin.on("error", () => {});
    child.stdin.end(input);
    const timer = setTimeout(() => child.kill("SIGKILL"), ms);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

test("the built-in CA store alone: unknownIssuer (alert 48), and the message names the issuer and says how to add it", T, async () => {
  await withServer({ cert: "leaf", key: "leaf", chain: ["inter"] }, async (server) => {
    const r = await connect(server, { roots: [], serverName: NAME });
    const error = await assertRefused(r, server, "unknownIssuer", {
      message: ["no trusted root or certificate named 'CN=Test Root, O=x509 tests'", "secure.certificate", "npm run ca:select"] });
    const keyId = /\(key id ([0-9a-f]+)\)/i.exec(error.message)?.[1];
    assert.equal(keyId?.toLowerCase(), subjectKeyId(pki.pem("root")), error.message);
  });
});

test("ca:select on a chain saved from a local server: no root of the built-in store; with the test root as a source, its manifest lines verify that server", T, async () => {
  await withServer({ cert: "leaf", key: "leaf", chain: ["inter"] }, async (server) => {
    const fetched = await run("openssl", ["s_client", "-connect", `127.0.0.1:${server.port}`, "-servername", NAME, "-showcerts"]);
    const pems = fetched.stdout.match(/-----BEGIN CERTIFICATE-----\n[^-]+-----END CERTIFICATE-----\n/g) ?? [];
    assert.equal(pems.length, 2, fetched.stdout + fetched.stderr);
    const chain = pki.write("saved-chain.pem", pems.join(""));
    const chainLine = `${chain}: CN=${NAME} <- CN=Test Intermediate, O=x509 tests`;

    // the default sources: Debian's Mozilla roots, the built-in store's
    const alone = await run("npm", ["run", "-s", "ca:select", "--", "--out", pki.path("ca-default"), chain]);
    const whyAlone = `exit ${alone.status}\n${alone.stdout}\n${alone.stderr}`;
    assert.equal(alone.status, 1, whyAlone);
    assert.ok(alone.stdout.includes(chainLine), whyAlone);
    assert.ok(alone.stdout.includes("no root found: no root of the store issued CN=Test Intermediate, O=x509 tests (its issuer: CN=Test Root, O=x509 tests)"), whyAlone);
    assert.doesNotMatch(alone.stdout, /"resources"/, whyAlone);

    // the test root as the source: it names the root and prints the lines
    const out = pki.path("ca-selected");
    const selected = await run("npm", ["run", "-s", "ca:select", "--", "--source", pki.pem("root"), "--out", out, chain]);
    const why = `exit ${selected.status}\n${selected.stdout}\n${selected.stderr}`;
    assert.equal(selected.status, 0, why);
    assert.ok(selected.stdout.includes(chainLine), why);
    const id = /needs root ca_([0-9a-f]{8}): CN=Test Root, O=x509 tests/.exec(selected.stdout)?.[1];
    assert.ok(id, why);
    assert.match(selected.stdout, /"resources": \{/, why);
    const lines = [...selected.stdout.matchAll(/^\t+"([^"]+)",?$/gm)].map((m) => m[1]);
    assert.deepEqual(lines, [join(out, "ca-index"), join(out, "roots", `ca_${id}`)], why);
    for (const line of lines) assert.ok(existsSync(`${line}.bin`), line);

    // those lines as the resources of a manifest: verified from the store, no secure.certificate
    const js = join(repo, "build", "js", "modules");
    const pruned = pki.write("selected.manifest.json", JSON.stringify({
      modules: {
        "crypto/*": join(js, "crypto", "*"), "tls/*": join(js, "tls", "*"), ...projectModules("x509"),
        "securesocket": join(js, "securesocket", "securesocket"),
        "securesocket/*": join(js, "securesocket", "*"),
      },
      resources: { "*": lines },
    }));
    const r = await connect(server, { roots: [], serverName: NAME, manifest: pruned });
    assertPage(r, { certificates: 2, bytes: derSize("leaf") + derSize("inter"), anchor: "store" });
  });
});
