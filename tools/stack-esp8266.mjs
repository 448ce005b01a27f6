// Worst-case C stack of each host function on the ESP8266, from the call graphs that
// xtensa-lx106-elf-gcc writes with -fcallgraph-info=su (one .ci file per object; see
// tools/size-esp8266.sh). For each xs_* function: the deepest path of static frame sizes through
// native/ and mbedtls. Calls through function pointers are not in gcc's graph: the few our code
// makes are added below by hand. Functions outside these objects (libc, XS) count as 0.
// Usage: node tools/stack-esp8266.mjs <dir with .ci files> [out.json]
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2];
const out = process.argv[3];
const frames = new Map();     // title -> bytes
const names = new Map();      // plain name -> title of its definition
const edges = new Map();      // title -> Set of titles
const dynamic = new Set();
for (const file of readdirSync(dir).filter((f) => f.endsWith(".ci"))) {
  const text = readFileSync(join(dir, file), "utf8");
  for (const m of text.matchAll(/^node: \{ title: "([^"]+)" label: "([^\\"]+)\\n[^"]*?(?:\\n(\d+) bytes \((\w+)(?:,\w+)*\))?"/gm)) {
    if (m[3] === undefined) continue;    // a declaration only
    frames.set(m[1], Number(m[3]));
    if (m[4] !== "static") dynamic.add(m[1]);
    if (!names.has(m[2]) || !m[1].includes(":")) names.set(m[2], m[1]);
  }
  for (const m of text.matchAll(/^edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"/gm)) {
    if (!edges.has(m[1])) edges.set(m[1], new Set());
    edges.get(m[1]).add(m[2]);
  }
}
// calls through pointers that gcc cannot see
const indirect = {
  mbedtls_cipher_update: ["aes_crypt_ecb_wrap"],
  mbedtls_cipher_setkey: ["aes_setkey_enc_wrap"],
  mbedtls_cipher_setup: ["aes_ctx_alloc"],
  mbedtls_cipher_free: ["aes_ctx_free"],
  mbedtls_ecp_mul_restartable: ["securesocket_random"],
  mbedtls_ecdsa_sign: ["securesocket_random"],
  mbedtls_ecp_gen_privkey: ["securesocket_random"],
  mbedtls_rsa_private: ["securesocket_random"],
  mbedtls_rsa_rsassa_pss_sign: ["securesocket_random"],
};
const resolve = (t) => (frames.has(t) ? t : names.get(t.split(":").pop()));
for (const [from, targets] of Object.entries(indirect)) {
  const f = resolve(from);
  if (!f) continue;
  if (!edges.has(f)) edges.set(f, new Set());
  for (const t of targets) edges.get(f).add(t);
}
const memo = new Map();
function depth(title, path) {
  const t = resolve(title);
  if (!t) return { bytes: 0, chain: [] };
  if (memo.has(t)) return memo.get(t);
  if (path.has(t)) return { bytes: 0, chain: ["(recursion)"] };
  path.add(t);
  let best = { bytes: 0, chain: [] };
  for (const callee of edges.get(t) ?? []) {
    const d = depth(callee, path);
    if (d.bytes > best.bytes) best = d;
  }
  path.delete(t);
  const result = { bytes: frames.get(t) + best.bytes, chain: [t.split(":").pop(), ...best.chain] };
  memo.set(t, result);
  return result;
}
const roots = [...frames.keys()].filter((t) => /^xs_/.test(t.split(":").pop())).sort();
const report = {};
for (const r of roots) {
  const d = depth(r, new Set());
  report[r.split(":").pop()] = { bytes: d.bytes, path: d.chain.join(" > ") };
}
if (out) writeFileSync(out, JSON.stringify(report, null, 2) + "\n");
const worst = Object.entries(report).sort((a, b) => b[1].bytes - a[1].bytes);
console.log("worst-case C stack on the ESP8266 (static frames, lx106), deepest host functions:");
for (const [name, { bytes, path }] of worst.slice(0, 12))
  console.log(`${name.padEnd(26)} ${String(bytes).padStart(6)}  ${path}`);
if (dynamic.size) console.log(`(frames of dynamic size, counted at their static part: ${[...dynamic].map((t) => t.split(":").pop()).join(", ")})`);
