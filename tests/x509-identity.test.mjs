// The server identity check in C (native/x509_identity.c, RFC 9525 as modules/x509/name.ts has it) in xsh
// (tests/xs/x509/identity_cases.js):
//   - a differential test against name.ts (parseServerName, checkServerIdentity over extensions.ts's
//     parseSubjectAltName): every name of a table against every subjectAltName of a table (wildcards, IDNA,
//     trailing dots, IPv4/IPv6 forms, public suffixes, bad encodings): the same verdict, in the full
//     profile (IPv6 in) and the device profile (build/xsh-device, SECURESOCKET_NO_IPV6; x509/no-ipv6.ts);
//   - hand-written cases with their expected verdicts.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runXsh, explain, repo } from "./lib/xsh.mjs";
import { encode } from "../tools/ca-lib.mjs";

const dir = mkdtempSync(join(tmpdir(), "identity-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const ascii = (s) => Buffer.from(s, "latin1");
const dns = (s) => encode(0x82, ascii(s));
const ip = (...b) => encode(0x87, Buffer.from(b));
const ipv6 = (hex) => encode(0x87, Buffer.from(hex, "hex"));
const san = (...names) => encode(0x30, ...names).toString("hex");
const oid = (hex) => encode(0x06, Buffer.from(hex, "hex"));
const cn = (s) => encode(0x30, encode(0x31, encode(0x30, oid("550403"), encode(0x0c, ascii(s)))));
const hex = (h) => h;

const long = (n, label = "a") => Array.from({ length: n }, () => label).join(".");
export const NAMES = [
  "example.com", "EXAMPLE.com", "Example.COM.", "example.com.", "example.com..", ".example.com", "www.example.com",
  "WWW.Example.Com", "a.b.example.com", "foo.example.co.uk", "example.co.uk", "www.example.de", "x.example.de",
  "foo.com.au", "x.ac.jp", "x.ab.cd", "x.co.ab", "x.gov", "xn--bcher-kva.example.com", "XN--bcher-kva.example.com",
  "xn--.example.com", "xn-a.example.com", "b\u00fccher.example.com", "\u00e9.com", "localhost", "LOCALHOST.", "a", "a.b",
  "a_b.example.com", "-a.example.com", "a-.example.com", "a..b", "", ".", "..", "*.example.com", "f*.example.com",
  "ex ample.com", "example.com:443", "example.com/", "example\u0000.com",
  `${"a".repeat(63)}.com`, `${"a".repeat(64)}.com`, long(126), long(127), `${long(126)}.`, `${long(126)}.a`,
  "192.0.2.1", "192.0.2.1.", "192.000.2.1", "192.0.2.01", "192.0.2", "256.0.0.1", "255.255.255.255", "0.0.0.0",
  "01.2.3.4", "1.2.3.4.5", "1.2.3.-4", "1.2.3.4a", "1234.1.1.1", " 1.2.3.4",
  "::1", "[::1]", "[::1", "::1]", "[ ::1]", "::ffff:192.0.2.1", "[::ffff:192.0.2.1]", "::FFFF:C000:0201", "2001:db8::1",
  "2001:DB8::1", "2001:db8:0:0:0:0:0:1", "2001:0db8:0000::0001", "2001:db8::0:1", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9",
  "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1:2:3:4:5:6:7::8", "1::2::3", ":::1", "::", "[::]", "[]", "[", "]",
  "1:2:3:4:5:6:1.2.3.4", "::1.2.3.4", "::192.0.2.1", "::1.2.3.04", "::1.2.3", "1.2.3.4::", "::1.2.3.4:1", "12345::1",
  "g::1", "1:", ":1", "1::", "0:0:0:0:0:0:0:0", "00000::1", "[1.2.3.4]", "[example.com]", "fe80::1%eth0",
];

const GOOD = {
  "example.com": dns("example.com"), "EXAMPLE.COM": dns("EXAMPLE.COM"), "*.example.com": dns("*.example.com"),
  "*.EXAMPLE.com": dns("*.EXAMPLE.com"), "*.com": dns("*.com"), "*.co.uk": dns("*.co.uk"), "*.example.co.uk": dns("*.example.co.uk"),
  "*.example.de": dns("*.example.de"), "*.de": dns("*.de"), "*.ac.jp": dns("*.ac.jp"), "*.com.au": dns("*.com.au"),
  "*.CO.UK": dns("*.CO.UK"), "*.ab.cd": dns("*.ab.cd"), "*.co.ab": dns("*.co.ab"), "*.co.abc": dns("*.co.abc"),
  "*.police.uk": dns("*.police.uk"), "*.polic.uk": dns("*.polic.uk"),
  "f*.example.com": dns("f*.example.com"), "*.*.example.com": dns("*.*.example.com"), "a.*.example.com": dns("a.*.example.com"),
  "*": dns("*"), "*.": dns("*."), "*..com": dns("*..com"), "*.example.com.": dns("*.example.com."), "example.com.": dns("example.com."),
  "xn--bcher-kva.example.com": dns("xn--bcher-kva.example.com"), "*.xn--bcher-kva.com": dns("*.xn--bcher-kva.com"), "empty": dns(""),
  "www.example.com": dns("www.example.com"), "localhost": dns("localhost"), "a": dns("a"), "192.0.2.1 as DNS": dns("192.0.2.1"),
  "*.2.1 as DNS": dns("*.0.2.1"), "::1 as DNS": dns("::1"), "*.b": dns("*.b"), "*.a.b": dns("*.a.b"), "example.co.uk": dns("example.co.uk"),
  "long": dns(`${"a".repeat(63)}.com`), "long 253": dns(long(127)), "a_b": dns("a_b.example.com"),
  "ip 192.0.2.1": ip(192, 0, 2, 1), "ip 0.0.0.0": ip(0, 0, 0, 0), "ip 255^4": ip(255, 255, 255, 255),
  "ip ::ffff:192.0.2.1": ipv6("00000000000000000000ffffc0000201"), "ip ::1": ipv6("00000000000000000000000000000001"),
  "ip ::": ipv6("00000000000000000000000000000000"), "ip 2001:db8::1": ipv6("20010db8000000000000000000000001"),
  "ip 1:2:..:8": ipv6("00010002000300040005000600070008"), "ip ::1.2.3.4": ipv6("00000000000000000000000001020304"),
  "ip 1:2:3:4:5:6:102:304": ipv6("00010002000300040005000601020304"), "ip 1:2:3:4:5:6:7:0": ipv6("00010002000300040005000600070000"),
  "ip 0:2:..:8": ipv6("00000002000300040005000600070008"),
  "email": encode(0x81, ascii("a@example.com")), "uri": encode(0x86, ascii("https://example.com/")), "registeredID": encode(0x88, Buffer.from("2a03", "hex")),
  "otherName": encode(0xa0, oid("2a03"), encode(0xa0, encode(0x0c, ascii("x")))), "x400": encode(0xa3, encode(0x30)), "edi": encode(0xa5, encode(0x30)),
  "directoryName": encode(0xa4, cn("example.com")), "directoryName empty": encode(0xa4, encode(0x30)),
  "constructed dNSName (passed unread)": encode(0xa2, encode(0x16, ascii("example.com"))), "constructed iPAddress (passed unread)": encode(0xa7, encode(0x04, Buffer.from([192, 0, 2, 1]))),
};
const BAD = {
  "iPAddress of 5 bytes": ip(192, 0, 2, 1, 0), "iPAddress empty": ip(), "iPAddress of 8 bytes": ip(192, 0, 2, 1, 255, 255, 255, 0),
  "iPAddress of 32 bytes": ipv6("20010db8000000000000000000000001".repeat(2)),
  "dNSName not IA5": encode(0x82, Buffer.from("c3bc2e636f6d", "hex")), "email not IA5": encode(0x81, Buffer.from("ff", "hex")),
  "uri not IA5": encode(0x86, Buffer.from("80", "hex")), "email constructed": encode(0xa1, encode(0x16, ascii("a"))),
  "uri constructed": encode(0xa6, ascii("")), "registeredID constructed": encode(0xa8, oid("2a03")), "otherName primitive": encode(0x80, ascii("x")),
  "directoryName primitive": encode(0x84, cn("x")), "x400 primitive": encode(0x83, ascii("")), "edi primitive": encode(0x85, ascii("")),
  "tag [9]": encode(0x89, ascii("x")), "tag [9] constructed": encode(0xa9, encode(0x30)), "universal tag": encode(0x16, ascii("example.com")),
  "application tag": encode(0x42, ascii("x")), "private tag": encode(0xc2, ascii("x")), "high tag": Buffer.from("9f2201", "hex"),
  "directoryName SET": encode(0xa4, encode(0x31)), "directoryName empty RDN": encode(0xa4, encode(0x30, encode(0x31))),
  "directoryName attribute without value": encode(0xa4, encode(0x30, encode(0x31, encode(0x30, oid("550403"))))),
  "directoryName attribute two values": encode(0xa4, encode(0x30, encode(0x31, encode(0x30, oid("550403"), encode(0x0c, ascii("a")), encode(0x0c, ascii("b")))))),
  "directoryName bad OID": encode(0xa4, encode(0x30, encode(0x31, encode(0x30, oid("2a8003"), encode(0x0c, ascii("a")))))),
  "directoryName OID empty": encode(0xa4, encode(0x30, encode(0x31, encode(0x30, oid(""), encode(0x0c, ascii("a")))))),
  "directoryName two Names": encode(0xa4, cn("a"), cn("b")), "directoryName trailing byte": encode(0xa4, cn("a"), Buffer.from([0])),
  "directoryName attribute not SEQUENCE": encode(0xa4, encode(0x30, encode(0x31, encode(0x31, oid("550403"), encode(0x0c, ascii("a")))))),
  "length not minimal": Buffer.from("82810b6578616d706c652e636f6d", "hex"), "indefinite length": Buffer.from("82800000", "hex"),
  "truncated entry": Buffer.from("820c6578616d706c652e636f6d", "hex"), "header only": Buffer.from("82", "hex"),
};
const SANS = [null];
for (const value of Object.values(GOOD)) SANS.push(san(value));
for (const value of Object.values(BAD)) SANS.push(san(value), san(dns("example.com"), value), san(value, ip(192, 0, 2, 1)));
SANS.push(
  san(dns("other.com"), dns("example.com")), san(dns("*.example.com"), ip(192, 0, 2, 1), ipv6("20010db8000000000000000000000001")),
  san(dns("a.example.com"), dns("b.example.com"), dns("*.example.de"), dns("localhost")),
  san(), encode(0x31, dns("example.com")).toString("hex"), `${san(dns("example.com"))}00`, san(dns("example.com")).slice(0, -2),
  "30", "", "3080" + dns("example.com").toString("hex") + "0000", "308100", "30820005" + dns("a").toString("hex"),
  hex("3003820161"), hex("30038201"), hex("3004820161"),
);

// hand-written cases: [name, subjectAltName (hex or null), verdict]
const EXPECT = [
  ["example.com", san(dns("example.com")), "ok"],
  ["EXAMPLE.com.", san(dns("Example.COM")), "ok"],
  ["www.example.com", san(dns("*.example.com")), "ok"],
  ["example.com", san(dns("*.example.com")), "mismatch"],
  ["a.b.example.com", san(dns("*.example.com")), "mismatch"],
  ["xn--bcher-kva.example.com", san(dns("*.example.com")), "mismatch"],
  ["xn--bcher-kva.example.com", san(dns("XN--BCHER-KVA.example.com")), "ok"],
  ["foo.co.uk", san(dns("*.co.uk")), "mismatch"],
  ["foo.example.co.uk", san(dns("*.example.co.uk")), "ok"],
  ["www.example.de", san(dns("*.example.de")), "ok"],
  ["example.com", san(dns("*.com")), "mismatch"],
  ["foo.example.com", san(dns("f*.example.com")), "mismatch"],
  ["a.b.example.com", san(dns("a.*.example.com")), "mismatch"],
  ["www.example.com", san(dns("*.example.com.")), "mismatch"],
  ["b\u00fccher.example.com", san(dns("b\u00fccher.example.com")), "name"],
  ["192.0.2.1", san(ip(192, 0, 2, 1)), "ok"],
  ["192.0.2.1", san(dns("192.0.2.1")), "mismatch"],
  ["192.0.2.1", san(ipv6("00000000000000000000ffffc0000201")), "mismatch"],
  ["::ffff:192.0.2.1", san(ip(192, 0, 2, 1)), "mismatch"],
  ["[2001:db8::1]", san(ipv6("20010db8000000000000000000000001")), "ok"],
  ["2001:DB8:0:0:0:0:0:1", san(ipv6("20010db8000000000000000000000001")), "ok"],
  ["1.2.3.4", san(dns("*.2.3.4")), "mismatch"],
  ["example.com", null, "mismatch"],
  ["example.com", san(), "malformed"],
  ["example.com", san(dns("example.com"), ip(1, 2, 3)), "malformed"],
  ["example.com", san(encode(0x82, Buffer.from([0xc3, 0xa9]))), "malformed"],
  ["", san(dns("example.com")), "name"],
  ["a..b", san(dns("a..b")), "name"],
  [`${"a".repeat(64)}.com`, san(dns(`${"a".repeat(64)}.com`)), "name"],
];

// the device profile refuses IPv6 names (SECURESOCKET_NO_IPV6, x509/no-ipv6.ts): what parseIP reads as IPv6
const isIPv6 = (name) => name.includes(":") || (name.length >= 2 && name.startsWith("[") && name.endsWith("]"));
const casesFile = join(dir, "cases.json"), deviceFile = join(dir, "device.json");
writeFileSync(casesFile, JSON.stringify({ names: NAMES, sans: SANS, expect: EXPECT.map(([name, s, verdict]) => ({ name, san: s, verdict })) }));
writeFileSync(deviceFile, JSON.stringify({ names: NAMES, sans: SANS, expect: EXPECT.map(([name, s, verdict]) => ({ name, san: s, verdict: isIPv6(name) ? "name" : verdict })) }));
const full = await runXsh(join(repo, "tests", "xs", "x509", "identity_cases.js"), [casesFile], { manifest: join(repo, "manifest.json"), timeout: 120000 });
// the device build (build/xsh-device: its natives as the device profile compiles them, SECURESOCKET_NO_IPV6) with the
// JS name checks its profile had before its verifier moved to C (x509/ipv6 is x509/no-ipv6 there)
const deviceManifest = JSON.parse(readFileSync(join(repo, "manifest_device.json"), "utf8"));
const deviceModule = (m) => join(repo, "build", "device", "modules", "x509", m);
for (const m of ["name", "errors", "der", "dn", "extensions", "oids", "parsed", "time"])
  deviceManifest.modules[`x509/${m}`] = deviceModule(m);
deviceManifest.modules["x509/ipv6"] = deviceModule("no-ipv6");
for (const [k, v] of Object.entries(deviceManifest.modules)) if (typeof v === "string" && v.startsWith("./")) deviceManifest.modules[k] = join(repo, v);
deviceManifest.resources = { "*": deviceManifest.resources["*"].map((r) => join(repo, r)) };
const deviceManifestFile = join(dir, "device.manifest.json");
writeFileSync(deviceManifestFile, JSON.stringify(deviceManifest));
const device = await runXsh(join(repo, "tests", "xs", "x509", "identity_cases.js"), [deviceFile],
  { manifest: deviceManifestFile, xsh: join(repo, "build", "xsh-device"), timeout: 120000 });

for (const [profile, run] of [["full profile", full], ["device profile (no IPv6)", device]]) {
  test(`identity in C and in JS agree: ${profile}, ${NAMES.length} names x ${SANS.length} subjectAltNames, ${EXPECT.length} hand-written cases`, () => {
    assert.equal(run.code, 0, explain(run));
    const last = run.lines.at(-1);
    assert.equal(last?.done, NAMES.length * SANS.length + EXPECT.length, explain(run));
    assert.deepEqual(run.lines.slice(0, -1), [], "the cases that differ");
    assert.equal(last.failed, 0);
    // the table exercises every verdict
    for (const verdict of ["ok", "name", "malformed", "mismatch"])
      assert.ok(last.verdicts[verdict] > 0, `${verdict}: ${JSON.stringify(last.verdicts)}`);
  });
}
