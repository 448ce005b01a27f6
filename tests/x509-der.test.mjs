// The strict DER reader (modules/x509/der.ts), plus times and names, on hand-made encodings: what DER
// allows is read, everything else is an X509Error "malformed" whose message says what
// (tests/xs/x509/der_cases.js; one test per case).
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { runXsh, explain, repo } from "./lib/xsh.mjs";

const run = await runXsh(join(repo, "tests", "xs", "x509", "der_cases.js"), [], { manifest: join(repo, "manifest.json") });

test("the DER run completes", () => {
  assert.equal(run.code, 0, explain(run));
  const last = run.lines.at(-1);
  assert.ok(last && last.done >= 54, explain(run));
});

for (const line of run.lines.filter((l) => l.name !== undefined)) {
  test(`DER: ${line.name}`, () => {
    assert.equal(line.ok, true, `expected ${JSON.stringify(line.expected)}, got ${JSON.stringify(line.got)}`);
  });
}
