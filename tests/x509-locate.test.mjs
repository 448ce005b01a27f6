// The X.509 field locator in C (native/x509_*.c, xs_x509_locate; docs/X509.md), in one xsh process
// (tests/xs/x509/locate_cases.js), against what the certificate parser (modules/x509/certificate.ts,
// which the locator serves) makes of the same bytes, and against OpenSSL's reading (node:crypto):
//   - every certificate the repo has: the Mozilla roots of Debian's ca-certificates (the CA bundle's
//     source, tools/ca-build.mjs), the PKIs made by tests/fixtures/x509/pki.mjs and tests/lib/tls-peers.mjs,
//     and edge cases (v2 with unique identifiers, times before 1970 and in 9999): the same fields;
//   - hostile forms of some of them (every truncation, every element's tag and length changed): the
//     same verdict as the JS parser, no crash;
//   - hand-made bad encodings: each refused with its own message.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { X509Certificate } from "node:crypto";
import { join } from "node:path";
import { runXsh, explain, repo } from "./lib/xsh.mjs";
import { makeCertificates } from "./lib/tls-peers.mjs";
import { PKI } from "./fixtures/x509/pki.mjs";
import { dissectCertificate, assemble, extensionsOf, withExtensions, extensionOid, fieldIndex, encode, OID_SAN, OID_BASIC_CONSTRAINTS, OID_KEY_USAGE } from "./fixtures/x509/surgery.mjs";
import { DEFAULT_SOURCE } from "../tools/ca-lib.mjs";

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

// the full profile (the streaming JS parser: a differential test), then the device profile (its parser is the locator's)
const casesFile = pki.write("cases.json", JSON.stringify({ same, mutate, expect }));
const run = await runXsh(join(repo, "tests", "xs", "x509", "locate_cases.js"), [casesFile], { manifest: join(repo, "manifest.json"), timeout: 600000 });
const deviceFile = pki.write("device.json", JSON.stringify({ same, mutate: mutate.slice(0, 1), expect, device: true }));
// the device build (build/xsh-device, its modules without traces) with x509 over the locator: what the device profile
// had before its verifier moved to C (native/x509_chain.c), and what the full profiles move to
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

test("the locator runs complete: every case reported (full profile, device profile)", () => {
  assert.equal(run.code, 0, explain(run));
  assert.equal(run.lines.at(-1)?.done, same.length + mutate.length + expect.length, explain(run));
  assert.equal(deviceRun.code, 0, explain(deviceRun));
  assert.equal(deviceRun.lines.at(-1)?.done, same.length + 1 + expect.length + 5, explain(deviceRun));
});

for (const line of deviceRun.lines.filter((l) => l.name !== undefined)) {
  test(`device profile: ${line.name}`, () => {
    assert.equal(line.ok, true, JSON.stringify(line));
  });
}

test("the Mozilla roots are there to compare (Debian's ca-certificates, tools/deps.sh)", () => {
  assert.ok(roots.length >= 100, `${roots.length} roots in ${DEFAULT_SOURCE}`);
});

// OpenSSL's reading of the same certificates (node:crypto), where it reads them: serial, validity, cA, extKeyUsage, DNS names
const seconds = (s) => Math.floor(Date.parse(s) / 1000);
const compared = run.lines.filter((l) => l.fields !== undefined);
test("the locator's fields are OpenSSL's (node:crypto X509Certificate): serial, validity, cA, extKeyUsage, DNS names", () => {
  let checked = 0;
  for (const { fields: f } of compared) {
    let x;
    try { x = new X509Certificate(readFileSync(f.file)); } catch { continue; }
    const why = `${f.file}: ${JSON.stringify(f)}`;
    assert.equal(f.serial.replace(/^0+/, ""), x.serialNumber.toLowerCase().replace(/^0+/, ""), why);
    if (!/^(edge-times)/.test(f.file.split("/").pop())) {   // (OpenSSL prints years before 1970 and 9999 that Date.parse reads otherwise)
      assert.equal(f.notBefore, seconds(x.validFrom), why);
      assert.equal(f.notAfter, seconds(x.validTo), why);
    }
    assert.equal(f.ca, x.ca, why);
    assert.deepEqual(f.eku ?? undefined, x.keyUsage, why);
    const dns = (x.subjectAltName ?? "").split(", ").filter((n) => n.startsWith("DNS:")).map((n) => n.slice(4));
    assert.deepEqual(f.dns ?? [], dns, why);
    checked++;
  }
  assert.ok(checked >= same.length - 4, `${checked} of ${same.length} compared`);
});

for (const line of run.lines.filter((l) => l.name !== undefined)) {
  test(`locate: ${line.name}`, () => {
    assert.equal(line.ok, true, JSON.stringify(line));
  });
}
