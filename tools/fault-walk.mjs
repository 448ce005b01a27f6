#!/usr/bin/env node
// Allocation-fault walk (docs/HOSTILE.md "Allocation faults"): runs a driver in xsh once with
// --report to count its native, XS chunk and XS slot allocations, then once per allocation point N
// with --native-fail N, --chunk-fail N or --slot-fail N, and checks how each run ends:
//
//   native: exit 0, the connection ends with -2 and "out of memory" in the message (or completes:
//           an allocation whose failure is absorbed), the native heap back to within the one-time
//           128 bytes after close + GC, and --report's nativeUsed agreeing.
//   chunk, slot: XS cannot go on without the chunk or slot (it aborts the machine, as it does
//           when its heap is exhausted): exit 3 and "xsh: out of memory: XS chunk allocation N
//           (--chunk-fail)" on stderr, nothing else there; or a completed run when N is past the
//           run's own count (the count moves a little from run to run with the TCP reads).
//   never: a signal, the kill timer (a hang), an uncaught exception, another exit status.
//
//   npm run fault:walk -- [--scenario client13|client12|server13|server12] [--kind native,chunk,slot] [--full | --points K]
//                         [--from N] [--to N] [--jobs J] [--valgrind] [--json] [--log FILE]
//
// --log FILE appends one JSON line per run ({kind, n, outcome}), so a long walk's progress is kept.
// --full walks every N of each kind (tens of thousands of runs: hours); --points K (default 40) walks
// K points spread evenly over the count, each moved by a random offset within its stretch.
// A scenario (SCENARIOS below) is { name, driver, setup(), judge(r, base) }: setup() starts what the
// runs share (a peer) and resolves to { args, during(handle)?, teardown() }; each run is
// `xsh --report <fault option> driver ...args`, and during(handle) runs beside it (startXsh's
// handle: waitFor(), done), e.g. to connect to a server driver; judge() tells how a run that
// exited 0 ended (base: the run without a fault).
// Exit status: 0 when every run ended cleanly, 1 otherwise, 2 on bad usage.
import { execFileSync, spawn } from "node:child_process";
import { appendFileSync } from "node:fs";
import tls from "node:tls";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { repo, startXsh, xshPath, jsonLines, parseReport } from "../tests/lib/xsh.mjs";
import { makeCertificates, startOpenSSL } from "../tests/lib/tls-peers.mjs";

// the server side's manifest includes the client's: one for every scenario
const projectManifest = join(repo, "manifest_server.json");
export const KINDS = ["native", "chunk", "slot"];
const OPTION = { native: "--native-fail", chunk: "--chunk-fail", slot: "--slot-fail" };
const COUNT = { native: "nativeAllocations", chunk: "chunkAllocations", slot: "slotAllocations" };

/** native heap after the connection against before, within the one-time 128 bytes */
function judgeMemory(before, after, used) {
  if (after - before > 128) return `BAD: native heap ${after - before} bytes above the start after close`;
  if (used !== undefined && used !== after) return `BAD: --report nativeUsed ${used} != ${after}`;
  return null;
}

/** an error that must say "out of memory" under a native fault, and only then */
function judgeError(kind, reason, message) {
  if (kind === "native" && /out of memory/.test(message)) return `out of memory (-2 ${reason})`;
  return `BAD: -2 ${reason}: ${message}`;
}

async function p256Certificates() {
  const certs = makeCertificates();
  for (const f of ["crt", "key"])
    execFileSync("openssl", [f === "crt" ? "x509" : "pkcs8", ...(f === "key" ? ["-topk8", "-nocrypt"] : []), "-in", certs.path(`p256.${f}`), "-outform", "DER", "-out", certs.path(`p256.${f}.der`)]);
  return certs;
}

/** the client: one handshake with OpenSSL s_server -www (P-256 certificate, verified), a GET, the close
    (tests/xs/hostile/client.js) */
function clientScenario(name, version) {
  return {
    name,
    driver: join(repo, "tests", "xs", "hostile", "client.js"),
    async setup() {
      const certs = await p256Certificates();
      const server = await startOpenSSL(["-cert", certs.path("p256.crt"), "-key", certs.path("p256.key"), "-www", version]);
      return {
        args: [JSON.stringify({ port: server.port, secure: { certificate: certs.path("p256.crt.der") }, connections: 1, request: "GET / HTTP/1.0\r\n\r\n" })],
        async teardown() {
          await server.stop();
          certs.remove();
        },
      };
    },
    judge(kind, r) {
      const memory = r.lines.find((l) => l.nativeBefore !== undefined);
      if (!r.lines.some((l) => l.end === true) || !memory) return "BAD: exit 0 without the driver's end";
      const bad = judgeMemory(memory.nativeBefore, memory.nativeAfter, r.report?.nativeUsed);
      if (bad) return bad;
      const error = r.lines.find((l) => l.message === -2)?.error;
      if (error) return judgeError(kind, error.reason, error.message);
      if (r.lines.some((l) => l.message === 1) && r.lines.some((l) => l.message === -1)) return "completed";
      return "BAD: neither -2 nor a completed connection";
    },
  };
}

/** the server: SecureSocket on a Listener (tests/xs/server/serve.js, P-256 certificate) accepts one
    connection from a node:tls client (TLS 1.3 or 1.2), answers its GET, and exits */
function serverScenario(name, version) {
  return {
    name,
    driver: join(repo, "tests", "xs", "server", "serve.js"),
    async setup() {
      const certs = await p256Certificates();
      return {
        args: [JSON.stringify({ certificate: certs.path("p256.crt.der"), key: certs.path("p256.key.der"), phases: [1] })],
        async during(handle) {
          let port;
          try {
            port = (await handle.waitFor((l) => l.event === "listening", 20000)).port;
          }
          catch {
            return;          /* xsh ended before listening (a fault during start-up) */
          }
          await new Promise((res) => {
            const socket = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false, minVersion: version, maxVersion: version }, () => socket.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"));
            socket.on("data", () => {});
            socket.on("error", res);
            socket.on("close", res);
            socket.setTimeout(20000, () => socket.destroy());
          });
        },
        async teardown() {
          certs.remove();
        },
      };
    },
    judge(kind, r) {
      const before = r.lines.find((l) => l.event === "memory" && l.after === 0);
      const after = r.lines.find((l) => l.event === "memory" && l.after === 1);
      if (!before || !after) return "BAD: exit 0 without the driver's memory lines";
      const bad = judgeMemory(before.native, after.native, r.report?.nativeUsed);
      if (bad) return bad;
      const error = r.lines.find((l) => l.event === "error");
      if (error) return judgeError(kind, error.reason, error.message);
      if (r.lines.some((l) => l.event === "request")) return "completed";
      return "BAD: neither an error nor the request served";
    },
  };
}

export const SCENARIOS = {
  client13: clientScenario("client13", "-tls1_3"),
  client12: clientScenario("client12", "-tls1_2"),
  server13: serverScenario("server13", "TLSv1.3"),
  server12: serverScenario("server12", "TLSv1.2"),
};

/** xsh under memcheck (--valgrind): startXsh's interface (done, waitFor) over a valgrind process */
function startValgrind(argv, timeout) {
  const child = spawn("valgrind", ["--tool=memcheck", "--error-exitcode=99", "--leak-check=full", "--errors-for-leak-kinds=definite",
    `--suppressions=${join(repo, "tests", "xs", "hostile", "valgrind.supp")}`, "-q", xshPath, ...argv], { cwd: repo, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "", stderr = "", timedOut = false;
  child.stdout.setEncoding("utf8").on("data", (d) => { stdout += d; });
  child.stderr.setEncoding("utf8").on("data", (d) => { stderr += d; });
  const killer = setTimeout(() => { timedOut = true; child.kill("SIGKILL"); }, timeout);
  const done = new Promise((res) => child.on("close", (code, signal) => {
    clearTimeout(killer);
    res({ code, signal, stdout, stderr, timedOut, lines: jsonLines(stdout), report: parseReport(stderr) });
  }));
  let ended = false;
  done.then(() => { ended = true; });
  async function waitFor(predicate, ms) {
    for (const start = Date.now(); Date.now() - start < ms; await new Promise((r) => setTimeout(r, 50))) {
      const found = jsonLines(stdout).find(predicate);
      if (found !== undefined) return found;
      if (ended) break;
    }
    throw new Error("fault-walk: the line did not come");
  }
  return { done, waitFor };
}

/** runs the driver once (with the scenario's peer beside it); resolves to startXsh's result */
async function runOnce(scenario, context, options, { valgrind = false, timeout = 20000 } = {}) {
  const opts = ["--report", ...options];
  const handle = valgrind
    ? startValgrind(["--manifest", projectManifest, ...opts, scenario.driver, ...context.args], timeout * 15)
    : startXsh(scenario.driver, context.args, { manifest: projectManifest, options: opts, timeout, raw: true });
  const [r] = await Promise.all([handle.done, context.during?.(handle)]);
  return r;
}

/** "completed", "out of memory (...)", or a string starting with "BAD: " */
export function classify(scenario, kind, n, r) {
  if (r.signal) return `BAD: signal ${r.signal}${r.timedOut ? " (the kill timer: a hang)" : ""}`;
  if (r.code === 99) return "BAD: valgrind found errors";
  /* besides the report, valgrind's lines (--valgrind: its leak summary at exit lists what is still
     allocated when XS aborts; an error would have made the status 99) */
  const stderr = r.stderr.split("\n").filter((l) => l && !l.startsWith('{"xsh":"report"') && !/^==\d+==/.test(l));
  if (kind !== "native" && r.code === 3) {
    const expected = `xsh: out of memory: XS ${kind} allocation ${n} (--${kind}-fail)`;
    if (stderr.length !== 1 || stderr[0] !== expected) return `BAD: exit 3 with ${JSON.stringify(stderr)}, expected ${JSON.stringify(expected)}`;
    return "out of memory (exit 3)";
  }
  if (r.code !== 0) return `BAD: exit status ${r.code}: ${stderr.slice(0, 3).join(" | ")}`;
  return scenario.judge(kind, r);
}

/** the points to walk: every N in [from, to], or `points` of them spread evenly (random offsets) */
export function choosePoints(total, { full = false, points = 40, from = 1, to = total } = {}) {
  to = Math.min(to, total);
  if (full || to - from + 1 <= points) return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
  const stretch = (to - from + 1) / points;
  const out = new Set([from, to]);
  for (let i = 0; out.size < points && i < points; i++) out.add(from + Math.floor(i * stretch + Math.random() * stretch));
  // a random pick may repeat an end or a neighbour's pick: fill up with the first points not taken
  for (let n = from; out.size < points && n <= to; n++) out.add(n);
  return [...out].sort((a, b) => a - b);
}

async function pool(items, jobs, fn) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  }));
  return results;
}

/**
 * Counts, then walks. Resolves to { scenario, counts: {kind: n}, kinds: {kind: {walked, outcomes: {outcome: [N...]}, bad: [{n, outcome, output}]}} }.
 * onRun(kind, n, outcome) is called after each run.
 */
export async function walk({ scenario = SCENARIOS.client13, kinds = KINDS, full = false, points = 40, from = 1, to = Infinity, jobs = 2, valgrind = false, onRun } = {}) {
  const context = await scenario.setup();
  try {
    const base = await runOnce(scenario, context, [], { valgrind });
    const baseOutcome = classify(scenario, "native", 0, base);
    if (baseOutcome !== "completed") throw new Error(`fault-walk: the run without a fault did not complete (${baseOutcome})\n${base.stdout}\n${base.stderr}`);
    const counts = Object.fromEntries(KINDS.map((k) => [k, base.report[COUNT[k]]]));
    const result = { scenario: scenario.name, counts, kinds: {} };
    for (const kind of kinds) {
      const list = choosePoints(counts[kind], { full, points, from, to });
      const entry = { walked: list.length, outcomes: {}, bad: [] };
      result.kinds[kind] = entry;
      await pool(list, jobs, async (n) => {
        const r = await runOnce(scenario, context, [OPTION[kind], String(n)], { valgrind });
        const outcome = classify(scenario, kind, n, r);
        (entry.outcomes[outcome] ??= []).push(n);
        if (outcome.startsWith("BAD")) entry.bad.push({ n, outcome, output: `exit ${r.code} ${r.signal ?? ""}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}` });
        onRun?.(kind, n, outcome);
      });
      for (const ns of Object.values(entry.outcomes)) ns.sort((a, b) => a - b);
    }
    return result;
  }
  finally {
    await context.teardown();
  }
}

/** "1-3, 7, 9-12" */
export function ranges(ns) {
  const out = [];
  for (let i = 0; i < ns.length; i++) {
    let j = i;
    while (j + 1 < ns.length && ns[j + 1] === ns[j] + 1) j++;
    out.push(i === j ? `${ns[i]}` : `${ns[i]}-${ns[j]}`);
    i = j;
  }
  return out.join(", ");
}

async function main(argv) {
  const a = { scenario: "client13", kinds: KINDS, full: false, points: 40, from: 1, to: Infinity, jobs: 2, valgrind: false, json: false, log: null };
  const usage = (m) => {
    console.error(`fault-walk: ${m}\nusage: npm run fault:walk -- [--scenario ${Object.keys(SCENARIOS).join("|")}] [--kind native,chunk,slot] [--full | --points K] [--from N] [--to N] [--jobs J] [--valgrind] [--json] [--log FILE]`);
    process.exit(2);
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i], v = () => (i + 1 < argv.length ? argv[++i] : usage(`${k} needs a value`));
    if (k === "--scenario") a.scenario = v();
    else if (k === "--kind") a.kinds = v().split(",");
    else if (k === "--full") a.full = true;
    else if (k === "--points") a.points = Number(v());
    else if (k === "--from") a.from = Number(v());
    else if (k === "--to") a.to = Number(v());
    else if (k === "--jobs") a.jobs = Number(v());
    else if (k === "--valgrind") a.valgrind = true;
    else if (k === "--json") a.json = true;
    else if (k === "--log") a.log = v();
    else usage(`unknown argument ${k}`);
  }
  if (!SCENARIOS[a.scenario] || a.kinds.some((k) => !KINDS.includes(k)) || !(a.points > 0) || !(a.jobs > 0)) usage("bad arguments");
  const started = Date.now();
  let done = 0;
  const result = await walk({ ...a, scenario: SCENARIOS[a.scenario], onRun: (kind, n, outcome) => {
    done++;
    if (a.log) appendFileSync(a.log, JSON.stringify({ scenario: a.scenario, kind, n, outcome }) + "\n");
    if (!a.json && (outcome.startsWith("BAD") || done % 500 === 0)) console.error(`${kind} ${n}: ${outcome} (${done} runs, ${Math.round((Date.now() - started) / 1000)} s)`);
  } });
  if (a.json) console.log(JSON.stringify(result));
  else {
    console.log(`${result.scenario}: ${KINDS.map((k) => `${result.counts[k]} ${k}`).join(", ")} allocations`);
    for (const [kind, e] of Object.entries(result.kinds)) {
      console.log(`${kind}: ${e.walked} points walked`);
      for (const [outcome, ns] of Object.entries(e.outcomes)) console.log(`  ${outcome}: ${ns.length} (N = ${ranges(ns).slice(0, 300)})`);
      for (const b of e.bad.slice(0, 5)) console.log(`  --${kind}-fail ${b.n}: ${b.outcome}\n${b.output.slice(0, 2000)}`);
    }
    console.log(`${Math.round((Date.now() - started) / 1000)} s`);
  }
  process.exit(Object.values(result.kinds).some((e) => e.bad.length) ? 1 : 0);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));
