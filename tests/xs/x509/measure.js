// Memory of verifying one chain with ChainVerifier, fed in 512-byte chunks as a TLS engine would:
//   build/xsh [--chunks N --slots M] tests/xs/x509/measure.js <serverName> <time> <leaf.der> [<intermediate.der> ...]
// The trust anchor comes from the CA store of the manifest (as on a device). The certificates are
// read before the measurement (they stand for the record buffer). Prints one JSON line:
//   first, second: two verifications, each with the peaks above the values before it, as
//     Instrumentation reports them: chunks (bytes), slots (count), native (bytes: mbedtls and the
//     natives). No garbage collection runs meanwhile, so chunks and slots count everything allocated;
//   live: a third verification with Debug.gc() after every update(), endCertificate() and finish():
//     the largest chunk and slot use seen then, above the use before (what is really held at those
//     points: the verifier's state between chunks, and the result);
//   resident: chunks and slots in use after loading the modules and a collection.
// With only the serverName argument "none", it loads the modules and verifies nothing (the
// baseline for --chunks/--slots searches).
import Instrumentation from "instrumentation";
import Debug from "debug";
import { argv, readFile } from "xsh";
import { ChainVerifier } from "x509";

const get = (name) => Instrumentation.get(Instrumentation.map(name));
const serverName = argv[1];
const time = Number(argv[2]);
const certs = argv.slice(3).map((f) => new Uint8Array(readFile(f)));
const CHUNK = 512;

function verify(sample) {
	const verifier = new ChainVerifier({ serverName, time });
	for (const der of certs) {
		verifier.beginCertificate(der.length);
		for (let at = 0; at < der.length; at += CHUNK) {
			verifier.update(der, at, Math.min(CHUNK, der.length - at));
			sample();
		}
		verifier.endCertificate();
		sample();
	}
	const path = verifier.finish();
	sample();
	path[0].publicKey.close();
	return path.map((s) => s.subject.commonName);
}

function live() {
	Debug.gc();
	const chunks = get("XS Chunk Heap Used"), slots = get("XS Slots Used");
	let maxChunks = 0, maxSlots = 0;
	verify(() => {
		Debug.gc();
		maxChunks = Math.max(maxChunks, get("XS Chunk Heap Used") - chunks);
		maxSlots = Math.max(maxSlots, get("XS Slots Used") - slots);
	});
	return { chunks: maxChunks, slots: maxSlots };
}

function measured() {
	Debug.gc();
	Instrumentation.resetPeaks();
	const chunks = get("XS Chunk Heap Used"), slots = get("XS Slots Used"), native = get("Native Heap Used");
	const path = verify(() => {});
	return {
		chunks: get("XS Chunk Heap Peak") - chunks,
		slots: get("XS Slots Peak") - slots,
		native: get("Native Heap Peak") - native,
		path,
	};
}

Debug.gc();
const resident = { chunks: get("XS Chunk Heap Used"), slots: get("XS Slots Used") };
if (serverName !== "none") {
	const first = measured();
	const second = measured();
	trace(JSON.stringify({ certificates: certs.length, bytes: certs.reduce((n, c) => n + c.length, 0), first, second, live: live(), resident }) + "\n");
}
else
	trace(JSON.stringify({ baseline: true, resident }) + "\n");
