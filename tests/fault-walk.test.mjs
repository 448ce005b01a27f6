// Allocation faults over one client and one server handshake (tools/fault-walk.mjs, docs/HOSTILE.md): xsh counts
// its native, XS chunk and XS slot allocations (--report), then the Nth one fails (--native-fail,
// --chunk-fail, --slot-fail) at points spread over each count. Every run must end cleanly: a native
// failure as -2 "out of memory" (exit 0, native heap back); an XS chunk or slot failure as XS's
// out-of-memory abort (exit 3, "xsh: out of memory: XS chunk allocation N (--chunk-fail)"); never a
// signal, a hang or an uncaught exception. The client (TLS 1.3, 1.2) and the server (TLS 1.3) each
// walk sampled points; the full walk over every N: npm run fault:walk -- --full [--scenario S].
import { test } from "node:test";
import assert from "node:assert/strict";
import { SCENARIOS, KINDS, walk, classify as classifyRun, choosePoints } from "../tools/fault-walk.mjs";
import { runXsh } from "./lib/xsh.mjs";

// a handshake makes at least this many allocations of each kind (the native count is small: X25519 and
// P-256 verification are our own code and allocate nothing; mbedtls allocates for AEAD, hashes, RSA, P-384)
const LEAST = { native: 10, chunk: 100, slot: 100 };

function assertClean(result, points) {
  for (const kind of KINDS) {
    assert.ok(result.counts[kind] > LEAST[kind], `${result.scenario}: ${result.counts[kind]} ${kind} allocations counted`);
    const e = result.kinds[kind];
    const expected = Math.min(points, result.counts[kind]);     // every point when there are fewer
    assert.ok(e.walked >= expected, `${kind}: ${e.walked} of ${result.counts[kind]} points walked`);
    assert.deepEqual(e.bad, [], `${kind}: ${e.bad.map((b) => `N = ${b.n}: ${b.outcome}\n${b.output}`).join("\n")}`);
    const failures = Object.entries(e.outcomes).filter(([o]) => o.startsWith("out of memory")).reduce((n, [, ns]) => n + ns.length, 0);
    assert.ok(failures >= expected - 2, `${kind}: only ${failures} of ${e.walked} runs hit their fault: ${JSON.stringify(e.outcomes)}`);
  }
}

test("fault walk, TLS 1.3 client handshake + GET with OpenSSL: 30 native, 30 chunk, 30 slot points, each a clean out-of-memory", { timeout: 180000 }, async () => {
  assertClean(await walk({ scenario: SCENARIOS.client13, points: 30, jobs: 2 }), 30);
});

test("fault walk, TLS 1.2 client handshake + GET with OpenSSL: 10 points of each kind", { timeout: 120000 }, async () => {
  assertClean(await walk({ scenario: SCENARIOS.client12, points: 10, jobs: 2 }), 10);
});

test("fault walk, TLS 1.3 server handshake (SecureSocket on a Listener, a node:tls client, one GET): 15 points of each kind", { timeout: 120000 }, async () => {
  assertClean(await walk({ scenario: SCENARIOS.server13, points: 15, jobs: 2 }), 15);
});

test("--chunk-fail / --slot-fail N: the Nth allocation of the module fails with XS's out-of-memory exit; --report counts them", async () => {
  const plain = await runXsh("alloc.js", ["slots", "100"], { options: ["--report"] });
  assert.equal(plain.code, 0, plain.stderr);
  for (const kind of ["chunk", "slot"]) {
    const total = plain.report[`${kind}Allocations`];
    assert.ok(total > 10, `${total} ${kind} allocations`);
    for (const n of [1, total >> 1]) {
      const r = await runXsh("alloc.js", ["slots", "100"], { options: [`--${kind}-fail`, String(n), "--report"] });
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, new RegExp(`^xsh: out of memory: XS ${kind} allocation ${n} \\(--${kind}-fail\\)$`, "m"));
      assert.equal(r.report[`${kind}Allocations`], n, r.stderr);
    }
    const past = await runXsh("alloc.js", ["slots", "100"], { options: [`--${kind}-fail`, String(total + 1000)] });
    assert.equal(past.code, 0, past.stderr);
  }
});

test("the walk's verdicts: a signal, a hang, an uncaught exception, a wrong message are findings", () => {
  const classify = (kind, n, r) => classifyRun(SCENARIOS.client13, kind, n, r);
  const lines = [{ message: 1 }, { message: -1 }, { nativeBefore: 0, nativeAfter: 0 }, { end: true }];
  const base = { code: 0, lines, signal: null, stderr: "", stdout: "", report: { nativeUsed: 0 } };
  assert.equal(classify("native", 5, base), "completed");
  const failed = (reason, message) => ({ ...base, lines: [{ message: -2, error: { reason, message } }, ...lines.slice(2)] });
  assert.equal(classify("native", 5, failed("internal_error", "tls: crypto: out of memory")), "out of memory (-2 internal_error)");
  assert.equal(classify("chunk", 5, { ...base, code: 3, stderr: "xsh: out of memory: XS chunk allocation 5 (--chunk-fail)\n" }), "out of memory (exit 3)");
  assert.match(classify("chunk", 5, { ...base, code: null, signal: "SIGSEGV" }), /^BAD: signal SIGSEGV/);
  assert.match(classify("slot", 5, { ...base, code: null, signal: "SIGKILL", timedOut: true }), /a hang/);
  assert.match(classify("slot", 5, { ...base, code: 1, stderr: "xsh: uncaught exception: Error\n" }), /^BAD: exit status 1/);
  assert.match(classify("chunk", 5, { ...base, code: 3, stderr: "xsh: out of memory: XS chunk heap (--chunks)\n" }), /^BAD/);
  assert.match(classify("native", 5, failed("bad_certificate", "x509: badSignature")), /^BAD: -2/);
  assert.match(classify("chunk", 5, failed("internal_error", "tls: crypto: out of memory")), /^BAD: -2/);
  assert.match(classify("native", 5, { ...base, lines: [...lines.slice(0, 2), { nativeBefore: 0, nativeAfter: 4096 }, { end: true }], report: { nativeUsed: 4096 } }), /^BAD: native heap/);
  assert.match(classify("native", 5, { ...base, lines: lines.slice(0, 3) }), /^BAD/);
  assert.deepEqual(choosePoints(5, { points: 40 }), [1, 2, 3, 4, 5]);
  const ps = choosePoints(10000, { points: 40 });
  assert.equal(ps.length, 40);
  assert.ok(ps[0] === 1 && ps.at(-1) === 10000 && ps.every((p, i) => i === 0 || p > ps[i - 1]));
  // few allocations for the points asked: a random pick that repeats one is made up for (74 native ones now)
  for (let k = 0; k < 500; k++) {
    const few = choosePoints(74, { points: 30 });
    assert.equal(new Set(few).size, 30, JSON.stringify(few));
    assert.ok(few.every((p) => p >= 1 && p <= 74));
  }
});
