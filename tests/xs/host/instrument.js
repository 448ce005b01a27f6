// Instrumentation and Debug. argv: <mode>; prints one JSON line.
//   names:  every index's name, and map(name(i)) for each
//   gc:     Debug.gc() and the GC count
//   chunks: chunk heap peak around a 100 KB ArrayBuffer
//   slots:  slot peak around 10,000 objects
//   reset:  resetPeaks() after the memory was released
//   stack:  C Stack Peak above the reset: a re-entry into XS (a sort callback), a Socket constructed
//           with a host name (the resolver is not counted), a Resource opened (its file I/O is not)
import Instrumentation from "instrumentation";
import Debug from "debug";
import { argv } from "xsh";
import { Socket } from "socket";
import Resource from "Resource";

const mode = argv[1];
const log = (o) => trace(JSON.stringify(o) + "\n");
const get = (name) => Instrumentation.get(Instrumentation.map(name));
let keep;

if (mode === "names") {
	const names = [], mapped = [];
	for (let i = 1; i < 100; i++) {
		const name = Instrumentation.name(i);
		if (name === undefined) break;
		names.push(name);
		mapped.push(Instrumentation.map(name));
	}
	const values = names.map((n) => typeof get(n));
	log({ names, mapped, values, unknownName: Instrumentation.map("No Such Thing") ?? null,
		zero: Instrumentation.name(0) ?? null, past: Instrumentation.name(names.length + 1) ?? null,
		getPast: Instrumentation.get(names.length + 1) ?? null });
}
else if (mode === "gc") {
	const before = get("XS Garbage Collection Count");
	Debug.gc();
	const once = get("XS Garbage Collection Count");
	Debug.gc();
	Debug.gc();
	log({ before, once, thrice: get("XS Garbage Collection Count") });
}
else if (mode === "chunks") {
	Debug.gc();        // no garbage left for the allocation's own collection to take back
	Instrumentation.resetPeaks();
	const before = get("XS Chunk Heap Peak");
	keep = new ArrayBuffer(100 * 1024);
	log({ before, after: get("XS Chunk Heap Peak"), used: get("XS Chunk Heap Used"), length: keep.byteLength });
}
else if (mode === "slots") {
	Debug.gc();
	Instrumentation.resetPeaks();
	const before = get("XS Slots Peak");
	keep = [];
	for (let i = 0; i < 10000; i++) keep.push({ i });
	log({ before, after: get("XS Slots Peak"), used: get("XS Slots Used"), slotHeapBytes: get("XS Slot Heap Used"), length: keep.length });
}
else if (mode === "reset") {
	keep = [];
	for (let i = 0; i < 10000; i++) keep.push({ i });
	keep.push(new ArrayBuffer(100 * 1024));
	keep = undefined;
	Debug.gc();
	const slotsPeakBefore = get("XS Slots Peak"), chunksPeakBefore = get("XS Chunk Heap Peak");
	Instrumentation.resetPeaks();
	const slotsPeak = get("XS Slots Peak"), slotsUsed = get("XS Slots Used");
	const chunksPeak = get("XS Chunk Heap Peak"), chunksUsed = get("XS Chunk Heap Used");
	log({ slotsPeakBefore, slotsPeak, slotsUsed, chunksPeakBefore, chunksPeak, chunksUsed });
}
else if (mode === "stack") {
	const peak = () => get("C Stack Peak");
	Instrumentation.resetPeaks();
	const base = peak();
	let reentered;
	[2, 1].sort((a, b) => { reentered ??= peak(); return a - b; });
	const sorted = peak();
	Instrumentation.resetPeaks();
	const base2 = peak();
	const socket = new Socket({ host: "localhost", port: Number(argv[2]) });
	const named = peak();
	socket.close();
	Instrumentation.resetPeaks();
	const base3 = peak();
	const resource = new Resource(argv[3]);
	log({ base, reentered: reentered - base, sorted: sorted - base, named: named - base2, resource: peak() - base3, bytes: new Uint8Array(resource).length });
}
