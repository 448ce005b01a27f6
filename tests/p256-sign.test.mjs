// P-256 signing of our own (native/ec_sign.c, through crypto/signature's signECDSA), in build/xsh and
// build/xsh32 (the 32-bit limbs of native/p256_field.c): signatures of random keys and messages
// verified by Node (OpenSSL); edge private keys (1, 2, n - 2, n - 1) and edge digests (all zero,
// all ones, longer than 32 bytes: truncated to their leftmost 256 bits, FIPS 186-4 6.4) verified by
// a BigInt ECDSA verification written here from SEC 1 4.1.4; every signature also by our own
// verification (native/ec_verify.c) and checked to be strict DER. The comb table is checked against
// tools/p256-table.mjs. Constant time: tests/valgrind/ct_p256_sign.c under valgrind's memcheck, the
// private keys and random bytes marked undefined (no branch or address may depend on them).
// mbedtls's verification of our signatures and k G against mbedtls: fuzz/fuzz_sign.c.
import { test } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repo } from "./lib/xsh.mjs";
import { p, G, add } from "../tools/p256-table.mjs";

const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const T = { timeout: 120000 };
const hosts = [["xsh", join(repo, "build", "xsh")], ["xsh32", join(repo, "build", "xsh32")]];

const big = (b) => BigInt("0x" + (Buffer.from(b).toString("hex") || "0"));
const bytes32 = (v) => Buffer.from(v.toString(16).padStart(64, "0"), "hex");
const b64u = (b) => Buffer.from(b).toString("base64url");
function modpow(a, e, m) {
  let r = 1n;
  for (a %= m; e > 0n; e >>= 1n, a = (a * a) % m) if (e & 1n) r = (r * a) % m;
  return r;
}
function mul(k, P) {   // affine double-and-add, public values (the test's own reference)
  let R = null;
  for (let i = 255; i >= 0; i--) {
    R = add(R, R);
    if ((k >> BigInt(i)) & 1n) R = add(R, P);
  }
  return R;
}

/** strict DER Ecdsa-Sig-Value of two INTEGERs in [1, n - 1]: { r, s } (throws otherwise) */
function parseSignature(der) {
  assert.equal(der[0], 0x30);
  assert.equal(der[1], der.length - 2);
  const ints = [];
  let i = 2;
  while (i < der.length) {
    assert.equal(der[i], 0x02);
    const len = der[i + 1], v = der.subarray(i + 2, i + 2 + len);
    assert.ok(len >= 1 && len <= 33 && v.length === len, "INTEGER length");
    assert.equal(v[0] & 0x80, 0, "not negative");
    if (len > 1) assert.ok(v[0] !== 0 || (v[1] & 0x80), "minimal");
    ints.push(big(v));
    i += 2 + len;
  }
  assert.equal(ints.length, 2);
  const [r, s] = ints;
  assert.ok(r >= 1n && r < n && s >= 1n && s < n, "r, s in [1, n - 1]");
  return { r, s };
}

/** SEC 1 4.1.4 with BigInt: e the digest's leftmost 256 bits */
function bigVerify(Q, digest, { r, s }) {
  const e = big(digest.subarray(0, 32)) % n, w = modpow(s, n - 2n, n);
  const R = add(mul((e * w) % n, G), mul((r * w) % n, Q));
  return R !== null && R[0] % n === r;
}

/** a private key d (BigInt) as Node KeyObjects, through JWK (Node computes nothing: Q from ECDH) */
function keyOf(d) {
  const ecdh = crypto.createECDH("prime256v1");
  ecdh.setPrivateKey(bytes32(d));
  const q = ecdh.getPublicKey();
  const jwk = { kty: "EC", crv: "P-256", x: b64u(q.subarray(1, 33)), y: b64u(q.subarray(33)), d: b64u(bytes32(d)) };
  const privateKey = crypto.createPrivateKey({ key: jwk, format: "jwk" });
  return { privateKey, publicKey: crypto.createPublicKey(privateKey), Q: [big(q.subarray(1, 33)), big(q.subarray(33))] };
}

/** signs each case in the host: [{ sig (Buffer), self }] */
function signIn(xsh, cases) {
  const dir = mkdtempSync(join(tmpdir(), "p256sign-"));
  try {
    const plan = cases.map((c, i) => {
      writeFileSync(join(dir, `k${i}.der`), c.key.privateKey.export({ type: i % 2 ? "pkcs8" : "sec1", format: "der" }));
      writeFileSync(join(dir, `p${i}.der`), c.key.publicKey.export({ type: "spki", format: "der" }));
      return { key: `k${i}.der`, public: `p${i}.der`, hash: c.hash, prehashed: c.prehashed, msgHex: c.data.toString("hex") };
    });
    writeFileSync(join(dir, "plan.json"), JSON.stringify(plan));
    const r = spawnSync(xsh, ["--manifest", join(repo, "manifest.json"), join(repo, "tests", "xs", "crypto", "p256sign.js"), dir],
      { encoding: "utf8", timeout: 100000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const line = r.stdout.split("\n").find((l) => l.startsWith("{\"signatures\""));
    assert.ok(line, r.stdout + r.stderr);
    return JSON.parse(line).signatures.map((s) => ({ sig: Buffer.from(s.sig, "hex"), self: s.self }));
  }
  finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const NODE_HASH = { "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512" };

for (const [name, xsh] of hosts) {
  test(`${name}: 60 signatures of random keys and messages (SHA-256, -384, -512) verify in Node and in our verification`, T, () => {
    assert.ok(existsSync(xsh), `${xsh} missing (node tools/build.mjs${name === "xsh32" ? " --xsh32" : ""})`);
    const cases = [];
    for (let i = 0; i < 60; i++) {
      const key = keyOf(big(crypto.randomBytes(32)) % (n - 1n) + 1n);
      cases.push({ key, hash: ["SHA-256", "SHA-384", "SHA-512"][i % 3], prehashed: false, data: crypto.randomBytes(i * 7) });
    }
    const out = signIn(xsh, cases);
    assert.equal(out.length, cases.length);
    const rs = new Set();
    out.forEach(({ sig, self }, i) => {
      parseSignature(sig);
      const c = cases[i];
      assert.equal(crypto.verify(NODE_HASH[c.hash], c.data, c.key.publicKey, sig), true, `case ${i}: Node refuses ${sig.toString("hex")}`);
      assert.equal(self, true, `case ${i}: our verification refuses it`);
      rs.add(sig.subarray(4, 36).toString("hex"));
    });
    assert.equal(rs.size, cases.length, "every r differs (a fresh k each time)");
    // and a wrong message does not verify (the check above can fail)
    assert.equal(crypto.verify("sha256", Buffer.from("other"), cases[0].key.publicKey, out[0].sig), false);
  });

  test(`${name}: edge keys (d = 1, 2, n - 2, n - 1) and digests (zero, all ones, 48 and 64 bytes truncated) verify by SEC 1 4.1.4`, T, () => {
    assert.ok(existsSync(xsh), `${xsh} missing`);
    const digests = [
      ["SHA-256", Buffer.alloc(32)], ["SHA-256", Buffer.alloc(32, 0xff)], ["SHA-256", bytes32(n)],
      ["SHA-384", crypto.randomBytes(48)], ["SHA-512", crypto.randomBytes(64)], ["SHA-384", Buffer.alloc(48, 0xff)],
    ];
    const cases = [];
    for (const d of [1n, 2n, n - 2n, n - 1n])
      for (const [hash, digest] of digests) cases.push({ key: keyOf(d), d, hash, prehashed: true, data: digest });
    const out = signIn(xsh, cases);
    out.forEach(({ sig, self }, i) => {
      const c = cases[i], rs = parseSignature(sig);
      assert.equal(bigVerify(c.key.Q, c.data, rs), true, `case ${i} (d ${c.d}, ${c.hash} ${c.data.toString("hex")}): refused`);
      assert.equal(self, true, `case ${i}: our verification refuses it`);
      // truncation: the same signature checked against a digest whose first 32 bytes differ fails
      const other = Buffer.from(c.data);
      other[0] ^= 1;
      assert.equal(bigVerify(c.key.Q, other, rs), false);
    });
  });
}

test("native/p256_base_table.h is what tools/p256-table.mjs computes", () => {
  const r = spawnSync(process.execPath, [join(repo, "tools", "p256-table.mjs"), "--check"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test("constant time: memcheck finds no branch or address depending on the private key or the nonce (tests/valgrind/ct_p256_sign.c, -O2)", T, () => {
  const deps = join(repo, "build", "deps"), mbedtls = readdirSync(deps).find((d) => d.startsWith("mbedtls-2.28."));
  const platformUtil = join(repo, "build", "obj", "mbedtls", "platform_util.o");
  assert.ok(mbedtls && existsSync(platformUtil), "build first (node tools/build.mjs)");
  const dir = mkdtempSync(join(tmpdir(), "p256ct-")), exe = join(dir, "ct_p256_sign");
  try {
    const cc = spawnSync("gcc", ["-O2", "-std=c99", "-D_DEFAULT_SOURCE", "-Wall", "-Wextra", "-Werror", "-DSECURESOCKET_CT_CHECK",
      ...["xs/includes", "xs/platforms", "xs/sources"].map((d) => `-I${join(deps, d)}`), `-I${join(repo, "host")}`, `-I${join(repo, "native")}`,
      `-I${join(deps, mbedtls, "include")}`, '-DMBEDTLS_CONFIG_FILE="mbedtls_config.h"', "-DINCLUDE_XSPLATFORM", '-DXSPLATFORM="xsh_platform.h"',
      join(repo, "tests", "valgrind", "ct_p256_sign.c"), join(repo, "native", "p256_field.c"), join(repo, "native", "ec_verify.c"), platformUtil,
      "-o", exe], { encoding: "utf8" });
    assert.equal(cc.status, 0, cc.stderr);
    const r = spawnSync("valgrind", ["--tool=memcheck", "--error-exitcode=99", exe, "8"], { encoding: "utf8", timeout: 100000 });
    assert.equal(r.error, undefined, String(r.error));
    assert.match(r.stderr, /ERROR SUMMARY: 0 errors/, r.stderr.slice(-4000));
    assert.equal(r.status, 0, r.stdout + r.stderr.slice(-4000));
    assert.match(r.stdout, /^ct_p256_sign: 8 signatures, 0 failures$/m);
  }
  finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
