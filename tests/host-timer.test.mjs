// xsh's Timer: order by due time, FIFO among equal ones, repeat, schedule, clear, delay.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runXsh, explain } from "./lib/xsh.mjs";

const T = { timeout: 30000 };

async function timers(mode) {
  const r = await runXsh("timers.js", [mode]);
  assert.equal(r.code, 0, explain(r));
  assert.equal(r.timedOut, false);
  return r;
}

test("timer: one-shot timers fire by due time, never inside the module body", T, async () => {
  const r = await timers("order");
  assert.deepEqual(r.lines.at(-1).fired, ["sync", "d0", "a20", "b40", "c60"], explain(r));
});

test("timer: timers due at the same time fire first-in first-out; one set while firing waits its turn", T, async () => {
  const r = await timers("fifo");
  assert.deepEqual(r.lines.at(-1).fired, ["z1", "z2", "z3", "z4", "z5", "nested", "t1", "t2", "t3"], explain(r));
});

test("timer: repeat fires until cleared (5 times), set(cb, ms, repeat) too (3 times); callbacks get the timer", T, async () => {
  const r = await timers("repeat");
  const last = r.lines.at(-1);
  assert.equal(last.count, 5, explain(r));
  assert.equal(last.setCount, 3);
  assert.equal(last.sameTimer, true, "the callback's argument is the timer Timer.set/repeat returned");
  assert.equal(last.timers, 0, "no timer is left scheduled (a one-shot timer is unscheduled when it fires)");
});

test("timer: schedule() moves a timer earlier and later, re-arms a fired one, and without interval unschedules", T, async () => {
  const r = await timers("schedule");
  const fired = r.lines.at(-1).fired;
  assert.deepEqual(fired.map((f) => f.name), ["late", "late", "early"], explain(r));
  const [late, lateAgain, early] = fired;
  assert.ok(late.at >= 19 && late.at < 1000, `rescheduled from 5000 to 20 ms: fired at ${late.at}`);
  assert.ok(lateAgain.at >= late.at + 9, `re-armed for 10 ms: fired at ${lateAgain.at}`);
  assert.ok(early.at >= 199, `rescheduled from 10 to 200 ms: fired at ${early.at}`);
});

test("timer: cleared timers never fire and do not keep the loop alive (a cleared 10 s timer)", T, async () => {
  const r = await timers("clear");
  const [counts, result] = r.lines;
  assert.deepEqual(counts, { timersBefore: 3, timersAfter: 0 });
  assert.deepEqual(result.fired, ["kept"], explain(r));
  assert.ok(r.ms < 5000, `xsh took ${r.ms} ms: the cleared 10 s timer kept the loop alive`);
});

test("timer: Timer.delay(100) blocks for at least 100 ms", T, async () => {
  const r = await timers("delay");
  const { delayed } = r.lines[0];
  assert.ok(delayed >= 99.9 && delayed < 5000, `delayed ${delayed} ms`);
});
