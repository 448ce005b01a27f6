// The memory guard of issue 7: each npm run bench scenario (bench/scenarios.mjs, against the same
// Node TLS server) must still complete its connection (handshake, GET, response, close) within
// XS caps set at the budgets npm run bench measured, plus a margin; and a budget well below must
// fail cleanly (exit 3, "xsh: out of memory"). Issue 7's chunk target (6 KB per handshake) is met,
// its slot target (300) is NOT yet: these figures guard against regressions from where we are, and
// are to be lowered as the design moves toward the targets (docs/BENCHMARKS.md, bench/notes.md).
//
// Two kinds of cap, as bench/run.mjs measures them:
// - program: --chunks/--slots for the whole run. Module loading dominates (its parser garbage):
//   measured 2026-11-26 09:40, every scenario needs about 318 KB of chunks and 9,910 to 10,100 slots
//   above the host's start-up baseline (of which 229 KB and 8,896 slots stay in use, idle). Since
//   SecureSocket's server side (issue 6), importing "securesocket" also parses tls/server.ts and
//   its helpers (+45 KB, +900 slots of module loading in the host; on a device preloaded modules
//   live in flash and cost no RAM).
// - connection: chunks, a live-use cap from the connection's start (xsh chunkRoom(): at no moment may
//   live chunks exceed what was live plus ROOM; exact); slots, the same program cap with a ballast
//   held from before the connection that leaves only ROOM above what is in use (to 4 slots).
//   Measured 2026-11-26 09:40 (npm run bench, docs/BENCHMARKS.md). The 16 KB-record scenarios need
//   about 37 KB: the record buffer (16 KB) and the app's read(ArrayBuffer) result (16 KB).
// The server side: our server (bench/xs/server.js) with Node's tls.connect as the client, the same two
// kinds of cap (SERVER_PROGRAM, SERVER_ROOM below).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { SCENARIOS, SERVER_SCENARIOS, serverConfig, makeCertificates, startServer } from "../bench/scenarios.mjs";
import { runXsh } from "../bench/run.mjs";

// program caps (above the start-up baseline): the measured budget plus a margin
const PROGRAM = { chunks: 318_080 + 16_384, slots: 10_104 + 400 };
// the connection's room: measured minimum per scenario, and the margin added here
// (measured 2026-11-26 12:50, node bench/run.mjs --budget; the client's slots with its ballast held
// to the end: before, it was collected once the connection was constructed, see bench/notes.md;
// tls13-resume's slots move between about 210 and 270 from run to run: the highest seen is kept)
const ROOM = {
  "tls13-ecdsa": { chunks: 2_176, slots: 737 },
  "tls13-rsa": { chunks: 2_880, slots: 765 },
  "tls12-ecdsa": { chunks: 2_112, slots: 717 },
  "tls13-resume": { chunks: 64, slots: 269 },
  "chain-3k": { chunks: 33_344, slots: 917 },
  "records-16k": { chunks: 32_960, slots: 737 },
};
const MARGIN = { chunks: 2_048, slots: 80 };
// the server side (bench/xs/server.js, our server with Node's tls.connect as the client), measured
// 2026-11-26 10:07 (npm run bench --server-only): the program loads the server side too; its slots
// measured again 11:50 (10,620: the x509 modules listed one by one, the engine's classes at load)
const SERVER_PROGRAM = { chunks: 312_320 + 16_384, slots: 10_620 + 400 };
// (the connection's room measured again 2026-11-26 12:52, node bench/run.mjs --budget)
const SERVER_ROOM = {
  "server-tls13-ecdsa": { chunks: 2_368, slots: 604 },
  "server-tls12-ecdsa": { chunks: 2_048, slots: 599 },
};

const T = { timeout: 60_000 };
let certs;
before(() => { certs = makeCertificates(); });
after(() => certs?.remove());

/**
 * Runs the scenario under the program cap of `kind` with a ballast leaving at least `room` (not
 * much more) above what is in use when the connection starts; the ballast's own overhead is not
 * exact, so it is calibrated from the room each run reports (as bench/run.mjs does).
 */
async function withRoom(config, kind, room, idle, program = PROGRAM) {
  const startup = idle.report[kind === "chunks" ? "chunksBaseline" : "slotsBaseline"];
  let amount = Math.max(0, program[kind] - (idle.result.idle[kind] - startup) - room), r, actual;
  for (let attempt = 0; attempt < 5; attempt++) {
    r = await runXsh({ ...config, ballast: kind === "chunks" ? { chunks: amount } : { objects: Math.floor(amount / 2) } },
      { [kind]: program[kind] });
    actual = r.start ? program[kind] - (r.start[kind] - startup) : undefined;
    if (actual !== undefined && actual >= room) break;
    amount = Math.max(0, amount - (room - (actual ?? 0)) - (kind === "chunks" ? 256 : 8));
  }
  return { r, actual };
}

const why = (r) => `exit ${r.code}${r.timedOut ? " (killed)" : ""}\n${r.stdout}\n${r.stderr}`;

test("bench guard: each scenario completes within its measured budgets plus a margin", T, async () => {
  for (const scenario of SCENARIOS) {
    const server = await startServer(scenario.server(certs));
    try {
      const config = { port: server.port, certificate: certs.der(scenario.root), ...scenario.client };
      // the program caps, both at once
      const whole = await runXsh(config, { chunks: PROGRAM.chunks, slots: PROGRAM.slots });
      assert.equal(whole.code, 0, `${scenario.id} under the program caps: ${why(whole)}`);
      assert.equal(whole.result?.ok, true, `${scenario.id}: ${why(whole)}`);
      // the connection's own room: what the program holds idle, then a ballast leaving ROOM + MARGIN
      const idle = await runXsh({ ...config, mode: "idle" }, { report: true });
      assert.equal(idle.code, 0, why(idle));
      for (const kind of ["chunks", "slots"]) {
        const room = ROOM[scenario.id][kind] + MARGIN[kind];
        // chunks: a live-use cap from the connection's start (xsh chunkRoom()); slots: the ballast
        const { r, actual } = kind === "chunks" ? { r: await runXsh({ ...config, room: { chunks: room } }), actual: room }
          : await withRoom(config, kind, room, idle);
        assert.ok(actual >= room, `${scenario.id}, ${kind}: the ballast left ${actual}, not ${room}`);
        assert.equal(r.code, 0, `${scenario.id}, ${kind} room ${actual} (measured minimum ${ROOM[scenario.id][kind]}): ${why(r)}`);
        assert.equal(r.result?.ok, true, `${scenario.id}: ${why(r)}`);
      }
      // 16 KB records received within issue 7's 17.5 KB of live chunks after the handshake (the record
      // buffer; measured 16.8 KB), the app skipping the plaintext (live-use cap from message 1)
      if (scenario.id === "records-16k" || scenario.id === "chain-3k") {
        const r = await runXsh({ ...config, skipRead: true, transferRoom: 17.5 * 1024 });
        assert.equal(r.code, 0, `${scenario.id}, 16 KB records within 17.5 KB: ${why(r)}`);
        assert.equal(r.result?.ok, true, `${scenario.id}: ${why(r)}`);
        assert.equal(r.result.maxRecord, 16384, `${scenario.id}: the records were not 16 KB`);
      }
    }
    finally {
      await server.stop();
    }
  }
});

test("bench guard: our server completes each server-side scenario within its measured budgets plus a margin", T, async () => {
  for (const scenario of SERVER_SCENARIOS) {
    const config = serverConfig(scenario, certs);
    const whole = await runXsh(config, { chunks: SERVER_PROGRAM.chunks, slots: SERVER_PROGRAM.slots });
    assert.equal(whole.code, 0, `${scenario.id} under the program caps: ${why(whole)}`);
    assert.equal(whole.result?.ok, true, `${scenario.id}: ${why(whole)}`);
    assert.equal(whole.result.tls.version, scenario.client.maxVersion === "TLSv1.2" ? "TLS 1.2" : "TLS 1.3", scenario.id);
    const idle = await runXsh({ ...config, mode: "idle" }, { report: true });
    assert.equal(idle.code, 0, why(idle));
    for (const kind of ["chunks", "slots"]) {
      const room = SERVER_ROOM[scenario.id][kind] + MARGIN[kind];
      const { r, actual } = kind === "chunks" ? { r: await runXsh({ ...config, room: { chunks: room } }), actual: room }
        : await withRoom(config, kind, room, idle, SERVER_PROGRAM);
      assert.ok(actual >= room, `${scenario.id}, ${kind}: the ballast left ${actual}, not ${room}`);
      assert.equal(r.code, 0, `${scenario.id}, ${kind} room ${actual} (measured minimum ${SERVER_ROOM[scenario.id][kind]}): ${why(r)}`);
      assert.equal(r.result?.ok, true, `${scenario.id}: ${why(r)}`);
    }
  }
  // and a room well below fails cleanly
  const small = await runXsh({ ...serverConfig(SERVER_SCENARIOS[0], certs), room: { chunks: 1024 } });
  assert.equal(small.code, 3, why(small));
  assert.match(small.stderr, /xsh: out of memory: XS chunk heap \(chunkRoom\)/, why(small));
});

test("bench guard: a budget well below fails cleanly with exit 3", T, async () => {
  const scenario = SCENARIOS[0];
  const server = await startServer(scenario.server(certs));
  try {
    const config = { port: server.port, certificate: certs.der(scenario.root) };
    for (const caps of [{ chunks: 64 * 1024 }, { slots: 2000 }]) {
      const r = await runXsh(config, caps);
      assert.equal(r.code, 3, `${JSON.stringify(caps)}: ${why(r)}`);
      assert.match(r.stderr, /xsh: out of memory: XS (chunk|slot) heap \(--(chunks|slots)\)/, why(r));
      assert.equal(r.timedOut, false);
    }
    // the connection with 1 KB of chunks above its start, at any moment (chunkRoom)
    const small = await runXsh({ ...config, room: { chunks: 1024 } });
    assert.equal(small.code, 3, why(small));
    assert.match(small.stderr, /xsh: out of memory: XS chunk heap \(chunkRoom\)/, why(small));
    // and the connection itself, with about 100 slots of room above the ballast (it needs about 800)
    const idle = await runXsh({ ...config, mode: "idle" }, { report: true });
    const { r, actual } = await withRoom(config, "slots", 100, idle);
    assert.ok(actual >= 100 && actual < 300, `room ${actual}`);
    assert.equal(r.code, 3, why(r));
    assert.ok(r.start, `the ballast was in place before the connection failed: ${why(r)}`);
    assert.match(r.stderr, /xsh: out of memory: XS slot heap \(--slots\)/, why(r));
  }
  finally {
    await server.stop();
  }
});
