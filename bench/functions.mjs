// Where a module's bytecode goes: each function, method and module-level statement of a compiled
// module (build/js/modules/<path>.js), compiled alone by XS's own compiler (bench/bytecode_c.c) and
// listed largest first. A method is compiled inside a class that declares the class's private names
// (that class alone is taken off); the sizes are close to, not exactly, its share of the module (names
// it uses become globals).
//   node bench/functions.mjs tls/client [more modules] [--top N] [--device]
// --device: the device profile's copies (build/device/modules, trace statements stripped: tools/strip-traces.mjs)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { buildBytecodeTool } from "./codesize.mjs";

const root = new URL("..", import.meta.url).pathname;
const args = process.argv.slice(2);
const topAt = args.indexOf("--top");
const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;
const deviceAt = args.indexOf("--device");
const tree = deviceAt >= 0 ? (args.splice(deviceAt, 1), "device") : "js";
const tool = buildBytecodeTool();
const dir = mkdtempSync(join(tmpdir(), "bytecode-functions-"));
try {
  for (const name of args) {
    const file = join(root, "build", tree, "modules", `${name}.js`);
    const text = readFileSync(file, "utf8");
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
    const pieces = [];
    for (const s of source.statements) {
      if (ts.isImportDeclaration(s)) continue;
      if (ts.isClassDeclaration(s)) {
        // the private names the members use, declared in each wrapper (and in the baseline it is measured against)
        const privates = [...new Set(s.members.map((m) => m.name?.getText()).filter((n) => n?.startsWith("#")))];
        const declare = (except) => privates.filter((n) => n !== except).map((n) => `${n}; `).join("");
        for (const m of s.members) {
          const name = m.name?.getText();
          pieces.push({ label: `${s.name?.text}.${name ?? "constructor"}`, code: `class C_ extends Object { ${declare(name)}${m.getText()} }`, base: `class C_ extends Object { ${declare(name)}}` });
        }
        pieces.push({ label: `${s.name?.text} (the class itself)`, code: `class C_ extends Object {}` });
      }
      else pieces.push({ label: s.getText().split("\n")[0].slice(0, 70), code: s.getText().replace(/^export (default )?/, "") });
    }
    const files = pieces.map((p, i) => {
      const f = join(dir, `${i}.js`);
      writeFileSync(f, p.code + "\n");
      return f;
    });
    const bases = pieces.map((p, i) => {
      const f = join(dir, `${i}.base.js`);
      writeFileSync(f, (p.base ?? "") + "\n");
      return f;
    });
    const sizes = execFileSync(tool, [...files, ...bases], { encoding: "utf8" }).trim().split("\n").map((l) => JSON.parse(l).code);
    const rows = pieces.map((p, i) => ({ ...p, bytes: sizes[i] - sizes[pieces.length + i] })).sort((a, b) => b.bytes - a.bytes);
    const whole = JSON.parse(execFileSync(tool, [file], { encoding: "utf8" }).trim()).code;
    console.log(`${name}: ${whole} bytes of bytecode; the pieces alone: ${rows.reduce((a, r) => a + r.bytes, 0)}`);
    for (const r of rows.slice(0, top)) console.log(`  ${String(r.bytes).padStart(6)}  ${r.label}`);
  }
} finally {
  rmSync(dir, { recursive: true });
}
