// The trust-anchor lookup in C (native/x509_anchor.c; the CA store of docs/X509.md read in place) in xsh
// (tests/xs/x509/anchor_cases.js), against castore.ts (CAStore.find) and anchor.ts (parseAnchorRecord):
//   - the repo's store (modules/x509/ca): every root found by its subject with the same fields, by key
//     identifier too; without ca-roots.bin each one reported missing by its id and read from its record alone;
//     names that are absent found nowhere;
//   - forged stores: name-hash collisions, bad magic, version, length, count, offsets out of the bundle, a
//     record that is not one: the expected roots, or a clear error;
//   - records cut at every length and with every byte changed: C accepts only what anchor.ts accepts, with the
//     same fields.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runXsh, explain, repo } from "./lib/xsh.mjs";
import { element, children, encode, record as makeRecord } from "../tools/ca-lib.mjs";

const dir = mkdtempSync(join(tmpdir(), "anchor-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const write = (name, bytes) => { const f = join(dir, name); writeFileSync(f, bytes); return f; };

const index = readFileSync(join(repo, "modules", "x509", "ca", "ca-index.bin"));
const bundle = readFileSync(join(repo, "modules", "x509", "ca", "ca-roots.bin"));
const count = index.readUInt16BE(6);
const entries = Array.from({ length: count }, (_, i) => index.subarray(8 + 16 * i, 24 + 16 * i));
const recordOf = (e) => bundle.subarray(e.readUInt32BE(8), e.readUInt32BE(8) + e.readUInt16BE(12));
const idOf = (e) => e.readUInt32BE(4).toString(16).padStart(8, "0");
/** the subject Name of a record (its third element), header included */
const subjectOf = (record) => { const fields = children(record, element(record, 0)); return record.subarray(fields[2].start, fields[2].end); };
const hashOf = (name) => createHash("sha256").update(name).digest().readUInt32BE(0);
const hex = (b) => Buffer.from(b).toString("hex");

/** an index of these entries (16 bytes each), sorted by name hash as ca-build.mjs sorts it */
function indexOf(list, { magic = "X5CI", version = 1, count: n = list.length } = {}) {
  const head = Buffer.alloc(8);
  head.write(magic, 0, "latin1");
  head[4] = version;
  head.writeUInt16BE(n, 6);
  return Buffer.concat([head, ...list.slice().sort((a, b) => a.readUInt32BE(0) - b.readUInt32BE(0))]);
}
/** an entry: name hash, id, offset, length, key id prefix */
function entry(hash, e, { offset = e.readUInt32BE(8), length = e.readUInt16BE(12), id = e.readUInt32BE(4) } = {}) {
  const b = Buffer.from(e);
  b.writeUInt32BE(hash >>> 0, 0);
  b.writeUInt32BE(id >>> 0, 4);
  b.writeUInt32BE(offset >>> 0, 8);
  b.writeUInt16BE(length, 12);
  return b;
}

const [a, b, c] = [entries[0], entries[1], entries[2]];
const nameA = subjectOf(recordOf(a)), nameB = subjectOf(recordOf(b));
const hashA = hashOf(nameA);
const bundleFile = write("roots.bin", bundle);
const badBundle = Buffer.from(bundle); badBundle.write("X5CX", 0, "latin1");
const lookup = (name, ids, { error = null, missing = null } = {}) => ({ name: hex(name), ids, error, missing });
const stores = [
  { name: "a name-hash collision: another root's record under this name's hash", index: indexOf([a, entry(hashA, b)]), roots: bundleFile,
    lookups: [lookup(nameA, [idOf(a)]), lookup(nameB, [])] },
  { name: "three roots under one hash, two with this name", index: indexOf([a, entry(hashA, b), entry(hashA, a, { id: 0x12345678 })]), roots: bundleFile,
    lookups: [lookup(nameA, [idOf(a), "12345678"])] },
  { name: "a colliding entry whose key id prefix differs is passed over with a key id", index: indexOf([a, c]), roots: bundleFile,
    lookups: [lookup(nameA, [idOf(a)])] },
  { name: "no ca-roots.bin: missing ids", index: indexOf([a, entry(hashA, b)]), roots: null,
    lookups: [lookup(nameA, [], { missing: [idOf(a), idOf(b)].sort((x, y) => (x === idOf(a) ? -1 : 1)) })] },
  { name: "empty index", index: indexOf([]), roots: bundleFile, lookups: [lookup(nameA, [])] },
  { name: "bad magic", index: indexOf([a], { magic: "X5CJ" }), roots: bundleFile, lookups: [lookup(nameA, null, { error: "ca-index.bin" })] },
  { name: "version 2", index: indexOf([a], { version: 2 }), roots: bundleFile, lookups: [lookup(nameA, null, { error: "ca-index.bin" })] },
  { name: "count larger than the entries", index: indexOf([a], { count: 2 }), roots: bundleFile, lookups: [lookup(nameA, null, { error: "ca-index.bin" })] },
  { name: "count smaller than the entries", index: indexOf([a, b], { count: 1 }), roots: bundleFile, lookups: [lookup(nameA, null, { error: "ca-index.bin" })] },
  { name: "truncated index", index: indexOf([a]).subarray(0, 23), roots: bundleFile, lookups: [lookup(nameA, null, { error: "ca-index.bin" })] },
  { name: "header only, cut", index: indexOf([]).subarray(0, 7), roots: bundleFile, lookups: [lookup(nameA, null, { error: "ca-index.bin" })] },
  { name: "offset past the bundle", index: indexOf([entry(hashA, a, { offset: bundle.length - 2 })]), roots: bundleFile, lookups: [lookup(nameA, null, { error: "ca-roots.bin" })] },
  { name: "offset near 2^32", index: indexOf([entry(hashA, a, { offset: 0xfffffff0 })]), roots: bundleFile, lookups: [lookup(nameA, null, { error: "ca-roots.bin" })] },
  { name: "bad bundle magic", index: indexOf([a]), roots: write("bad-roots.bin", badBundle), lookups: [lookup(nameA, null, { error: "ca-roots.bin" })] },
  { name: "bundle of 4 bytes", index: indexOf([a]), roots: write("short-roots.bin", bundle.subarray(0, 4)), lookups: [lookup(nameA, null, { error: "ca-roots.bin" })] },
  { name: "a record that is the bundle's header", index: indexOf([entry(hashA, a, { offset: 0, length: 40 })]), roots: bundleFile,
    lookups: [lookup(nameA, null, { error: "CA store record malformed" })] },
  { name: "a record cut short", index: indexOf([entry(hashA, a, { length: a.readUInt16BE(12) - 1 })]), roots: bundleFile,
    lookups: [lookup(nameA, null, { error: "CA store record malformed" })] },
].map((s, i) => ({ ...s, index: write(`index-${i}.bin`, s.index) }));
// the key id: a colliding entry whose record is not one, with a key id prefix that is not the root's, is passed
// over unread when the lookup has the root's key id (castore.ts's find), read (and refused) when it has none
const k = entries.find((e) => e.readUInt16BE(14) !== 0);
const nameK = subjectOf(recordOf(k)), keyK = k.readUInt16BE(14);
const unread = entry(hashOf(nameK), c, { offset: 0, length: 40 });
unread.writeUInt16BE(keyK ^ 0x8000, 14);
stores[2].index = write("index-keyid.bin", indexOf([k, unread]));
stores[2].lookups = [{ ...lookup(nameK, [idOf(k)]), keyId: keyK.toString(16).padStart(4, "0") + "00" }, lookup(nameK, null, { error: "CA store record malformed" })];

// names that are in no root: a real subject with one byte changed, an empty SEQUENCE, garbage
const absent = [hex(Buffer.concat([nameA.subarray(0, -1), Buffer.from([nameA.at(-1) ^ 1])])), "3000", "", "ff", hex(Buffer.alloc(300, 0x41))];

// records to cut and change: the first two of the store, a third whole, and one made here with all four
// constraining extensions (no root of the store has nameConstraints): basicConstraints with a pathLenConstraint,
// keyUsage, extKeyUsage (serverAuth, clientAuth), nameConstraints (permitted DNS example.com, excluded an IPv4 range)
const fieldsA = (() => { const r = recordOf(a); return children(r, element(r, 0)).map((f) => r.subarray(f.start, f.end)); })();
const ext = (oidHex, value, critical) => encode(0x30, encode(0x06, Buffer.from(oidHex, "hex")), ...(critical ? [encode(0x01, [0xff])] : []), encode(0x04, value));
const constrained = makeRecord({
  serial: fieldsA[1], subject: fieldsA[2], validity: fieldsA[3], spki: fieldsA[4], keyId: Buffer.from("0102030405060708", "hex"),
  extensions: [
    ext("551d13", encode(0x30, encode(0x01, [0xff]), encode(0x02, [2])), true),
    ext("551d0f", encode(0x03, [1, 0x06]), true),
    ext("551d25", encode(0x30, encode(0x06, Buffer.from("2b06010505070301", "hex")), encode(0x06, Buffer.from("2b06010505070302", "hex")))),
    ext("551d1e", encode(0x30, encode(0xa0, encode(0x30, encode(0x82, Buffer.from("example.com")))), encode(0xa1, encode(0x30, encode(0x87, [10, 0, 0, 0, 255, 0, 0, 0]))))),
  ],
});
const records = [[a, true], [b, true], [c, false]].map(([e, mutate], i) => ({ name: idOf(e), file: write(`record-${i}.bin`, recordOf(e)), mutate }));
records.push({ name: "with all four extensions", file: write("record-constrained.bin", constrained), mutate: true, nameConstraints: true });

const casesFile = write("cases.json", JSON.stringify({ absent, stores, records }));
const run = await runXsh(join(repo, "tests", "xs", "x509", "anchor_cases.js"), [casesFile], { manifest: join(repo, "manifest.json"), timeout: 300000 });
const last = run.lines.at(-1);
/** the lines of the failures of one kind; the run must have completed */
const failures = (kind) => {
  assert.equal(run.code, 0, explain(run));
  assert.equal(typeof last?.done, "number", explain(run));
  return run.lines.filter((l) => l[kind] !== undefined);
};

test("the anchor lookup's run completes", () => {
  assert.equal(run.code, 0, explain(run));
  assert.equal(typeof last?.done, "number", explain(run));
});

test(`every root of the repo's store (${count}) found by its subject in C with anchor.ts's fields, by key id, and as a missing id then from its own record`, () => {
  assert.deepEqual(failures("root"), []);
  assert.ok(last.found >= count, JSON.stringify(last));
  assert.equal(last.missing, count, JSON.stringify(last));
});

test("absent names: no root", () => {
  assert.deepEqual(failures("absent"), []);
});

test(`forged stores (${stores.length}): collisions resolved by the subject, malformed stores refused with a clear message`, () => {
  assert.deepEqual(failures("store"), []);
});

test("records cut and changed: C accepts only what anchor.ts accepts, with the same fields (nameConstraints located, not parsed)", (t) => {
  t.diagnostic(JSON.stringify(last));
  assert.deepEqual(failures("record"), []);
  assert.equal(last.failed, 0);
});
