// The device build's modules: tsc's output (build/js/modules) with the engine's trace statements taken out,
// into build/device/modules, which manifest_device.json's JS entries name (npm run build makes it; so must a
// device build's own build step before mcconfig). A trace statement is `if (<x>.tracing) ...` with no else
// (also as an else branch), or a direct `this.trace(...)` call statement: each builds a trace line and does nothing else (the engine's
// rule, modules/tls/connection.ts `tracing`). Files with none are copied as they are.
//   node tools/strip-traces.mjs      (tools/build.mjs runs it after tsc; only files newer than their copy)
// bench/weigh.mjs weighs traces with the same transform.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = fileURLToPath(new URL("..", import.meta.url));
export const deviceModules = join(root, "build", "device", "modules");

/** print `text` after a visitor that returns a replacement node or undefined (recurse) */
export function transform(text, replace) {
  const source = ts.createSourceFile("m.js", text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const factory = (context) => {
    const visit = (node) => replace(node, visit) ?? ts.visitEachChild(node, visit, context);
    return (node) => ts.visitNode(node, visit);
  };
  const out = ts.transform(source, [factory]).transformed[0];
  return ts.createPrinter().printFile(out);
}

const isTrace = (s) =>
  (ts.isIfStatement(s) && !s.elseStatement && /\.tracing$/.test(s.expression.getText())) ||
  (ts.isExpressionStatement(s) && ts.isCallExpression(s.expression) && /^this\.trace$/.test(s.expression.expression.getText()));

/** tsc's output with the trace statements taken out */
export function withoutTraces(text) {
  return transform(text, (node, visit) => {
    if (ts.isIfStatement(node) && node.elseStatement && isTrace(node.elseStatement))   // `else if (x.tracing) ...`
      return ts.factory.updateIfStatement(node, ts.visitNode(node.expression, visit), ts.visitNode(node.thenStatement, visit), undefined);
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

/** every .js under `from` into `to`, without its trace statements; returns how many files were written */
export function stripTree(from = join(root, "build", "js", "modules"), to = deviceModules) {
  let written = 0;
  const tool = statSync(fileURLToPath(import.meta.url)).mtimeMs;   // a changed transform redoes every file
  for (const entry of readdirSync(from, { recursive: true })) {
    const source = join(from, entry);
    if (!entry.endsWith(".js") || !statSync(source).isFile()) continue;
    const target = join(to, entry);
    let stale = true;
    try { stale = statSync(target).mtimeMs < Math.max(statSync(source).mtimeMs, tool); } catch { /* not there yet */ }
    if (!stale) continue;
    const text = readFileSync(source, "utf8");
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, /\.trac(e|ing)\b/.test(text) ? withoutTraces(text) : text);
    written++;
  }
  return written;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(`strip-traces: ${stripTree()} files written to ${deviceModules}`);
