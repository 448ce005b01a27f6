// SecureSocket on the server side (new SecureSocket({listener, secure})): the secure dictionary's
// validation (modules/securesocket/serveroptions.ts). Certificates: tests/lib/tls-peers.mjs
// makeServerCertificates(). The XS side: tests/xs/server/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repo, startXsh, explain } from "./lib/xsh.mjs";
import { makeServerCertificates, projectManifest } from "./lib/tls-peers.mjs";

const xsDir = join(repo, "tests", "xs", "server");
const T = { timeout: 60000 };
let certs;
before(() => {
  certs = makeServerCertificates();
});
after(() => certs?.remove());

test("options: missing certificate/key, wrong types, client options, a key that is not the leaf's: TypeError naming the option", T, async () => {
  const dir = mkdtempSync(join(tmpdir(), "server-options-"));
  try {
    copyFileSync(certs.path("server.der"), join(dir, "leaf.der"));
    copyFileSync(certs.path("server.key.der"), join(dir, "leaf.key.der"));
    copyFileSync(certs.path("client.key.der"), join(dir, "other.key.der"));
    copyFileSync(certs.path("ca.der"), join(dir, "ca.der"));
    const r = await startXsh(join(xsDir, "options.js"), [dir], { manifest: projectManifest }).done;
    assert.equal(r.code, 0, explain(r));
    const got = Object.fromEntries(r.lines.filter((l) => l.case).map((l) => [l.case, l]));
    const expect = (name, pattern, type = "TypeError") => {
      assert.ok(got[name], `case ${name}: ${explain(r)}`);
      assert.equal(got[name].name, type, `${name}: ${JSON.stringify(got[name])}`);
      assert.match(got[name].message, pattern, name);
    };
    expect("none", /^securesocket: secure with certificate and key is required for a server/);
    expect("noCertificate", /^securesocket: certificate \(the server's DER chain, leaf first\) is required/);
    expect("noKey", /^securesocket: key \(the server's PKCS#8 DER private key\) is required/);
    expect("certificateString", /^securesocket: certificate must be an ArrayBuffer/);
    expect("emptyChain", /^securesocket: certificate must hold at least the leaf/);
    expect("badKey", /^securesocket: key is not a private key we can use .*crypto: /);
    expect("keyMismatch", /^securesocket: key does not match the public key of certificate\[0\]/);
    expect("notACertificate", /^securesocket: certificate\[0\] is not a certificate we can use: x509: /);
    expect("unknown", /^securesocket: unknown option "bogus" in secure$/);
    expect("clientOption", /^securesocket: unknown option "verify" in secure \(a client option\)/);
    expect("clientSession", /^securesocket: unknown option "session" in secure \(a client option\)/);
    expect("clientCertificatesChain", /^securesocket: clientCertificates must be "request" or "require" on a server/);
    expect("clientCertificatesNoCa", /^securesocket: clientCertificates needs ca/);
    expect("caAlone", /^securesocket: ca \(roots for clients' certificates\) needs clientCertificates/);
    expect("serverNameString", /^securesocket: serverName must be a function/);
    expect("ticketKeyShort", /^securesocket: ticketKey must be 32 bytes/);
    expect("ticketLifetimeBig", /^securesocket: ticketLifetime must be an integer number of seconds from 1 to 604800/);
    expect("ticketsString", /^securesocket: tickets must be a boolean/);
    expect("versionOld", /^securesocket: protocolVersion below TLS 1.2 is not supported/, "RangeError");
    expect("suiteNope", /^securesocket: cipherSuites\[0\]: unknown cipher suite NOPE/);
    assert.deepEqual(got.good, {
      case: "good", ok: true, chain: 2, clientAuthentication: "request", ca: 1, minVersion: 0x303, maxVersion: 0x304,
      suites: 2, groups: [23], alpn: ["h2", "http/1.1"], tickets: false, ticketKey: 32, ticketLifetime: 600,
      sni: {
        "other.test": 1, "unknown.test": "default",
        "bad.test": "securesocket: serverName(): key does not match the public key of serverName(): certificate[0] (the leaf)",
      },
    });
    assert.deepEqual(got.defaults, {
      case: "defaults", ok: true, chain: 1, clientAuthentication: "none", ca: 0, minVersion: 0x303, maxVersion: 0x304,
      suites: 9, groups: [29, 23, 24], tickets: true, sni: {},
    });
    assert.deepEqual(r.lines.at(-1), { end: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
