#!/usr/bin/env node
// npm run ca:select -- [--source DIR|FILE]... [--out DIR] [--json] <chain.pem | host:port> ...
// Tells which roots of the CA store the given servers need, and prints the manifest lines that keep
// exactly those. Each argument is a PEM (or DER) file holding a chain as a server sends it (leaf
// first), or host:port, whose chain is fetched with `openssl s_client -showcerts`. The path is
// followed the way the verifier does (modules/x509/path.ts): from the leaf up, through the chain's
// certificates, until a root of the store is the certificate's issuer (or the certificate itself).
// The store is built from the sources (default: Debian's Mozilla roots) into --out (default
// build/ca), so that the per-root resources the lines name exist.
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { join, dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_SOURCE, loadRoots, writeStore, readCertificates, pemCertificates, dissect, exists } from "./ca-lib.mjs";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const sources = [];
const inputs = [];
let out = join(repo, "build", "ca");
let json = false;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--source") sources.push(args[++i]);
  else if (a === "--out") out = resolve(args[++i]);
  else if (a === "--json") json = true;
  else if (a === "--help" || a === "-h") {
    console.log("usage: npm run ca:select -- [--source DIR|FILE]... [--out DIR] [--json] <chain.pem | host:port> ...");
    process.exit(0);
  } else inputs.push(a);
}
if (inputs.length === 0) {
  console.error("ca:select: give PEM chain files or host:port");
  process.exit(2);
}
if (sources.length === 0) {
  if (!exists(DEFAULT_SOURCE)) {
    console.error(`ca:select: ${DEFAULT_SOURCE} not found: install Debian's ca-certificates package, or give --source`);
    process.exit(1);
  }
  sources.push(DEFAULT_SOURCE);
}

const same = (a, b) => Buffer.from(a).equals(Buffer.from(b));

/** the certificates a server at host:port sends */
function fetchChain(host, port) {
  const args = ["s_client", "-connect", `${host.includes(":") ? `[${host}]` : host}:${port}`, "-showcerts"];
  if (!/^[\d.]+$/.test(host) && !host.includes(":")) args.push("-servername", host);
  let text;
  try {
    text = execFileSync("openssl", args, { input: "", timeout: 15000, stdio: ["pipe", "pipe", "pipe"] }).toString("latin1");
  } catch (e) {
    text = (e.stdout ?? "").toString("latin1");
    if (!text.includes("BEGIN CERTIFICATE")) throw new Error(`cannot fetch the chain of ${host}:${port}: ${(e.stderr ?? e.message).toString().trim().split("\n")[0]}`);
  }
  return pemCertificates(text);
}

function chainOf(input) {
  const m = /^(.+):(\d+)$/.exec(input);
  if (m && !exists(input)) return fetchChain(m[1].replace(/^\[|\]$/g, ""), Number(m[2]));
  return readCertificates(input);
}

function describe(x509) {
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(x509.subject);
  const o = /(?:^|\n)O=([^\n]*)/.exec(x509.subject);
  return [cn && `CN=${cn[1]}`, o && `O=${o[1]}`].filter(Boolean).join(", ") || x509.subject.replace(/\n/g, ", ");
}

const { roots } = loadRoots(sources);
writeStore(roots, out);
const results = [];
for (const input of inputs) {
  const result = { input, chain: [], root: null, error: null };
  try {
    const chain = chainOf(input).map((der) => ({ der, x509: new X509Certificate(der), parts: dissect(der) }));
    if (chain.length === 0) throw new Error("no certificate found");
    result.chain = chain.map((c) => describe(c.x509));
    const used = new Set([0]);
    let top = chain[0];
    for (;;) {
      const self = roots.find((r) => same(r.parts.subject, top.parts.subject) && same(r.parts.spki, top.parts.spki));
      const issuer = self ?? roots.find((r) => same(r.parts.subject, top.parts.issuer) && top.x509.verify(r.x509.publicKey));
      if (issuer) {
        result.root = { id: issuer.id, name: describe(issuer.x509), file: issuer.file };
        break;
      }
      const next = chain.findIndex((c, i) => !used.has(i) && same(c.parts.subject, top.parts.issuer) && top.x509.verify(c.x509.publicKey));
      if (next < 0) {
        result.error = `no root of the store issued ${describe(top.x509)} (its issuer: ${top.x509.issuer.replace(/\n/g, ", ")})`;
        break;
      }
      used.add(next);
      top = chain[next];
    }
  } catch (e) {
    result.error = e.message;
  }
  results.push(result);
}

const ids = [...new Set(results.filter((r) => r.root).map((r) => r.root.id))];
const inside = relative(repo, out).split("\\").join("/");
const base = inside.startsWith("..") || inside.startsWith("/") ? out : `./${inside}`;
const lines = [`${base}/ca-index`, ...ids.map((id) => `${base}/roots/ca_${id}`)];
if (json) {
  console.log(JSON.stringify({ results, roots: ids, lines }, null, 1));
} else {
  for (const r of results) {
    console.log(`${r.input}: ${r.chain.join(" <- ") || "(no chain)"}`);
    console.log(r.root ? `  needs root ca_${r.root.id}: ${r.root.name} (${r.root.file})` : `  no root found: ${r.error}`);
  }
  if (ids.length) {
    console.log(`\nTo keep exactly these ${ids.length} root${ids.length > 1 ? "s" : ""} of ${roots.length}, make the CA lines of manifest.json's "resources" these`);
    console.log(`(in place of ./modules/x509/ca/ca-index and ./modules/x509/ca/ca-roots; paths relative to this repository):\n`);
    console.log(`\t"resources": {\n\t\t"*": [\n${lines.map((l) => `\t\t\t"${l}"`).join(",\n")}\n\t\t]\n\t},`);
  }
}
process.exit(results.every((r) => r.root) ? 0 : 1);
