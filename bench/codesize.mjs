// Code size of our JS modules: the bytecode XS compiles from each module (bench/bytecode_c.c: XS's own
// parser and code generator over tsc's output in build/js/modules, as the host's loader does), summed
// per folder and per manifest: what an app that includes manifest.json (client), manifest_tls13.json (the
// client without TLS 1.2) or manifest_server.json (client and server) carries, module by module. Used by bench/run.mjs for the code size row; run alone
// to print the tables:
//   node bench/codesize.mjs                       (client and server manifests, per module)
//   node bench/codesize.mjs manifests/foo.json    (any manifest, e.g. a profile)
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const build = join(root, "build");
const jsRoot = join(build, "js", "modules");

/** the manifests an app picks, measured side by side (name: path from the repo root) */
export const MANIFESTS = { client: "manifest.json", "client-tls13": "manifest_tls13.json", device: "manifest_device.json", server: "manifest_server.json" };
/** the set issue 7's "JS bytecode <= 64 KB" target judges: the ESP8266 build (bench/report.mjs) */
export const TARGET_SET = "device";

/** host/Makefile's XS_WRAP: the linker flags that wrap XS functions (host/memory.c defines the wrappers) */
function xsWrap() {
  const m = /^XS_WRAP\s*:?=\s*(\S+)\s*$/m.exec(readFileSync(join(root, "host", "Makefile"), "utf8"));
  if (!m) throw new Error("codesize: no XS_WRAP in host/Makefile");
  return m[1];
}

/** bench/bytecode_c.c against the host's objects (all but main.o), with the host's XS flags */
export function buildBytecodeTool() {
  const mbedtls = readdirSync(join(build, "deps")).find((d) => d.startsWith("mbedtls-2.28."));
  const xs = join(build, "deps", "xs");
  const objects = [];
  for (const dir of ["xs", "mbedtls", "native", "gen", "host"])
    for (const f of readdirSync(join(build, "obj", dir)))
      if (f.endsWith(".o") && !(dir === "host" && f === "main.o")) objects.push(join(build, "obj", dir, f));
  const out = join(build, "bench-bytecode");
  execFileSync("cc", ["-O2", "-w", "-DINCLUDE_XSPLATFORM", '-DXSPLATFORM="xsh_platform.h"', "-DmxParse=1", "-DmxRun=1", "-DmxDebug=1",
    "-DmxInstrument=1", "-DmxNoConsole=1", "-DmxRegExpUnicodePropertyEscapes=1", "-DmxStringNormalize=1", "-DmxMinusZero=1",
    `-I${join(xs, "includes")}`, `-I${join(xs, "platforms")}`, `-I${join(xs, "sources")}`, `-I${join(root, "host")}`, `-I${join(root, "native")}`,
    `-I${join(build, "deps", mbedtls, "include")}`, '-DMBEDTLS_CONFIG_FILE="mbedtls_config.h"',
    // some of XS's functions are wrapped by the host (host/memory.c): the same list as host/Makefile's XS_WRAP
    xsWrap(),
    "-o", out, join(root, "bench", "bytecode_c.c"), ...objects, "-lm", "-ldl", "-lpthread"]);
  return out;
}

function listJs(d, files = []) {
  for (const n of readdirSync(d)) {
    const p = join(d, n);
    if (statSync(p).isDirectory()) listJs(p, files);
    else if (p.endsWith(".js")) files.push(p);
  }
  return files;
}

/** Map of file -> {code, symbols, debugCode} for every module of build/js/modules */
export function bytecodeOfModules() {
  const tool = buildBytecodeTool();
  const map = new Map();
  // and the device profile's copies without trace statements (tools/strip-traces.mjs), when built
  const device = join(root, "build", "device", "modules");
  const files = [...listJs(jsRoot), ...(existsSync(device) ? listJs(device) : [])];
  for (const line of execFileSync(tool, files, { encoding: "utf8", maxBuffer: 1 << 24 }).trim().split("\n")) {
    const o = JSON.parse(line);
    map.set(o.file, o);
  }
  return map;
}

/** per top-level folder of build/js/modules: files, JS bytes (and stripped of comments), bytecode */
export function perFolder(bytecode) {
  const dirs = {};
  for (const p of listJs(jsRoot)) {
    const top = relative(jsRoot, p).split("/")[0];
    const text = readFileSync(p, "utf8");
    // comments and indentation removed: closer to what the compiler keeps
    const stripped = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "").replace(/^\s+/gm, "").replace(/\n+/g, "\n");
    dirs[top] ??= { files: 0, bytes: 0, stripped: 0, bytecode: 0, symbols: 0, debugBytecode: 0 };
    dirs[top].files++;
    const b = bytecode?.get(p);
    if (b) { dirs[top].bytecode += b.code; dirs[top].symbols += b.symbols; dirs[top].debugBytecode += b.debugCode; }
    else dirs[top].bytecode = NaN;
    dirs[top].bytes += Buffer.byteLength(text);
    dirs[top].stripped += Buffer.byteLength(stripped);
  }
  return dirs;
}

/**
 * The JS modules a manifest carries (its "modules", following "include"; natives under "*" and
 * platform-specific entries left out): Map of module specifier -> compiled file in build/js/modules.
 * A wildcard entry ("x509/*": "./modules/x509/*") carries every module of its folder.
 */
export function manifestModules(path, modules = new Map()) {
  const m = JSON.parse(readFileSync(path, "utf8"));
  for (const inc of [m.include ?? []].flat()) manifestModules(resolve(dirname(path), inc), modules);
  for (const [name, from] of Object.entries(m.modules ?? {})) {
    if (name === "*") continue;
    // modules/X: tsc's output build/js/modules/X.js; build/X (manifest_device.json's build/device/modules): build/X.js
    const target = resolve(dirname(path), from);
    const built = !relative(join(root, "build"), target).startsWith("..");
    const src = built ? target : relative(join(root, "modules"), target);
    if (src.startsWith("..")) throw new Error(`codesize: ${path}: module ${name} is not under modules/ or build/`);
    if (name.endsWith("/*")) {
      const dir = built ? dirname(src) : join(jsRoot, dirname(src));
      for (const f of readdirSync(dir).filter((f) => f.endsWith(".js")).sort())
        modules.set(name.slice(0, -1) + f.slice(0, -3), join(dir, f));
    }
    else modules.set(name, built ? `${src}.js` : join(jsRoot, `${src}.js`));
  }
  return modules;
}

/** the specifiers of our modules that one compiled module imports (resolved against the set) */
function importsOf(file, modules, files) {
  const out = [];
  const text = readFileSync(file, "utf8");
  for (const [, spec] of text.matchAll(/(?:^|\s)(?:import|export)\s[^;]*?from\s*"([^"]+)"/gm)) {
    const target = spec.startsWith(".") ? resolve(dirname(file), spec.endsWith(".js") ? spec : `${spec}.js`) : modules.get(spec);
    if (target && files.has(target)) out.push(files.get(target));
  }
  return out;
}

/** the modules of a set that `entries` reach by their imports (what an app that imports only those runs) */
export function reachable(modules, entries) {
  const files = new Map([...modules].map(([name, file]) => [file, name]));
  const seen = new Set();
  const visit = (name) => {
    if (seen.has(name) || !modules.has(name)) return;
    seen.add(name);
    for (const next of importsOf(modules.get(name), modules, files)) visit(next);
  };
  for (const e of entries) visit(e);
  return seen;
}

/**
 * The modules a set imports that it does not carry (specifiers of our own modules only: the SDK's,
 * such as "socket", "timer", "Resource", are not ours). An empty list means the manifest is whole.
 */
export function missingImports(modules) {
  const files = new Map([...modules].map(([name, file]) => [file, name]));
  const missing = new Set();
  for (const file of files.keys()) {
    const text = readFileSync(file, "utf8");
    for (const [, spec] of text.matchAll(/(?:^|\s)(?:import|export)\s[^;]*?from\s*"([^"]+)"|import\("([^"]+)"\)/gm)) {
      if (!spec) continue;
      const target = spec.startsWith(".") ? resolve(dirname(file), spec.endsWith(".js") ? spec : `${spec}.js`) : modules.get(spec);
      const ours = spec.startsWith(".") || existsSync(join(jsRoot, `${spec}.js`)) || existsSync(join(jsRoot, spec));
      if (ours && !(target && files.has(target))) missing.add(`${files.get(file)} imports ${spec}`);
    }
  }
  return [...missing];
}

/** one manifest's bytecode: total and per module */
export function manifestSize(path, bytecode) {
  const modules = manifestModules(resolve(root, path));
  const set = { manifest: path, modules: {}, bytecode: 0, symbols: 0, debugBytecode: 0, missing: missingImports(modules), reached: {} };
  for (const [name, file] of [...modules].sort()) {
    const b = bytecode.get(file);
    if (!b) throw new Error(`codesize: ${path}: no bytecode for ${name} (${file}): build first`);
    set.modules[name] = b.code;
    set.bytecode += b.code; set.symbols += b.symbols; set.debugBytecode += b.debugCode;
  }
  // what the app's entry points import, directly or not: the part of the set a handshake needs
  const entries = ["securesocket", "securesocket/server"].filter((e) => modules.has(e));
  if (entries.length)
    set.reached[entries.join(", ")] = [...reachable(modules, entries)].reduce((a, m) => a + set.modules[m], 0);
  return set;
}

/** results.code.js (per folder) and results.code.sets (per manifest), or the folders alone without the tool */
export function codeSize(manifests = MANIFESTS) {
  let bytecode;
  try { bytecode = bytecodeOfModules(); }
  catch (e) {
    console.error(`bench: no bytecode figures: ${e.message}`);
    return { js: perFolder(undefined) };
  }
  const sets = {};
  for (const [name, path] of Object.entries(manifests)) sets[name] = manifestSize(path, bytecode);
  return { js: perFolder(bytecode), sets };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const manifests = args.length ? Object.fromEntries(args.map((a) => [a, a])) : MANIFESTS;
  const { js, sets } = codeSize(manifests);
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  for (const [k, v] of Object.entries(js).sort()) console.log(`${k.padEnd(14)} ${String(v.files).padStart(3)} files ${String(v.bytecode).padStart(7)} bytecode`);
  for (const [name, s] of Object.entries(sets ?? {})) {
    console.log(`\n${name} (${s.manifest}): ${s.bytecode} bytes of bytecode (${kb(s.bytecode)}), ${s.symbols} of symbols, ${Object.keys(s.modules).length} modules`);
    for (const [m, code] of Object.entries(s.modules).sort((a, b) => b[1] - a[1])) console.log(`  ${m.padEnd(34)} ${String(code).padStart(6)}`);
    for (const [entry, bytes] of Object.entries(s.reached)) console.log(`  imported from ${entry}: ${bytes} bytes (${kb(bytes)})`);
    for (const miss of s.missing) console.log(`  MISSING: ${miss}`);
  }
}
