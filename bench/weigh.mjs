// What a profile's bytecode is made of: for each module of a manifest (default manifest_tls13.json), the
// bytecode XS compiles from it (bench/codesize.mjs's tool) split by kind, by compiling variants of tsc's output
// with the TypeScript API in a scratch directory (an experiment on copies, never a change to build/js):
//   traces:   every `if (<x>.tracing) ...` statement and every direct `this.trace(...)` call statement, removed;
//   messages: every string literal and template whose text starts with a module's prefix ("tls:", "x509:",
//             "securesocket:", "crypto:") replaced by "" (the messages of errors and alerts; what is left of
//             the throw, the call that builds the error, counts as code);
//   code:     the rest.
// Prints one row per module, the profile's totals, and the module groups given with --group NAME=prefix,prefix.
//   node bench/weigh.mjs [manifest.json] [--js DIR] [--group x509=x509/ ...]
// --js DIR weighs the compiled modules of DIR (a scratch copy of build/js/modules, e.g. with stubs) instead.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { buildBytecodeTool, manifestModules } from "./codesize.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const MESSAGE = /^(tls|x509|securesocket|crypto)(\/\w+)?: /;

/** tsc's output with the trace statements taken out */
function withoutTraces(text) {
  const isTrace = (s) =>
    (ts.isIfStatement(s) && !s.elseStatement && /\.tracing$/.test(s.expression.getText())) ||
    (ts.isExpressionStatement(s) && ts.isCallExpression(s.expression) && /^this\.trace$/.test(s.expression.expression.getText()));
  return transform(text, (node, visit) => {
    if (ts.isBlock(node) || ts.isSourceFile(node) || ts.isCaseClause(node) || ts.isDefaultClause(node)) {
      const kept = node.statements.filter((s) => !isTrace(s));
      if (kept.length !== node.statements.length) {
        if (ts.isBlock(node)) return ts.factory.updateBlock(ts.visitEachChild(node, visit, undefined), kept.map((s) => ts.visitNode(s, visit)));
        if (ts.isCaseClause(node)) return ts.factory.updateCaseClause(node, node.expression, kept.map((s) => ts.visitNode(s, visit)));
        if (ts.isDefaultClause(node)) return ts.factory.updateDefaultClause(node, kept.map((s) => ts.visitNode(s, visit)));
        return ts.factory.updateSourceFile(node, kept.map((s) => ts.visitNode(s, visit)));
      }
    }
    return undefined;
  });
}

/** tsc's output with the messages (strings and templates that start with a module's prefix) made "" */
function withoutMessages(text) {
  return transform(text, (node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return MESSAGE.test(node.text) ? ts.factory.createStringLiteral("") : undefined;
    if (ts.isTemplateExpression(node)) return MESSAGE.test(node.head.text) ? ts.factory.createStringLiteral("") : undefined;
    return undefined;
  });
}

/** print `text` after a visitor that returns a replacement node or undefined (recurse) */
function transform(text, replace) {
  const source = ts.createSourceFile("m.js", text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const factory = (context) => {
    const visit = (node) => replace(node, visit) ?? ts.visitEachChild(node, visit, context);
    return (node) => ts.visitNode(node, visit);
  };
  const out = ts.transform(source, [factory]).transformed[0];
  return ts.createPrinter().printFile(out);
}

/** weigh a map of module name -> compiled file: rows {module, total, traces, messages, code} */
export function weigh(modules) {
  const tool = buildBytecodeTool();
  const dir = mkdtempSync(join(tmpdir(), "bytecode-weigh-"));
  try {
    const names = [...modules.keys()].sort();
    const files = { plain: [], noTrace: [], noBoth: [] };
    names.forEach((name, i) => {
      const text = readFileSync(modules.get(name), "utf8");
      const a = withoutTraces(text);
      const b = withoutMessages(a);
      for (const [kind, body] of [["plain", text], ["noTrace", a], ["noBoth", b]]) {
        const f = join(dir, `${i}.${kind}.js`);
        writeFileSync(f, body);
        files[kind].push(f);
      }
    });
    const sizes = execFileSync(tool, [...files.plain, ...files.noTrace, ...files.noBoth], { encoding: "utf8", maxBuffer: 1 << 24 })
      .trim().split("\n").map((l) => JSON.parse(l).code);
    const n = names.length;
    return names.map((module, i) => {
      const [total, noTrace, noBoth] = [sizes[i], sizes[n + i], sizes[2 * n + i]];
      return { module, total, traces: total - noTrace, messages: noTrace - noBoth, code: noBoth };
    });
  } finally {
    rmSync(dir, { recursive: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const groups = [];
  let js;
  let manifest = "manifest_tls13.json";
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--group") { const [name, list] = args[++i].split("="); groups.push({ name, prefixes: list.split(",") }); }
    else if (args[i] === "--js") js = resolve(args[++i]);
    else manifest = args[i];
  }
  let modules = manifestModules(resolve(root, manifest));
  if (js) {
    const base = join(root, "build", "js", "modules");
    modules = new Map([...modules].map(([name, file]) => [name, join(js, relative(base, file))]));
  }
  const rows = weigh(modules);
  const pad = (s, n) => String(s).padStart(n);
  const line = (r) => `${r.module.padEnd(28)} ${pad(r.total, 7)} ${pad(r.code, 7)} ${pad(r.messages, 8)} ${pad(r.traces, 7)}`;
  console.log(`${manifest}${js ? ` (modules from ${js})` : ""}\n${"module".padEnd(28)} ${pad("total", 7)} ${pad("code", 7)} ${pad("messages", 8)} ${pad("traces", 7)}`);
  for (const r of [...rows].sort((a, b) => b.total - a.total)) console.log(line(r));
  const sum = (list, module) => list.reduce((a, r) => ({ module, total: a.total + r.total, code: a.code + r.code, messages: a.messages + r.messages, traces: a.traces + r.traces }), { total: 0, code: 0, messages: 0, traces: 0 });
  console.log(line(sum(rows, "TOTAL")));
  for (const g of groups) console.log(line(sum(rows.filter((r) => g.prefixes.some((p) => r.module === p || r.module.startsWith(p))), `group ${g.name}`)));
}
