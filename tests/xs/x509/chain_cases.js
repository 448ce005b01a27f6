// Runs SecureSocket's certificate check (securesocket/verify: the device profile's C chain verifier,
// verify-device.ts, or the full profiles' JS path validator, verify.ts, by the manifest) on the cases of
// a JSON file, as the TLS engine drives it (begin, update, end per certificate, then finish), and prints
// one JSON line per case:
//   build/xsh-device --manifest manifest_device.json tests/xs/x509/chain_cases.js <cases.json>
// cases.json: [{ name, chain: [DER file paths, leaf first], roots?: [DER file paths], time?, serverName?,
//   verify? (default true), store? (default false), pieces? (each certificate in that many updates) }]
// Line: { name, ok, reason?, alert?, message?, keyType?, leaf?: { commonName, serialNumber, notAfter } }
import { readText, readFile, argv } from "xsh";
import { certificateCheck } from "securesocket/verify";

const cases = JSON.parse(readText(argv[1]));
for (const c of cases) {
	const out = { name: c.name };
	let sink;
	try {
		sink = certificateCheck({ verify: c.verify ?? true, roots: c.roots?.map((f) => new Uint8Array(readFile(f))), time: c.time,
			verifyName: c.serverName, trace: undefined, store: c.store ?? false })();
		for (const file of c.chain) {
			const bytes = new Uint8Array(readFile(file));
			sink.begin(bytes.length);
			const pieces = c.pieces ?? 1;
			const size = Math.ceil(bytes.length / pieces);
			for (let at = 0; at < bytes.length; at += size)
				sink.update(bytes.subarray(at, Math.min(bytes.length, at + size)));
			sink.end();
		}
		const key = sink.finish();
		out.ok = true;
		out.keyType = key.type;
		key.close();
		const leaf = sink.leaf;
		out.leaf = { commonName: leaf.subject.commonName ?? null, serialNumber: leaf.serialNumber, notAfter: leaf.notAfter };
	}
	catch (e) {
		out.ok = false;
		out.error = e.constructor.name;
		out.reason = e.reason ?? null;
		out.alert = e.alert ?? null;
		out.message = e.message;
		sink?.close();
	}
	trace(JSON.stringify(out) + "\n");
}
trace(JSON.stringify({ done: cases.length }) + "\n");
