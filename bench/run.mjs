// npm run bench (issue 7): memory per handshake, minimal XS budgets, handshake time against Node's
// tls (OpenSSL), download throughput against plain-C mbedtls, code size. Starts its own servers
// (bench/server.mjs: Node tls in a child process) with certificates made by openssl now.
// Writes bench/results.json, docs/BENCHMARKS.md and bench/handshake-memory.svg.
//   node bench/run.mjs [--quick]      (--quick: 10 handshakes, 1 MB downloads; for trying it out)
//   node bench/run.mjs --server-only  (the server-side scenarios again, into the existing results)
//   node bench/run.mjs --stack [--only id,id]  (the handshake's C stack per scenario: build/xsh and build/xsh32, with and without --gc-stress 1)
//   node bench/run.mjs --stack-where [--only id,id]  (the JS frames of the deepest XS allocation in the C stack: what deepens --stack's figures)
//   node bench/run.mjs --garbage      (what one handshake allocates per scenario, collection off, no trace)
//   node bench/run.mjs --budget [--only id,id] [--slots-only]  (the connection chunk and slot budgets only, and the handshake's native heap peak)
//   (the device-* ids: the same client scenarios in the device profile, manifest_device.json in build/xsh-device)
//   node bench/run.mjs --live [--only id,id]  (what is live, slots and chunks, after each engine trace line)
//   node bench/run.mjs --where N [--only id,id]  (where a slot room of N runs out: the JS stack, and what is
//     live then that was not at the connection's start, by kind or class: xsh's XSH_ROOM_STACK/XSH_ROOM_CENSUS;
//     --keys "{constructor start}": the property keys of that class's instances, XSH_ROOM_KEYS)
//   node bench/run.mjs --time [--only id,id] [--rounds N] [--quick]  (handshake time only, ours and Node's side by side)
import tls from "node:tls";
import { spawn, spawnSync, execFileSync } from "node:child_process";
import { writeFileSync, readFileSync, readdirSync, mkdtempSync, rmSync, copyFileSync, chmodSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { SCENARIOS, DEVICE_SCENARIOS, SERVER_SCENARIOS, serverConfig, makeCertificates, startServer, startOpenSSLServer, TARGETS } from "./scenarios.mjs";
import { codeSize } from "./codesize.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const build = join(root, "build");
// a private copy of the binary: other work in this tree may relink build/xsh while the bench runs
// (beside it: xsh finds build/js from its own location)
let xsh = join(build, "xsh");
// and of build/xsh32 when it was built (node tools/build.mjs --xsh32): the C stack figures beside
let xsh32 = existsSync(join(build, "xsh32")) ? join(build, "xsh32") : undefined;
// and of build/xsh-device, the device profile's host (config.profile === "device": manifest_device.json)
let xshDevice = existsSync(join(build, "xsh-device")) ? join(build, "xsh-device") : undefined;
export function privateXsh() {
  const copy = join(build, `.bench-xsh-${process.pid}`), copy32 = join(build, `.bench-xsh32-${process.pid}`);
  const copyDevice = join(build, `.bench-xsh-device-${process.pid}`);
  copyFileSync(xsh, copy);
  chmodSync(copy, 0o755);
  xsh = copy;
  if (xshDevice) {
    copyFileSync(xshDevice, copyDevice);
    chmodSync(copyDevice, 0o755);
    xshDevice = copyDevice;
  }
  if (xsh32) {
    copyFileSync(xsh32, copy32);
    chmodSync(copy32, 0o755);
    xsh32 = copy32;
  }
  return () => { rmSync(copy, { force: true }); rmSync(copy32, { force: true }); rmSync(copyDevice, { force: true }); };
}
/** runs fn(certs) with a private xsh and a fresh set of certificates, both removed after */
async function withBench(fn) {
  const removeXsh = privateXsh();
  const certs = makeCertificates();
  try {
    return await fn(certs);
  }
  finally {
    certs.remove();
    removeXsh();
  }
}

/**
 * runs fn(config, server) for one scenario: a client scenario's server is started (and stopped after)
 * and config is handshake.js's for it; a server scenario's config is bench/xs/server.js's (no server)
 */
async function withScenario(scenario, certs, fn) {
  if (scenario.side === "server")
    return fn(serverConfig(scenario, certs), undefined);
  const server = await startServer(scenario.server(certs));
  try {
    return await fn({ port: server.port, certificate: certs.der(scenario.root), ...scenario.client, profile: scenario.profile }, server);
  }
  finally {
    await server.stop();
  }
}

/** the value after a command-line flag (--only a,b / --rounds N), or undefined */
const flag = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
/** the scenarios --only names (all without it) */
const picked = (scenarios) => { const ids = flag("--only")?.split(","); return scenarios.filter((s) => !ids || ids.includes(s.id)); };

const module = join(root, "bench", "xs", "handshake.js");
// the server-side scenarios (config.side === "server"): our server, Node's tls.connect as the client
const serverModule = join(root, "bench", "xs", "server.js");
const quick = process.argv.includes("--quick");
const HANDSHAKES = quick ? 10 : 50;
const DOWNLOAD = quick ? 1 << 20 : 10 << 20;
const started = Date.now();
const log = (...a) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s]`, ...a);

/**
 * one xsh run of bench/xs/handshake.js, or with config.side === "server" of bench/xs/server.js, whose
 * clients are then Node's tls.connect (config.client: more of its options; config.ca: the PEM file
 * of the root; one connection, or config.count in "time" mode, their times in clientTimes); config.profile
 * "device": the device profile (manifest_device.json in build/xsh-device);
 * resolves to { code, result (its last JSON line), stderr }
 */
export function runXsh(config, { chunks, slots, report = false, timeout = 30000, binary, options = [], env } = {}) {
  const server = config.side === "server", device = config.profile === "device";
  // binary: another build's xsh (its tree's manifest and modules), for before/after comparisons
  const tree = binary ? join(dirname(binary), "..") : root;
  const args = ["--manifest", join(tree, server ? "manifest_server.json" : device ? "manifest_device.json" : "manifest.json"), ...options];
  if (report) args.push("--report");
  if (chunks !== undefined) args.push("--chunks", String(chunks));
  if (slots !== undefined) args.push("--slots", String(slots));
  args.push(server ? serverModule : module, JSON.stringify(config));
  return new Promise((resolve) => {
    const child = spawn(binary ?? (device ? xshDevice ?? join(build, "xsh-device") : xsh), args, { stdio: ["ignore", "pipe", "pipe"], env: env && { ...process.env, ...env } });
    let out = "", err = "", timedOut = false, clients;
    child.on("error", (e) => { err += `spawn: ${e.message}\n`; });
    child.stdout.on("data", (d) => {
      out += d;
      const m = server && !clients && /\{"listening":(\d+)\}/.exec(out);
      if (m)   // the server may fail (out of memory): a client's error is the server's exit code's business
        clients = nodeHandshakes(Number(m[1]), readFileSync(config.ca, "utf8"), config.mode === "time" ? config.count ?? 50 : 1, false, config.client)
          .catch((e) => { err += `client: ${e.message}\n`; });
    });
    child.stderr.on("data", (d) => err += d);
    const timer = setTimeout(() => { timedOut = true; child.kill("SIGKILL"); }, timeout);
    child.on("close", async (code) => {
      clearTimeout(timer);
      const clientTimes = await clients;
      const lines = [];
      for (const l of out.split("\n")) if (l.startsWith("{")) try { lines.push(JSON.parse(l)); } catch { /* not ours */ }
      const result = lines.filter((l) => "ok" in l).at(-1);
      const start = lines.find((l) => l.start)?.start;
      let xshReport;
      for (const l of err.split("\n")) if (l.includes('"xsh":"report"') || l.includes('"xsh": "report"')) try { xshReport = JSON.parse(l); } catch { /* not it */ }
      resolve({ code, timedOut, result, start, stderr: err, stdout: out, report: xshReport, clientTimes });
    });
  });
}

const ok = (r) => r.code === 0 && r.result?.ok === true;

/**
 * The handshake's C stack beside build/xsh's (docs/HOST.md): stress, the same with a collection
 * before every XS allocation (--gc-stress 1: the worst case wherever collections fall); stack32 and
 * stress32, the same in build/xsh32 (32-bit pointers and 16-byte slots as on a device; when built).
 */
async function stackFigures(config) {
  const figures = {};
  for (const [key, binary, options] of [["stress", undefined, ["--gc-stress", "1"]], ["stack32", xsh32, []], ["stress32", xsh32, ["--gc-stress", "1"]]]) {
    if (key.endsWith("32") && (!xsh32 || config.profile))   // no 32-bit build of the device profile
      continue;
    const r = await runXsh(config, { binary, options, timeout: 120000 });
    if (!ok(r)) throw new Error(`bench: ${key} run failed\n${r.stdout}\n${r.stderr}`);
    figures[key] = r.result.handshake.stack;
  }
  return figures;
}

/**
 * The smallest cap (bytes or slots) in which the run succeeds: bisection between `lo` (the program's
 * idle figure above the start-up baseline: it cannot run below it) and `lo + peak * 1.25` (widened
 * while that fails), at most `probes` runs.
 */
async function smallest(config, kind, lo, peak, probes = 10) {
  let hi = lo + Math.max(256, Math.ceil(peak * 1.25)), runs = 0;
  const failures = new Set();
  for (;;) {   // hi must succeed
    const r = await runXsh(config, { [kind]: hi });
    runs++;
    if (ok(r)) break;
    failures.add(r.timedOut ? "timeout" : r.code);
    // not enough yet: double the distance from the idle figure (a program's loading may need far more
    // than a small connection's peak: the resumed connection's budget went undefined with steps of its peak)
    [lo, hi] = [hi, hi + 2 * (hi - lo)];
    if (runs > 5) return { value: undefined, runs, failureCodes: [...failures] };
  }
  const step = kind === "chunks" ? 64 : 4;
  while (runs < probes && hi - lo > step) {
    const mid = Math.round((lo + hi) / 2 / step) * step;
    const r = await runXsh(config, { [kind]: mid });
    runs++;
    if (ok(r)) hi = mid;
    else { lo = mid; failures.add(r.timedOut ? "timeout" : r.code); }
  }
  return { value: hi, failedAt: lo, runs, failureCodes: [...failures] };
}

/**
 * The connection's own budget: bisection (at most `probes` runs) on a live-use cap from the
 * connection's start (xsh chunkRoom() for chunks over the whole connection, slotRoom() for slots over
 * the handshake): at no moment may what is live exceed what was live at the start plus the room. Exact.
 */
export async function connectionBudget(config, kind, peak, probes = kind === "chunks" ? 10 : 12) {
  let lo = 0, hi = Math.max(512, Math.ceil(peak * 1.25)), runs = 0, best, worst;
  const probe = async (room) => {
    const r = await runXsh({ ...config, room: { [kind]: room } });
    runs++;
    return { ok: ok(r), actual: room, code: r.timedOut ? "timeout" : r.code };
  };
  const failures = new Set();
  let first = await probe(hi);
  while (!first.ok && runs < 4) { failures.add(first.code); lo = hi; hi *= 2; first = await probe(hi); }
  if (!first.ok) return { value: undefined, runs, failureCodes: [...failures] };
  best = first.actual;
  const step = kind === "chunks" ? 64 : 1;
  while (runs < probes && hi - lo > step) {
    const mid = Math.round((lo + hi) / 2 / step) * step;
    const r = await probe(mid);
    if (r.ok) { hi = mid; best = r.actual; }
    else { lo = mid; worst = r.actual; failures.add(r.code); }
  }
  return { value: best, failedAt: worst, runs, failureCodes: [...failures] };
}

/**
 * The download's servers: "node" (bench/server.mjs: Node's tls, JS per 16 KB write) and "openssl"
 * (openssl s_server -WWW: no JS per record, so not the ceiling of the client).
 */
export const DOWNLOAD_SERVERS = ["node", "openssl"];
/** the download's read forms (bench/xs/handshake.js): the app's one buffer, a new ArrayBuffer per read */
export const DOWNLOAD_FORMS = ["buffer", "arraybuffer"];

/**
 * One suite against one server: `runs` rounds of plain-C decryption of `bytes` (bench/aead_c.c,
 * best of 3 passes) then a download of as many pattern bytes through SecureSocket in xsh per read
 * form (the bytes checked), best of each kept; then Node's client against the same server (its
 * ceiling, best of 2), all in the same minute. Figures in MB/s; ratios to plain C.
 */
export async function measureDownload({ suite, cipher, server: kind, certs, baseline, bytes, runs, forms = DOWNLOAD_FORMS, before, beforeRead = "arraybuffer" }) {
  const key = certs.path("ecleaf.key"), cert = certs.path("ecleaf.crt");
  const server = kind === "node"
    ? await startServer({ key, cert, minVersion: "TLSv1.3", ciphers: cipher, body: bytes, pattern: true })
    : await startOpenSSLServer({ key, cert, ciphersuites: cipher, body: bytes });
  const request = kind === "node" ? undefined : `GET ${server.path} HTTP/1.0\r\n\r\n`;
  try {
    const best = {};
    // before: another build's xsh (bench/throughput.mjs --before), read(ArrayBuffer) or beforeRead, as "before"
    const runs1 = before ? [...forms, "before"] : forms;
    // plain C in each round too, best kept: both sides get the machine's quiet moments alike
    let cMBps = 0;
    for (let i = 0; i < runs; i++) {
      cMBps = Math.max(cMBps, JSON.parse(execFileSync(baseline, [String(bytes)], { encoding: "utf8" }).trim())[suite]);
      for (const read of runs1) {
        const config = { port: server.port, certificate: certs.der("ecroot"), mode: "download", read: read === "before" ? beforeRead : read, body: bytes, request };
        const r = await runXsh(config, { timeout: 120000, binary: read === "before" ? before : undefined });
        if (!ok(r)) throw new Error(`bench: download (${kind}, ${read}) failed\n${r.stdout}\n${r.stderr}`);
        if (!best[read] || r.result.mbps > best[read].mbps) best[read] = r.result;
      }
    }
    let nodeMBps = 0;
    for (let i = 0; i < 2; i++) nodeMBps = Math.max(nodeMBps, await nodeDownload(server.port, certs.pem("ecroot"), request));
    const m = { server: kind, negotiated: best[forms[0]].cipherSuite, bytes: best[forms[0]].body, cMBps, nodeMBps, nodeRatio: nodeMBps / cMBps };
    for (const read of runs1)
      m[read] = { mbps: best[read].mbps, ratio: best[read].mbps / cMBps, collections: best[read].collections };
    return m;
  }
  finally {
    await server.stop();
  }
}

/** the download's suites: [name in bench/aead_c.c's output, the server's cipher] */
export const SUITES = [["AES-128-GCM", "TLS_AES_128_GCM_SHA256"], ["ChaCha20-Poly1305", "TLS_CHACHA20_POLY1305_SHA256"]];

/**
 * What receiving the response needs after the handshake: the smallest live-use chunk cap from
 * message 1 on (xsh chunkRoom()), the app skipping the plaintext with read(null) (no copies of its
 * own), by bisection (at most `probes` runs, to 64 bytes).
 */
async function transferBudget(config, peak, probes = 10) {
  let lo = 0, hi = Math.max(1024, Math.ceil(peak * 1.25)), runs = 0;
  const probe = async (room) => { runs++; return ok(await runXsh({ ...config, skipRead: true, transferRoom: room })); };
  while (!(await probe(hi))) { lo = hi; hi *= 2; if (runs > 4) return { value: undefined, runs }; }
  while (runs < probes && hi - lo > 64) {
    const mid = Math.round((lo + hi) / 2 / 64) * 64;
    if (await probe(mid)) hi = mid; else lo = mid;
  }
  return { value: hi, failedAt: lo || undefined, runs };
}

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Node's tls.connect against the same server: count handshakes, time to secureConnect */
async function nodeHandshakes(port, ca, count, resume, options = {}) {
  const times = [];
  let session;
  for (let i = 0; i < count + (resume ? 1 : 0); i++) {
    const r = await new Promise((resolve, reject) => {
      const t0 = performance.now();
      let t, next, reused;
      const s = tls.connect({ host: "127.0.0.1", port, ca, servername: "localhost", session: resume ? session : undefined, ...options });
      s.on("secureConnect", () => {
        t = performance.now() - t0;
        reused = s.isSessionReused();
        s.write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
      });
      s.on("session", (x) => next ??= x);
      s.on("data", () => {});
      s.on("error", reject);
      s.on("close", () => resolve({ t, next, reused }));
    });
    if (resume) {
      session = r.next ?? session;
      if (i === 0) continue;
      if (!r.reused) throw new Error("bench: Node's client did not resume");
    }
    times.push(r.t);
  }
  return times;
}

/** Node's client downloading the same response: the ceiling of the server and loopback */
export function nodeDownload(port, ca, request = "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n") {
  return new Promise((resolve, reject) => {
    let bytes = 0, t0;
    const s = tls.connect({ host: "127.0.0.1", port, ca, servername: "localhost" }, () => {
      t0 = performance.now();
      s.write(request);
    });
    s.on("data", (d) => bytes += d.length);
    s.on("error", reject);
    s.on("close", () => { const ms = performance.now() - t0; resolve(bytes / ms / 1000); });
  });
}

function esp8266Text() {
  const r = spawnSync("bash", [join(root, "tools", "size-esp8266.sh")], { encoding: "utf8" });
  const m = /linked \(--gc-sections\)\s+(\d+)\s+(\d+)\s+(\d+)/.exec(r.stdout ?? "");
  const device = /device profile, linked\s+(\d+)/.exec(r.stdout ?? "");
  return m ? { text: Number(m[1]), data: Number(m[2]), bss: Number(m[3]), deviceText: device ? Number(device[1]) : undefined } : { error: (r.stderr || r.stdout || "").slice(-300) };
}

export function buildAeadBaseline() {
  const mbedtls = readdirSync(join(build, "deps")).find((d) => d.startsWith("mbedtls-2.28."));
  // the core's objects, and mbedtls's ChaCha20-Poly1305 (the core has its own: native/chachapoly.c; a
  // tree built before that may still hold the core's old copies of them in obj/mbedtls)
  const reference = readdirSync(join(build, "obj", "mbedtls-reference")).filter((f) => f.endsWith(".o"));
  const objects = [
    ...readdirSync(join(build, "obj", "mbedtls")).filter((f) => f.endsWith(".o") && !reference.includes(f)).map((f) => join(build, "obj", "mbedtls", f)),
    ...reference.map((f) => join(build, "obj", "mbedtls-reference", f)),
  ];
  const out = join(build, "bench-aead");
  execFileSync("cc", ["-O2", "-g", "-std=gnu99", "-Wall", "-Wextra", "-Werror", `-I${join(build, "deps", mbedtls, "include")}`,
    `-I${join(root, "native")}`, '-DMBEDTLS_CONFIG_FILE="mbedtls_config.h"', "-DSECURESOCKET_MBEDTLS_CHACHAPOLY", "-o", out, join(root, "bench", "aead_c.c"), ...objects]);
  return out;
}

/**
 * entry.idle, .startup and .budget (program and connection budgets) from the measured run m and the
 * idle run i (with --report) of config
 */
async function budgets(entry, config, m, i) {
  const peakChunks = Math.max(m.result.handshake.chunks, m.result.transfer.chunks);
  const peakSlots = Math.max(m.result.handshake.slots, m.result.transfer.slots);
  // what the program holds when the connection starts, above the start-up baseline the caps count from
  entry.idle = { chunks: i.result.idle.chunks - i.report.chunksBaseline, slots: i.result.idle.slots - i.report.slotsBaseline };
  entry.budget = {
    chunks: await smallest(config, "chunks", entry.idle.chunks, peakChunks),
    slots: await smallest(config, "slots", entry.idle.slots, peakSlots),
  };
  // the program's budget is module loading's (its parser garbage): the connection's own is searched
  // with live-use caps from its start
  entry.startup = { chunks: i.report.chunksBaseline, slots: i.report.slotsBaseline };
  entry.budget.connectionChunks = await connectionBudget(config, "chunks", peakChunks);
  entry.budget.connectionSlots = await connectionBudget(config, "slots", m.result.handshake.slots);
}

/**
 * A server-side scenario: our server in xsh (bench/xs/server.js) with Node's tls.connect as the
 * client, the same figures and budget searches as the client scenarios; the time is the client's
 * (tls.connect → secureConnect), against the same client and certificate on Node's tls server.
 */
export async function measureServer(scenario, certs) {
  const config = serverConfig(scenario, certs);
  const entry = { id: scenario.id, title: scenario.title, side: "server", chainBytes: certs.chainBytes(certs.path(`${scenario.leaf}.crt`)) };
  const m = await runXsh(config);
  const i = await runXsh({ ...config, mode: "idle" }, { report: true });
  if (!ok(m) || !ok(i)) throw new Error(`bench: ${scenario.id} failed\n${m.stdout}\n${m.stderr}\n${i.stderr}`);
  Object.assign(entry, { tls: { ...m.result.tls, certificates: 1 }, handshake: m.result.handshake, retained: m.result.retained,
    transfer: m.result.transfer, response: { bytes: 5, records: 1, maxRecord: 0 } });
  log(scenario.id, JSON.stringify(m.result.tls), "handshake", JSON.stringify(m.result.handshake), "transfer", JSON.stringify(m.result.transfer));
  entry.stack = await stackFigures(config);
  log(scenario.id, "C stack", JSON.stringify(entry.stack));
  await budgets(entry, config, m, i);
  log(scenario.id, "budget", JSON.stringify(entry.budget));
  entry.time = await serverTime(scenario, certs, config);
  log(scenario.id, "time", JSON.stringify(entry.time));
  return entry;
}

/**
 * The heap steps of the judged time (xsh --heap-step): XS grows its chunk heap by 32 KB and its slot heap by
 * 4,096 slots when a collection frees too little. With xsh's default steps (8 KB, 1,024 slots: a device-like
 * tight heap, kept within a step of its live size) each handshake's garbage (about 45 KB of chunks) costs 10-21
 * collections, each marking the loaded modules' ~9,000 live slots, and which of the two a build lands on
 * depends on where its live size falls against the step. Both are measured; the report gives both.
 */
export const TIME_HEAP_STEP = ["--heap-step", "32K,4096"];

/**
 * One "time" run of config's 50 handshakes in xsh with these options: the median and collections per handshake
 * (the times are ours for a client scenario, the client's against our server for a server scenario)
 */
async function timing(scenario, config, options) {
  const server = config.side === "server";
  const xs = await runXsh({ ...config, mode: "time", count: HANDSHAKES }, { timeout: 120000, options });
  const times = server ? xs.clientTimes : xs.result?.times;
  if (!ok(xs) || times?.length !== HANDSHAKES) throw new Error(`bench: ${scenario.id} timing failed\n${xs.stdout}\n${xs.stderr}`);
  return { xsMedianMs: median(times), collections: (xs.result?.collections ?? NaN) / times.length };
}

/** a client scenario's handshake time: ours (xsh, "time" mode, both heap steps) then Node's, against the same server */
async function clientTime(scenario, certs, server, config) {
  const judged = await timing(scenario, config, TIME_HEAP_STEP), tight = await timing(scenario, config, []);
  const node = await nodeHandshakes(server.port, certs.pem(scenario.root), HANDSHAKES, !!scenario.client.resume);
  return withRatios({ count: HANDSHAKES, ...judged, nodeMedianMs: median(node), tight });
}

/** ratio (the judged one) and tight.ratio against Node's median */
function withRatios(time) {
  time.ratio = time.xsMedianMs / time.nodeMedianMs;
  time.tight.ratio = time.tight.xsMedianMs / time.nodeMedianMs;
  return time;
}

/** a server scenario's handshake time: Node's client against our server (both heap steps), then against Node's server */
async function serverTime(scenario, certs, config) {
  const judged = await timing(scenario, config, TIME_HEAP_STEP), tight = await timing(scenario, config, []);
  const server = await startServer({ key: certs.path(`${scenario.leaf}.key`), cert: certs.path(`${scenario.leaf}.crt`) });
  try {
    const node = await nodeHandshakes(server.port, certs.pem(scenario.root), HANDSHAKES, false, scenario.client);
    return withRatios({ count: HANDSHAKES, ...judged, nodeMedianMs: median(node), tight });
  }
  finally {
    await server.stop();
  }
}

/**
 * --time [--only id,...] [--rounds N]: handshake time only, ours against Node's side by side, for the
 * client and server scenarios (all, or the named ones), N rounds (default 3); prints, writes nothing
 */
async function timeOnly() {
  const rounds = Number(flag("--rounds") ?? "3");
  await withBench(async (certs) => {
    for (let round = 1; round <= rounds; round++) {
      for (const scenario of picked([...SCENARIOS, ...DEVICE_SCENARIOS, ...SERVER_SCENARIOS])) {
        const time = await withScenario(scenario, certs, (config, server) =>
          server ? clientTime(scenario, certs, server, config) : serverTime(scenario, certs, config));
        log(`round ${round}`, scenario.id.padEnd(20), `ours ${time.xsMedianMs.toFixed(2)} ms, Node ${time.nodeMedianMs.toFixed(2)} ms, ratio ${time.ratio.toFixed(2)}`,
          `(${time.collections.toFixed(1)} collections a handshake; default heap steps ${time.tight.xsMedianMs.toFixed(2)} ms, ratio ${time.tight.ratio.toFixed(2)}, ${time.tight.collections.toFixed(1)} collections)`);
      }
    }
  });
}

async function main() {
  const results = { date: new Date().toISOString(), quick, handshakes: HANDSHAKES, downloadBytes: DOWNLOAD, targets: TARGETS, scenarios: [] };
  await withBench(async (certs) => {
    // the device profile's runs: memory only (no handshake time)
    for (const scenario of [...SCENARIOS, ...DEVICE_SCENARIOS]) {
      await withScenario(scenario, certs, async (config, server) => {
        const entry = { id: scenario.id, title: scenario.title, profile: scenario.profile, chainBytes: certs.chainBytes(scenario.server(certs).cert) };
        const m = await runXsh(config);
        const i = await runXsh({ ...config, mode: "idle" }, { report: true });
        if (!ok(m)) throw new Error(`bench: ${scenario.id} failed\n${m.stdout}\n${m.stderr}`);
        Object.assign(entry, { tls: m.result.tls, handshake: m.result.handshake, retained: m.result.retained, transfer: m.result.transfer,
          response: { bytes: m.result.bytes, records: m.result.records, maxRecord: m.result.maxRecord } });
        log(scenario.id, JSON.stringify(m.result.tls), "handshake", JSON.stringify(m.result.handshake), "transfer", JSON.stringify(m.result.transfer));
        entry.stack = await stackFigures(config);
        log(scenario.id, "C stack", JSON.stringify(entry.stack));
        await budgets(entry, config, m, i);
        if (m.result.maxRecord > 8192)
          entry.budget.recordChunks = await transferBudget(config, m.result.transfer.chunks);
        log(scenario.id, "budget", JSON.stringify(entry.budget));
        if (!scenario.profile) {
          entry.time = await clientTime(scenario, certs, server, config);
          log(scenario.id, "time", JSON.stringify(entry.time));
        }
        if (scenario.plot) {
          const s = await runXsh({ ...config, sample: true });
          if (ok(s)) entry.samples = s.result.samples;
        }
        results.scenarios.push(entry);
      });
    }

    for (const scenario of SERVER_SCENARIOS)
      results.scenarios.push(await measureServer(scenario, certs));

    // throughput: a 10 MB download in 16 KB records, TLS 1.3, against plain-C decryption
    const baselineBinary = buildAeadBaseline();
    results.throughput = [];
    for (const [suite, cipher] of SUITES) {
      const row = { suite };
      for (const server of DOWNLOAD_SERVERS) {
        const m = await measureDownload({ suite, cipher, server, certs, baseline: baselineBinary, bytes: DOWNLOAD, runs: 2 });
        row.negotiated ??= m.negotiated;
        row.bytes ??= m.bytes;
        row[server] = m;
        log("download", suite, server, JSON.stringify(m));
      }
      // judged on the app's own buffer against the server that is not the ceiling
      row.cMBps = row.openssl.cMBps;
      row.xsMBps = row.openssl.buffer.mbps;
      row.ratio = row.xsMBps / row.cMBps;
      results.throughput.push(row);
    }
  });

  results.code = { ...codeSize(), esp8266: esp8266Text() };
  log("code", JSON.stringify(results.code));
  writeFileSync(join(root, "bench", "results.json"), JSON.stringify(results, null, 2) + "\n");
  const { writeReport } = await import("./report.mjs");
  writeReport(results, root);
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s: bench/results.json, docs/BENCHMARKS.md`);
}

/** --server-only: measures the server-side scenarios again, replacing theirs in bench/results.json */
async function serverOnly() {
  const file = join(root, "bench", "results.json");
  const results = JSON.parse(readFileSync(file, "utf8"));
  await withBench(async (certs) => {
    results.scenarios = results.scenarios.filter((s) => s.side !== "server");
    for (const scenario of SERVER_SCENARIOS)
      results.scenarios.push(await measureServer(scenario, certs));
  });
  results.serverDate = new Date().toISOString();
  writeFileSync(file, JSON.stringify(results, null, 2) + "\n");
  const { writeReport } = await import("./report.mjs");
  writeReport(results, root);
}

/**
 * --garbage: what one handshake allocates, collection off and no trace set (the handshake peak of a
 * collect:false run: everything from the constructor, or the accept, to message 1)
 */
async function garbage() {
  const row = (id, r) => console.log(`${id}\t${r.result?.handshake.chunks ?? "failed"} B\t${r.result?.handshake.slots} slots`);
  await withBench(async (certs) => {
    // records-16k: the same handshake as tls13-ecdsa
    for (const scenario of [...SCENARIOS, ...SERVER_SCENARIOS].filter((s) => s.id !== "records-16k"))
      row(scenario.id, await withScenario(scenario, certs, (config) => runXsh({ ...config, collect: false })));
  });
}

/** --budget [--only id,...]: the connection chunk and slot budgets of each scenario, nothing else */
async function budgetOnly() {
  const measure = async (id, config) => {
    const m = await runXsh(config);
    if (!ok(m)) throw new Error(`bench: ${id} failed\n${m.stdout}\n${m.stderr}`);
    const c = process.argv.includes("--slots-only") ? {} : await connectionBudget(config, "chunks", m.result.handshake.chunks);
    const s = await connectionBudget(config, "slots", m.result.handshake.slots);
    console.log(`${id}\t${c.runs ? `chunks ${c.value} (fails at ${c.failedAt})\t` : ""}slots ${s.value} (fails at ${s.failedAt})\tretained ${m.result.retained.chunks} B / ${m.result.retained.slots} slots\tnative heap peak ${m.result.handshake.native} B`);
  };
  await withBench(async (certs) => {
    for (const scenario of picked([...SCENARIOS, ...DEVICE_SCENARIOS, ...SERVER_SCENARIOS]))
      await withScenario(scenario, certs, (config) => measure(scenario.id, config));
  });
}

/** --live [--only id,...]: what is live (collected first) after each engine trace line of each scenario */
async function liveOnly() {
  await withBench(async (certs) => {
    for (const scenario of picked([...SCENARIOS, ...SERVER_SCENARIOS]))
      await withScenario(scenario, certs, async (config) => {
        const r = await runXsh({ ...config, sample: "live" });
        if (!ok(r)) throw new Error(`bench: ${scenario.id} failed\n${r.stdout}\n${r.stderr}`);
        console.log(`${scenario.id}: slots / chunks live after each step`);
        for (const { step, slots, chunks } of r.result.samples) console.log(`  ${String(slots).padStart(5)} ${String(chunks).padStart(6)}  ${step}`);
      });
  });
}

/** --where N [--only id,...]: where the handshake's slot room of N runs out, and what is live then */
async function whereOnly() {
  const room = Number(flag("--where"));
  await withBench(async (certs) => {
    for (const scenario of picked([...SCENARIOS, ...DEVICE_SCENARIOS, ...SERVER_SCENARIOS]))
      await withScenario(scenario, certs, async (config) => {
        const r = await runXsh({ ...config, room: { slots: room } }, { env: { XSH_ROOM_STACK: "1", XSH_ROOM_CENSUS: "1", XSH_ROOM_KEYS: flag("--keys") ?? "" } });
        console.log(`${scenario.id}, slot room ${room}: ${ok(r) ? "enough" : `exit ${r.code}`}`);
        console.log(r.stderr.replaceAll(`${root}/build/js/modules/`, "").trimEnd());
      });
  });
}

/** --stack-where [--only id,...]: where each scenario's deepest XS allocation is (xsh's XSH_STACK_WHERE): the JS
 * frames of the last (deepest) one, beneath which a collection's marking goes (what --gc-stress measures) */
async function stackWhere() {
  await withBench(async (certs) => {
    for (const scenario of picked([...SCENARIOS, ...DEVICE_SCENARIOS, ...SERVER_SCENARIOS]))
      await withScenario(scenario, certs, async (config) => {
        const r = await runXsh(config, { env: { XSH_STACK_WHERE: "1" } });
        // from the first resetPeaks() (the connection's start) to the next (message 1): the handshake's
        const handshake = r.stderr.replaceAll(`${root}/build/js/modules/`, "").split("-- peaks reset\n")[1] ?? "";
        const blocks = handshake.split("deepest allocation so far: ");
        console.log(`${scenario.id}: ${ok(r) ? "ok" : `exit ${r.code}`}, deepest allocation at ${blocks.at(-1)?.trimEnd()}`);
      });
  });
}

/** --stack [--only id,...]: the handshake's C stack only, per scenario (client and server), in build/xsh and build/xsh32, without and with --gc-stress 1 */
async function stackOnly() {
  await withBench(async (certs) => {
    console.log("scenario: handshake C stack above the callback's depth, bytes (x86-64 build/xsh | with --gc-stress 1 | build/xsh32 | with --gc-stress 1)");
    for (const scenario of picked([...SCENARIOS, ...DEVICE_SCENARIOS, ...SERVER_SCENARIOS])) {
      await withScenario(scenario, certs, async (config) => {
        const m = await runXsh(config);
        if (!ok(m)) throw new Error(`bench: ${scenario.id} failed\n${m.stdout}\n${m.stderr}`);
        const s = await stackFigures(config);
        console.log(`${scenario.id}: ${m.result.handshake.stack} | ${s.stress} | ${s.stack32 ?? "-"} | ${s.stress32 ?? "-"}`);
      });
    }
  });
}

const entry = process.argv.includes("--where") ? whereOnly : process.argv.includes("--live") ? liveOnly : process.argv.includes("--stack-where") ? stackWhere : process.argv.includes("--stack") ? stackOnly : process.argv.includes("--budget") ? budgetOnly : process.argv.includes("--server-only") ? serverOnly
  : process.argv.includes("--garbage") ? garbage : process.argv.includes("--time") ? timeOnly : main;
if (process.argv[1] === fileURLToPath(import.meta.url))
  entry().catch((e) => {
    console.error(e.stack ?? e);
    process.exit(1);
  });
