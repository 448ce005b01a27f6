// libFuzzer harnesses for native/ (fuzz/*.c, tools/fuzz-native.mjs, docs/HOSTILE.md): a short budget
// of each, built with clang, AddressSanitizer and UBSan. Each harness must run (more iterations than
// it has seeds: it got past the seed corpus and mutated) and find nothing: no crash, no sanitizer
// report, no leak, no failed check. Longer runs: npm run fuzz:native -- --seconds N.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HARNESSES, build, writeSeeds, run } from "../tools/fuzz-native.mjs";

// seconds per harness: fuzz_ecdh's seeds include P-384 (mbedtls, slow under ASan): on a loaded
// machine 10 s did not always get past them
const SECONDS = 10;
const seconds = (name) => (name === "ecdh" ? 3 : name === "sign" ? 2 : 1) * SECONDS;
let seeds;

before(() => {
  build();
  seeds = writeSeeds();
}, { timeout: 600000 });

for (const name of HARNESSES) {
  test(`fuzz_${name}: ${seconds(name)} s under ASan and UBSan, more iterations than seeds, nothing found`, { timeout: (seconds(name) + 150) * 1000 }, async () => {
    assert.ok(seeds[name] > 0, `no seeds for ${name}`);
    const corpus = mkdtempSync(join(tmpdir(), `fuzz-${name}-`));   /* the seeds only, not a corpus kept from longer runs */
    const r = await run(name, seconds(name), corpus).finally(() => rmSync(corpus, { recursive: true, force: true }));
    assert.equal(r.finding, null, `fuzz_${name} found something: ${JSON.stringify(r.finding)}\n${r.output.split("\n").filter((l) => /ERROR|SUMMARY|#\d+ in |fuzz:|runtime error/.test(l)).slice(0, 40).join("\n")}`);
    assert.ok(r.iterations > 0, `fuzz_${name} ran no iteration`);
    assert.ok(r.iterations > seeds[name], `fuzz_${name}: ${r.iterations} iterations, not past its ${seeds[name]} seeds`);
  });
}
