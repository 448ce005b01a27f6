// The device profile's chain verifier in C (native/x509_chain.c behind securesocket/verify-device.ts,
// docs/X509.md "The device verifier"), driven as the TLS engine drives it (tests/xs/x509/chain_cases.js)
// in build/xsh-device with manifest_device.json:
//   - good ECDSA P-256, P-384 and RSA chains, with the certificates in one update or in pieces;
//   - each refusal with its reason, alert and a message naming the certificate by depth: validity at
//     each depth, name, issuer, signature, CA, pathLenConstraint, keyUsage, extKeyUsage, unknown critical
//     extension, nameConstraints, RSASSA-PSS, weak algorithms and keys, a chain out of order, an unknown
//     root, a self-signed leaf;
//   - the roots option and the CA store (a store made by ca:build from the test root: whole, per-root
//     records, and a root the build lacks);
//   - differential: the full profiles' JS path validator (securesocket/verify.ts, manifest_tls13.json in
//     build/xsh) gives the same verdict and reason on every case both profiles support.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { runXsh, explain, repo } from "./lib/xsh.mjs";
import { tls13Manifest, makeCertificates } from "./lib/tls-peers.mjs";
import { PKI } from "./fixtures/x509/pki.mjs";

const T = { timeout: 120000 };
const driver = join(repo, "tests", "xs", "x509", "chain_cases.js");
const deviceManifest = join(repo, "manifest_device.json");
const device = { manifest: deviceManifest, xsh: join(repo, "build", "xsh-device") };
const full = { manifest: tls13Manifest, xsh: join(repo, "build", "xsh") };

const pki = new PKI();
const peers = makeCertificates({ chain: true });
after(() => { pki.remove(); peers.remove(); });

const NAME = "leaf.example.com";
const SAN = `DNS:${NAME},IP:127.0.0.1`;
const now = Math.floor(Date.now() / 1000);
const DAY = 86400;
for (const n of ["root", "inter", "leaf", "other", "inter2", "self"]) pki.key(n, "ec256");
for (const n of ["root384", "inter384", "leaf384"]) pki.key(n, "ec384");
for (const n of ["rsaRoot", "rsaInter", "rsaLeaf"]) pki.key(n, "rsa2048");
pki.key("rsaSmall", "rsa1024");
const leafOptions = { cn: NAME, key: "leaf", san: SAN, ca: false, eku: "serverAuth", keyUsage: "critical,digitalSignature" };
pki.cert("root", { cn: "Chain Test Root", ca: true });
pki.cert("inter", { cn: "Chain Test Intermediate", ca: true, issuer: "root" });
pki.cert("leaf", { ...leafOptions, issuer: "inter" });
// P-384 and RSA chains
pki.cert("root384", { cn: "Chain Test Root 384", ca: true, md: "sha384" });
pki.cert("inter384", { cn: "Chain Test Intermediate 384", ca: true, issuer: "root384", md: "sha384" });
pki.cert("leaf384", { ...leafOptions, key: "leaf384", issuer: "inter384", md: "sha384" });
pki.cert("rsaRoot", { cn: "Chain Test RSA Root", ca: true });
pki.cert("rsaInter", { cn: "Chain Test RSA Intermediate", ca: true, issuer: "rsaRoot", md: "sha512" });
pki.cert("rsaLeaf", { ...leafOptions, key: "rsaLeaf", issuer: "rsaInter" });
pki.cert("rsaLeafPSS", { ...leafOptions, key: "rsaLeaf", issuer: "rsaRoot", pss: true });
// validity: an intermediate of one day
pki.cert("interShort", { cn: "Short Intermediate", key: "inter", ca: true, issuer: "root", days: 1 });
pki.cert("leafUnderShort", { ...leafOptions, issuer: "interShort", issuerKey: "inter" });
// issuers that may not issue
pki.cert("interNotCA", { cn: "Not A CA", key: "inter", ca: false, issuer: "root" });
pki.cert("leafUnderNotCA", { ...leafOptions, issuer: "interNotCA", issuerKey: "inter" });
pki.cert("interNoCertSign", { cn: "No keyCertSign", key: "inter", ca: true, keyUsage: "critical,digitalSignature", issuer: "root" });
pki.cert("leafUnderNoCertSign", { ...leafOptions, issuer: "interNoCertSign", issuerKey: "inter" });
pki.cert("interP0", { cn: "Path Length 0", key: "inter", ca: true, pathlen: 0, issuer: "root" });
pki.cert("inter2", { cn: "Below Path Length 0", ca: true, issuer: "interP0", issuerKey: "inter" });
pki.cert("leafUnderInter2", { ...leafOptions, issuer: "inter2" });
pki.cert("interB", { cn: "Second Intermediate", key: "inter2", ca: true, issuer: "inter" });
pki.cert("leafUnderB", { ...leafOptions, issuer: "interB", issuerKey: "inter2" });
pki.cert("interClientOnly", { cn: "Client CA", key: "inter", ca: true, eku: "clientAuth", issuer: "root" });
pki.cert("leafUnderClientOnly", { ...leafOptions, issuer: "interClientOnly", issuerKey: "inter" });
pki.cert("interNC", { cn: "Constrained CA", key: "inter", ca: true, issuer: "root", nameConstraints: "critical,permitted;DNS:.example.com,permitted;IP:127.0.0.0/255.0.0.0" });
pki.cert("leafUnderNC", { ...leafOptions, issuer: "interNC", issuerKey: "inter" });
// leaves with a problem of their own
pki.cert("leafClientAuth", { ...leafOptions, eku: "clientAuth", issuer: "inter" });
pki.cert("leafNoDigitalSignature", { ...leafOptions, keyUsage: "critical,keyEncipherment", issuer: "inter" });
pki.cert("leafCritical", { ...leafOptions, issuer: "inter", extra: ["1.2.3.4=critical,ASN1:NULL"] });
pki.cert("leafSha1", { ...leafOptions, issuer: "inter", md: "sha1" });
pki.cert("leafSmallKey", { ...leafOptions, key: "rsaSmall", issuer: "inter" });
pki.cert("leafNoSAN", { cn: NAME, key: "leaf", ca: false, issuer: "inter" });
pki.cert("leafWildcard", { ...leafOptions, san: "DNS:*.example.com", issuer: "inter" });
pki.cert("self", { ...leafOptions, key: "self" });
// another CA with the intermediate's key identifier source but another name
pki.cert("other", { cn: "Other Root", ca: true });
pki.cert("interOther", { cn: "Other Intermediate", key: "inter", ca: true, issuer: "other" });
// a flipped signature byte (the leaf's last byte is in its signature)
const flipped = readFileSync(pki.der("leaf"));
flipped[flipped.length - 1] ^= 1;
pki.write("leafFlipped.der", flipped);

const d = (n) => pki.der(n);
const base = { serverName: NAME };
// [name, case, device verdict (reason or true), the message's distinctive part, full profile differs?]
const CASES = [
  ["good P-256", { chain: [d("leaf"), d("inter")], roots: [d("root")] }, true],
  ["good P-256, root sent too", { chain: [d("leaf"), d("inter"), d("root")], roots: [d("root")] }, true],
  ["good P-256 in pieces", { chain: [d("leaf"), d("inter")], roots: [d("root")], pieces: 3 }, true],
  ["good P-384", { chain: [d("leaf384"), d("inter384")], roots: [d("root384")] }, true],
  ["good RSA (SHA-512 intermediate)", { chain: [d("rsaLeaf"), d("rsaInter")], roots: [d("rsaRoot")], pieces: 2 }, true],
  ["wildcard name", { chain: [d("leafWildcard"), d("inter")], roots: [d("root")] }, true],
  ["IPv4 name", { chain: [d("leaf"), d("inter")], roots: [d("root")], serverName: "127.0.0.1" }, true],
  ["the leaf is a root", { chain: [d("self")], roots: [d("self")] }, true],
  ["no name to check", { chain: [d("leafNoSAN"), d("inter")], roots: [d("root")], serverName: undefined }, true],
  ["verify false: only the leaf's key", { chain: [d("leaf"), d("interOther")], verify: false }, true],
  ["leaf expired", { chain: [d("leaf"), d("inter")], roots: [d("root")], time: now + 60 * DAY }, "expired", /certificate 0 'CN=leaf\.example\.com' has expired/],
  ["leaf not valid yet", { chain: [d("leaf"), d("inter")], roots: [d("root")], time: now - DAY }, "notYetValid", /certificate 0 .*is not valid yet/],
  ["intermediate expired", { chain: [d("leafUnderShort"), d("interShort")], roots: [d("root")], time: now + 2 * DAY }, "expired", /certificate 1 'CN=Short Intermediate' has expired/],
  ["wrong name", { chain: [d("leaf"), d("inter")], roots: [d("root")], serverName: "other.example.com" }, "nameMismatch", /^x509: .*\(certificate 0\)$/],
  ["no subjectAltName", { chain: [d("leafNoSAN"), d("inter")], roots: [d("root")] }, "nameMismatch", /certificate 0/],
  ["wrong issuer sent", { chain: [d("leaf"), d("interOther")], roots: [d("root"), d("other")] }, "unknownIssuer", /certificate 1 'CN=Other Intermediate' did not issue the one before it: the chain must be in order/],
  ["flipped signature byte", { chain: [d("leafFlipped"), d("inter")], roots: [d("root")] }, "badSignature", /certificate 0 'CN=leaf\.example\.com' has a bad signature/],
  ["issuer not a CA", { chain: [d("leafUnderNotCA"), d("interNotCA")], roots: [d("root")] }, "notCA", /certificate 1 'CN=Not A CA' is not a CA/],
  ["issuer without keyCertSign", { chain: [d("leafUnderNoCertSign"), d("interNoCertSign")], roots: [d("root")] }, "keyUsage", /certificate 1 .* keyCertSign/],
  ["pathLenConstraint exceeded", { chain: [d("leafUnderInter2"), d("inter2"), d("interP0")], roots: [d("root")] }, "pathLength", /certificate 2 'CN=Path Length 0' has its pathLenConstraint exceeded/],
  ["issuer for clientAuth only", { chain: [d("leafUnderClientOnly"), d("interClientOnly")], roots: [d("root")] }, "extendedKeyUsage", /certificate 1 .*has an extKeyUsage without this use/],
  ["leaf for clientAuth only", { chain: [d("leafClientAuth"), d("inter")], roots: [d("root")] }, "extendedKeyUsage", /certificate 0 .*has an extKeyUsage without this use/],
  ["leaf without digitalSignature", { chain: [d("leafNoDigitalSignature"), d("inter")], roots: [d("root")] }, "keyUsage", /certificate 0 .*digitalSignature/],
  ["unknown critical extension", { chain: [d("leafCritical"), d("inter")], roots: [d("root")] }, "unsupportedCritical", /certificate 0 .*critical extension/],
  ["SHA-1 signature", { chain: [d("leafSha1"), d("inter")], roots: [d("root")] }, "weakAlgorithm", /certificate 0 .*SHA-1/],
  ["RSA-1024 leaf key", { chain: [d("leafSmallKey"), d("inter")], roots: [d("root")] }, "weakKey", /certificate 0 .*under 2048 bits/],
  ["name constraints", { chain: [d("leafUnderNC"), d("interNC")], roots: [d("root")] }, "nameConstraints", /certificate 1 'CN=Constrained CA' has name constraints, not in this build/, "nameConstraints"],
  ["RSASSA-PSS signature", { chain: [d("rsaLeafPSS")], roots: [d("rsaRoot")] }, "unsupportedAlgorithm", /certificate 0 .*RSASSA-PSS, not in this build/, "pss"],
  ["good, two intermediates", { chain: [d("leafUnderB"), d("interB"), d("inter")], roots: [d("root")] }, true],
  ["out of order", { chain: [d("leafUnderB"), d("inter"), d("interB")], roots: [d("root")] }, "unknownIssuer", /certificate 1 'CN=Chain Test Intermediate' did not issue the one before it: the chain must be in order/, "order"],
  ["unknown root", { chain: [d("leaf"), d("inter")], roots: [d("other")] }, "unknownIssuer", /unknown issuer of certificate 1 'CN=Chain Test Intermediate' \(issuer 'CN=Chain Test Root'\): add its root/],
  ["no roots at all", { chain: [d("leaf"), d("inter")] }, "unknownIssuer", /unknown issuer/],
  ["self-signed leaf", { chain: [d("self")], roots: [d("root")] }, "unknownIssuer", /unknown issuer: self-signed certificate 0 'CN=leaf\.example\.com'/],
  ["the intermediate as the root", { chain: [d("leaf"), d("inter")], roots: [d("inter")] }, true],
  ["too long a certificate", { chain: [d("leaf"), pki.write("huge.der", Buffer.alloc(20000))], roots: [d("root")] }, "malformed", /certificate 1 of 20000 bytes/],
  ["not DER", { chain: [pki.write("junk.der", Buffer.from("3003020101ff", "hex"))], roots: [d("root")] }, "malformed", /^x509: certificate 0 /],
];
const ALERT = { expired: 45, notYetValid: 45, unknownIssuer: 48, weakKey: 43, weakAlgorithm: 43, unsupportedAlgorithm: 43, unsupportedCritical: 43 };

const caseFile = (name, cases) => pki.write(`${name}.json`, JSON.stringify(cases));
const asCases = (list) => list.map(([name, c]) => ({ name, ...base, ...c }));
const runCases = (profile, file) => runXsh(driver, [file], profile);
const file = caseFile("cases", asCases(CASES));
const deviceRun = await runCases(device, file);
const fullRun = await runCases(full, file);
const byName = (r) => new Map(r.lines.filter((l) => l.name).map((l) => [l.name, l]));

test("device chain verifier: each case's verdict, reason, alert and message", T, () => {
  assert.equal(deviceRun.code, 0, explain(deviceRun));
  const results = byName(deviceRun);
  assert.equal(results.size, CASES.length, explain(deviceRun));
  for (const [name, , expected, message] of CASES) {
    const r = results.get(name);
    if (expected === true) {
      assert.equal(r.ok, true, `${name}: ${JSON.stringify(r)}`);
      continue;
    }
    assert.equal(r.ok, false, `${name}: ${JSON.stringify(r)}`);
    assert.equal(r.error, "TLSError", `${name}: ${JSON.stringify(r)}`);
    assert.equal(r.reason, expected, `${name}: ${JSON.stringify(r)}`);
    assert.equal(r.alert, ALERT[expected] ?? 42, `${name}: ${JSON.stringify(r)}`);
    assert.match(r.message, /^x509: /, name);
    assert.match(r.message, message, `${name}: ${r.message}`);
  }
});

test("device chain verifier: the leaf's key and summary (peerCertificate)", T, () => {
  const results = byName(deviceRun);
  assert.equal(results.get("good P-256").keyType, "ec");
  assert.equal(results.get("good RSA (SHA-512 intermediate)").keyType, "rsa");
  const leaf = results.get("good P-384").leaf;
  assert.equal(leaf.commonName, NAME);
  const serial = spawnSync("openssl", ["x509", "-in", pki.der("leaf384"), "-inform", "DER", "-noout", "-serial"], { encoding: "utf8" }).stdout;
  assert.equal(leaf.serialNumber, serial.trim().split("=")[1].toLowerCase());
  assert.ok(Math.abs(leaf.notAfter - (now + 30 * DAY)) < 120, JSON.stringify(leaf));
});

test("device chain verifier: the same verdicts as the full profiles' JS path validator (but where the device refuses more)", T, () => {
  assert.equal(fullRun.code, 0, explain(fullRun));
  const dev = byName(deviceRun), js = byName(fullRun);
  let compared = 0;
  for (const [name, , expected, , differs] of CASES) {
    const a = dev.get(name), b = js.get(name);
    if (differs) {
      // the device profile refuses what the full one accepts: name constraints, RSASSA-PSS, a chain out of order
      assert.equal(b.ok, true, `${name}: ${JSON.stringify(b)}`);
      assert.equal(a.ok, false, name);
      continue;
    }
    assert.equal(a.ok, b.ok, `${name}: device ${JSON.stringify(a)}, full ${JSON.stringify(b)}`);
    if (expected !== true && name !== "too long a certificate" && name !== "not DER")
      assert.equal(a.reason, b.reason, `${name}: device ${JSON.stringify(a)}, full ${JSON.stringify(b)}`);
    compared++;
  }
  assert.ok(compared > 25, `${compared}`);
});

// the repo's other test chains (tests/lib/tls-peers.mjs: the TLS tests' PKI), each in order, both profiles
const pemChain = (file) => readFileSync(file, "utf8").match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g)
  .map((p, i) => pki.write(`${file.split("/").pop()}-${i}.der`, Buffer.from(p.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64")));
test("device chain verifier: the TLS tests' chains, the same verdicts in both profiles", T, async () => {
  const cases = [];
  for (const name of ["p256", "p384", "rsa", "chainleaf"]) {
    const chain = pemChain(peers.path(`${name}.crt`));
    for (const roots of [[peers.path("ca.der")], [chain[chain.length - 1]], []])
      for (const serverName of ["localhost", "127.0.0.1", "wrong.example"])
        cases.push({ name: `${name} ${roots.length ? roots[0].split("/").pop() : "no roots"} ${serverName}`, chain, roots: roots.filter(existsSync), serverName });
  }
  const f = caseFile("peers", cases);
  const [a, b] = [await runCases(device, f), await runCases(full, f)];
  assert.equal(a.code, 0, explain(a));
  assert.equal(b.code, 0, explain(b));
  const dev = byName(a), js = byName(b);
  assert.equal(dev.size, cases.length);
  let accepted = 0;
  for (const c of cases) {
    assert.equal(dev.get(c.name).ok, js.get(c.name).ok, `${c.name}: ${JSON.stringify(dev.get(c.name))} ${JSON.stringify(js.get(c.name))}`);
    assert.equal(dev.get(c.name).reason, js.get(c.name).reason, c.name);
    if (dev.get(c.name).ok) accepted++;
  }
  assert.ok(accepted > 0 && accepted < cases.length, `${accepted} of ${cases.length}`);
});

// the CA store: a store of the test root (ca:build), as the device build's resources
const store = pki.path("store");
const build = spawnSync(process.execPath, [join(repo, "tools", "ca-build.mjs"), "--out", store, pki.pem("root"), pki.pem("other")], { encoding: "utf8" });
const listed = existsSync(join(store, "roots.json")) ? JSON.parse(readFileSync(join(store, "roots.json"), "utf8")) : [];
/** manifest_device.json with these resources (its modules by absolute path) */
function deviceWith(name, resources) {
  const m = JSON.parse(readFileSync(deviceManifest, "utf8"));
  for (const [k, v] of Object.entries(m.modules)) if (typeof v === "string") m.modules[k] = join(dirname(deviceManifest), v);
  m.resources = { "*": resources };
  return { manifest: pki.write(`${name}.manifest.json`, JSON.stringify(m)), xsh: device.xsh };
}
test("device chain verifier: trust anchors from the CA store (bundle, per-root record, a root the build lacks)", T, async () => {
  assert.equal(build.status, 0, build.stderr + build.stdout);
  const rootId = listed.find((r) => r.cn === "Chain Test Root")?.id;
  const otherId = listed.find((r) => r.cn === "Other Root")?.id;
  const f = caseFile("store", [
    { name: "store", chain: [d("leaf"), d("inter")], serverName: NAME, store: true },
    { name: "no store option", chain: [d("leaf"), d("inter")], serverName: NAME, store: false },
  ]);
  const bundle = await runCases(deviceWith("bundle", [join(store, "ca-index"), join(store, "ca-roots")]), f);
  const record = await runCases(deviceWith("record", [join(store, "ca-index"), join(store, "roots", `ca_${rootId}`)]), f);
  const lacking = await runCases(deviceWith("lacking", [join(store, "ca-index"), join(store, "roots", `ca_${otherId}`)]), f);
  for (const r of [bundle, record, lacking]) assert.equal(r.code, 0, explain(r));
  assert.equal(byName(bundle).get("store").ok, true, explain(bundle));
  assert.equal(byName(record).get("store").ok, true, explain(record));
  assert.equal(byName(bundle).get("no store option").reason, "unknownIssuer");
  const missing = byName(lacking).get("store");
  assert.equal(missing.reason, "unknownIssuer", JSON.stringify(missing));
  assert.match(missing.message, new RegExp(`: add ca_${rootId}\\.bin to the resources`));
});
