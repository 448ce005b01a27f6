// The harness of the fault-injection runs (fault_*.js): `xsh --native-fail N --report fault_<op>.js
// <dir>` makes the Nth native allocation of the process fail. The op runs twice: `first` (where N is
// meant to fall) and `again` (must work after a failure). Prints one JSON line:
//   { u0, a0, a1, first, again, u1 }
// u0: native heap in use before the setup; a0/a1: the allocation count before/after `first`;
// first/again: { value } or { error: { type, message } }; u1: native heap in use at the end, after
// teardown and a garbage collection (so a native context a failed constructor left behind counts
// only if its destructor does not free it). The --report line on stderr must show nativeUsed == u0.
import Instrumentation from "instrumentation";
import Debug from "debug";
import { attempt, emit } from "./common.js";

const allocations = Instrumentation.map("Native Allocations");
const used = Instrumentation.map("Native Heap Used");

/** setup() -> { run() -> JSON value, teardown() } */
export default function fault(setup) {
	const u0 = Instrumentation.get(used);
	let op = setup();
	const a0 = Instrumentation.get(allocations);
	const first = attempt(op.run);
	const a1 = Instrumentation.get(allocations);
	const again = attempt(op.run);
	op.teardown();
	op = undefined;
	Debug.gc();
	emit({ u0, a0, a1, first, again, u1: Instrumentation.get(used) });
}
