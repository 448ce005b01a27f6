// ChainVerifier, the streaming verifier the TLS engine uses: the same answer whatever the chunking
// (1 byte at a time up to whole certificates, from inside a larger buffer), the same as verifyChain;
// the API's rules; and the memory of verifying 2- and 4-certificate chains (ECDSA P-256 and
// RSA-2048) against a CA store resource, as docs/X509.md reports it.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { runXsh, explain, repo, projectModules } from "./lib/xsh.mjs";
import { PKI } from "./fixtures/x509/pki.mjs";

const pki = new PKI();
after(() => pki.remove());
const T = { timeout: 60000 };

// EC: root <- i1 <- i2 <- i3, leaves under i1 (2 certificates sent) and i3 (4 sent)
for (const name of ["root", "i1", "i2", "i3", "leaf"]) pki.key(name, "ec256");
pki.cert("root", { cn: "Stream Root", ca: true });
pki.cert("i1", { cn: "Stream I1", ca: true, issuer: "root" });
pki.cert("i2", { cn: "Stream I2", ca: true, issuer: "i1" });
pki.cert("i3", { cn: "Stream I3", ca: true, issuer: "i2" });
const SAN = "DNS:www.example.com,DNS:example.com,DNS:*.cdn.example.com,IP:192.0.2.1";
pki.cert("leaf2", { cn: "www.example.com", key: "leaf", issuer: "i1", san: SAN, eku: "serverAuth" });
pki.cert("leaf4", { cn: "www.example.com", key: "leaf", issuer: "i3", san: SAN, eku: "serverAuth" });
// RSA-2048 (two keys: the root's, and one for the others), with SHA-256, SHA-512 and PSS leaves
pki.key("rsaRoot", "rsa2048");
pki.key("rsa", "rsa2048");
pki.cert("rroot", { cn: "RSA Stream Root", key: "rsaRoot", ca: true });
pki.cert("r1", { cn: "RSA I1", key: "rsa", ca: true, issuer: "rroot", issuerKey: "rsaRoot" });
pki.cert("r2", { cn: "RSA I2", key: "rsa", ca: true, issuer: "r1", issuerKey: "rsa" });
pki.cert("r3", { cn: "RSA I3", key: "rsa", ca: true, issuer: "r2", issuerKey: "rsa" });
const rleaf = (name, issuer, options = {}) => pki.cert(name, { cn: "www.example.com", key: "rsa", issuer, issuerKey: "rsa", san: SAN, eku: "serverAuth", ...options });
rleaf("rleaf2", "r1");
rleaf("rleaf4", "r3");
rleaf("rleaf512", "r1", { md: "sha512" });
rleaf("rleafPSS", "r1", { pss: true });
pki.key("bad", "ec256");
pki.cert("expired", { cn: "www.example.com", key: "bad", issuer: "i1", san: SAN, days: -1 });

const D = (n) => pki.der(n);
const time = Math.floor(Date.now() / 1000) + 3600;
const CHUNKS = [1, 2, 7, 64, 512, 100000];
const cases = [
  { name: "EC, 2 certificates", certs: [D("leaf2"), D("i1")], roots: [D("root")], serverName: "www.example.com", expect: ["www.example.com", "Stream I1", "Stream Root"] },
  { name: "EC, 4 certificates out of order", certs: [D("leaf4"), D("i1"), D("i3"), D("i2")], roots: [D("root")], serverName: "x.cdn.example.com", expect: ["www.example.com", "Stream I3", "Stream I2", "Stream I1", "Stream Root"] },
  { name: "RSA, 4 certificates", certs: [D("rleaf4"), D("r3"), D("r2"), D("r1")], roots: [D("rroot")], serverName: "192.0.2.1", expect: ["www.example.com", "RSA I3", "RSA I2", "RSA I1", "RSA Stream Root"] },
  { name: "RSA SHA-512 (the TBS is kept)", certs: [D("rleaf512"), D("r1")], roots: [D("rroot")], expect: ["www.example.com", "RSA I1", "RSA Stream Root"] },
  { name: "RSA-PSS", certs: [D("rleafPSS"), D("r1")], roots: [D("rroot")], expect: ["www.example.com", "RSA I1", "RSA Stream Root"] },
  { name: "expired leaf", certs: [D("expired"), D("i1")], roots: [D("root")], expect: "expired" },
  { name: "wrong name", certs: [D("leaf2"), D("i1")], roots: [D("root")], serverName: "example.org", expect: "nameMismatch" },
  { name: "untrusted", certs: [D("leaf2"), D("i1")], roots: [], expect: "unknownIssuer" },
].map((c) => ({ ...c, time, chunks: CHUNKS }));
const file = pki.path("stream.json");
writeFileSync(file, JSON.stringify(cases));
const run = await runXsh(join(repo, "tests", "xs", "x509", "stream_cases.js"), [file], { manifest: join(repo, "manifest.json"), timeout: 60000 });

// ---- memory: a CA store made of the test roots, and a manifest that has it (like a device)
const store = pki.path("store");
execFileSync(process.execPath, [join(repo, "tools", "ca-build.mjs"), "--out", store, pki.pem("root"), pki.pem("rroot")]);
const js = join(repo, "build", "js", "modules");
const manifest = pki.write("manifest.json", JSON.stringify({
  modules: { ...projectModules("x509"), "crypto/*": join(js, "crypto", "*") },
  resources: { "*": [join(store, "ca-index"), join(store, "ca-roots")] },
}));
const measure = (certs, serverName) => runXsh(join(repo, "tests", "xs", "x509", "measure.js"), [serverName, time, ...certs], { manifest, timeout: 30000 });
const figures = {
  ec2: await measure([D("leaf2"), D("i1")], "www.example.com"),
  ec4: await measure([D("leaf4"), D("i3"), D("i2"), D("i1")], "www.example.com"),
  rsa2: await measure([D("rleaf2"), D("r1")], "www.example.com"),
  rsa4: await measure([D("rleaf4"), D("r3"), D("r2"), D("r1")], "www.example.com"),
};

test("the streaming run completes", () => {
  assert.equal(run.code, 0, explain(run));
  assert.equal(run.lines.at(-1)?.done, true, explain(run));
});

for (const c of cases) {
  test(`ChainVerifier: ${c.name}: the same result in chunks of ${CHUNKS.join(", ")} bytes as verifyChain`, () => {
    const lines = run.lines.filter((l) => l.name === c.name);
    assert.equal(lines.length, CHUNKS.length + 1, explain(run));
    for (const line of lines) {
      if (Array.isArray(c.expect)) {
        assert.equal(line.ok, true, `chunk ${line.chunk}: ${line.code} ${line.message}`);
        assert.deepEqual(line.path, c.expect, `chunk ${line.chunk}`);
      } else {
        assert.equal(line.ok, false, `chunk ${line.chunk}: accepted`);
        assert.equal(line.code, c.expect, `chunk ${line.chunk}: ${line.message}`);
      }
    }
  });
}

for (const line of run.lines.filter((l) => l.api)) {
  test(`ChainVerifier API: ${line.api}`, () => assert.equal(line.ok, true, JSON.stringify(line.detail)));
}

test("memory of verifying 2- and 4-certificate chains (ChainVerifier, 512-byte chunks, CA store)", T, () => {
  const rows = {};
  for (const [name, r] of Object.entries(figures)) {
    assert.equal(r.code, 0, explain(r));
    const m = r.lines[0];
    assert.equal(m.first.path.length, m.certificates + 1);
    rows[name] = { certificates: m.certificates, bytes: m.bytes, allocatedChunks: m.second.chunks, allocatedSlots: m.second.slots,
      liveChunks: m.live.chunks, liveSlots: m.live.slots, nativePeak: m.second.native };
  }
  console.log(`x509 memory: ${JSON.stringify(rows)}`);
  for (const kind of ["ec", "rsa"]) {
    const two = rows[`${kind}2`], four = rows[`${kind}4`];
    // what is held does not grow with the chain beyond the per-certificate summaries (names, constraints)
    assert.ok(four.liveChunks <= two.liveChunks + 1500, `${kind}: live chunks ${two.liveChunks} -> ${four.liveChunks}`);
    assert.ok(four.liveSlots <= two.liveSlots + 250, `${kind}: live slots ${two.liveSlots} -> ${four.liveSlots}`);
    // one signature check at a time: the native peak does not grow at all
    assert.ok(four.nativePeak <= two.nativePeak + 64, `${kind}: native ${two.nativePeak} -> ${four.nativePeak}`);
    assert.ok(four.liveChunks < 4096 && four.liveSlots < 640, `${kind}: ${JSON.stringify(four)}`);
  }
});
