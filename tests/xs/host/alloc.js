// Allocates, for the heap caps. argv: chunks <bytes> | slots <objects>
import { argv } from "xsh";

const kind = argv[1], count = Number(argv[2]);
let keep;
if (kind === "chunks")
	keep = new ArrayBuffer(count);
else {
	keep = [];
	for (let i = 0; i < count; i++) keep.push({ i });
}
trace(JSON.stringify({ allocated: kind, count: kind === "chunks" ? keep.byteLength : keep.length }) + "\n");
