// xsh's module resolution (manifest "modules": exact names, "prefix/*" wildcards, "*" lists,
// "include"; relative imports; built-ins first) and Resource over the manifest's "resources",
// with the fixture in tests/fixtures/modules.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runXsh, explain, modulesManifest, fixtures } from "./lib/xsh.mjs";

const T = { timeout: 30000 };

let resolved;
async function resolve() {
  if (!resolved) {
    const r = await runXsh("resolve.js", [], { manifest: modulesManifest });
    assert.equal(r.code, 0, explain(r));
    resolved = r.lines[0];
  }
  return resolved;
}

test("modules: an exact manifest name (\"alpha\": \"./lib/alpha\")", T, async () => {
  const o = await resolve();
  assert.equal(o.alpha, "alpha");
});

test("modules: a wildcard prefix (\"pre/*\": \"./pre/*\"), one level and nested; an exact name wins over it", T, async () => {
  const o = await resolve();
  assert.equal(o.one, "pre/one");
  assert.equal(o.two, "pre/sub/two");
  assert.equal(o.special, "special");
});

test("modules: a \"*\" list names each file by its base name", T, async () => {
  const o = await resolve();
  assert.equal(o.gamma, "gamma");
  assert.equal(o.delta, "delta");
});

test("modules: an included manifest's names resolve beside it, and so do its relative imports", T, async () => {
  const o = await resolve();
  assert.equal(o.beta, "beta+beta_dep");
});

test("modules: relative imports (\"./x.js\", \"../dir/x\" without extension) resolve against the importing file", T, async () => {
  const o = await resolve();
  assert.equal(o.viaRelative, "helper");
  assert.equal(o.viaParent, "up");
  assert.equal(o.relativeFromMain, "helper");
});

test("modules: the host's own modules come first (a manifest \"timer\" does not replace them)", T, async () => {
  const o = await resolve();
  assert.equal(o.builtinTimer, "function");
});

test("modules: the main module may be a manifest name", T, async () => {
  const r = await runXsh("entry", [], { manifest: modulesManifest, raw: true });
  assert.equal(r.code, 0, explain(r));
  assert.deepEqual(r.lines, [{ entry: "ran" }]);
});

test("modules: a missing module exits 1 with an error that names it", T, async () => {
  const r = await runXsh("missing_import.js", [], { manifest: modulesManifest });
  assert.equal(r.code, 1, explain(r));
  assert.match(r.stderr, /xsh: uncaught exception: .*module "no-such-module" not found/);
  assert.equal(r.stdout, "");
});

test("modules: a missing main module exits 1 with an error that names it", T, async () => {
  const r = await runXsh("no_such_main.js", [], { manifest: modulesManifest });
  assert.equal(r.code, 1, explain(r));
  assert.match(r.stderr, /no_such_main\.js.* not found/);
});

test("modules: a missing --manifest file is an error, not a silent empty manifest", T, async () => {
  const r = await runXsh("trace_out.js", [], { manifest: join(fixtures, "no-such-manifest.json") });
  assert.equal(r.code, 1, explain(r));
  assert.match(r.stderr, /manifest not found/);
});

let resources;
async function resourceRun() {
  if (!resources) {
    const r = await runXsh("resources.js", [], { manifest: modulesManifest });
    assert.equal(r.code, 0, explain(r));
    resources = r.lines[0];
  }
  return resources;
}

test("Resource: the bytes of a manifest resource equal the file's", T, async () => {
  const o = await resourceRun();
  const file = readFileSync(join(fixtures, "modules", "data", "blob.bin"));
  assert.equal(o.blobLength, file.length);
  assert.equal(o.blobHex, file.toString("hex"));
  assert.equal(o.readOnly, "TypeError", "a Resource is read-only");
});

test("Resource: exists() is true for listed files (found with an extension), false otherwise", T, async () => {
  const o = await resourceRun();
  assert.equal(o.existsBlob, true);
  assert.equal(o.existsGreeting, true);
  assert.equal(o.existsMissing, false);
  assert.equal(o.existsWithoutExtension, false, "resources are named by their file name");
});

test("Resource: the constructor throws for an unknown name", T, async () => {
  const o = await resourceRun();
  assert.equal(o.missing.error, "URIError");
  assert.match(o.missing.message, /Resource: not found: missing\.bin/);
});

test("Resource: slice(begin, end) copies bytes into an ArrayBuffer", T, async () => {
  const r = await runXsh("resource_slice.js", [], { manifest: modulesManifest });
  assert.equal(r.code, 0, explain(r));
  const file = readFileSync(join(fixtures, "modules", "data", "blob.bin"));
  assert.deepEqual(r.lines[0], {
    slice: [...file.subarray(1, 4)],
    isArrayBuffer: true,
    tail: [...file.subarray(298)],
    greeting: "hello, resource\n",
  });
});
