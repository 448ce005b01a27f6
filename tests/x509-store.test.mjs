// The CA store: the committed default store (modules/x509/ca) loads and finds every root; ca:build
// writes what castore.ts reads; verification takes its roots from the store (whole bundle, or only
// the per-root records a manifest lists) and, when the store knows a root this build lacks, says
// which resource to add; ca:select names the roots that chains (files, or servers on loopback via
// openssl s_client) need and prints manifest lines that are enough to verify them.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { runXsh, explain, repo, closedPort, delay, projectModules } from "./lib/xsh.mjs";
import { PKI } from "./fixtures/x509/pki.mjs";

const T = { timeout: 60000 };
const pki = new PKI();
const servers = [];
after(() => {
  for (const s of servers) s.kill("SIGKILL");
  pki.remove();
});

const node = (script, args) => spawnSync(process.execPath, [join(repo, "tools", script), ...args], { encoding: "utf8", timeout: 60000 });
const caseFile = (name, cases) => {
  const file = pki.path(`${name}.json`);
  writeFileSync(file, JSON.stringify(cases));
  return file;
};
const js = join(repo, "build", "js", "modules");
/** a manifest with our modules and these resources (absolute paths, no extension) */
const manifestWith = (name, resources) => pki.write(`${name}.manifest.json`, JSON.stringify({
  modules: { ...projectModules("x509"), "crypto/*": join(js, "crypto", "*") },
  resources: { "*": resources },
}));

// a PKI whose root goes into a test store; "other" is a second root of the store
for (const n of ["root", "inter", "leaf", "other", "lonely"]) pki.key(n, "ec256");
pki.cert("root", { cn: "Store Root", o: "x509 store tests", ca: true });
pki.cert("other", { cn: "Other Store Root", ca: true });
pki.cert("lonely", { cn: "Not In The Store", ca: true });
pki.cert("inter", { cn: "Store Intermediate", ca: true, issuer: "root" });
pki.cert("leaf", { cn: "store.example", issuer: "inter", san: "DNS:store.example" });
pki.cert("stray", { cn: "stray.example", key: "leaf", issuer: "lonely", san: "DNS:stray.example" });
const chainPem = pki.write("chain.pem", readFileSync(pki.pem("leaf"), "utf8") + readFileSync(pki.pem("inter"), "utf8"));
const strayPem = pki.write("stray.pem", readFileSync(pki.pem("stray"), "utf8"));

const store = pki.path("store");
const build = node("ca-build.mjs", ["--out", store, pki.pem("root"), pki.pem("other")]);
const listed = existsSync(join(store, "roots.json")) ? JSON.parse(readFileSync(join(store, "roots.json"), "utf8")) : [];
const rootId = listed.find((r) => r.cn === "Store Root")?.id;
const verifyCase = { name: "leaf", peer: pki.der("leaf"), intermediates: [pki.der("inter")], serverName: "store.example" };
const cases = caseFile("store-cases", [verifyCase]);
const runs = {
  bundle: await runXsh(join(repo, "tests", "xs", "x509", "verify_cases.js"), [cases], { manifest: manifestWith("bundle", [join(store, "ca-index"), join(store, "ca-roots")]) }),
  record: await runXsh(join(repo, "tests", "xs", "x509", "verify_cases.js"), [cases], { manifest: manifestWith("record", [join(store, "ca-index"), join(store, "roots", `ca_${rootId}`)]) }),
  indexOnly: await runXsh(join(repo, "tests", "xs", "x509", "verify_cases.js"), [cases], { manifest: manifestWith("indexOnly", [join(store, "ca-index"), join(store, "roots", `ca_${listed.find((r) => r.cn !== "Store Root")?.id}`)]) }),
  none: await runXsh(join(repo, "tests", "xs", "x509", "verify_cases.js"), [cases], { manifest: manifestWith("none", []) }),
};
const committed = await runXsh(join(repo, "tests", "xs", "x509", "castore_check.js"), [], { manifest: join(repo, "manifest.json") });

// ca:select on a file, on a server on loopback, and on a chain whose root the store lacks
const selectOut = pki.path("selected");
const fromFile = node("ca-select.mjs", ["--source", pki.pem("root"), "--source", pki.pem("other"), "--out", selectOut, "--json", chainPem]);
const port = await closedPort();
const server = spawn("openssl", ["s_server", "-accept", `127.0.0.1:${port}`, "-cert", pki.pem("leaf"), "-key", pki.path("leaf.key"),
  "-cert_chain", pki.pem("inter"), "-naccept", "1"], { stdio: ["pipe", "pipe", "pipe"] });
servers.push(server);
let serverOutput = "";
server.stdout.on("data", (d) => (serverOutput += d));
server.stderr.on("data", (d) => (serverOutput += d));
for (let i = 0; i < 100 && !serverOutput.includes("ACCEPT"); i++) await delay(50);
const fromServer = await new Promise((resolve) => {
  const child = spawn(process.execPath, [join(repo, "tools", "ca-select.mjs"), "--source", pki.pem("root"), "--out", pki.path("selected2"), "--json", `127.0.0.1:${port}`], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "", stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), 30000);
  child.on("close", (status) => {
    clearTimeout(timer);
    resolve({ status, stdout, stderr });
  });
});
const missing = node("ca-select.mjs", ["--source", pki.pem("root"), "--out", pki.path("selected3"), "--json", strayPem]);
const human = node("ca-select.mjs", ["--source", pki.pem("root"), "--out", pki.path("selected4"), chainPem]);
const selected = fromFile.status === 0 ? JSON.parse(fromFile.stdout) : undefined;
const lineRun = selected && await runXsh(join(repo, "tests", "xs", "x509", "verify_cases.js"), [cases], { manifest: manifestWith("selected", selected.lines) });
const debian = "/usr/share/ca-certificates/mozilla";
const mozilla = node("ca-build.mjs", ["--out", pki.path("mozilla")]);

test("the committed CA store: every record parses, is found by its name, and its key loads", T, () => {
  assert.equal(committed.code, 0, explain(committed));
  const r = committed.lines[0];
  const roots = JSON.parse(readFileSync(join(repo, "modules", "x509", "ca", "roots.json"), "utf8"));
  assert.equal(r.size, roots.length);
  assert.ok(r.size > 100, `only ${r.size} roots`);
  assert.deepEqual(r.failures, []);
  assert.equal(r.records, r.size);
  assert.equal(r.found, r.size);
  assert.equal(r.keys, r.size);
  assert.ok(readFileSync(join(repo, "modules", "x509", "ca", "ca-roots.bin")).length < 300 * 1024);
});

test("ca:build writes the index, the bundle, one record per root and the list", () => {
  assert.equal(build.status, 0, build.stderr + build.stdout);
  assert.match(build.stdout, /ca:build: 2 roots/);
  assert.equal(listed.length, 2);
  for (const root of listed) assert.ok(existsSync(join(store, "roots", `ca_${root.id}.bin`)), root.id);
  const index = readFileSync(join(store, "ca-index.bin"));
  assert.equal(index.subarray(0, 4).toString(), "X5CI");
  assert.equal(index.readUInt16BE(6), 2);
  assert.ok(index.readUInt32BE(8) <= index.readUInt32BE(24), "sorted by name hash");
});

test("ca:build from Debian's Mozilla roots", () => {
  assert.ok(existsSync(debian), `${debian} is missing: tools/deps.sh installs ca-certificates`);
  assert.equal(mozilla.status, 0, mozilla.stderr + mozilla.stdout);
  const count = Number(/ca:build: (\d+) roots/.exec(mozilla.stdout)?.[1]);
  assert.ok(count > 100, mozilla.stdout);
  assert.equal(readdirSync(pki.path("mozilla/roots")).length, count);
});

test("verification with the store's bundle: the root comes from the store", () => {
  assert.equal(runs.bundle.code, 0, explain(runs.bundle));
  const r = runs.bundle.lines[0];
  assert.equal(r.ok, true, r.message);
  assert.deepEqual(r.path.map((p) => p.cn), ["store.example", "Store Intermediate", "Store Root"]);
  assert.equal(r.path.at(-1).anchor, "store");
});

test("verification with only the root's own record (a pruned manifest)", () => {
  const r = runs.record.lines[0];
  assert.equal(r?.ok, true, explain(runs.record));
  assert.equal(r.path.at(-1).anchor, "store");
});

test("a root the store knows but the build lacks: unknownIssuer names the resource to add", () => {
  const r = runs.indexOnly.lines[0];
  assert.equal(r?.ok, false, explain(runs.indexOnly));
  assert.equal(r.code, "unknownIssuer");
  assert.equal(r.issuer.storeId, rootId);
  assert.equal(r.issuer.commonName, "Store Root");
  assert.equal(r.issuer.organization, "x509 store tests");
  assert.ok(r.message.includes(`ca_${rootId}`), r.message);
  assert.ok(r.message.includes("manifest"), r.message);
});

test("no CA store in the build: unknownIssuer says how to add the root", () => {
  const r = runs.none.lines[0];
  assert.equal(r?.code, "unknownIssuer", explain(runs.none));
  assert.ok(r.message.includes("Store Root") && r.message.includes("secure.certificate") && r.message.includes("ca:select"), r.message);
  assert.ok(r.issuer.keyId, "the issuer's key id is given");
});

test("ca:select on a PEM chain names its root and the manifest lines", () => {
  assert.equal(fromFile.status, 0, fromFile.stderr + fromFile.stdout);
  assert.deepEqual(selected.roots, [rootId]);
  assert.deepEqual(selected.results[0].chain, ["CN=store.example", "CN=Store Intermediate"]);
  assert.equal(selected.lines.length, 2);
  assert.ok(selected.lines[0].endsWith("/ca-index"));
  assert.ok(selected.lines[1].endsWith(`/roots/ca_${rootId}`));
  for (const line of selected.lines) assert.ok(existsSync(`${line}.bin`), line);
});

test("the lines ca:select prints are enough to verify the chain", () => {
  const r = lineRun?.lines[0];
  assert.equal(r?.ok, true, lineRun && explain(lineRun));
  assert.equal(r.path.at(-1).anchor, "store");
});

test("ca:select on host:port fetches the chain with openssl s_client", () => {
  assert.equal(fromServer.status, 0, fromServer.stderr + fromServer.stdout + serverOutput);
  const r = JSON.parse(fromServer.stdout);
  assert.deepEqual(r.roots, [rootId]);
  assert.deepEqual(r.results[0].chain, ["CN=store.example", "CN=Store Intermediate"]);
});

test("ca:select on a chain whose root the store lacks says so", () => {
  assert.equal(missing.status, 1);
  const r = JSON.parse(missing.stdout);
  assert.equal(r.results[0].root, null);
  assert.match(r.results[0].error, /no root of the store issued CN=stray\.example/);
});

test("ca:select prints the manifest snippet for people", () => {
  assert.equal(human.status, 0, human.stderr);
  assert.match(human.stdout, /needs root ca_[0-9a-f]{8}: CN=Store Root, O=x509 store tests/);
  assert.match(human.stdout, /"resources": \{/);
  assert.match(human.stdout, /ca-roots/);
});
