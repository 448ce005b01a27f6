// The SDK's Timer. argv: <mode>; prints one JSON line per event and a final {done} line.
//   order:    one-shot timers with different intervals, set out of order
//   fifo:     timers with the same interval fire in the order they were set
//   repeat:   Timer.repeat and Timer.set(cb, ms, repeat) fire until cleared
//   schedule: Timer.schedule moves a timer earlier and later, re-arms a fired one, unschedules one
//   clear:    cleared timers never fire and do not keep the loop alive
//   delay:    Timer.delay blocks
import Timer from "timer";
import Instrumentation from "instrumentation";
import { argv, now } from "xsh";

const mode = argv[1];
const log = (o) => trace(JSON.stringify(o) + "\n");
const start = now();
const elapsed = () => Math.round(now() - start);
const fired = [];

if (mode === "order") {
	Timer.set(() => fired.push("c60"), 60);
	Timer.set(() => fired.push("a20"), 20);
	Timer.set(() => fired.push("d0"));
	Timer.set(() => fired.push("b40"), 40);
	fired.push("sync");
	Timer.set(() => log({ fired }), 100);
}
else if (mode === "fifo") {
	for (const name of ["z1", "z2", "z3", "z4", "z5"])
		Timer.set(() => {
			fired.push(name);
			if (name === "z1") Timer.set(() => fired.push("nested"), 0);
		}, 0);
	for (const name of ["t1", "t2", "t3"])
		Timer.set(() => fired.push(name), 100);
	Timer.set(() => log({ fired }), 150);
}
else if (mode === "repeat") {
	let count = 0, sameTimer = true, setCount = 0;
	const repeating = Timer.repeat((timer) => {
		sameTimer &&= timer === repeating;
		if (++count === 5) {
			Timer.clear(timer);
			Timer.set(() => log({ count, sameTimer, setCount, timers: Instrumentation.get(Instrumentation.map("Timers")) }), 80);
		}
	}, 5);
	const viaSet = Timer.set((timer) => {
		sameTimer &&= timer === viaSet;
		if (++setCount === 3) Timer.clear(timer);
	}, 5, 5);
}
else if (mode === "schedule") {
	let again = 0;
	const late = Timer.set(() => {
		fired.push({ name: "late", at: elapsed() });
		if (++again === 1) Timer.schedule(late, 10);      // re-arm a one-shot timer that fired
	}, 5000);
	Timer.schedule(late, 20);                              // earlier
	const early = Timer.set(() => fired.push({ name: "early", at: elapsed() }), 10);
	Timer.schedule(early, 200);                            // later
	const never = Timer.set(() => fired.push({ name: "never", at: elapsed() }), 30);
	Timer.schedule(never);                                 // no interval: unscheduled
	Timer.set(() => log({ fired }), 250);
}
else if (mode === "clear") {
	const a = Timer.set(() => fired.push("a"), 10);
	const b = Timer.set(() => fired.push("b"), 10000);
	const c = Timer.repeat(() => fired.push("c"), 10);
	const timers = Instrumentation.get(Instrumentation.map("Timers"));
	Timer.clear(a);
	Timer.clear(b);
	Timer.clear(c);
	Timer.clear(undefined);
	log({ timersBefore: timers, timersAfter: Instrumentation.get(Instrumentation.map("Timers")) });
	Timer.set(() => fired.push("kept"), 30);
	Timer.set(() => log({ fired, at: elapsed() }), 50);
}
else if (mode === "delay") {
	const before = now();
	Timer.delay(100);
	log({ delayed: now() - before });
}
