// Checks the CA store of the manifest it runs with: every record of ca-roots.bin parses, is found
// again by its subject name through CAStore.find, and its key loads in the crypto core.
// Prints one JSON line: { size, records, found, keys, failures: [...], names: [CN of the first 3] }
import Resource from "Resource";
import { CAStore } from "x509";
import { parseAnchorRecord } from "x509/anchor";
import { Key } from "crypto/keys";

const out = { size: 0, records: 0, found: 0, keys: 0, failures: [], names: [] };
const store = CAStore.open();
out.size = store ? store.size : -1;
const index = new Uint8Array(new Resource("ca-index.bin"));
const bundle = new Uint8Array(new Resource("ca-roots.bin"));
for (let i = 0; i < out.size; i++) {
	const at = 8 + i * 16;
	const offset = ((index[at + 8] << 24) | (index[at + 9] << 16) | (index[at + 10] << 8) | index[at + 11]) >>> 0;
	const length = (index[at + 12] << 8) | index[at + 13];
	let id = (((index[at + 4] << 24) | (index[at + 5] << 16) | (index[at + 6] << 8) | index[at + 7]) >>> 0).toString(16);
	while (id.length < 8) id = "0" + id;
	try {
		const anchor = parseAnchorRecord(bundle.subarray(offset, offset + length), id);
		out.records++;
		if (out.names.length < 3) out.names.push(anchor.subject.commonName ?? anchor.subject.organization);
		if (store.find(anchor.subject.der).anchors.some((a) => a.id === id)) out.found++;
		else out.failures.push(`${id}: not found by name`);
		Key.fromSPKI(anchor.spki).close();
		out.keys++;
	}
	catch (e) {
		out.failures.push(`${id}: ${e.message}`);
	}
}
trace(JSON.stringify(out) + "\n");
