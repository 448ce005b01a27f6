// slotRoom(room), then `objects` objects of 2 slots each (one instance, one property) kept live, with
// `garbage` short-lived ones made between them. argv: <room> <objects> <garbage> | bad
import { argv, slotRoom } from "xsh";

if (argv[1] === "bad") {
	let caught = "none";
	try { slotRoom(-1); } catch (e) { caught = `${e.name}: ${e.message}`; }
	trace(JSON.stringify({ caught }) + "\n");
}
else {
	const room = Number(argv[1]), objects = Number(argv[2]), garbage = Number(argv[3] ?? 0);
	const each = objects ? Math.floor(garbage / objects) : 0;
	let list = null, count = 0, made = 0;
	const live = slotRoom(room);
	for (let i = 0; i < objects; i++) {
		list = { next: list };
		for (let j = 0; j < each; j++) made += { j }.j >= 0 ? 1 : 0;
	}
	for (let o = list; o; o = o.next) count++;
	slotRoom(Infinity);   // the report's own slots are not the test's
	trace(JSON.stringify({ live: live > 0, kept: count, made }) + "\n");
}
