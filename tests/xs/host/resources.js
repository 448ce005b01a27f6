// Resource over the modules fixture manifest's "resources" (slice() is in resource_slice.js). Prints one JSON line.
import Resource from "Resource";

const out = {};
const blob = new Resource("blob.bin");
const bytes = new Uint8Array(blob);
out.blobLength = bytes.length;
out.blobHex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
out.greeting = String.fromArrayBuffer(new Uint8Array(new Resource("greeting.txt")).slice().buffer);
out.existsBlob = Resource.exists("blob.bin");
out.existsGreeting = Resource.exists("greeting.txt");
out.existsMissing = Resource.exists("missing.bin");
out.existsWithoutExtension = Resource.exists("blob");
try {
	bytes[0] = bytes[0] ^ 0xff;
	out.readOnly = bytes[0] === (3 & 255) ? "unchanged" : "changed";
}
catch (e) {
	out.readOnly = e.constructor.name;
}
try {
	new Resource("missing.bin");
	out.missing = "constructed";
}
catch (e) {
	out.missing = { error: e.constructor.name, message: e.message };
}
trace(JSON.stringify(out) + "\n");
