#!/usr/bin/env node
// libFuzzer harnesses for native/ (fuzz/*.c, docs/HOSTILE.md "libFuzzer"): builds them with clang,
// AddressSanitizer and UBSan (fuzz/Makefile, into build/fuzz/), writes the seed corpora from the
// Wycheproof vectors (tests/vectors/wycheproof) and keys made with node:crypto, runs each harness
// for N seconds (one process, one core) and prints the iterations per harness.
//
//   npm run fuzz:native -- --seconds N [--only pk,verify] [--json]
//
// The corpus each run grows is build/fuzz/corpus/<name> (kept between runs); the seeds are
// build/fuzz/seeds/<name>; a crash, a sanitizer report, a leak or a failed check is saved as
// build/fuzz/findings/<name>-crash-<sha1> and replays with `build/fuzz/fuzz_<name> <that file>`.
// Exit status: 0 when every harness ran and found nothing, 1 on a finding, 2 on bad usage.
import { spawn, spawnSync } from "node:child_process";
import { createHash, generateKeyPairSync } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { DEFAULT_SOURCE as CA_SOURCE } from "./ca-lib.mjs";
import { PKI } from "../tests/fixtures/x509/pki.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(repo, "build", "fuzz");
const wycheproof = join(repo, "tests", "vectors", "wycheproof");
export const HARNESSES = ["pk", "verify", "ecdh", "aead", "kdf", "x25519", "x509", "sign", "identity", "anchor", "chain"];

const hex = (s) => Buffer.from(s ?? "", "hex");
const u8 = (n) => Buffer.from([n & 0xff]);
const u16 = (n) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const NO_FAULT = u16(0);
const load = (name) => JSON.parse(readFileSync(join(wycheproof, `${name}.json`), "utf8"));
/** at most `n` tests of a group: the first valid ones and the first invalid ones */
const some = (tests, n) => [...tests.filter((t) => t.result !== "invalid").slice(0, n / 2), ...tests.filter((t) => t.result === "invalid").slice(0, n / 2)];
const HASH = { "SHA-224": 3, "SHA-256": 4, "SHA-384": 5, "SHA-512": 6 };

function seeds() {
  const s = Object.fromEntries(HARNESSES.map((h) => [h, []]));
  // keys: Wycheproof's public keys, and private keys in every format pk.c reads
  const keys = [];
  for (const f of readdirSync(wycheproof).filter((f) => /^(ecdsa|rsa_signature|rsa_pss)_.*\.json$/.test(f))) {
    for (const g of load(f.slice(0, -5)).testGroups) {
      keys.push([0, hex(g.publicKeyDer)]);
      if (g.publicKeyAsn) keys.push([1, hex(g.publicKeyAsn)]);
    }
  }
  for (const [type, options] of [["rsa", { modulusLength: 2048 }], ["ec", { namedCurve: "P-256" }], ["ec", { namedCurve: "P-384" }], ["x25519", {}]]) {
    const { publicKey, privateKey } = generateKeyPairSync(type, options);
    keys.push([0, publicKey.export({ type: "spki", format: "der" })]);
    if (type === "x25519") continue;
    keys.push([2, privateKey.export({ type: "pkcs8", format: "der" })]);
    keys.push([2, privateKey.export({ type: type === "rsa" ? "pkcs1" : "sec1", format: "der" })]);
    if (type === "rsa") keys.push([1, publicKey.export({ type: "pkcs1", format: "der" })]);
  }
  for (const [format, der] of keys) s.pk.push(Buffer.concat([NO_FAULT, u8(format), der]));
  // signatures: a few valid and invalid ones per key
  let differential = 0;
  const rsaDifferential = new Set();
  /** a case again with selector bit 6: compared with mbedtls's verdict */
  const compared = (selector, salt, key, t) =>
    s.verify.push(Buffer.concat([NO_FAULT, u8(selector | 0x40), u8(salt), u16(key.length), key, u16(hex(t.msg).length), hex(t.msg), hex(t.sig)]));
  for (const f of readdirSync(wycheproof).filter((f) => /^(ecdsa|rsa_signature|rsa_pss)_.*\.json$/.test(f))) {
    for (const g of load(f.slice(0, -5)).testGroups) {
      const pss = f.startsWith("rsa_pss");
      if (pss && g.mgfSha !== g.sha) continue;
      if (!(g.sha in HASH)) continue;
      const alg = f.startsWith("ecdsa") ? 0 : pss ? 2 : 1;
      const selector = alg | ((HASH[g.sha] - 3) << 2);
      const key = hex(g.publicKeyDer);
      for (const t of some(g.tests, 6)) {
        const msg = hex(t.msg);
        s.verify.push(Buffer.concat([NO_FAULT, u8(selector), u8(pss ? g.sLen : 0), u16(key.length), key, u16(msg.length), msg, hex(t.sig)]));
      }
      // P-256: the first case of 10 keys again, compared with mbedtls (selector bit 6: our native/ec_verify.c;
      // a few only: mbedtls's verification under the sanitizers takes tens of milliseconds)
      if (f.startsWith("ecdsa_secp256r1") && differential++ < 10) compared(selector, 0, key, g.tests[0]);
      // RSA: the first case of each file's first group again, compared with mbedtls's verification
      // (native/rsa_public.c, rsa.c; few, as for P-256: the harness must get past its seeds within the
      // test's 10 s on a loaded machine)
      if (alg !== 0 && !rsaDifferential.has(f)) {
        rsaDifferential.add(f);
        compared(selector, pss ? g.sLen : 0, key, g.tests[0]);
      }
    }
  }
  // ECDH: peer shares against fixed scalars; and pairs of scalars (mode 1)
  for (const [name, group] of [["ecdh_secp256r1_ecpoint_test", 1], ["ecdh_secp384r1_ecpoint_test", 2], ["x25519_test", 0]]) {
    for (const g of load(name).testGroups) {
      const tests = some(g.tests, 40);
      for (const t of tests) s.ecdh.push(Buffer.concat([NO_FAULT, u8(group), u8(hex(t.private).length), hex(t.private), hex(t.public)]));
      for (let i = 0; i + 1 < tests.length && i < 6; i += 2) s.ecdh.push(Buffer.concat([NO_FAULT, u8(group | 4), u8(hex(tests[i].private).length), hex(tests[i].private), hex(tests[i + 1].private)]));
    }
  }
  // X25519, ours against mbedtls's: scalar || u of Wycheproof cases, the low-order u and 40 others (mbedtls's
  // X25519 under the sanitizers runs about 25 a second here: every case would take the short budget's time)
  for (const g of load("x25519_test").testGroups) {
    const lowOrder = g.tests.filter((t) => t.flags.includes("LowOrderPublic"));
    for (const t of [...lowOrder, ...some(g.tests.filter((t) => !lowOrder.includes(t)), 40)])
      s.x25519.push(Buffer.concat([NO_FAULT, hex(t.private), hex(t.public)]));
  }
  // P-256 signing (fuzz/fuzz_sign.c): k || d || digest, edge k (0, 1, 2^32, 2^64, n - 1, n, n + 1,
  // 2^256 - 1: the comb's top and bottom bits, multiples of n) and d, all-zero and long digests
  const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
  const be = (v) => Buffer.from(v.toString(16).padStart(64, "0"), "hex");
  const edges = [0n, 1n, 2n ** 32n, 2n ** 64n, n - 1n, n, n + 1n, 2n ** 256n - 1n];
  edges.forEach((k, i) => {
    s.sign.push(Buffer.concat([NO_FAULT, be(k), be(edges[(i + 3) % edges.length]), Buffer.alloc(32)]));
    s.sign.push(Buffer.concat([NO_FAULT, be(k), createHash("sha256").update(String(i)).digest(), createHash("sha512").update(String(i)).digest()]));
  });
  // AEAD: records (ciphertext || tag), right and wrong
  const aead = (selector, key, iv, aad, ct, tag, gcm) =>
    Buffer.concat([NO_FAULT, u8(selector), key, gcm ? u8(iv.length) : Buffer.alloc(0), iv, u8(aad.length), aad, u8(ct.length), ct, tag]);
  for (const g of load("aes_gcm_test").testGroups) {
    if (g.tagSize !== 128) continue;
    for (const t of some(g.tests, 10)) {
      const iv = hex(t.iv), aad = hex(t.aad);
      if (iv.length < 1 || iv.length > 255 || aad.length >= 255) continue;
      s.aead.push(aead({ 128: 0, 192: 2, 256: 4 }[g.keySize], hex(t.key), iv, aad, hex(t.ct), hex(t.tag), true));
    }
  }
  for (const g of load("chacha20_poly1305_test").testGroups) {
    for (const t of some(g.tests, 10)) {
      const iv = hex(t.iv), aad = hex(t.aad);
      if (iv.length !== 12 || aad.length >= 255) continue;
      s.aead.push(aead(1, hex(t.key), iv, aad, hex(t.ct), hex(t.tag), false));
    }
  }
  // HKDF and HMAC
  for (const bits of [256, 384]) {
    for (const g of load(`hkdf_sha${bits}_test`).testGroups) {
      for (const t of some(g.tests, 20)) {
        const salt = hex(t.salt), info = hex(t.info);
        if (salt.length > 255 || info.length > 255) continue;
        s.kdf.push(Buffer.concat([NO_FAULT, u8(bits === 384 ? 1 : 0), u8(salt.length), salt, u8(info.length), info, u16(t.size), u8(salt.length), hex(t.ikm)]));
      }
    }
    for (const g of load(`hmac_sha${bits}_test`).testGroups) {
      for (const t of some(g.tests, 6)) {
        const key = hex(t.key);
        if (key.length > 255) continue;
        s.kdf.push(Buffer.concat([NO_FAULT, u8(bits === 384 ? 1 : 0), u8(key.length), key, u8(0), u16(32), u8(key.length), hex(t.msg)]));
      }
    }
  }
  // X.509: the Mozilla roots of Debian's ca-certificates (tools/ca-lib.mjs DEFAULT_SOURCE), whole
  for (const f of existsSync(CA_SOURCE) ? readdirSync(CA_SOURCE).filter((f) => f.endsWith(".crt")) : [])
    s.x509.push(Buffer.concat([NO_FAULT, Buffer.from(readFileSync(join(CA_SOURCE, f), "utf8").replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64")]));
  identitySeeds(s.identity);
  anchorSeeds(s.anchor);
  chainSeeds(s.chain);
  return s;
}

/** server identity (fuzz_identity.c): flags, name length, name, subjectAltName */
function identitySeeds(list) {
  const der = (tag, body) => Buffer.concat([u8(tag), u8(body.length), body]);
  const dns = (n) => der(0x82, Buffer.from(n, "latin1"));
  const sans = [der(0x30, Buffer.concat([dns("example.com"), dns("*.example.com")])), der(0x30, Buffer.concat([dns("*.example.co.uk"), der(0x87, Buffer.from([192, 0, 2, 1]))])),
    der(0x30, der(0x87, hex("20010db8000000000000000000000001"))), der(0x30, Buffer.concat([der(0x81, Buffer.from("a@b")), der(0xa4, der(0x30, der(0x31, der(0x30, Buffer.concat([der(0x06, hex("550403")), der(0x0c, Buffer.from("x"))])))))]))];
  const names = ["example.com", "www.example.com", "WWW.Example.COM.", "xn--bcher-kva.example.com", "foo.example.co.uk", "192.0.2.1", "[2001:db8::1]", "::ffff:1.2.3.4", "a..b"];
  for (const name of names) for (const [i, san] of sans.entries()) list.push(Buffer.concat([NO_FAULT, u8(i === 3 ? 1 : 0), u8(name.length), Buffer.from(name, "latin1"), san]));
}

/** CA stores (fuzz_anchor.c): flags, index (u16 length), name (u16 length), [key id], ca-roots.bin: stores of 1 to 3
    roots of the repo's own store, rebuilt small (under libFuzzer's 4096-byte inputs) */
function anchorSeeds(list) {
  const ca = join(repo, "modules", "x509", "ca");
  const index = readFileSync(join(ca, "ca-index.bin")), bundle = readFileSync(join(ca, "ca-roots.bin"));
  const entries = Array.from({ length: index.readUInt16BE(6) }, (_, i) => index.subarray(8 + 16 * i, 24 + 16 * i));
  const record = (e) => bundle.subarray(e.readUInt32BE(8), e.readUInt32BE(8) + e.readUInt16BE(12));
  const small = entries.filter((e) => e.readUInt16BE(12) < 1000).slice(0, 6);
  for (let i = 0; i + 1 < small.length; i += 2) {
    const chosen = small.slice(i, i + 2);
    const head = Buffer.from("X5CR\x01\x00\x00\x00", "latin1");
    let at = head.length;
    const table = chosen.map((e) => { const c = Buffer.from(e); c.writeUInt32BE(at, 8); at += e.readUInt16BE(12); return c; });
    const roots = Buffer.concat([head, ...chosen.map(record)]);
    const ix = Buffer.concat([Buffer.from("X5CI\x01\x00", "latin1"), u16(table.length), ...table.sort((a, b) => a.readUInt32BE(0) - b.readUInt32BE(0))]);
    // the subject: the third element of the record's SEQUENCE (two short INTEGERs before it in these records)
    const r = record(chosen[0]);
    const body = r[1] & 0x80 ? 2 + (r[1] & 0x7f) : 2;
    let p = body;
    for (let k = 0; k < 2; k++) p += 2 + r[p + 1];
    const len = r[p + 1] & 0x80 ? r.readUIntBE(p + 2, r[p + 1] & 0x7f) + 2 + (r[p + 1] & 0x7f) : r[p + 1] + 2;
    const name = r.subarray(p, p + len);
    for (const flags of [0, 1, 2])
      list.push(Buffer.concat([NO_FAULT, u8(flags), u16(ix.length), ix, u16(name.length), name, flags & 2 ? chosen[0].subarray(14, 16) : Buffer.alloc(0), roots]));
  }
}

/** chains (fuzz_chain.c): flags (verify, a name, roots), days since 2020 (u16), then u16-length certificates, roots first:
    small P-256, P-384 and RSA PKIs made with openssl (tests/fixtures/x509/pki.mjs), in order, out of order, cut short */
function chainSeeds(list) {
  const pki = new PKI();
  try {
    const name = "leaf.example.com";
    for (const [kind, key] of [["ec", "ec256"], ["p384", "ec384"], ["rsa", "rsa2048"]]) {
      for (const n of ["root", "inter", "leaf"]) pki.key(`${kind}${n}`, key);
      pki.cert(`${kind}root`, { cn: `${kind} root`, ca: true });
      pki.cert(`${kind}inter`, { cn: `${kind} inter`, ca: true, issuer: `${kind}root`, pathlen: 0 });
      pki.cert(`${kind}leaf`, { cn: name, san: `DNS:${name}`, issuer: `${kind}inter`, eku: "serverAuth", keyUsage: "critical,digitalSignature" });
    }
    const der = (n) => readFileSync(pki.der(n));
    const days = u16(Math.floor((Date.now() / 1000 - 1577836800) / 86400) + 1);
    const seed = (flags, certs) => Buffer.concat([NO_FAULT, u8(flags), days, ...certs.flatMap((c) => [u16(c.length), c])]);
    for (const kind of ["ec", "p384", "rsa"]) {
      const [root, inter, leaf] = ["root", "inter", "leaf"].map((n) => der(`${kind}${n}`));
      list.push(seed(0x15, [root, leaf, inter]), seed(0x15, [root, leaf, inter, root]), seed(0x15, [root, leaf]), seed(0x05, [leaf, inter]),
        seed(0x14, [leaf, inter]), seed(0x25, [inter, root, leaf, inter]), seed(0x15, [root, inter, leaf]), seed(0x15, [root, leaf, inter.subarray(0, 100)]));
    }
  } finally {
    pki.remove();
  }
}

/** writes build/fuzz/seeds/<name>/<sha1> for every seed; returns the counts */
export function writeSeeds() {
  const counts = {};
  for (const [name, list] of Object.entries(seeds())) {
    const dir = join(out, "seeds", name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const seed of list) writeFileSync(join(dir, createHash("sha1").update(seed).digest("hex")), seed);
    counts[name] = list.length;
  }
  return counts;
}

/** builds build/fuzz/fuzz_<name> (make; quick when nothing changed); throws with make's output */
export function build() {
  const r = spawnSync("make", ["-C", join(repo, "fuzz"), "-j2", "-s"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`fuzz-native: build failed (clang and libclang-rt-14-dev installed? bash tools/deps.sh --fuzz)\n${r.stdout}${r.stderr}`);
}

/** runs one harness for `seconds` over the corpus directory it grows (by default the kept one);
    resolves to { name, iterations, corpus, finding, output } */
export function run(name, seconds, corpus = join(out, "corpus", name)) {
  const findings = join(out, "findings");
  mkdirSync(corpus, { recursive: true });
  mkdirSync(findings, { recursive: true });
  const args = [`-max_total_time=${seconds}`, "-print_final_stats=1", "-timeout=20", "-rss_limit_mb=1024", "-max_len=4096",
    `-artifact_prefix=${findings}/${name}-`, corpus, join(out, "seeds", name)];
  return new Promise((res) => {
    const child = spawn(join(out, `fuzz_${name}`), args, { cwd: out, stdio: ["ignore", "ignore", "pipe"] });
    let output = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d) => { output += d; if (output.length > 1e6) output = output.slice(-5e5); });
    const killer = setTimeout(() => child.kill("SIGKILL"), (seconds + 120) * 1000);
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      const executed = /stat::number_of_executed_units:\s*(\d+)/.exec(output);
      const units = /INITED.*corp: (\d+)\//.exec(output);
      const artifact = /Test unit written to (\S+)/.exec(output);
      const report = /(==\d+==ERROR: .*|SUMMARY: .*|fuzz: .*check failed.*|runtime error: .*)/.exec(output);
      const finding = code !== 0 || signal || artifact || report
        ? { code, signal, artifact: artifact?.[1], report: report?.[1] ?? (signal ? `killed by ${signal}` : `exit status ${code}`) }
        : null;
      const done = /Done (\d+) runs/.exec(output);
      res({ name, iterations: executed ? Number(executed[1]) : done ? Number(done[1]) : 0, corpus: units ? Number(units[1]) : undefined, finding, output });
    });
  });
}

async function main(argv) {
  const a = { seconds: 10, only: HARNESSES, json: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--seconds") a.seconds = Number(argv[++i]);
    else if (argv[i] === "--only") a.only = String(argv[++i]).split(",");
    else if (argv[i] === "--json") a.json = true;
    else { console.error(`fuzz-native: unknown argument ${argv[i]}\nusage: npm run fuzz:native -- --seconds N [--only ${HARNESSES.join(",")}] [--json]`); process.exit(2); }
  }
  if (!(a.seconds > 0) || a.only.some((n) => !HARNESSES.includes(n))) { console.error("fuzz-native: --seconds must be > 0, --only names harnesses"); process.exit(2); }
  build();
  const counts = writeSeeds();
  const results = [];
  for (const name of a.only) {
    const r = await run(name, a.seconds);
    results.push(r);
    const rate = Math.round(r.iterations / a.seconds);
    if (!a.json) console.log(`fuzz_${name}: ${r.iterations} iterations in ${a.seconds} s (${rate}/s), ${counts[name]} seeds, ${r.finding ? `FINDING: ${r.finding.report}${r.finding.artifact ? ` (${r.finding.artifact})` : ""}` : "nothing found"}`);
    if (r.finding && !a.json) console.log(r.output.split("\n").filter((l) => /ERROR|SUMMARY|#\d+ in |fuzz:|runtime error/.test(l)).slice(0, 40).join("\n"));
  }
  if (a.json) console.log(JSON.stringify(results.map(({ output, ...r }) => ({ ...r, seeds: counts[r.name] }))));
  process.exit(results.some((r) => r.finding || r.iterations === 0) ? 1 : 0);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));
