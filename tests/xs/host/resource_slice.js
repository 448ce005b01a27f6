// Resource.prototype.slice (the SDK's: a copy of the bytes as an ArrayBuffer). Prints one JSON line.
import Resource from "Resource";

const blob = new Resource("blob.bin");
const out = {
	slice: Array.from(new Uint8Array(blob.slice(1, 4))),
	isArrayBuffer: blob.slice(0, 1) instanceof ArrayBuffer,
	tail: Array.from(new Uint8Array(blob.slice(298))),
	greeting: String.fromArrayBuffer(new Resource("greeting.txt").slice(0)),
};
trace(JSON.stringify(out) + "\n");
