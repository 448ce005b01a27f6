#!/usr/bin/env node
// npm run ca:build [-- [--out DIR] [--no-split] [--no-bundle] [SOURCE ...]]
// Builds the CA store resources (docs/X509.md, "CA store") from root certificates: by default the
// Mozilla roots of Debian's ca-certificates package (/usr/share/ca-certificates/mozilla), into
// build/ca: ca-index.bin (every root, by name hash), ca-roots.bin (all records: one manifest line
// for the whole store), roots/ca_<id>.bin (one record per root, for pruned manifests) and
// roots.json (what each id is). SOURCE: directories of .crt/.pem files, or PEM/DER files.
// Roots the crypto core cannot use (keys other than RSA 2048-4096, EC P-256/P-384) are left out.
import { join, dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_SOURCE, loadRoots, writeStore, exists } from "./ca-lib.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
let out = join(root, "build", "ca");
let split = true, bundle = true;
const sources = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--out") out = args[++i];
  else if (a === "--no-split") split = false;
  else if (a === "--no-bundle") bundle = false;
  else if (a === "--help" || a === "-h") {
    console.log("usage: npm run ca:build -- [--out DIR] [--no-split] [--no-bundle] [SOURCE ...]");
    process.exit(0);
  } else sources.push(a);
}
if (sources.length === 0) {
  if (!exists(DEFAULT_SOURCE)) {
    console.error(`ca:build: ${DEFAULT_SOURCE} not found: install Debian's ca-certificates package, or give a source`);
    process.exit(1);
  }
  sources.push(DEFAULT_SOURCE);
}
const { roots, skipped } = loadRoots(sources);
if (roots.length === 0) {
  console.error("ca:build: no usable root certificate found");
  process.exit(1);
}
const sizes = writeStore(roots, out, { split, bundle });
console.log(`ca:build: ${sizes.count} roots into ${relative(process.cwd(), out) || "."}: ca-index.bin ${sizes.indexBytes} bytes` +
  (bundle ? `, ca-roots.bin ${sizes.bundleBytes} bytes` : "") + (split ? `, roots/ca_<id>.bin` : "") + ", roots.json");
for (const s of skipped) console.log(`ca:build: left out ${s.file} (${s.cn ?? s.o ?? s.id}): ${s.reason} keys are not supported by the crypto core`);
