// verifyChain (modules/x509) against certificates made with openssl at test time: the good chains
// are accepted (ECDSA P-256 and P-384, RSA-2048/3072, RSA-PSS, SHA-512, mixed), and each bad one is
// refused with its own code (docs/X509.md). All cases run in one xsh process
// (tests/xs/x509/verify_cases.js); each is a test here.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runXsh, explain, repo } from "./lib/xsh.mjs";
import { PKI } from "./fixtures/x509/pki.mjs";
import { dissectCertificate, assemble, extensionsOf, withExtensions, extensionOid, fieldIndex, encode, OID_SAN } from "./fixtures/x509/surgery.mjs";

const manifest = join(repo, "manifest.json");
const pki = new PKI();
after(() => pki.remove());
const now = Math.floor(Date.now() / 1000);
const DAY = 86400;

// ---- keys (RSA key generation is the slow part: four RSA keys in all)
for (const name of ["root", "inter", "leaf", "other", "self", "i1", "i2", "root2", "x"]) pki.key(name, "ec256");
for (const name of ["root384", "inter384", "leaf384"]) pki.key(name, "ec384");
pki.key("rsa3072", "rsa3072");
pki.key("rsaA", "rsa2048");
pki.key("rsaB", "rsa2048");
pki.key("rsa1024", "rsa1024");
pki.key("ed", "ed25519");
pki.key("ec521", "ec521");

// ---- the P-256 PKI
pki.cert("root", { cn: "Test Root", o: "x509 tests", ca: true });
pki.cert("inter", { cn: "Test Intermediate", o: "x509 tests", ca: true, issuer: "root" });
const LEAF_SAN = "DNS:leaf.example.com,IP:192.0.2.7,IP:2001:db8::1,IP:::ffff:192.0.2.10,DNS:192.0.2.9";
const leaf = (name, options = {}) => pki.cert(name, { cn: "leaf.example.com", key: "leaf", issuer: "inter", san: LEAF_SAN,
  eku: "serverAuth", keyUsage: "critical,digitalSignature", ...options });
leaf("leaf");
leaf("leafExpired", { days: -1 });
leaf("leafNoSan", { san: undefined });
leaf("wild", { san: "DNS:*.example.com,DNS:*.co.uk,DNS:*.com,DNS:f*.example.org,DNS:*.*.example.net,DNS:xn--bcher-kva.example,DNS:a.*.example.io,DNS:*.example.de" });
leaf("leafClient", { eku: "clientAuth" });
leaf("leafAnyEku", { eku: "anyExtendedKeyUsage" });
leaf("leafNoEku", { eku: undefined, keyUsage: undefined });
leaf("leafKU", { keyUsage: "critical,keyEncipherment" });
leaf("leafCritical", { extra: "1.2.3.4.5=critical,ASN1:UTF8String:hello" });
leaf("leafNonCritical", { extra: "1.2.3.4.5=ASN1:UTF8String:hello" });
leaf("leafPolicy", { extra: "certificatePolicies=critical,1.2.3.4" });
leaf("leafSha1", { md: "sha1" });
leaf("leaf1024", { key: "rsa1024" });
leaf("leafEd25519", { key: "ed" });
leaf("leaf521", { key: "ec521" });
pki.cert("self", { cn: "device", san: "DNS:device.example", eku: "serverAuth", ca: false });
pki.cert("other", { cn: "Other Root", ca: true });
// four certificates: root <- i1 <- i2 <- leaf4
pki.cert("i1", { cn: "Intermediate 1", ca: true, issuer: "root" });
pki.cert("i2", { cn: "Intermediate 2", ca: true, issuer: "i1" });
leaf("leaf4", { issuer: "i2" });
// path lengths
pki.cert("p1", { cn: "PathLen 0", key: "i1", ca: true, pathlen: 0, issuer: "root" });
pki.cert("p2", { cn: "Below PathLen 0", key: "i2", ca: true, issuer: "p1", issuerKey: "i1" });
leaf("leafP", { issuer: "p2", issuerKey: "i2" });
pki.cert("q1", { cn: "PathLen 1", key: "i1", ca: true, pathlen: 1, issuer: "root" });
pki.cert("q2", { cn: "Below PathLen 1", key: "i2", ca: true, issuer: "q1", issuerKey: "i1" });
leaf("leafQ", { issuer: "q2", issuerKey: "i2" });
pki.cert("root2", { cn: "Root PathLen 0", ca: true, pathlen: 0 });
pki.cert("r2i1", { cn: "Under Root PathLen 0", key: "i1", ca: true, issuer: "root2" });
pki.cert("r2i2", { cn: "Second under Root PathLen 0", key: "i2", ca: true, issuer: "r2i1", issuerKey: "i1" });
leaf("leafR2", { issuer: "r2i2", issuerKey: "i2" });
// issuers that may not issue
const interLike = (name, options) => pki.cert(name, { key: "x", issuer: "root", ...options });
interLike("notCA", { cn: "Not a CA", ca: false });
interLike("noBC", { cn: "No basicConstraints" });
interLike("noCertSign", { cn: "No keyCertSign", ca: true, keyUsage: "critical,digitalSignature,cRLSign" });
interLike("clientOnly", { cn: "Client-only CA", ca: true, eku: "clientAuth" });
interLike("anyEkuCA", { cn: "Any-EKU CA", ca: true, eku: "anyExtendedKeyUsage" });
interLike("ncDNS", { cn: "Permits .example.com", ca: true, nameConstraints: "critical,permitted;DNS:.example.com" });
interLike("ncExcluded", { cn: "Excludes bad.example.com", ca: true, nameConstraints: "critical,excluded;DNS:bad.example.com" });
interLike("ncIP", { cn: "Permits 10.0.0.0 mask 8", ca: true, nameConstraints: "critical,permitted;IP:10.0.0.0/255.0.0.0,permitted;DNS:example.com" });
interLike("sha1CA", { cn: "SHA-1 signed CA", ca: true, md: "sha1" });
pki.cert("weakCA", { cn: "RSA-1024 CA", key: "rsa1024", ca: true, issuer: "root" });
const under = (name, issuer, options = {}) => leaf(name, { issuer, issuerKey: issuer === "weakCA" ? "rsa1024" : "x", ...options });
interLike("impostor", { cn: "Test Intermediate", o: "x509 tests", ca: true });
leaf("leafNoAki", { aki: false });
under("leafNotCA", "notCA");
under("leafNoBC", "noBC");
under("leafNoCertSign", "noCertSign");
under("leafClientOnly", "clientOnly");
under("leafAnyEkuCA", "anyEkuCA");
under("leafNCgood", "ncDNS", { san: "DNS:ok.example.com" });
under("leafNCbad", "ncDNS", { san: "DNS:ok.example.com,DNS:evil.org" });
under("leafExclBad", "ncExcluded", { san: "DNS:bad.example.com" });
under("leafExclWild", "ncExcluded", { san: "DNS:*.example.com" });
under("leafExclOk", "ncExcluded", { san: "DNS:good.example.com" });
under("leafIPbad", "ncIP", { san: "DNS:example.com,IP:192.0.2.7" });
under("leafIPgood", "ncIP", { san: "DNS:www.example.com,IP:10.1.2.3" });
under("leafUnderSha1", "sha1CA");
under("leafUnderWeak", "weakCA");
// P-384
pki.cert("root384", { cn: "Root P-384", ca: true, md: "sha384" });
pki.cert("inter384", { cn: "Intermediate P-384", ca: true, issuer: "root384", md: "sha384" });
pki.cert("leaf384", { cn: "leaf384", issuer: "inter384", md: "sha384", san: "DNS:leaf.example.com" });
// RSA
pki.cert("rsaRoot", { cn: "RSA Root 3072", key: "rsa3072", ca: true, md: "sha384" });
pki.cert("rsaInter", { cn: "RSA Intermediate", key: "rsaA", ca: true, issuer: "rsaRoot", issuerKey: "rsa3072", md: "sha384" });
const rsaLeaf = (name, options) => pki.cert(name, { cn: "rsa leaf", key: "rsaB", issuer: "rsaInter", issuerKey: "rsaA", san: "DNS:leaf.example.com", ...options });
rsaLeaf("rsaLeaf", {});
rsaLeaf("rsaLeaf512", { md: "sha512" });
rsaLeaf("rsaPSS", { pss: true });
rsaLeaf("rsaPSS384", { pss: true, md: "sha384" });
rsaLeaf("rsaPSS512", { pss: true, md: "sha512" });
rsaLeaf("rsaSha1", { md: "sha1" });
rsaLeaf("rsaMd5", { md: "md5" });
rsaLeaf("ecUnderRsa", { key: "leaf" });

// ---- surgery: malformed certificates and a bad signature
const leafDer = readFileSync(pki.der("leaf"));
const mutate = (name, fn) => pki.write(`${name}.der`, fn(dissectCertificate(leafDer)));
const flipped = Buffer.from(leafDer);
flipped[flipped.length - 3] ^= 0x01;
pki.write("leafBadSig.der", flipped);
const interFlipped = Buffer.from(readFileSync(pki.der("inter")));
interFlipped[interFlipped.length - 3] ^= 0x01;
pki.write("interBadSig.der", interFlipped);
mutate("dupExtension", (p) => { const e = extensionsOf(p); return assemble(withExtensions(p, [...e, e.find((x) => extensionOid(x) === OID_SAN)])); });
mutate("criticalFalse", (p) => {
  const e = extensionsOf(p).map((x) => {
    if (extensionOid(x) !== OID_SAN) return x;
    const bytes = new Uint8Array(x);
    const oidLength = bytes[3] + 2;
    return encode(0x30, bytes.subarray(2, 2 + oidLength), Buffer.from([1, 1, 0]), bytes.subarray(2 + oidLength));
  });
  return assemble(withExtensions(p, e));
});
mutate("explicitV1", (p) => assemble({ ...p, tbsFields: [Buffer.from("a003020100", "hex"), ...p.tbsFields.slice(1)] }));
mutate("version4", (p) => assemble({ ...p, tbsFields: [Buffer.from("a003020103", "hex"), ...p.tbsFields.slice(1)] }));
mutate("v1WithExtensions", (p) => assemble({ ...p, tbsFields: p.tbsFields.slice(1) }));
mutate("algorithmMismatch", (p) => assemble({ ...p, algorithm: Buffer.from("300a06082a8648ce3d040303", "hex") }));
mutate("emptyExtensions", (p) => assemble({ ...p, tbsFields: p.tbsFields.map((f) => (f[0] === 0xa3 ? Buffer.from("a3023000", "hex") : f)) }));
mutate("longSerial", (p) => { const t = [...p.tbsFields]; t[fieldIndex(p, 0)] = encode(0x02, Buffer.alloc(22, 0x11)); return assemble({ ...p, tbsFields: t }); });
mutate("noSeconds", (p) => { const t = [...p.tbsFields]; t[fieldIndex(p, 3)] = encode(0x30, encode(0x17, Buffer.from("2601010000Z")), encode(0x17, Buffer.from("3601010000Z"))); return assemble({ ...p, tbsFields: t }); });
mutate("emptySAN", (p) => assemble(withExtensions(p, extensionsOf(p).map((x) => (extensionOid(x) === OID_SAN ? encode(0x30, Buffer.from("0603551d11", "hex"), encode(0x04, encode(0x30))) : x)))));
mutate("ip5", (p) => assemble(withExtensions(p, extensionsOf(p).map((x) => (extensionOid(x) === OID_SAN ? encode(0x30, Buffer.from("0603551d11", "hex"), encode(0x04, encode(0x30, encode(0x87, Buffer.from([1, 2, 3, 4, 5]))))) : x)))));
mutate("signatureUnusedBits", (p) => assemble({ ...p, signature: Buffer.concat([p.signature.subarray(0, p.signature.length - p.signature[1]), Buffer.from([1]), p.signature.subarray(p.signature.length - p.signature[1] + 1)]) }));
pki.write("trailing.der", Buffer.concat([leafDer, Buffer.from([0])]));
pki.write("truncated.der", leafDer.subarray(0, leafDer.length - 10));
pki.write("indefinite.der", Buffer.concat([Buffer.from([0x30, 0x80]), leafDer.subarray(leafDer[1] & 0x80 ? 2 + (leafDer[1] & 0x7f) : 2), Buffer.from([0, 0])]));
pki.write("nonMinimal.der", Buffer.concat([Buffer.from([0x30, 0x83, 0]), leafDer.subarray(2, 4), leafDer.subarray(4)]));

// ---- the cases: expect "ok" or an error code (and optionally a message part)
const D = (name) => pki.der(name);
const ec = { intermediates: [D("inter")], roots: [D("root")], store: false };
const cases = [
  // accepted
  { name: "ECDSA P-256 chain", peer: D("leaf"), ...ec, serverName: "leaf.example.com", expect: "ok", path: ["leaf.example.com", "Test Intermediate", "Test Root"] },
  { name: "the device clock when no time is given", peer: D("leaf"), ...ec, serverName: "leaf.example.com", expect: "ok" },
  { name: "a time within the validity period", peer: D("leaf"), ...ec, time: now + 10 * DAY, expect: "ok" },
  { name: "no server name: the name is not checked", peer: D("leaf"), ...ec, expect: "ok" },
  { name: "ECDSA P-384 chain (SHA-384)", peer: D("leaf384"), intermediates: [D("inter384")], roots: [D("root384")], store: false, serverName: "leaf.example.com", expect: "ok", path: ["leaf384", "Intermediate P-384", "Root P-384"] },
  { name: "RSA-3072 root, RSA-2048 intermediate and leaf (SHA-384, SHA-256)", peer: D("rsaLeaf"), intermediates: [D("rsaInter")], roots: [D("rsaRoot")], store: false, serverName: "leaf.example.com", expect: "ok", leafKey: "rsa" },
  { name: "RSA PKCS#1 SHA-512 signature", peer: D("rsaLeaf512"), intermediates: [D("rsaInter")], roots: [D("rsaRoot")], store: false, expect: "ok" },
  { name: "RSA-PSS SHA-256 signature", peer: D("rsaPSS"), intermediates: [D("rsaInter")], roots: [D("rsaRoot")], store: false, expect: "ok" },
  { name: "RSA-PSS SHA-384 signature", peer: D("rsaPSS384"), intermediates: [D("rsaInter")], roots: [D("rsaRoot")], store: false, expect: "ok" },
  { name: "RSA-PSS SHA-512 signature", peer: D("rsaPSS512"), intermediates: [D("rsaInter")], roots: [D("rsaRoot")], store: false, expect: "ok" },
  { name: "ECDSA leaf under RSA CAs", peer: D("ecUnderRsa"), intermediates: [D("rsaInter")], roots: [D("rsaRoot")], store: false, expect: "ok", leafKey: "ec" },
  { name: "four certificates out of order, with the root and an unrelated certificate", peer: D("leaf4"), intermediates: [D("i1"), D("other"), D("root"), D("i2")], roots: [D("root")], store: false, expect: "ok", path: ["leaf.example.com", "Intermediate 2", "Intermediate 1", "Test Root"] },
  { name: "the root sent by the peer", peer: D("leaf"), intermediates: [D("inter"), D("root")], roots: [D("root")], store: false, expect: "ok", path: ["leaf.example.com", "Test Intermediate", "Test Root"] },
  { name: "an intermediate given as a trust anchor", peer: D("leaf"), roots: [D("inter")], store: false, expect: "ok", path: ["leaf.example.com", "Test Intermediate"] },
  { name: "a pinned self-signed server certificate", peer: D("self"), roots: [D("self")], store: false, serverName: "device.example", expect: "ok", path: ["device"], anchor: "roots" },
  { name: "pathLenConstraint 1 with one CA below", peer: D("leafQ"), intermediates: [D("q2"), D("q1")], roots: [D("root")], store: false, expect: "ok" },
  { name: "clientAuth leaf for usage clientAuth", peer: D("leafClient"), ...ec, usage: "clientAuth", expect: "ok" },
  { name: "a leaf without keyUsage and extKeyUsage", peer: D("leafNoEku"), ...ec, expect: "ok" },
  { name: "an intermediate with anyExtendedKeyUsage", peer: D("leafAnyEkuCA"), intermediates: [D("anyEkuCA")], roots: [D("root")], store: false, expect: "ok" },
  { name: "an unknown non-critical extension", peer: D("leafNonCritical"), ...ec, expect: "ok" },
  { name: "a critical certificatePolicies", peer: D("leafPolicy"), ...ec, expect: "ok" },
  { name: "name constraints: a permitted DNS name", peer: D("leafNCgood"), intermediates: [D("ncDNS")], roots: [D("root")], store: false, expect: "ok" },
  { name: "name constraints: outside the excluded subtree", peer: D("leafExclOk"), intermediates: [D("ncExcluded")], roots: [D("root")], store: false, expect: "ok" },
  { name: "name constraints: a permitted IP address", peer: D("leafIPgood"), intermediates: [D("ncIP")], roots: [D("root")], store: false, serverName: "10.1.2.3", expect: "ok" },
  { name: "an unused extra certificate with SHA-1 and an unknown critical extension", peer: D("leaf"), intermediates: [D("leafSha1"), D("leafCritical"), D("inter")], roots: [D("root")], store: false, expect: "ok" },
  { name: "maxDepth 3 with three certificates", peer: D("leaf4"), intermediates: [D("i2"), D("i1")], roots: [D("root")], store: false, maxDepth: 3, expect: "ok" },
  // name checks (RFC 9525)
  ...[
    ["leaf.example.com", "ok"], ["LEAF.Example.COM", "ok"], ["leaf.example.com.", "ok"], ["other.example.com", "nameMismatch"],
    ["example.com", "nameMismatch"], ["192.0.2.7", "ok"], ["192.0.2.8", "nameMismatch"], ["2001:db8::1", "ok"],
    ["2001:DB8:0:0:0:0:0:1", "ok"], ["[2001:db8::1]", "ok"], ["2001:db8::2", "nameMismatch"], ["::ffff:192.0.2.10", "ok"],
    ["192.0.2.10", "nameMismatch"], ["192.0.2.9", "nameMismatch"], ["bücher.example", "nameMismatch"], ["leaf..example.com", "nameMismatch"],
  ].map(([serverName, expect]) => ({ name: `name '${serverName}' against the leaf's names`, peer: D("leaf"), ...ec, serverName, expect })),
  ...[
    ["www.example.com", "ok"], ["WWW.EXAMPLE.COM", "ok"], ["example.com", "nameMismatch"], ["a.b.example.com", "nameMismatch"],
    ["xn--bcher-kva.example.com", "nameMismatch"], ["xn--bcher-kva.example", "ok"], ["foo.co.uk", "nameMismatch"], ["foo.com", "nameMismatch"],
    ["foo.example.org", "nameMismatch"], ["a.b.example.net", "nameMismatch"], ["a.b.example.io", "nameMismatch"], ["x.example.de", "ok"],
    [".example.com", "nameMismatch"],
  ].map(([serverName, expect]) => ({ name: `wildcard: '${serverName}'`, peer: D("wild"), ...ec, serverName, expect })),
  { name: "no subjectAltName: the CN is not used", peer: D("leafNoSan"), ...ec, serverName: "leaf.example.com", expect: "nameMismatch", message: "no subjectAltName" },
  // refused, each with its own code
  { name: "expired (time after notAfter)", peer: D("leaf"), ...ec, time: now + 40 * DAY, expect: "expired", depth: 0 },
  { name: "expired (by the device clock)", peer: D("leafExpired"), ...ec, expect: "expired" },
  { name: "not yet valid", peer: D("leaf"), ...ec, time: now - DAY, expect: "notYetValid" },
  { name: "untrusted root", peer: D("leaf"), intermediates: [D("inter"), D("root")], store: false, expect: "unknownIssuer", message: "self-signed", issuerCN: "Test Root" },
  { name: "no trust anchor at all", peer: D("leaf"), intermediates: [D("inter")], store: false, expect: "unknownIssuer", issuerCN: "Test Root" },
  { name: "missing intermediate", peer: D("leaf"), roots: [D("root")], store: false, expect: "unknownIssuer", issuerCN: "Test Intermediate", message: "did not send it" },
  { name: "self-signed server certificate not pinned", peer: D("self"), store: false, expect: "unknownIssuer", message: "self-signed" },
  { name: "intermediate that is not a CA (cA FALSE)", peer: D("leafNotCA"), intermediates: [D("notCA")], roots: [D("root")], store: false, expect: "notCA", depth: 1 },
  { name: "intermediate without basicConstraints", peer: D("leafNoBC"), intermediates: [D("noBC")], roots: [D("root")], store: false, expect: "notCA" },
  { name: "path length exceeded", peer: D("leafP"), intermediates: [D("p2"), D("p1")], roots: [D("root")], store: false, expect: "pathLength" },
  { name: "path length exceeded under a root's pathLenConstraint", peer: D("leafR2"), intermediates: [D("r2i2"), D("r2i1")], roots: [D("root2")], store: false, expect: "pathLength" },
  { name: "leaf for clientAuth only", peer: D("leafClient"), ...ec, expect: "extendedKeyUsage" },
  { name: "leaf with anyExtendedKeyUsage only", peer: D("leafAnyEku"), ...ec, expect: "extendedKeyUsage" },
  { name: "serverAuth leaf for usage clientAuth", peer: D("leaf"), ...ec, usage: "clientAuth", expect: "extendedKeyUsage" },
  { name: "intermediate for clientAuth only", peer: D("leafClientOnly"), intermediates: [D("clientOnly")], roots: [D("root")], store: false, expect: "extendedKeyUsage" },
  { name: "leaf keyUsage without digitalSignature", peer: D("leafKU"), ...ec, expect: "keyUsage" },
  { name: "CA keyUsage without keyCertSign", peer: D("leafNoCertSign"), intermediates: [D("noCertSign")], roots: [D("root")], store: false, expect: "keyUsage" },
  { name: "bad signature on the leaf", peer: D("leafBadSig"), ...ec, expect: "badSignature" },
  { name: "bad signature on the intermediate", peer: D("leaf"), intermediates: [D("interBadSig")], roots: [D("root")], store: false, expect: "badSignature", depth: 1 },
  { name: "an issuer with the right name but another key id is passed over", peer: D("leaf"), intermediates: [D("impostor")], roots: [D("root")], store: false, expect: "unknownIssuer", issuerCN: "Test Intermediate" },
  { name: "the impostor first, then the real issuer", peer: D("leaf"), intermediates: [D("impostor"), D("inter")], roots: [D("root")], store: false, expect: "ok", path: ["leaf.example.com", "Test Intermediate", "Test Root"] },
  { name: "no authority key id: the impostor's key does not verify", peer: D("leafNoAki"), intermediates: [D("impostor")], roots: [D("root")], store: false, expect: "badSignature", depth: 0 },
  { name: "no authority key id: the impostor, then the real issuer", peer: D("leafNoAki"), intermediates: [D("impostor"), D("inter")], roots: [D("root")], store: false, expect: "ok" },
  { name: "RSA-1024 leaf", peer: D("leaf1024"), ...ec, expect: "weakKey" },
  { name: "RSA-1024 intermediate", peer: D("leafUnderWeak"), intermediates: [D("weakCA")], roots: [D("root")], store: false, expect: "weakKey" },
  { name: "SHA-1 signature (ECDSA)", peer: D("leafSha1"), ...ec, expect: "weakAlgorithm" },
  { name: "SHA-1 signature (RSA)", peer: D("rsaSha1"), intermediates: [D("rsaInter")], roots: [D("rsaRoot")], store: false, expect: "weakAlgorithm" },
  { name: "MD5 signature", peer: D("rsaMd5"), intermediates: [D("rsaInter")], roots: [D("rsaRoot")], store: false, expect: "weakAlgorithm" },
  { name: "SHA-1 signed intermediate", peer: D("leafUnderSha1"), intermediates: [D("sha1CA")], roots: [D("root")], store: false, expect: "weakAlgorithm", depth: 1 },
  { name: "Ed25519 leaf key", peer: D("leafEd25519"), ...ec, expect: "unsupportedAlgorithm" },
  { name: "P-521 leaf key", peer: D("leaf521"), ...ec, expect: "unsupportedAlgorithm" },
  { name: "unknown critical extension", peer: D("leafCritical"), ...ec, expect: "unsupportedCritical" },
  { name: "name constraints: a DNS name outside the permitted subtree", peer: D("leafNCbad"), intermediates: [D("ncDNS")], roots: [D("root")], store: false, expect: "nameConstraints", message: "evil.org" },
  { name: "name constraints: an excluded DNS name", peer: D("leafExclBad"), intermediates: [D("ncExcluded")], roots: [D("root")], store: false, expect: "nameConstraints" },
  { name: "name constraints: a wildcard that covers an excluded name", peer: D("leafExclWild"), intermediates: [D("ncExcluded")], roots: [D("root")], store: false, expect: "nameConstraints" },
  { name: "name constraints: an IP address outside the permitted subtree", peer: D("leafIPbad"), intermediates: [D("ncIP")], roots: [D("root")], store: false, expect: "nameConstraints", message: "192.0.2.7" },
  { name: "depth exceeded", peer: D("leaf4"), intermediates: [D("i2"), D("i1")], roots: [D("root")], store: false, maxDepth: 2, expect: "depthExceeded" },
  { name: "device clock not set", peer: D("leaf"), ...ec, clock: 1000, expect: "clockNotSet", message: "clock is not set" },
  { name: "device clock not set, but a time is given", peer: D("leaf"), ...ec, clock: 1000, time: now + 3600, expect: "ok" },
  // malformed DER
  ...[
    ["dupExtension", "appears twice"], ["criticalFalse", "critical FALSE"], ["explicitV1", "version 1 encoded"], ["version4", "unknown version"],
    ["v1WithExtensions", "extensions in a version 1"], ["algorithmMismatch", "differs from the TBS"], ["emptyExtensions", "extensions: empty"],
    ["longSerial", "serialNumber: larger than this verifier accepts"], ["noSeconds", "YYMMDDHHMMSSZ"], ["emptySAN", "subjectAltName: empty"], ["ip5", "iPAddress of 5 bytes"],
    ["signatureUnusedBits", "signature"], ["trailing", "Certificate: unexpected bytes at the end"], ["truncated", "runs past the end"], ["indefinite", "indefinite length"],
    ["nonMinimal", "shortest form"],
  ].map(([file, message]) => ({ name: `malformed: ${file}`, peer: D(file), ...ec, expect: "malformed", message })),
  { name: "malformed: an extra certificate", peer: D("leaf"), intermediates: [D("inter"), D("truncated")], roots: [D("root")], store: false, expect: "malformed" },
];

const file = pki.path("cases.json");
writeFileSync(file, JSON.stringify(cases));
const run = await runXsh(join(repo, "tests", "xs", "x509", "verify_cases.js"), [file], { manifest, timeout: 60000 });
const results = new Map(run.lines.filter((l) => l.name).map((l) => [l.name, l]));

test("the verify run completes", () => {
  assert.equal(run.code, 0, explain(run));
  assert.equal(run.lines.at(-1)?.done, cases.length, explain(run));
});

for (const c of cases) {
  test(`verifyChain: ${c.name}: ${c.expect}`, () => {
    const r = results.get(c.name);
    assert.ok(r, `no result\n${explain(run)}`);
    if (c.expect === "ok") {
      assert.equal(r.ok, true, `${r.code}: ${r.message}`);
      if (c.path) assert.deepEqual(r.path.map((p) => p.cn), c.path);
      assert.equal(r.path.at(-1).anchor, c.anchor ?? "roots");
      if (c.leafKey) assert.equal(r.leafKey, c.leafKey);
      return;
    }
    assert.equal(r.ok, false, `accepted: ${JSON.stringify(r.path)}`);
    assert.equal(r.isX509Error, true, `${r.error}: ${r.message}`);
    assert.equal(r.code, c.expect, r.message);
    assert.match(r.message, /^x509: /);
    if (c.message) assert.ok(r.message.includes(c.message), r.message);
    if (c.depth !== undefined) assert.equal(r.depth, c.depth, r.message);
    if (c.issuerCN) {
      assert.equal(r.issuer?.commonName, c.issuerCN, r.message);
      assert.ok(r.message.includes(c.issuerCN), r.message);
      assert.ok(r.message.includes("secure.certificate"), r.message);
    }
  });
}
