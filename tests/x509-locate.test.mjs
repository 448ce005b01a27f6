// The certificate parser (x509/certificate: the X.509 locator in C, native/x509_*.c, xs_x509_locate,
// and the JS readers of what it leaves, modules/x509/located.ts), in one xsh process per profile
// (tests/xs/x509/locate_cases.js), against OpenSSL's reading of the same bytes (node:crypto's
// X509Certificate, and `openssl x509 -text` for the fields it does not give): an independent parser.
//   - every certificate the repo has: the Mozilla roots of Debian's ca-certificates (the CA bundle's
//     source, tools/ca-build.mjs), the PKIs made by tests/fixtures/x509/pki.mjs and tests/lib/tls-peers.mjs,
//     and edge cases (v2 with unique identifiers, times before 1970 and in 9999): accepted, with the
//     fields OpenSSL reads; the device build with the device's stubs reads the same;
//   - hostile forms of some of them (every truncation, every element's tag and length changed): no
//     crash, every truncation refused, and what is accepted OpenSSL accepts and reads the same;
//   - hand-made bad encodings: each refused with its own message;
//   - the intake (intake-located.ts): certificates gathered from pieces, lengths checked.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { X509Certificate } from "node:crypto";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { runXsh, explain, repo } from "./lib/xsh.mjs";
import { makeCertificates } from "./lib/tls-peers.mjs";
import { PKI } from "./fixtures/x509/pki.mjs";
import { dissectCertificate, assemble, extensionsOf, withExtensions, extensionOid, fieldIndex, encode, OID_SAN, OID_BASIC_CONSTRAINTS, OID_KEY_USAGE } from "./fixtures/x509/surgery.mjs";
import { DEFAULT_SOURCE, element, children } from "../tools/ca-lib.mjs";

const pki = new PKI();
const peers = makeCertificates({ chain: true });
after(() => { pki.remove(); peers.remove(); });

const pemToDer = (pem) => Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");

// ---- every certificate the repo has
const same = [];
const roots = existsSync(DEFAULT_SOURCE) ? readdirSync(DEFAULT_SOURCE).filter((f) => f.endsWith(".crt")) : [];
for (const f of roots) same.push(pki.write(`root-${f}.der`, pemToDer(readFileSync(join(DEFAULT_SOURCE, f), "utf8"))));
for (const name of ["p256", "p384", "rsa", "chainleaf", "chain.extra"]) {
  const pems = readFileSync(peers.path(name.includes(".") ? `${name}.pem` : `${name}.crt`), "utf8").match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g);
  pems.forEach((p, i) => same.push(pki.write(`peer-${name}-${i}.der`, pemToDer(p))));
}
for (const name of ["root", "inter", "leaf"]) pki.key(name, "ec256");
pki.key("root384", "ec384");
pki.key("rsa", "rsa2048");
pki.key("ed", "ed25519");
pki.cert("root", { cn: "Root", o: "locate tests", ca: true, pathlen: 1 });
pki.cert("inter", { cn: "Intermediate", ca: true, issuer: "root", nameConstraints: "permitted;DNS:example.com,excluded;IP:10.0.0.0/255.0.0.0", eku: "serverAuth,clientAuth" });
pki.cert("leaf", { cn: "leaf.example.com", issuer: "inter", san: "DNS:leaf.example.com,IP:192.0.2.7,IP:2001:db8::1,email:a@example.com,URI:https://example.com/", eku: "serverAuth", keyUsage: "critical,digitalSignature" });
pki.cert("leafAny", { cn: "any", key: "leaf", issuer: "inter", eku: "anyExtendedKeyUsage,codeSigning", keyUsage: "digitalSignature,keyEncipherment,decipherOnly", ca: false });
pki.cert("leafCritical", { cn: "critical", key: "leaf", issuer: "inter", extra: ["1.2.3.4=critical,ASN1:NULL", "certificatePolicies=critical,2.23.140.1.2.1"] });
pki.cert("root384", { cn: "Root 384", ca: true, md: "sha384", ski: false });
pki.cert("rsaPss", { cn: "rsa sha512", key: "rsa", issuer: "root384", aki: false, md: "sha512" });
pki.cert("rsaSelfPss", { cn: "rsa pss self", key: "rsa", pss: true, ca: true });
pki.cert("ed", { cn: "ed25519", key: "ed", issuer: "root" });
for (const name of ["root", "inter", "leaf", "leafAny", "leafCritical", "root384", "rsaPss", "rsaSelfPss", "ed"]) same.push(pki.der(name));

// edge cases made by surgery (signatures no longer match: the locator does not check them)
const leafParts = dissectCertificate(readFileSync(pki.der("leaf")));
const validityAt = fieldIndex(leafParts, 3);
const withTBS = (parts, change) => { const tbsFields = parts.tbsFields.slice(); change(tbsFields); return assemble({ ...parts, tbsFields }); };
const times = (a, b) => encode(0x30, a, b);
const utc = (s) => encode(0x17, Buffer.from(s, "ascii"));
const gen = (s) => encode(0x18, Buffer.from(s, "ascii"));
const withValidity = (v) => withTBS(leafParts, (f) => { f[validityAt] = v; });
same.push(pki.write("edge-times.der", withValidity(times(utc("500101000000Z"), gen("99991231235959Z")))));
same.push(pki.write("edge-times2.der", withValidity(times(gen("00000229120000Z"), utc("491231235959Z")))));
// a version 2 certificate with both unique identifiers (no extensions)
const v2 = withTBS(leafParts, (f) => {
  f[0] = encode(0xa0, encode(0x02, Buffer.from([1])));
  f.splice(f.findIndex((x) => x[0] === 0xa3), 1, encode(0x81, Buffer.from([0, 1, 2])), encode(0x82, Buffer.from([0, 3])));
});
same.push(pki.write("edge-v2.der", v2));
// a version 1 certificate (version absent, no extensions)
same.push(pki.write("edge-v1.der", withTBS(leafParts, (f) => { f.splice(f.findIndex((x) => x[0] === 0xa3), 1); f.shift(); })));

// ---- hostile forms
const mutate = [pki.der("leaf"), pki.der("inter"), pki.der("leafCritical"), pki.der("rsaSelfPss"), pki.write("edge-v2b.der", v2)];
if (roots.length) mutate.push(same[0]);

// ---- hand-made bad encodings: [name, DER, the message's distinctive part (null: accepted)]
const extensions = extensionsOf(leafParts);
const ext = (oid) => extensions.find((e) => extensionOid(e) === oid);
const extension = (oidHex, value, critical) => encode(0x30, encode(0x06, Buffer.from(oidHex, "hex")), ...(critical ? [critical] : []), encode(0x04, value));
const withExts = (list) => assemble(withExtensions(leafParts, list));
const serialAt = fieldIndex(leafParts, 0);
const bytes = (...b) => Buffer.from(b);
const tbsBody = Buffer.concat(leafParts.tbsFields);
const expect = [
  ["the leaf as made", readFileSync(pki.der("leaf")), null],
  ["duplicate subjectAltName", withExts([...extensions, ext(OID_SAN)]), "extension: appears twice"],
  ["duplicate unknown extension", withExts([...extensions, extension("2a0304", bytes(5, 0)), extension("2a0304", bytes(5, 0))]), "appears twice"],
  ["49 extensions", withExts(Array.from({ length: 49 }, (_, i) => extension(`2a03${(0x40 + i).toString(16)}`, bytes(5, 0)))), "more than 48 extensions"],
  ["empty extensions", withExts([]), "extensions: empty"],
  ["critical FALSE encoded", withExts([extension("2a0304", bytes(5, 0), encode(0x01, bytes(0)))]), "extension: critical FALSE encoded although it is the DEFAULT"],
  ["critical 0x01", withExts([extension("2a0304", bytes(5, 0), encode(0x01, bytes(1)))]), "BOOLEAN not 00 or FF"],
  ["cA FALSE encoded", withExts([extension(OID_BASIC_CONSTRAINTS, encode(0x30, encode(0x01, bytes(0))))]), "basicConstraints: cA FALSE encoded"],
  ["pathLen negative", withExts([extension(OID_BASIC_CONSTRAINTS, encode(0x30, encode(0x01, bytes(0xff)), encode(0x02, bytes(0xff))))]), "basicConstraints: negative"],
  ["pathLen 2^31", withExts([extension(OID_BASIC_CONSTRAINTS, encode(0x30, encode(0x01, bytes(0xff)), encode(0x02, bytes(0, 0x80, 0, 0, 0))))]), "basicConstraints: INTEGER too large"],
  ["keyUsage of 10 bits", withExts([extension(OID_KEY_USAGE, encode(0x03, bytes(6, 0xff, 0xc0)))]), "keyUsage: more bits than RFC 5280 defines"],
  ["keyUsage unused bits set", withExts([extension(OID_KEY_USAGE, encode(0x03, bytes(7, 0x81)))]), "keyUsage: unused bits not zero"],
  ["keyUsage 8 unused bits", withExts([extension(OID_KEY_USAGE, encode(0x03, bytes(8, 0x80)))]), "keyUsage: bad unused-bit count"],
  ["extKeyUsage empty", withExts([extension("551d25", encode(0x30))]), "extKeyUsage: empty"],
  ["extKeyUsage OID not shortest", withExts([extension("551d25", encode(0x30, encode(0x06, bytes(0x2b, 0x80, 0x06))))]), "OBJECT IDENTIFIER not in its shortest form"],
  ["extension id truncated", withExts([extension("2a8304".slice(0, 4), bytes(5, 0))]), "OBJECT IDENTIFIER truncated"],
  ["basicConstraints over its 16 bytes", withExts([extension(OID_BASIC_CONSTRAINTS, encode(0x30, encode(0x01, bytes(0xff)), encode(0x02, Buffer.alloc(14, 1))))]), "basicConstraints"],
  ["UTCTime month 13", withValidity(times(utc("251301000000Z"), utc("260101000000Z"))), "notBefore: time out of range"],
  ["UTCTime 29 February 2025", withValidity(times(utc("250229000000Z"), utc("260101000000Z"))), "notBefore: time out of range"],
  ["UTCTime 24:00", withValidity(times(utc("250101000000Z"), utc("250101240000Z"))), "notAfter: time out of range"],
  ["UTCTime without Z", withValidity(times(utc("2501010000000"), utc("260101000000Z"))), "notBefore: time not in UTC (Z)"],
  ["UTCTime without seconds", withValidity(times(utc("2501010000Z"), utc("260101000000Z"))), "notBefore: time not in the form"],
  ["GeneralizedTime with a fraction", withValidity(times(utc("250101000000Z"), gen("20260101000000.5Z"))), "notAfter: time not in the form"],
  ["UTCTime with a letter", withValidity(times(utc("25010100a000Z"), utc("260101000000Z"))), "notBefore: not a DER time"],
  ["a time that is an INTEGER", withValidity(times(encode(0x02, bytes(1)), utc("260101000000Z"))), "notBefore: unexpected element"],
  ["validity with a third time", withValidity(times(utc("250101000000Z"), Buffer.concat([utc("260101000000Z"), utc("260101000000Z")]))), "validity"],
  ["version 1 encoded", withTBS(leafParts, (f) => { f[0] = encode(0xa0, encode(0x02, bytes(0))); }), "version: version 1 encoded"],
  ["version 4", withTBS(leafParts, (f) => { f[0] = encode(0xa0, encode(0x02, bytes(3))); }), "version: unknown version"],
  ["extensions in a version 2 certificate", withTBS(leafParts, (f) => { f[0] = encode(0xa0, encode(0x02, bytes(1))); }), "extensions in a version 1 or 2 certificate"],
  ["unique identifier in a version 1 certificate", withTBS(leafParts, (f) => { f.splice(f.findIndex((x) => x[0] === 0xa3), 1, encode(0x81, bytes(0))); f.shift(); }), "unique identifier in a version 1"],
  ["unique identifiers out of order", withTBS(leafParts, (f) => { f[0] = encode(0xa0, encode(0x02, bytes(1))); f.splice(f.findIndex((x) => x[0] === 0xa3), 1, encode(0x82, bytes(0)), encode(0x81, bytes(0))); }), "tbsCertificate: unexpected element"],
  ["serial of 22 bytes", withTBS(leafParts, (f) => { f[serialAt] = encode(0x02, Buffer.alloc(22, 1)); }), "serialNumber: larger than this verifier accepts"],
  ["serial not minimal", withTBS(leafParts, (f) => { f[serialAt] = encode(0x02, bytes(0, 1)); }), "serialNumber: INTEGER not in its shortest form"],
  ["serial empty", withTBS(leafParts, (f) => { f[serialAt] = encode(0x02); }), "serialNumber: empty INTEGER"],
  ["serial in long form", withTBS(leafParts, (f) => { f[serialAt] = Buffer.concat([bytes(0x02, 0x81, 2), f[serialAt].subarray(2)]); }), "serialNumber: length not in its shortest form"],
  ["serial with a leading zero length byte", withTBS(leafParts, (f) => { f[serialAt] = Buffer.concat([bytes(0x02, 0x82, 0, 2), f[serialAt].subarray(2)]); }), "length not in its shortest form"],
  ["TBS with 4 length bytes", assemble({ ...leafParts, tbsFields: [] }).length > 0 && Buffer.concat([bytes(0x30, 0x84, 0, 0, 1, 0), tbsBody]), "Certificate: length too large"],
  ["indefinite length", Buffer.concat([bytes(0x30, 0x80), tbsBody, bytes(0, 0)]), "Certificate: indefinite length"],
  ["high tag number", withTBS(leafParts, (f) => { f[serialAt] = bytes(0x1f, 0x22, 1, 1); }), "high tag numbers"],
  ["no subjectPublicKeyInfo", withTBS(leafParts, (f) => { f.splice(fieldIndex(leafParts, 5)); }), "subjectPublicKeyInfo: fields missing"],
  ["signature algorithm differs", assemble({ ...leafParts, algorithm: encode(0x30, encode(0x06, Buffer.from("2a8648ce3d040303", "hex"))) }), "signatureAlgorithm differs from the TBS signature field"],
  ["signature with unused bits", assemble({ ...leafParts, signature: encode(0x03, bytes(1, 0x02)) }), "signatureValue: signature not made of whole bytes"],
  ["signature missing", encode(0x30, encode(0x30, tbsBody), leafParts.algorithm), "signatureValue: fields missing"],
  ["a byte after the signature", encode(0x30, encode(0x30, tbsBody), leafParts.algorithm, leafParts.signature, bytes(5, 0)), "Certificate: unexpected bytes at the end"],
  ["a byte after the certificate", Buffer.concat([readFileSync(pki.der("leaf")), bytes(0)]), "Certificate: unexpected bytes at the end"],
  ["not a SEQUENCE", encode(0x31, encode(0x30, tbsBody), leafParts.algorithm, leafParts.signature), "Certificate: unexpected element"],
  ["empty", Buffer.alloc(0), "Certificate: fields missing"],
  ["a header only", bytes(0x30), "Certificate: element runs past the end of its container"],
].map(([name, der, error], i) => ({ name, file: pki.write(`expect-${i}.der`, der), error }));

// ---- the mutated forms, made here (every truncation; every element's tag, and its length, changed one at a time)
/** every element's header position in bytes (a DER walk that descends into constructed ones, and into OCTET STRINGs holding DER) */
function headers(bytes) {
  const out = [];
  const walk = (at, end, depth) => {
    while (at < end && depth < 12) {
      const start = at, tag = bytes[at];
      let length = bytes[at + 1], head = 2;
      if (length & 0x80) {
        const n = length & 0x7f;
        length = 0;
        for (let i = 0; i < n; i++) length = length * 256 + bytes[at + 2 + i];
        head += n;
      }
      out.push(start);
      if (tag & 0x20 || (tag === 0x04 && bytes[start + head] === 0x30)) walk(start + head, start + head + length, depth + 1);
      at = start + head + length;
    }
  };
  walk(0, bytes.length, 0);
  return out;
}
/**
 * The readings this parser knowingly leaves more lenient than OpenSSL's, by where a change lies: the key's own
 * encoding (the crypto core checks it when the key is used: Key.fromSPKI); a name's attribute values (names are
 * kept and compared as bytes, only CN and O decoded: a value of any tag is taken); a GeneralName's tag in the
 * subjectAltName (a constructed dNSName or iPAddress is taken for an "other form", matching nothing). The
 * server identity check and the trust-anchor lookup in C (native/x509_identity.c, x509_anchor.c) read names
 * the same way, checked against these readers by their own tests: tighten them together.
 */
function lenientRanges(der) {
  const tbsFields = children(der, children(der, element(der))[0]);
  const v1 = tbsFields[0].tag !== 0xa0 ? 1 : 0;
  const [issuer, subject, spki] = [3 - v1, 5 - v1, 6 - v1].map((i) => tbsFields[i]);
  const inside = (e) => (at) => at > e.start && at < e.end;
  const ranges = [["key", inside(spki)], ["name value", (at) => inside(issuer)(at) || inside(subject)(at)]];
  const extensions = tbsFields.find((f) => f.tag === 0xa3);
  if (extensions)
    for (const ext of children(der, children(der, extensions)[0]))
      if (extensionOid(Buffer.from(der.subarray(ext.start, ext.end))) === OID_SAN)
        ranges.push(["GeneralName form", inside(ext)]);
  return (at) => ranges.find(([, isIn]) => isIn(at))?.[0];
}
function mutations(der) {
  const lenient = lenientRanges(der);
  const out = [];
  for (let n = 0; n < der.length; n++) out.push({ name: `truncated to ${n}`, truncated: true, der: der.subarray(0, n) });
  for (const at of headers(der)) {
    for (const change of [0x20, 0x01, 0x80, 0x1f]) {
      const m = Buffer.from(der);
      m[at] ^= change;
      out.push({ name: `tag at ${at} ^ ${change}`, der: m, lenient: lenient(at) });
    }
    const m = Buffer.from(der);
    if (der[at + 1] < 0x80) {
      for (const delta of [1, -1, 0x80]) {
        const l = Buffer.from(der);
        l[at + 1] = (l[at + 1] + delta) & 0xff;
        out.push({ name: `length at ${at + 1} + ${delta}`, der: l, lenient: lenient(at) === "key" ? "key" : undefined });
      }
    } else {
      m[at + 2 + (der[at + 1] & 0x7f) - 1] ^= 1;
      out.push({ name: `long length at ${at + 1} ^ 1`, der: m, lenient: lenient(at) === "key" ? "key" : undefined });
    }
  }
  return out;
}
const mutated = mutate.map((file) => {
  const list = mutations(readFileSync(file));
  const name = file.split("/").pop();
  const packed = Buffer.concat(list.flatMap(({ der }) => { const n = Buffer.alloc(4); n.writeUInt32BE(der.length); return [n, der]; }));
  return { name, file: pki.write(`mutated-${name}`, packed), list };
});
const mutationCount = mutated.reduce((n, m) => n + m.list.length, 0);

// the full profiles' parser, then the same over the device build with the device's stubs
const casesFile = pki.write("cases.json", JSON.stringify({ same, mutated: mutated.map(({ name, file }) => ({ name, file })), expect }));
const run = await runXsh(join(repo, "tests", "xs", "x509", "locate_cases.js"), [casesFile], { manifest: join(repo, "manifest.json"), timeout: 600000 });
// (the device build has one text for every locator error, SECURESOCKET_NO_X509_TEXTS: "<field>: malformed")
const deviceExpect = expect.map((e) => ({ ...e, error: e.error === null ? null : e.error.includes(": ") ? `${e.error.slice(0, e.error.indexOf(": "))}: malformed` : "malformed" }));
const deviceFile = pki.write("device.json", JSON.stringify({ same, mutated: mutated.slice(0, 1).map(({ name, file }) => ({ name, file })), expect: deviceExpect }));
// the device build (build/xsh-device, its modules without traces) with x509 over the locator and the device's stubs
// (no RSASSA-PSS, name constraints, IPv6): what the device profile had before its verifier moved to C (native/x509_chain.c)
const device = JSON.parse(readFileSync(join(repo, "manifest_device.json"), "utf8"));
const deviceModule = (m) => join(repo, "build", "device", "modules", "x509", m);
for (const m of ["algorithms", "anchor", "castore", "der", "dn", "equal", "errors", "extensions", "gather", "name", "oids", "located", "parsed", "path", "signature", "stream", "time"])
  device.modules[`x509/${m}`] = deviceModule(m);
Object.assign(device.modules, { "x509/certificate": deviceModule("certificate-located"), "x509/constraints": deviceModule("no-constraints"),
  "x509/ipv6": deviceModule("no-ipv6"), "x509/intake": deviceModule("intake-located"), "x509/pss": deviceModule("no-pss") });
for (const [k, v] of Object.entries(device.modules)) if (typeof v === "string" && v.startsWith("./")) device.modules[k] = join(repo, v);
device.resources = { "*": device.resources["*"].map((r) => join(repo, r)) };
const deviceRun = await runXsh(join(repo, "tests", "xs", "x509", "locate_cases.js"), [deviceFile],
  { manifest: pki.write("device.manifest.json", JSON.stringify(device)), xsh: join(repo, "build", "xsh-device"), timeout: 600000 });
const INTAKE_CASES = 5;

test("the parser runs complete, no crash: every case reported (full profile, device build)", () => {
  assert.equal(run.code, 0, explain(run));
  assert.equal(run.lines.at(-1)?.done, same.length + mutationCount + expect.length + INTAKE_CASES, explain(run));
  assert.equal(deviceRun.code, 0, explain(deviceRun));
  assert.equal(deviceRun.lines.at(-1)?.done, same.length + mutated[0].list.length + expect.length + INTAKE_CASES, explain(deviceRun));
});

test("the Mozilla roots are there to compare (Debian's ca-certificates, tools/deps.sh)", () => {
  assert.ok(roots.length >= 100, `${roots.length} roots in ${DEFAULT_SOURCE}`);
});

// ---- OpenSSL's reading of the same bytes: node:crypto's X509Certificate, and `openssl x509 -text` for what it does not give
const seconds = (s) => Math.floor(Date.parse(s) / 1000);
const colons = (h) => h.toUpperCase().match(/../g)?.join(":") ?? "";
/** an iPAddress as OpenSSL prints it (IPv6: eight groups, no leading zeros) */
function ipText(h) {
  const b = Buffer.from(h, "hex");
  if (b.length === 4) return [...b].join(".");
  return Array.from({ length: 8 }, (_, i) => b.readUInt16BE(2 * i).toString(16).toUpperCase()).join(":");
}
/** the first value of a name attribute in node's legacy object (an array when repeated) */
const first = (v) => (Array.isArray(v) ? v[0] : v) ?? null;

/**
 * The fields node:crypto reads (OpenSSL's parser), against ours; throws an assertion error naming the
 * field. `mutated`: a hostile form, of which only the fields OpenSSL reads as it parses are compared
 * ("no names": not the subjectAltName's either, see lenientRanges)
 * (it decodes the key, the extensions and the names for display only when asked, and then marks a
 * certificate with any extension it cannot decode as not a CA, re-encodes the key, shows no names).
 */
function compareWithNode(f, der, why, mutated = false) {
  const x = new X509Certificate(der);
  assert.equal(f.serial.replace(/^0+/, ""), x.serialNumber.toLowerCase().replace(/^0+/, ""), `${why}: serial`);
  if (!/^(edge-times)/.test(why.split("/").pop())) {   // (OpenSSL prints years before 1970 and 9999 that Date.parse reads otherwise)
    assert.equal(f.notBefore, seconds(x.validFrom), `${why}: notBefore`);
    assert.equal(f.notAfter, seconds(x.validTo), `${why}: notAfter`);
  }
  if (mutated === "no names")
    return;
  const san = (x.subjectAltName ?? "").split(", ");
  assert.deepEqual(f.subjectAltName?.dns ?? [], san.filter((n) => n.startsWith("DNS:")).map((n) => n.slice(4)), `${why}: DNS names`);
  assert.deepEqual((f.subjectAltName?.ip ?? []).map(ipText), san.filter((n) => n.startsWith("IP Address:")).map((n) => n.slice(11)), `${why}: IP addresses`);
  if (mutated)
    return;
  assert.equal(f.basicConstraints?.ca ?? false, x.ca, `${why}: cA`);
  assert.deepEqual(f.extKeyUsage ?? undefined, x.keyUsage, `${why}: extKeyUsage`);
  const key = x.publicKey;
  assert.equal(f.spki, key.export({ type: "spki", format: "der" }).toString("hex"), `${why}: subjectPublicKeyInfo`);
  assert.equal(f.key, key.asymmetricKeyType, `${why}: key algorithm`);
  const legacy = x.toLegacyObject();
  assert.equal(f.subjectCN, first(legacy.subject?.CN), `${why}: subject CN`);
  assert.equal(f.issuerCN, first(legacy.issuer?.CN), `${why}: issuer CN`);
  assert.equal(f.selfIssued, x.subject === x.issuer, `${why}: self-issued`);
}

/** an extension's text in `openssl x509 -text` (the lines under its heading), or undefined */
function extensionText(text, heading) {
  const lines = text.split("\n");
  const at = lines.findIndex((l) => l.trim().startsWith(`${heading}:`));
  if (at < 0) return undefined;
  const indent = lines[at].search(/\S/);
  const out = [];
  for (let i = at + 1; i < lines.length && lines[i].search(/\S/) > indent; i++) out.push(lines[i].trim());
  return out.join("\n");
}
const KEY_USAGE_NAMES = ["Digital Signature", "Non Repudiation", "Key Encipherment", "Data Encipherment", "Key Agreement", "Certificate Sign", "CRL Sign", "Encipher Only", "Decipher Only"];
/** The fields only `openssl x509 -text` prints (version, signature algorithm, keyUsage, pathLenConstraint, key identifiers, name constraints), against ours. */
function compareWithOpenSSL(f, file, why) {
  const text = execFileSync("openssl", ["x509", "-inform", "DER", "-in", file, "-noout", "-text", "-certopt", "no_pubkey,no_sigdump"], { encoding: "utf8" });
  assert.equal(f.version, Number(/Version: (\d)/.exec(text)?.[1]), `${why}: version`);
  const algorithm = /Signature Algorithm: (\S+)/.exec(text)[1];
  if (f.signatureAlgorithm === undefined)
    assert.ok(["unsupportedAlgorithm", "weakAlgorithm"].includes(f.defect), `${why}: no signature algorithm (${algorithm}) and no defect: ${f.defect}`);
  else
    assert.equal({ rsassaPss: "rsassa-pss", ED25519: "ed25519" }[algorithm] ?? algorithm, f.signatureAlgorithm.replace(/^rsassa-pss-.*/, "rsassa-pss"), `${why}: signature algorithm`);
  const ku = extensionText(text, "X509v3 Key Usage");
  assert.equal(f.keyUsage, ku === undefined ? null : KEY_USAGE_NAMES.reduce((bits, n, i) => bits | (ku.split(", ").includes(n) ? 1 << i : 0), 0), `${why}: keyUsage`);
  const bc = extensionText(text, "X509v3 Basic Constraints");
  const pathLength = bc === undefined ? undefined : /pathlen:(\d+)/.exec(bc)?.[1];
  assert.equal(f.basicConstraints?.pathLength ?? null, pathLength === undefined ? null : Number(pathLength), `${why}: pathLenConstraint`);
  const ski = extensionText(text, "X509v3 Subject Key Identifier");
  assert.equal(f.subjectKeyId === null ? undefined : colons(f.subjectKeyId), ski, `${why}: subjectKeyIdentifier`);
  const aki = extensionText(text, "X509v3 Authority Key Identifier");
  const akiId = aki && /^(?:keyid:)?([0-9A-F]{2}(?::[0-9A-F]{2})*)$/m.exec(aki)?.[1];
  assert.equal(f.authorityKeyId === null ? undefined : colons(f.authorityKeyId), akiId || undefined, `${why}: authorityKeyIdentifier`);
  const nc = extensionText(text, "X509v3 Name Constraints");
  assert.equal(f.nameConstraints !== null, nc !== undefined, `${why}: nameConstraints`);
  if (nc !== undefined) {
    const [permitted = "", excluded = ""] = nc.split(/^Excluded:$/m);
    const dns = (part) => [...part.matchAll(/^DNS:(.*)$/gm)].map((m) => m[1]);
    assert.deepEqual(f.nameConstraints.permitted?.dns ?? [], dns(permitted), `${why}: permitted DNS subtrees`);
    assert.deepEqual(f.nameConstraints.excluded?.dns ?? [], dns(excluded), `${why}: excluded DNS subtrees`);
    assert.equal((f.nameConstraints.permitted?.ip.length ?? 0) + (f.nameConstraints.excluded?.ip.length ?? 0), (nc.match(/^IP:/gm) ?? []).length, `${why}: IP subtrees`);
  }
  assert.equal(f.defect === "unsupportedCritical", /critical/.test(text) && criticalUnknown(text), `${why}: an unknown critical extension`);
}
/** does OpenSSL's text show a critical extension other than the ones this verifier reads (and certificatePolicies)? */
function criticalUnknown(text) {
  const known = ["X509v3 Basic Constraints", "X509v3 Key Usage", "X509v3 Extended Key Usage", "X509v3 Subject Alternative Name", "X509v3 Name Constraints",
    "X509v3 Authority Key Identifier", "X509v3 Subject Key Identifier", "X509v3 Certificate Policies"];
  return [...text.matchAll(/^\s+(.+): critical$/gm)].some((m) => !known.includes(m[1]));
}

const parsed = run.lines.filter((l) => l.file !== undefined);
test("every certificate of the corpus is parsed, with the fields OpenSSL reads (node:crypto X509Certificate, openssl x509 -text)", () => {
  assert.equal(parsed.length, same.length, explain(run));
  for (const line of parsed) {
    assert.equal(line.error, undefined, `${line.file}: refused: ${line.error}`);
    assert.equal(line.locator, undefined, `${line.file}: the locator's output: ${line.locator}`);
    compareWithNode(line.fields, readFileSync(line.file), line.file);
    compareWithOpenSSL(line.fields, line.file, line.file);
  }
});

test("the device build with the device's stubs parses the corpus as the full profiles do (but RSASSA-PSS signatures, which it leaves out)", () => {
  const device = new Map(deviceRun.lines.filter((l) => l.file !== undefined).map((l) => [l.file, l]));
  for (const line of parsed) {
    const d = device.get(line.file);
    assert.ok(d?.fields, `${line.file}: ${JSON.stringify(d)}`);
    if (line.fields.signatureAlgorithm?.startsWith("rsassa-pss")) {
      assert.equal(d.fields.defect, "unsupportedAlgorithm", line.file);
      for (const key of ["signatureAlgorithm", "defect"]) { delete d.fields[key]; delete line.fields[key]; }
    }
    assert.deepEqual(d.fields, line.fields, line.file);
  }
});

for (const [profile, r, list] of [["full profile", run, mutated], ["device build", deviceRun, mutated.slice(0, 1)]]) {
  for (const m of list) {
    test(`${profile}: ${m.name}: ${m.list.length} mutated forms: every truncation refused; what is accepted is read as OpenSSL reads it`, () => {
      const lines = r.lines.filter((l) => l.mutated === m.name);
      assert.equal(lines.length, m.list.length, explain(r));
      let accepted = 0;
      for (const line of lines) {
        const { name, truncated, der, lenient } = m.list[line.i];
        if (truncated) { assert.equal(line.refused, true, `${name}: accepted`); continue; }
        if (line.refused) continue;
        accepted++;
        assert.equal(line.locator, undefined, `${name}: the locator's output: ${line.locator}`);
        try { new X509Certificate(der); } catch (e) {
          if (lenient === undefined) assert.fail(`${name}: accepted, but OpenSSL refuses it (${e.message})`);
          continue;
        }
        compareWithNode(line.fields, der, `${m.name} ${name}`, lenient === "GeneralName form" ? "no names" : true);
      }
      assert.ok(accepted < lines.length, "some mutated forms are refused");
    });
  }
}

for (const [profile, r] of [["full profile", run], ["device build", deviceRun]]) {
  for (const line of r.lines.filter((l) => l.name !== undefined && l.ok !== undefined)) {
    test(`${profile}: ${line.name}`, () => {
      assert.equal(line.ok, true, JSON.stringify(line));
    });
  }
}
