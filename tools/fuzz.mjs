#!/usr/bin/env node
// Deterministic mutation fuzzer for the TLS engine, run inside XS (tests/xs/hostile/fuzz.js): real
// server flights (tests/fixtures/fuzz/*.bin, captured from OpenSSL s_server and gnutls-serv with a
// fixed client random and fixed key shares, so that the unmutated flights complete the handshake)
// are mutated (bits, bytes, record and handshake header fields, lengths, truncation, insertion,
// deletion, duplication, splicing, whole records repeated or dropped, random chunking) and fed to
// TLSClient.receive(). Only a TLSError may come out; every run must terminate.
// With --server, the server side (tests/xs/hostile/fuzz-server.js): live TLSClient/TLSServer pairs in
// XS (TLS 1.3 and 1.2, HRR, RSA, client authentication, ALPN, resumption) whose client records are
// mutated on their way to the server, and real ClientHellos (tests/fixtures/fuzz/hellos.json, from
// OpenSSL, GnuTLS, Node and curl) mutated and fed to a lone server.
//
//   npm run fuzz -- --seconds N [--seed S] [--iterations N] [--corpus a,b]   fuzz (default 10 s, seed 1)
//   npm run fuzz -- --server --seconds N [--seed S] [--iterations N]          fuzz the server side
//   node tools/fuzz.mjs --capture                                             re-record the corpus (needs openssl, gnutls-serv)
//   node tools/fuzz.mjs --capture-hellos                                      re-record the ClientHellos (openssl, gnutls-cli, node, curl)
//   node tools/fuzz.mjs --replay '<a finding line>'                           replay one finding
// Exit status: 0 when nothing but TLSErrors came out, 1 on a finding, 2 on bad usage.
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const xsh = process.env.XSH ? resolve(process.env.XSH) : join(repo, "build", "xsh");
const clientDriver = join(repo, "tests", "xs", "hostile", "fuzz.js");
const serverDriver = join(repo, "tests", "xs", "hostile", "fuzz-server.js");
const manifest = join(repo, "manifest.json");
const serverManifest = join(repo, "manifest_server.json");
const corpusDir = join(repo, "tests", "fixtures", "fuzz");
const corpusFile = join(corpusDir, "corpus.json");
const hellosFile = join(corpusDir, "hellos.json");

function parseArgs(argv) {
  const a = { seconds: 10, seed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => {
      if (i + 1 >= argv.length) usage(`${k} needs a value`);
      return argv[++i];
    };
    if (k === "--seconds") a.seconds = Number(v());
    else if (k === "--seed") a.seed = Number(v());
    else if (k === "--iterations") a.iterations = Number(v());
    else if (k === "--corpus") a.corpus = v().split(",");
    else if (k === "--capture") a.capture = true;
    else if (k === "--capture-hellos") a.captureHellos = true;
    else if (k === "--server") a.server = true;
    else if (k === "--replay") a.replay = JSON.parse(v());
    else if (k === "--json") a.json = true;
    else usage(`unknown argument ${k}`);
  }
  if (!(a.seconds > 0) || !Number.isInteger(a.seed)) usage("--seconds must be > 0 and --seed an integer");
  return a;
}

function usage(message) {
  console.error(`fuzz: ${message}\nusage: node tools/fuzz.mjs [--seconds N] [--seed S] [--iterations N] [--corpus names] | --capture | --replay '<finding>'`);
  process.exit(2);
}

/** runs the XS driver; resolves to {code, lines}; prints progress lines as they come */
function runDriver(config, { onLine, timeout, driver = clientDriver } = {}) {
  return new Promise((res, rej) => {
    const child = spawn(xsh, ["--manifest", driver === serverDriver ? serverManifest : manifest, driver, JSON.stringify(config)], { cwd: repo, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "", pending = "";
    const lines = [];
    const killer = timeout ? setTimeout(() => child.kill("SIGKILL"), timeout) : undefined;
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (d) => {
      stdout += d;
      pending += d;
      let nl;
      while ((nl = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (!line.startsWith("{")) continue;
        try {
          const o = JSON.parse(line);
          lines.push(o);
          onLine?.(o);
        }
        catch { /* not ours */ }
      }
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d) => { stderr += d; });
    child.on("error", rej);
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      res({ code, signal, lines, stdout, stderr });
    });
  });
}

const ALERTS = { 10: "unexpected_message", 20: "bad_record_mac", 22: "record_overflow", 40: "handshake_failure", 42: "bad_certificate",
  47: "illegal_parameter", 50: "decode_error", 51: "decrypt_error", 70: "protocol_version", 80: "internal_error", 109: "missing_extension", 110: "unsupported_extension" };

async function fuzz(a) {
  const all = JSON.parse(readFileSync(corpusFile, "utf8"));
  const corpus = (a.corpus ? all.filter((e) => a.corpus.includes(e.name)) : all).map((e) => ({ ...e, file: join(corpusDir, e.file) }));
  if (!corpus.length) usage("no corpus entries");
  const findings = [];
  let done, seeds;
  const r = await runDriver({ mode: "fuzz", corpus, seed: a.seed, seconds: a.seconds, iterations: a.iterations }, {
    timeout: a.seconds * 1000 + 60000,
    onLine(o) {
      if (o.progress !== undefined && !a.json) console.log(`fuzz: ${o.progress} iterations, ${o.seconds} s`);
      if (o.finding) {
        findings.push(o);
        console.log(`fuzz: FINDING ${o.finding} (${o.entry}, iteration ${o.iteration}, seed ${o.seed}): ${o.message ?? ""} ${o.stack ?? ""}`);
        console.log(JSON.stringify(o));
      }
      if (o.seeds) seeds = o.seeds;
      if (o.done) done = o;
    },
  });
  if (!done) {
    console.error(`fuzz: the driver did not finish (exit ${r.code}${r.signal ? " " + r.signal : ""})\n${r.stderr}`);
    return 1;
  }
  const seedsOk = seeds.every((s) => s.connected);
  if (a.json) console.log(JSON.stringify({ ...done, seeds, findings: findings.length, seedsOk }));
  else {
    for (const s of seeds) console.log(`fuzz: seed ${s.name} (${s.bytes} bytes): ${s.connected ? "handshake completes" : `DOES NOT complete (${s.outcome} ${s.alert ?? ""})`}`);
    const alerts = Object.entries(done.alerts).sort((x, y) => y[1] - x[1]).map(([k, n]) => `${ALERTS[k] ?? k} ${n}`).join(", ");
    console.log(`fuzz: seed ${done.seed}: ${done.iterations} iterations in ${(done.ms / 1000).toFixed(1)} s (${done.iterationsPerSecond}/s); ` +
      `outcomes ${JSON.stringify(done.outcomes)}; still connected ${done.connected}; alerts: ${alerts}`);
    console.log(`fuzz: ${done.findings} exceptions other than TLSError, ${done.hangs} runs that did not terminate, native heap after: ${done.nativeLeaked} bytes above the baseline`);
  }
  return done.findings || done.hangs || !seedsOk || r.code !== 0 ? 1 : 0;
}

/** the server side: certificates made with openssl for this run, real ClientHellos from the fixtures */
async function serverCertificates() {
  const { makeServerCertificates } = await import("../tests/lib/tls-peers.mjs");
  const certs = makeServerCertificates();
  const files = { server: certs.path("server.der"), serverKey: certs.path("server.key.der"), rsa: certs.path("serverrsa.der"),
    rsaKey: certs.path("serverrsa.key.der"), client: certs.path("client.der"), clientKey: certs.path("client.key.der") };
  return { certs, files };
}

async function fuzzServer(a) {
  const { certs, files } = await serverCertificates();
  const hellos = JSON.parse(readFileSync(hellosFile, "utf8"));
  const findings = [];
  let done, seeds;
  try {
    const r = await runDriver({ mode: "fuzz", files, hellos, seed: a.seed, seconds: a.seconds, iterations: a.iterations }, {
      driver: serverDriver,
      timeout: a.seconds * 1000 + 60000,
      onLine(o) {
        if (o.progress !== undefined && !a.json) console.log(`fuzz server: ${o.progress} iterations, ${o.seconds} s`);
        if (o.finding) {
          findings.push(o);
          console.log(`fuzz server: FINDING ${o.finding} (${o.from ?? o.scenario}, iteration ${o.iteration}, seed ${o.seed}): ${o.message ?? ""} ${o.stack ?? ""}`);
          console.log(JSON.stringify(o));
        }
        if (o.seeds) seeds = o.seeds;
        if (o.done) done = o;
      },
    });
    if (!done) {
      console.error(`fuzz server: the driver did not finish (exit ${r.code}${r.signal ? " " + r.signal : ""})\n${r.stderr}`);
      return 1;
    }
    // live pairs must complete and exchange data (resumption scenarios must resume); real hellos get an answer
    const seedOk = (s) => s.name.startsWith("hello:") ? s.outcome === "handshake" : s.outcome === "connected" && s.exchanged && (!/resume/.test(s.name) || s.resumed);
    const seedsOk = seeds.every(seedOk);
    if (a.json) console.log(JSON.stringify({ ...done, seeds, findings: findings.length, seedsOk }));
    else {
      for (const s of seeds) console.log(`fuzz server: seed ${s.name}: ${seedOk(s) ? (s.name.startsWith("hello:") ? "the server answers" : `completes${s.resumed ? ", resumed" : ""}`) : `NOT as expected (${JSON.stringify(s)})`}`);
      const alerts = Object.entries(done.alerts).sort((x, y) => y[1] - x[1]).map(([k, n]) => `${ALERTS[k] ?? k} ${n}`).join(", ");
      console.log(`fuzz server: seed ${done.seed}: ${done.iterations} iterations (${done.helloRuns} on real ClientHellos) in ${(done.ms / 1000).toFixed(1)} s (${done.iterationsPerSecond}/s); ` +
        `outcomes ${JSON.stringify(done.outcomes)}; connected ${done.connected}; alerts: ${alerts}`);
      console.log(`fuzz server: ${done.findings} exceptions other than TLSError, ${done.hangs} runs that did not terminate, native heap after: ${done.nativeLeaked} bytes above the baseline`);
    }
    return done.findings || done.hangs || !seedsOk || r.code !== 0 ? 1 : 0;
  }
  finally {
    certs.remove();
  }
}

/** records the first record real clients send (their ClientHello) to a TCP server that then closes */
async function captureHellos() {
  const net = await import("node:net");
  const tls = await import("node:tls");
  const { execFile } = await import("node:child_process");
  const clients = [
    { name: "openssl-s_client", run: (port) => ["openssl", ["s_client", "-connect", `127.0.0.1:${port}`, "-servername", "localhost"]] },
    { name: "openssl-s_client-tls1_2", run: (port) => ["openssl", ["s_client", "-connect", `127.0.0.1:${port}`, "-servername", "localhost", "-tls1_2"]] },
    { name: "openssl-s_client-p384-alpn", run: (port) => ["openssl", ["s_client", "-connect", `127.0.0.1:${port}`, "-servername", "localhost", "-groups", "P-384:X25519", "-alpn", "h2,http/1.1"]] },
    { name: "gnutls-cli", run: (port) => ["gnutls-cli", ["--insecure", "-p", String(port), "--sni-hostname", "localhost", "127.0.0.1"]] },
    { name: "curl", run: (port) => ["curl", ["-sk", "--max-time", "5", `https://localhost:${port}/`]] },
    { name: "node-tls", node: (port) => tls.connect({ port, host: "127.0.0.1", servername: "localhost", rejectUnauthorized: false, ALPNProtocols: ["http/1.1"] }) },
  ];
  const hellos = [];
  for (const c of clients) {
    const got = await new Promise((res, rej) => {
      let buffer = Buffer.alloc(0), child, socket;
      const server = net.createServer((s) => {
        s.on("error", () => {});
        s.on("data", (d) => {
          buffer = Buffer.concat([buffer, d]);
          if (buffer.length >= 5 && buffer.length >= 5 + buffer.readUInt16BE(3)) {
            s.destroy();
            server.close();
            child?.kill();
            socket?.destroy();
            res(buffer.subarray(0, 5 + buffer.readUInt16BE(3)));
          }
        });
      });
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address();
        if (c.node) {
          socket = c.node(port);
          socket.on("error", () => {});
        }
        else {
          const [command, args] = c.run(port);
          child = execFile(command, args, { timeout: 10000 }, () => {});
          child.on("error", rej);
          child.stdin?.end();
        }
      });
      setTimeout(() => rej(new Error(`no ClientHello from ${c.name}`)), 15000).unref();
    });
    if (got[0] !== 22 || got[5] !== 1) throw new Error(`${c.name}: not a ClientHello record`);
    hellos.push({ name: c.name, hex: got.toString("hex") });
    console.log(`capture: ${c.name}: a ClientHello of ${got.length} bytes`);
  }
  writeFileSync(hellosFile, JSON.stringify(hellos, null, 2) + "\n");
  return 0;
}

async function replay(a) {
  const finding = a.replay;
  if (finding.chunks) {   // a server-side finding
    const { certs, files } = await serverCertificates();
    try {
      const r = await runDriver({ mode: "replay", scenario: finding.scenario, chunks: finding.chunks, files }, { timeout: 60000, driver: serverDriver });
      for (const l of r.lines) console.log(JSON.stringify(l));
      if (r.code !== 0) console.log(r.stderr);
      return r.code;
    }
    finally {
      certs.remove();
    }
  }
  const all = JSON.parse(readFileSync(corpusFile, "utf8"));
  const entry = all.find((e) => e.name === finding.entry) ?? {};
  const r = await runDriver({ mode: "replay", entry, hex: finding.hex }, { timeout: 60000 });
  for (const l of r.lines) console.log(JSON.stringify(l));
  if (r.code !== 0) console.log(r.stderr);
  return r.code;
}

// ---- capture ----

async function capture() {
  const { makeCertificates, startOpenSSL, startGnuTLS } = await import("../tests/lib/tls-peers.mjs");
  const certs = makeCertificates();
  const p = certs.path;
  const servers = [
    { name: "openssl13-ecdsa", start: () => startOpenSSL(["-cert", p("p256.crt"), "-key", p("p256.key"), "-tls1_3"]) },
    { name: "openssl13-rsa-aes256", start: () => startOpenSSL(["-cert", p("rsa.crt"), "-key", p("rsa.key"), "-tls1_3", "-ciphersuites", "TLS_AES_256_GCM_SHA384"]) },
    { name: "openssl13-hrr", groups: ["secp256r1", "x25519"], start: () => startOpenSSL(["-cert", p("p256.crt"), "-key", p("p256.key"), "-tls1_3", "-groups", "X25519"]) },
    { name: "openssl12-ecdsa", maxVersion: "TLS 1.2", start: () => startOpenSSL(["-cert", p("p256.crt"), "-key", p("p256.key"), "-tls1_2"]) },
    { name: "openssl12-rsa-chacha", maxVersion: "TLS 1.2", start: () => startOpenSSL(["-cert", p("rsa.crt"), "-key", p("rsa.key"), "-tls1_2", "-cipher", "ECDHE-RSA-CHACHA20-POLY1305"]) },
    { name: "openssl12-p384", maxVersion: "TLS 1.2", groups: ["secp384r1"], start: () => startOpenSSL(["-cert", p("p384.crt"), "-key", p("p384.key"), "-tls1_2", "-groups", "P-384"]) },
    { name: "gnutls13-ecdsa", start: () => startGnuTLS(["--x509certfile", p("p256.crt"), "--x509keyfile", p("p256.key")]) },
    { name: "gnutls12-rsa", maxVersion: "TLS 1.2", start: () => startGnuTLS(["--x509certfile", p("rsa.crt"), "--x509keyfile", p("rsa.key"), "--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.2"]) },
  ];
  mkdirSync(corpusDir, { recursive: true });
  const entries = [];
  try {
    for (const s of servers) {
      const server = await s.start();
      try {
        const entry = { name: s.name, file: `${s.name}.bin` };
        if (s.maxVersion) entry.maxVersion = s.maxVersion;
        if (s.groups) entry.groups = s.groups;
        const r = await runDriver({ mode: "capture", port: server.port, corpus: [entry] }, { timeout: 20000 });
        const c = r.lines.find((l) => l.capture !== undefined);
        if (!c || !c.connected) throw new Error(`capture from ${s.name} failed: ${JSON.stringify(r.lines)}\n${r.stderr}\n${server.output()}`);
        writeFileSync(join(corpusDir, entry.file), Buffer.from(c.capture, "hex"));
        entries.push(entry);
        console.log(`capture: ${s.name}: ${c.capture.length / 2} bytes, ${c.describe.version} ${c.describe.suite} ${c.describe.group}`);
      }
      finally {
        await server.stop();
      }
    }
  }
  finally {
    certs.remove();
  }
  writeFileSync(corpusFile, JSON.stringify(entries, null, 2) + "\n");
  return 0;
}

const a = parseArgs(process.argv.slice(2));
process.exitCode = a.capture ? await capture() : a.captureHellos ? await captureHellos() : a.replay ? await replay(a)
  : a.server ? await fuzzServer(a) : await fuzz(a);
