// Where a module's bytecode goes: each function, method and module-level statement of a compiled
// module (build/js/modules/<path>.js), compiled alone by XS's own compiler (bench/bytecode_c.c) and
// listed largest first. A method is compiled inside a class (whose own size is taken off); the sizes
// are close to, not exactly, its share of the module (names it uses become globals).
//   node bench/functions.mjs tls/client [more modules] [--top N]
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
const tool = buildBytecodeTool();
const dir = mkdtempSync(join(tmpdir(), "bytecode-functions-"));
try {
  for (const name of args) {
    const file = join(root, "build", "js", "modules", `${name}.js`);
    const text = readFileSync(file, "utf8");
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
    const pieces = [];
    for (const s of source.statements) {
      if (ts.isImportDeclaration(s)) continue;
      if (ts.isClassDeclaration(s)) {
        for (const m of s.members) pieces.push({ label: `${s.name?.text}.${m.name?.getText() ?? "constructor"}`, code: `class C_ extends Object { ${m.getText()} }`, method: true });
        pieces.push({ label: `${s.name?.text} (the class itself)`, code: `class C_ extends Object {}` });
      }
      else pieces.push({ label: s.getText().split("\n")[0].slice(0, 70), code: s.getText().replace(/^export (default )?/, "") });
    }
    const files = pieces.map((p, i) => {
      const f = join(dir, `${i}.js`);
      writeFileSync(f, p.code + "\n");
      return f;
    });
    writeFileSync(join(dir, "empty.js"), "\n");
    writeFileSync(join(dir, "class.js"), "class C_ extends Object {}\n");
    const out = execFileSync(tool, [join(dir, "empty.js"), join(dir, "class.js"), ...files], { encoding: "utf8" }).trim().split("\n").map((l) => JSON.parse(l));
    const empty = out.shift().code, emptyClass = out.shift().code;
    const rows = pieces.map((p, i) => ({ ...p, bytes: out[i].code - (p.method ? emptyClass : empty) })).sort((a, b) => b.bytes - a.bytes);
    const whole = JSON.parse(execFileSync(tool, [file], { encoding: "utf8" }).trim()).code;
    console.log(`${name}: ${whole} bytes of bytecode; the pieces alone: ${rows.reduce((a, r) => a + r.bytes, 0)}`);
    for (const r of rows.slice(0, top)) console.log(`  ${String(r.bytes).padStart(6)}  ${r.label}`);
  }
} finally {
  rmSync(dir, { recursive: true });
}
