// The TLS 1.3-only client profile (manifest_tls13.json: "tls/client12" is tls/no-client12): the
// engine driver and SecureSocket connect over TLS 1.3 (full handshake, HelloRetryRequest,
// resumption), anything that asks for TLS 1.2 is refused with an error that says so (never a
// fallback), a TLS 1.2-only server gets protocol_version, and the profile carries no TLS 1.2 code.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  makeCertificates, runClient, runSecureSocket, withOpenSSL, assertWwwPage, assertHandshakeError, explainRun, tls13Manifest,
} from "./lib/tls-peers.mjs";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repo, startXsh } from "./lib/xsh.mjs";
import { manifestModules, reachable, missingImports } from "../bench/codesize.mjs";

const T = { timeout: 30000 };
const GET = "GET / HTTP/1.0\r\n\r\n";
const manifest = tls13Manifest;
let certs;

before(() => {
  certs = makeCertificates();
});
after(() => certs?.remove());

const certArgs = ["-cert", () => certs.path("p256.crt"), "-key", () => certs.path("p256.key")];
const serverArgs = (...more) => [...certArgs.map((a) => (typeof a === "function" ? a() : a)), "-www", ...more];

test("profile 1.3: the engine connects over TLS 1.3 and offers only TLS 1.3", T, async () => {
  await withOpenSSL(serverArgs("-tls1_3"), async (server) => {
    const r = await runClient(server.port, { request: GET, minVersion: "TLS 1.3", trace: true }, { manifest });
    assertWwwPage(r, server);
    assert.equal(r.first("connected").version, "TLS 1.3");
    assert.ok(r.traces.some((t) => /^sent ClientHello: TLS 1\.3, \d+ suites, key shares x25519$/.test(t)), r.traces.join("\n"));
  });
});

test("profile 1.3: HelloRetryRequest and resumption", T, async () => {
  await withOpenSSL(serverArgs("-tls1_3", "-groups", "P-256"), async (server) => {
    const r = await runClient(server.port, { request: GET, minVersion: "TLS 1.3", resume: true, trace: true }, { manifest });
    assertWwwPage(r, server, 1);
    assert.ok(r.traces.some((t) => t.startsWith("received HelloRetryRequest")), r.traces.join("\n"));
    assert.equal(r.first("connected", 1).resumed, true, explainRun(r, server));
  });
});

test("profile 1.3: an engine that allows TLS 1.2 is refused at construction: \"tls: TLS 1.2 is not in this build\"", T, async () => {
  await withOpenSSL(serverArgs("-tls1_2"), async (server) => {
    const r = await runClient(server.port, { request: GET, minVersion: "TLS 1.2" }, { manifest });
    assert.equal(r.code, 1, explainRun(r, server));
    assert.match(r.stderr, /RangeError: tls: TLS 1\.2 is not in this build/);
    assert.equal(r.first("connected"), undefined);
  });
});

test("profile 1.3: a TLS 1.2-only server gets protocol_version (the engine never falls back)", T, async () => {
  await withOpenSSL(serverArgs("-tls1_2"), async (server) => {
    const r = await runClient(server.port, { request: GET, minVersion: "TLS 1.3" }, { manifest });
    assertHandshakeError(r, explainRun(r, server), { alert: 70, remote: true });   // protocol_version
  });
});

test("profile 1.3: SecureSocket's default is TLS 1.3 here; protocolVersion or maxVersion \"TLS 1.2\" throw from the constructor", T, async () => {
  await withOpenSSL(serverArgs("-tls1_3"), async (server) => {
    const r = await runSecureSocket({ port: server.port, request: GET, secure: { verify: false } }, { manifest });
    assert.equal(r.code, 0, explainRun(r, server));
    assert.equal(r.tls?.version, "TLS 1.3", explainRun(r, server));
    assert.match(r.text, /^HTTP\/1\.0 200 ok/);
    for (const secure of [{ protocolVersion: "TLS 1.2" }, { maxVersion: "TLS 1.2" }]) {
      const bad = await runSecureSocket({ port: server.port, secure: { verify: false, ...secure } }, { manifest });
      assert.equal(bad.code, 1, explainRun(bad));
      assert.match(bad.stderr, /RangeError: securesocket: TLS 1\.2 is not in this build/, JSON.stringify(secure));
    }
  });
});

test("profile 1.3: the manifest is whole and carries no TLS 1.2 client (tls/client12 is tls/no-client12)", () => {
  const modules = manifestModules(manifest);
  assert.deepEqual(missingImports(modules), []);
  assert.match(modules.get("tls/client12"), /\/tls\/no-client12\.js$/);
  assert.ok(!modules.has("crypto/cbc") && !modules.has("tls/prf"));
  const used = reachable(modules, ["securesocket"]);
  assert.ok(used.has("tls/client12") && used.has("tls/client"));
});

test("profile 1.3: manifest_tls13.json is manifest.json but for tls/client12, tls/prf, crypto/cbc and the ECMA-419 socket (kept in step)", () => {
  const full = manifestModules(join(repo, "manifest.json"));
  const small = manifestModules(manifest);
  full.delete("crypto/cbc");
  full.delete("tls/prf");
  full.delete("embedded:io/socket/tcp/tls");   // manifest_ecma419.json, which manifest.json includes
  full.set("tls/client12", small.get("tls/client12"));
  assert.deepEqual([...small].sort(), [...full].sort());
  const read = (name) => JSON.parse(readFileSync(join(repo, name), "utf8"));
  const a = read("manifest.json"), b = read("manifest_tls13.json");
  const crypto = (list) => list.flatMap((m) => (m === "crypto/*" ? [...full.keys()].filter((k) => k.startsWith("crypto/")).sort() : [m]));
  assert.deepEqual(crypto(a.preload).filter((m) => m !== "tls/prf" && m !== "crypto/cbc"), b.preload);
  assert.deepEqual(a.modules["*"], b.modules["*"]);
  assert.deepEqual(a.build, b.build);
  assert.deepEqual(a.resources, b.resources);
  assert.deepEqual(a.platforms, b.platforms);
});

test("profile 1.3: with manifest_ecma419.json included beside it, the ECMA-419 TLS socket is there and connects over TLS 1.3", T, async () => {
  // at the repo's root, as an app's manifest beside ours would be: xsh finds tsc's output for the
  // modules under the first manifest's directory (host/modules.c)
  const both = join(repo, `.manifest-profile13-${process.pid}.json`);
  try {
    writeFileSync(both, JSON.stringify({ include: ["./manifest_tls13.json", "./manifest_ecma419.json"] }));
    const modules = manifestModules(both);
    assert.deepEqual(missingImports(modules), []);
    assert.ok(modules.has("embedded:io/socket/tcp/tls") && !manifestModules(manifest).has("embedded:io/socket/tcp/tls"));
    await withOpenSSL(serverArgs("-tls1_3"), async (server) => {
      const r = await startXsh(join(repo, "tests", "xs", "securesocket", "tlssocket.js"),
        [JSON.stringify({ port: server.port, secure: { verify: false } })], { manifest: both }).done;
      assert.equal(r.code, 0, explainRun(r, server));
      assert.match(r.stdout, /HTTP\/1\.0 200 ok/, explainRun(r, server));
    });
  } finally {
    rmSync(both, { force: true });
  }
});
