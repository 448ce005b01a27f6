// The 32-bit host (build/xsh32, `node tools/build.mjs --xsh32`, gcc-multilib): the same XS, mbedtls and
// natives compiled with -m32, so pointers, size_t and XS slots (16 bytes) have a device's sizes. The
// natives must be right at both widths: every Wycheproof vector and a verified TLS 1.3 GET run in it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const xsh32 = join(root, "build", "xsh32");

test("build/xsh32 is a 32-bit x86 executable", () => {
  const header = readFileSync(xsh32).subarray(0, 20);
  assert.equal(header.subarray(0, 4).toString("latin1"), "\x7fELF");
  assert.equal(header[4], 1, "ELFCLASS32");
  assert.equal(header.readUInt16LE(18), 3, "EM_386");
});

test("xsh32: every Wycheproof vector gives the same results as the 64-bit host", () => {
  const run = spawnSync(xsh32, ["--manifest", join(root, "manifest.json"), join(root, "tests", "xs", "vectors.js"),
    join(root, "tests", "vectors", "wycheproof")], { encoding: "utf8", timeout: 600_000, maxBuffer: 64 << 20 });
  assert.equal(run.error, undefined, String(run.error));
  // the same totals tests/vectors.test.mjs pins for build/xsh (126 documented not-applicable cases)
  assert.match(run.stdout, /^wycheproof: 9103 passed, 0 failed, 126 not applicable$/m, run.stdout.slice(-2000) + run.stderr);
  // native/aesgcm_x86.c is 64-bit only: a 32-bit host uses mbedtls's GCM
  assert.match(run.stdout, /^aes-gcm mbedtls$/m);
});

test("xsh32: the main job (a verified TLS 1.3 HTTPS GET to a local server) works", () => {
  const run = spawnSync(process.execPath, [join(root, "examples", "run.mjs")],
    { encoding: "utf8", timeout: 120_000, env: { ...process.env, XSH: xsh32 } });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout + run.stderr, /^TLS 1\.3, TLS_\w+, x25519$/m);
  assert.match(run.stdout + run.stderr, /^HTTP\/1\.1 200 OK$/m);
  assert.match(run.stdout + run.stderr, /^handshake: \d+ ms; peak above idle during the handshake: XS chunks \d+ bytes, XS slots \d+/m);
});
