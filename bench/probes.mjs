// What XS bytecode costs: pairs of tiny modules, a baseline and a variant that differ by one construct
// (repeated N times so the per-use cost shows over a module's overhead), compiled by XS's own compiler
// (bench/bytecode_c.c, as bench/codesize.mjs does). Prints a table: bytes of bytecode of each, the
// difference, and the symbol tables. bench/notes.md ("What XS bytecode costs") has the findings.
//   node bench/probes.mjs          (after node tools/build.mjs)
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBytecodeTool } from "./codesize.mjs";

const dir = mkdtempSync(join(tmpdir(), "bytecode-probes-"));
const N = 10; // repeat a construct N times so that per-use cost shows over module overhead
const rep = (f) => Array.from({ length: N }, (_, i) => f(i)).join("\n");
const probes = {
  "empty module": ["", "export const a = 1;"],
  "function vs class method (10)": [rep((i) => `export function f${i}(a, b) { return a + b; }`), `export class C {\n${rep((i) => `f${i}(a, b) { return a + b; }`)}\n}`],
  "this.x read vs local (10 reads)": [`export class C { f() { const x = this.x; return ${rep(() => "x").split("\n").join(" + ")}; } }`, `export class C { f() { return ${rep(() => "this.x").split("\n").join(" + ")}; } }`],
  "o.p.q chain vs local (10)": [`export function f(o) { const q = o.p.q; return ${rep(() => "q").split("\n").join(" + ")}; }`, `export function f(o) { return ${rep(() => "o.p.q").split("\n").join(" + ")}; }`],
  "string message vs template (10 throws)": [rep((i) => `export function f${i}(x) { if (x) throw new Error("tls: bad thing number ${i} here"); }`), rep((i) => `export function f${i}(x) { if (x) throw new Error(\`tls: bad thing \${x} number ${i} here\`); }`)],
  "throw new Error vs helper fail() (10)": [`function fail(m) { return new Error(m); }\n` + rep((i) => `export function f${i}(x) { if (x) throw fail("tls: bad thing number ${i} here"); }`), rep((i) => `export function f${i}(x) { if (x) throw new Error("tls: bad thing number ${i} here"); }`)],
  "switch 10 cases vs if chain": [`export function f(x) { switch (x) {\n${rep((i) => `case ${i}: return ${i * 7};`)}\n} return -1; }`, `export function f(x) {\n${rep((i) => `if (x === ${i}) return ${i * 7};`)}\n return -1; }`],
  "switch 10 string cases vs object table": [`export function f(x) { switch (x) {\n${rep((i) => `case "k${i}": return ${i * 7};`)}\n} return -1; }`, `const T = {${rep((i) => `k${i}: ${i * 7},`)}};\nexport function f(x) { return T[x] ?? -1; }`],
  "a?.b vs a && a.b (10)": [rep((i) => `export function f${i}(a) { return a && a.b; }`), rep((i) => `export function f${i}(a) { return a?.b; }`)],
  "a?.b() vs a && a.b() (10)": [rep((i) => `export function f${i}(a) { return a && a.b(); }`), rep((i) => `export function f${i}(a) { return a?.b(); }`)],
  "x ?? y vs x === undefined ? y : x (10)": [rep((i) => `export function f${i}(x, y) { return x === undefined ? y : x; }`), rep((i) => `export function f${i}(x, y) { return x ?? y; }`)],
  "private #field vs normal field (10 uses)": [`export class C { x = 0; f() { ${rep(() => "this.x++;")} } }`, `export class C { #x = 0; f() { ${rep(() => "this.#x++;")} } }`],
  "private #method vs normal method (10 calls)": [`export class C { g() { return 1; } f() { ${rep(() => "this.g();")} } }`, `export class C { #g() { return 1; } f() { ${rep(() => "this.#g();")} } }`],
  "getter vs method (10 getters)": [`export class C {\n${rep((i) => `g${i}() { return this.v${i}; }`)}\n}`, `export class C {\n${rep((i) => `get g${i}() { return this.v${i}; }`)}\n}`],
  "destructuring vs property reads (10)": [rep((i) => `export function f${i}(o) { const a = o.a, b = o.b, c = o.c; return a + b + c; }`), rep((i) => `export function f${i}(o) { const { a, b, c } = o; return a + b + c; }`)],
  "array destructuring vs index (10)": [rep((i) => `export function f${i}(o) { const a = o[0], b = o[1]; return a + b; }`), rep((i) => `export function f${i}(o) { const [a, b] = o; return a + b; }`)],
  "spread call vs apply-free (10)": [rep((i) => `export function f${i}(g, a) { return g(a[0], a[1]); }`), rep((i) => `export function f${i}(g, a) { return g(...a); }`)],
  "object spread vs Object.assign (10)": [rep((i) => `export function f${i}(a, b) { return Object.assign({}, a, b); }`), rep((i) => `export function f${i}(a, b) { return { ...a, ...b }; }`)],
  "default param vs manual (10)": [rep((i) => `export function f${i}(a, b) { if (b === undefined) b = 3; return a + b; }`), rep((i) => `export function f${i}(a, b = 3) { return a + b; }`)],
  "arrow vs function expression (10)": [rep((i) => `export const f${i} = function (a) { return a + 1; };`), rep((i) => `export const f${i} = (a) => a + 1;`)],
  "closure capturing this vs none (10)": [rep((i) => `export class C${i} { f(a) { return a.map(function (x) { return x + 1; }); } }`), rep((i) => `export class C${i} { f(a) { return a.map((x) => x + this.k); } }`)],
  "trace line under if (this.tracing) (10), vs none": [`export class C { f(a) {\n${rep((i) => `a.x${i}();`)}\n} }`, `export class C { f(a) {\n${rep((i) => `a.x${i}();\nif (this.tracing) this.trace(\`step ${i}: \${a.name}, \${a.size} bytes\${a.more ? ", more" : ""}\`);`)}\n} }`],
  "trace line: plain string (10), vs none": [`export class C { f(a) {\n${rep((i) => `a.x${i}();`)}\n} }`, `export class C { f(a) {\n${rep((i) => `a.x${i}();\nif (this.tracing) this.trace("step ${i} done");`)}\n} }`],
  "fatal(Alert.x, msg) vs fatal(10, msg) (10)": [`import { fatal } from "./a";\n` + rep((i) => `export function f${i}(x) { if (x) throw fatal(10, "tls: bad thing ${i}"); }`), `import { fatal, Alert } from "./a";\n` + rep((i) => `export function f${i}(x) { if (x) throw fatal(Alert.unexpected_message, "tls: bad thing ${i}"); }`)],
  "imported const vs literal (10 uses)": [rep((i) => `export function f${i}(x) { return x === 0x0304; }`), `import { TLS13 } from "./c";\n` + rep((i) => `export function f${i}(x) { return x === TLS13; }`)],
  "module const vs literal (10 uses)": [rep((i) => `export function f${i}(x) { return x === 0x0304; }`), `const TLS13 = 0x0304;\n` + rep((i) => `export function f${i}(x) { return x === TLS13; }`)],
  "long name vs short name (10 methods + calls)": [`export class C {\n${rep((i) => `m${i}() { return this.m${(i + 1) % N}; }`)}\n}`, `export class C {\n${rep((i) => `someLongMethodName${i}() { return this.someLongMethodName${(i + 1) % N}; }`)}\n}`],
  "for-of vs indexed for (10)": [rep((i) => `export function f${i}(a) { let s = 0; for (let j = 0; j < a.length; j++) s += a[j]; return s; }`), rep((i) => `export function f${i}(a) { let s = 0; for (const x of a) s += x; return s; }`)],
  "for-of over a Map vs map.forEach (10)": [rep((i) => `export function f${i}(m) { let s = 0; m.forEach((v) => { s += v; }); return s; }`), rep((i) => `export function f${i}(m) { let s = 0; for (const v of m.values()) s += v; return s; }`)],
  "array.some(arrow) vs indexed loop (10)": [rep((i) => `export function f${i}(a, g) { for (let j = 0; j < a.length; j++) if (a[j].g === g) return true; return false; }`), rep((i) => `export function f${i}(a, g) { return a.some((s) => s.g === g); }`)],
  "template vs + concatenation (10)": [rep((i) => `export function f${i}(a, b) { return "x " + a + ", y " + b; }`), rep((i) => `export function f${i}(a, b) { return \`x \${a}, y \${b}\`; }`)],
  "array of 20 strings vs split of one string": [`export const A = [${rep((i) => `"name${i}", "other${i}",`)}];`, `export const A = "${Array.from({ length: 20 }, (_, i) => `name${i}`).join(" ")}".split(" ");`],
  "let in loop vs var (10)": [rep((i) => `export function f${i}(a) { var s = 0; for (var j = 0; j < a; j++) { var k = j * 2; s += k; } return s; }`), rep((i) => `export function f${i}(a) { let s = 0; for (let j = 0; j < a; j++) { const k = j * 2; s += k; } return s; }`)],
  "try/catch (10)": [rep((i) => `export function f${i}(g) { return g(); }`), rep((i) => `export function f${i}(g) { try { return g(); } catch (e) { throw e; } }`)],
  "class field initializer vs constructor assign (10)": [`export class C { constructor() {\n${rep((i) => `this.a${i} = 0;`)}\n} }`, `export class C {\n${rep((i) => `a${i} = 0;`)}\n}`],
  "subclass with super call vs none": [`export class A { f() { return 1; } }\nexport class B { f() { return 2; } }`, `export class A { f() { return 1; } }\nexport class B extends A { f() { return super.f() + 1; } }`],
  "TS enum (10 members) vs const object": [`export const E = { ${rep((i) => `k${i}: ${i},`)} };`, `export var E;\n(function (E) {\n${rep((i) => `E[E["k${i}"] = ${i}] = "k${i}";`)}\n})(E || (E = {}));`],
};
const files = [];
const names = Object.keys(probes);
names.forEach((n, i) => { probes[n].forEach((src, j) => { const f = join(dir, `p${i}_${j}.js`); writeFileSync(f, src + "\n"); files.push(f); }); });
writeFileSync(join(dir, "a.js"), "export function fatal(a, m) { return new Error(m); }\nexport const Alert = { unexpected_message: 10 };\n");
const out = execFileSync(buildBytecodeTool(), files, { encoding: "utf8" }).trim().split("\n").map((l) => JSON.parse(l));
const by = new Map(out.map((o) => [o.file, o]));
console.log("| construct | baseline | variant | difference | symbols (base / variant) |\n| --- | --- | --- | --- | --- |");
names.forEach((n, i) => {
  const a = by.get(join(dir, `p${i}_0.js`)), b = by.get(join(dir, `p${i}_1.js`));
  console.log(`| ${n} | ${a.code} | ${b.code} | ${b.code - a.code > 0 ? "+" : ""}${b.code - a.code} | ${a.symbols} / ${b.symbols} |`);
});
rmSync(dir, { recursive: true });
