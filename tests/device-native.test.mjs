// The C core's device profile: native/ compiled with manifest_device.json's defines
// (SECURESOCKET_NO_SIGN, SECURESOCKET_NO_PRIVATE_KEYS) into build/xsh-device (`make -C host
// xsh-device`, warnings as errors as in the host build), whose left-out host functions throw a specific
// error, while verification works as in the full core (build/xsh), which still loads and signs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { generateKeyPairSync, sign } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repo, jsonLines } from "./lib/xsh.mjs";

const deviceManifest = join(repo, "manifest_device.json");
const script = join(repo, "tests", "xs", "crypto", "device.js");
let dir;

before(() => {
  dir = mkdtempSync(join(tmpdir(), "device-native-"));
  const message = Buffer.from("device profile");
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  for (const [name, pair] of [["ec", ec], ["rsa", rsa]]) {
    writeFileSync(join(dir, `${name}.pkcs8`), pair.privateKey.export({ type: "pkcs8", format: "der" }));
    writeFileSync(join(dir, `${name}.spki`), pair.publicKey.export({ type: "spki", format: "der" }));
  }
  writeFileSync(join(dir, "ec.sig"), sign("sha256", message, { key: ec.privateKey, dsaEncoding: "der" }));
});
after(() => dir && rmSync(dir, { recursive: true, force: true }));

function run(xsh, manifest) {
  const r = spawnSync(xsh, ["--manifest", manifest, script, dir], { encoding: "utf8", timeout: 20000 });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const [line] = jsonLines(r.stdout);
  assert.ok(line, r.stdout);
  return line;
}

test("device C profile: manifest_device.json sets SECURESOCKET_NO_SIGN, SECURESOCKET_NO_PRIVATE_KEYS and SECURESOCKET_NO_CHACHAPOLY for every platform", () => {
  const m = JSON.parse(readFileSync(deviceManifest, "utf8"));
  for (const flags of [m.build.C_FLAGS, m.platforms.esp.build.C_FLAGS, m.platforms.esp32.build.C_FLAGS])
    for (const define of ["-DSECURESOCKET_NO_SIGN", "-DSECURESOCKET_NO_PRIVATE_KEYS", "-DSECURESOCKET_NO_CHACHAPOLY"])
      assert.ok(flags.split(" ").includes(define), `${define} in ${flags}`);
});

test("device C profile: native/ builds with its defines (warnings as errors), and signing, private keys and ChaCha20-Poly1305 throw \"not in this build\"", { timeout: 180000 }, () => {
  const make = spawnSync("make", ["-s", "-C", join(repo, "host"), "-j2", "xsh-device"], { encoding: "utf8" });
  assert.equal(make.status, 0, make.stderr + make.stdout);
  const refused = (message) => ({ error: { type: "Error", message } });
  const noSign = refused("crypto: signing is not in this build");
  const noPrivate = refused("crypto: private keys are not in this build");
  const noChacha = { error: { type: "RangeError", message: "crypto: ChaCha20-Poly1305 is not in this build" } };
  const sealed = { value: 16 };   // no plaintext (the buffer is the tag's room): the tag's 16 bytes
  assert.deepEqual(run(join(repo, "build", "xsh-device"), deviceManifest), {
    privateEC: noPrivate, privateRSA: noPrivate, signECDSA: noSign, signPKCS1: noSign, signPSS: noSign, signScheme: noSign, verify: { value: true },
    chacha: noChacha, aesGcm: sealed,
  });
  // the device core under the full profile's JS (crypto/signature's wrappers, not the device profile's
  // crypto/no-sign): the natives themselves refuse, with the same errors
  assert.deepEqual(run(join(repo, "build", "xsh-device"), join(repo, "manifest_tls13.json")), {
    privateEC: noPrivate, privateRSA: noPrivate, signECDSA: noSign, signPKCS1: noSign, signPSS: noSign, signScheme: noSign, verify: { value: true },
    chacha: noChacha, aesGcm: sealed,
  });
  // the same script in the full core: the keys load and sign (so the refusals above are the profile's)
  assert.deepEqual(run(join(repo, "build", "xsh"), join(repo, "manifest.json")), {
    privateEC: { value: true }, privateRSA: { value: true }, signECDSA: { value: true }, signPKCS1: { value: true }, signPSS: { value: true }, signScheme: { value: true }, verify: { value: true },
    chacha: sealed, aesGcm: sealed,
  });
});
