// The trust-anchor lookup in C (native/x509_anchor.c: xs_x509_anchor) against
// castore.ts's CAStore.find and anchor.ts's parseAnchorRecord:
//   build/xsh --manifest manifest.json tests/xs/x509/anchor_cases.js <cases.json>
// cases.json: { absent: [hex names], stores: [{ name, index, roots | null, lookups: [{ name: hex, ids: [hex] | null,
//   error: text | null, missing: [hex] | null }] }], records: [{ name, file, mutate: bool }] }
//   - the repo's store (the manifest's ca-index.bin, ca-roots.bin): every root found by its subject, with the same
//     fields as the JS anchor, and nothing else; with its key identifier, and with another one (index prefixes);
//     without ca-roots.bin, every root reported missing by its id, then read from its record alone (ca_<id>.bin);
//     the absent names found nowhere
//   - forged stores (files): each lookup gives the expected ids, or an error containing `error`
//   - records (files): every truncation and every byte changed (mutate), C against parseAnchorRecord: C accepts
//     only what the JS accepts, with the same fields (C may be stricter: counted), nameConstraints aside: C locates
//     them, anchor.ts parses them (a bad one that C passes on: counted as unparsed)
// Prints one JSON line per failure, then { done, failed, found, missing, stricter }.
import Resource from "Resource";
import { readText, readFile, argv } from "xsh";
import { CAStore } from "x509/castore";
import { parseAnchorRecord } from "x509/anchor";
import { toHex } from "x509/der";

const anchorNative = native("xs_x509_anchor");
const next = (index, roots, name, keyId, buffer) => anchorNative(index, roots, name, keyId, buffer);
const record = (bytes, name, buffer) => anchorNative(undefined, bytes, name, undefined, buffer);
const out = new Uint32Array(20);
const FOUND = 1, MISSING = 2;
const HAS_BC = 1, CA = 2, HAS_PATH = 4, HAS_KU = 8, HAS_EKU = 16, SERVER_AUTH = 32, CLIENT_AUTH = 64, ANY_EKU = 128;

const cases = JSON.parse(readText(argv[1]));
let done = 0, failed = 0, found = 0, missing = 0, stricter = 0, unparsed = 0;
const report = (line) => {
	failed++;
	trace(JSON.stringify(line) + "\n");
};
const hex8 = (v) => (v >>> 0).toString(16).padStart(8, "0");
function bytesOf(hex) {
	const b = new Uint8Array(hex.length / 2);
	for (let i = 0; i < b.length; i++)
		b[i] = parseInt(hex.substr(2 * i, 2), 16);
	return b;
}
const time = (high, low) => (high | 0) * 0x100000000 + low;

/** the C anchor in out, as the JS one is compared (bytes relative to base) */
function fromC(base) {
	const at = (i) => toHex(base.subarray(out[i], out[i] + out[i + 1]));
	const flags = out[12];
	return {
		id: hex8(out[1]), subject: at(4), spki: at(6), keyId: out[9] ? at(8) : null, nameConstraints: out[11] > 0,
		basicConstraints: flags & HAS_BC ? { ca: (flags & CA) !== 0, pathLength: flags & HAS_PATH ? out[13] : null } : null,
		keyUsage: flags & HAS_KU ? out[14] : null,
		eku: flags & HAS_EKU ? [(flags & SERVER_AUTH) !== 0, (flags & CLIENT_AUTH) !== 0, (flags & ANY_EKU) !== 0] : null,
		notBefore: time(out[15], out[16]), notAfter: time(out[17], out[18]),
	};
}

/** the JS anchor, compared the same way */
function fromJS(a) {
	const eku = a.extKeyUsage;
	return {
		id: a.id, subject: toHex(a.subject.der), spki: toHex(a.spki), keyId: a.keyId ? toHex(a.keyId) : null,
		nameConstraints: a.nameConstraints !== undefined,
		basicConstraints: a.basicConstraints ? { ca: a.basicConstraints.ca, pathLength: a.basicConstraints.pathLength ?? null } : null,
		keyUsage: a.keyUsage ?? null,
		eku: eku ? [eku.includes("1.3.6.1.5.5.7.3.1"), eku.includes("1.3.6.1.5.5.7.3.2"), eku.includes("2.5.29.37.0")] : null,
		notBefore: a.summary.notBefore, notAfter: a.summary.notAfter,
	};
}

/** every C result for a name: { anchors, missing } or { error } */
function lookup(index, roots, name, keyId) {
	const anchors = [], missingIds = [];
	out[0] = 0;
	for (let n = 0; n < 1000; n++) {
		const r = next(index, roots, name, keyId, out.buffer);
		if (typeof r === "string")
			return { error: r };
		if (r === 0)
			return { anchors, missing: missingIds };
		if (r === FOUND)
			anchors.push(fromC(roots));
		else if (r === MISSING)
			missingIds.push(hex8(out[1]));
	}
	return { error: "no end" };
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// ---- the repo's store
const index = new Uint8Array(new Resource("ca-index.bin"));
const bundle = new Uint8Array(new Resource("ca-roots.bin"));
const store = CAStore.open();
const u32 = (b, at) => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
for (let i = 0; i < store.size; i++) {
	const at = 8 + i * 16, id = hex8(u32(index, at + 4));
	const offset = u32(index, at + 8), length = (index[at + 12] << 8) | index[at + 13];
	const rec = bundle.subarray(offset, offset + length);
	const anchor = parseAnchorRecord(rec, id);
	const name = anchor.subject.der;
	const js = store.find(name).anchors.map(fromJS);
	const c = lookup(index, bundle, name);
	done++;
	if (c.error !== undefined || !same(c.anchors, js) || !js.some((a) => a.id === id))
		report({ root: id, js, c });
	else
		found += c.anchors.length;
	// by key identifier: the root's own, and one that no root has
	for (const keyId of [anchor.keyId, new Uint8Array([0xfe, 0xed, 0xfa, 0xce])]) {
		if (keyId === undefined)
			continue;
		const jsById = store.find(name, keyId).anchors.map(fromJS), cById = lookup(index, bundle, name, keyId);
		done++;
		if (cById.error !== undefined || !same(cById.anchors, jsById))
			report({ root: id, keyId: toHex(keyId), js: jsById, c: cById });
	}
	// without ca-roots.bin: reported missing, then read from its own record (a pruned manifest's ca_<id>.bin)
	const pruned = lookup(index, undefined, name);
	done++;
	if (pruned.error !== undefined || pruned.anchors.length !== 0 || !pruned.missing.includes(id))
		report({ root: id, pruned });
	else {
		missing++;
		const r = record(rec, name, out.buffer);
		out[1] = parseInt(id, 16);
		if (r !== FOUND || !same(fromC(rec), fromJS(anchor)))
			report({ root: id, record: r, c: r === FOUND ? fromC(rec) : null, js: fromJS(anchor) });
	}
}
for (const hex of cases.absent) {
	const c = lookup(index, bundle, bytesOf(hex));
	done++;
	if (c.error !== undefined || c.anchors.length || store.find(bytesOf(hex)).anchors.length)
		report({ absent: hex, c });
}

// ---- forged stores
for (const forged of cases.stores) {
	const fi = new Uint8Array(readFile(forged.index));
	const fr = forged.roots === null ? undefined : new Uint8Array(readFile(forged.roots));
	for (const l of forged.lookups) {
		const c = lookup(fi, fr, bytesOf(l.name), l.keyId ? bytesOf(l.keyId) : undefined);
		done++;
		const ok = l.error !== null ? c.error !== undefined && c.error.includes(l.error)
			: c.error === undefined && same(c.anchors.map((a) => a.id), l.ids) && (l.missing === null || same(c.missing, l.missing));
		if (!ok)
			report({ store: forged.name, lookup: l, c });
	}
}

// ---- records: every truncation and every byte changed, against parseAnchorRecord
let jsError = "";
function jsRecord(bytes) {
	try {
		return fromJS(parseAnchorRecord(bytes, "00000000"));
	}
	catch (e) {
		if (e.code !== "malformed")
			throw e;
		jsError = e.message;
		return null;
	}
}
function cRecord(bytes) {
	const r = record(bytes, undefined, out.buffer);
	if (typeof r === "string")
		return r.startsWith("x509: ") ? null : r;
	out[1] = 0;
	return fromC(bytes);
}
function compare(name, bytes) {
	const js = jsRecord(bytes), c = cRecord(bytes);
	done++;
	// nameConstraints are located in C, not parsed (as the locator does for certificates): whoever uses them parses them
	if (js === null && c !== null && typeof c === "object" && c.nameConstraints && jsError.includes("nameConstraints"))
		unparsed++;
	else if (typeof c === "string" || (c !== null && (js === null || !same(c, js))))
		report({ record: name, js, c, bytes: toHex(bytes) });
	else if (c === null && js !== null)
		stricter++;
}
for (const r of cases.records) {
	const bytes = new Uint8Array(readFile(r.file));
	compare(r.name, bytes);
	if (r.nameConstraints) {
		// the record made with every extension: read as made, each one there
		const c = cRecord(bytes);
		done++;
		if (!c || !c.nameConstraints || !c.basicConstraints || c.basicConstraints.pathLength !== 2 || c.keyUsage === null || !same(c.eku, [true, true, false]))
			report({ record: r.name, c });
	}
	if (!r.mutate)
		continue;
	for (let n = 0; n < bytes.length; n++)
		compare(`${r.name} cut at ${n}`, bytes.subarray(0, n));
	for (let i = 0; i < bytes.length; i++) {
		for (const delta of [1, 0x80]) {
			const changed = bytes.slice();
			changed[i] ^= delta;
			compare(`${r.name} byte ${i} ^ ${delta}`, changed);
		}
	}
}
trace(JSON.stringify({ done, failed, found, missing, stricter, unparsed }) + "\n");
