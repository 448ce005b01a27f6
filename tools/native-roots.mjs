// The host functions (xs_*) that a manifest's modules call: what a Moddable build of that manifest
// links, and so the roots tools/size-esp8266.sh links the C core from (a host function no module of the
// profile names, such as one only the tests call, is not in that firmware).
//   node tools/native-roots.mjs manifest_device.json      one name per line
// Reads the TypeScript sources the manifest's entries come from (modules/X.ts; manifest_device.json's
// build/device/modules/X is modules/X.ts with its traces stripped), so no build is needed.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** the source file (modules/X.ts) of a manifest's module entry */
function sourceOf(manifest, from) {
  const target = relative(root, resolve(dirname(manifest), from)).replace(/^build\/device\//, "");
  if (!target.startsWith("modules/")) throw new Error(`native-roots: ${manifest}: ${from} is not one of our modules`);
  return join(root, target);
}

/** the source files of a manifest and of the manifests it includes */
export function manifestSources(manifest, files = new Set()) {
  const m = JSON.parse(readFileSync(manifest, "utf8"));
  for (const inc of [m.include ?? []].flat()) manifestSources(resolve(dirname(manifest), inc), files);
  for (const [name, from] of Object.entries(m.modules ?? {})) {
    if (name === "*") continue;
    const source = sourceOf(manifest, from);
    if (name.endsWith("/*")) {
      const dir = dirname(source);
      for (const f of readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")))
        files.add(join(dir, f));
    }
    else if (existsSync(`${source}.ts`)) files.add(`${source}.ts`);
    else throw new Error(`native-roots: ${manifest}: no ${relative(root, source)}.ts`);
  }
  return files;
}

/** the xs_* names the manifest's modules bind, sorted */
export function nativeRoots(manifest) {
  const names = new Set();
  for (const file of manifestSources(resolve(root, manifest)))
    for (const [, name] of readFileSync(file, "utf8").matchAll(/"(xs_[A-Za-z0-9_]+)"/g)) names.add(name);
  return [...names].sort();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.length !== 3) {
    console.error("usage: node tools/native-roots.mjs <manifest.json>");
    process.exit(2);
  }
  console.log(nativeRoots(process.argv[2]).join("\n"));
}
