// What a profile's bytecode is made of: for each module of a manifest (default manifest_tls13.json), the
// bytecode XS compiles from it (bench/codesize.mjs's tool) split by kind, by compiling variants of tsc's output
// with the TypeScript API in a scratch directory (an experiment on copies, never a change to build/js):
//   traces:   every `if (<x>.tracing) ...` statement and every direct `this.trace(...)` call statement, removed;
//   messages: every string literal and template whose text starts with a module's prefix ("tls:", "x509:",
//             "securesocket:", "crypto:") replaced by a number, a template by `M(number, ...substitutions)`
//             (the messages of errors and alerts as codes; what is left of the throw, the call that builds
//             the error and the substitutions, counts as code);
//   code:     the rest.
// Prints one row per module, the profile's totals, and the module groups given with --group NAME=prefix,prefix.
// A profile that leaves features out can be weighed before anyone writes it:
//   --without MODULE          the module left out of the set (e.g. x509/verify, which nothing imports)
//   --stub MODULE:f,C.m,...   those functions (declarations, consts bound to functions) and class methods of
//                             the module get a body of one throw (what a fail-closed stub costs);
//                             MODULE:* all of them, MODULE:Class.* all of a class's methods
//   node bench/weigh.mjs [manifest.json] [--group x509=x509/ ...] [--without M ...] [--stub M:f,g ...] [--js DIR]
//   --preset NAME             a named set of the options above (PRESETS below: the steps of bench/notes.md,
//                             "The way to 64 KB of bytecode"), e.g. --preset device --preset x509-in-c
// --js DIR weighs the compiled modules of DIR (a scratch copy of build/js/modules) instead of build/js/modules.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { buildBytecodeTool, manifestModules } from "./codesize.mjs";
import { transform, withoutTraces } from "../tools/strip-traces.mjs";

/** the steps measured in bench/notes.md ("The way to 64 KB of bytecode (session 5, measured)") */
export const PRESETS = {
  // a TLS 1.3 device client: no client certificates, no session tickets, fail-closed on name constraints and
  // RSA-PSS certificate signatures, no IPv6 reference identities, no time or DN printing, no x509 facade
  device: ["--without", "x509/verify", "--without", "x509", "--stub", "x509/constraints:*",
    "--stub", "x509/extensions:parseNameConstraints,readSubtrees", "--stub", "x509/algorithms:parsePSSParameters",
    "--stub", "x509/time:formatTime", "--stub", "x509/dn:displayString,describeName", "--stub", "x509/name:parseIPv6,ipToString",
    "--stub", "tls/client:TLSClient.sendClientCertificate13,TLSClient.newSessionTicket13",
    "--stub", "tls/certificates:writeCertificateList", "--stub", "crypto/signature:signECDSA,signPKCS1,signPSS,signScheme"],
  // the JS the X.509 locator in C (native/x509_*.c) still leaves for CA store records (anchor.ts): their
  // extensions and times, which a C reader of those records would replace (the locator replaced the rest, session 6)
  "x509-locator": ["--stub", "x509/extensions:parseKeyUsage,parseBasicConstraints,parseExtKeyUsage",
    "--stub", "x509/time:parseTime,digits,daysInMonth,readTime,daysFromCivil"],
  // and what C name matching, algorithm identifiers and the DER reader would replace besides
  "x509-names": ["--stub", "x509/name:*", "--stub", "x509/extensions:parseSubjectAltName,readGeneralName,ia5,emptyNames,sharingEmpty,authorityKeyIdAt,subjectKeyIdAt",
    "--stub", "x509/algorithms:*", "--stub", "x509/dn:readName,nameRDNs,parseName,isDirectoryString,isPrintableASCII",
    "--stub", "x509/der:oidToString,knownOIDs,knownOID,hashBytes,encodeOID,checkInteger,smallInteger,booleanValue,unusedBitCount,decodeHeader,tagName,DERReader.*"],
  // X.509 verification in C: only the CA store and the errors stay in JS (the sink's glue is not counted)
  "x509-in-c": ["algorithms", "anchor", "certificate", "constraints", "der", "dn", "extensions", "name", "oids", "path",
    "signature", "stream", "time", "verify"].flatMap((m) => ["--without", `x509/${m}`]).concat(["--without", "x509"]),
  // a lean option resolver (no validation: every function of securesocket/options stubbed)
  "lean-options": ["--stub", "securesocket/options:*"],
  // the record's nonce, additional data and sealing in C
  "record-in-c": ["--stub", "tls/record:Protection.*,aad13,RecordLayer.seal"],
};

const root = fileURLToPath(new URL("..", import.meta.url));
const MESSAGE = /^(tls|x509|securesocket|crypto)(\/\w+)?: /;

/**
 * tsc's output with the messages (strings and templates that start with a module's prefix) made codes: a
 * string becomes a number, a template `M(number, ...its substitutions)` (what messages kept in a resource
 * and looked up by code would leave in the bytecode)
 */
function withoutMessages(text) {
  let code = 0;
  // tls's fatal(alert, message) writes the "tls: " prefix itself (modules/tls/alert.ts): its message argument is one
  const fatalMessage = (node) => ts.isCallExpression(node.parent) && node.parent.expression.getText() === "fatal" && node.parent.arguments[1] === node;
  return transform(text, (node, visit) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
      return MESSAGE.test(node.text) || fatalMessage(node) ? ts.factory.createNumericLiteral(++code) : undefined;
    if (ts.isTemplateExpression(node) && (MESSAGE.test(node.head.text) || fatalMessage(node)))
      return ts.factory.createCallExpression(ts.factory.createIdentifier("M"), undefined,
        [ts.factory.createNumericLiteral(++code), ...node.templateSpans.map((s) => ts.visitNode(s.expression, visit))]);
    return undefined;
  });
}

/** tsc's output with the bodies of the named functions and methods ("name" or "Class.method") made one throw */
function withStubs(text, names) {
  const stub = () => ts.factory.createBlock([ts.factory.createThrowStatement(ts.factory.createNewExpression(
    ts.factory.createIdentifier("Error"), undefined, [ts.factory.createStringLiteral("not in this build")]))]);
  return transform(text, (node, visit) => {
    let name;
    if (ts.isFunctionDeclaration(node) && node.name) name = node.name.text;
    else if ((ts.isMethodDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isConstructorDeclaration(node)) && ts.isClassDeclaration(node.parent))
      name = `${node.parent.name?.text}.${node.name ? node.name.getText() : "constructor"}`;
    if (name === undefined || !(names.includes(name) || names.includes("*") || names.includes(name.replace(/\..*/, ".*"))) || !node.body) return undefined;
    if (ts.isFunctionDeclaration(node))
      return ts.factory.updateFunctionDeclaration(node, node.modifiers, node.asteriskToken, node.name, node.typeParameters, node.parameters, node.type, stub());
    if (ts.isMethodDeclaration(node))
      return ts.factory.updateMethodDeclaration(node, node.modifiers, node.asteriskToken, node.name, node.questionToken, node.typeParameters, node.parameters, node.type, stub());
    if (ts.isGetAccessorDeclaration(node))
      return ts.factory.updateGetAccessorDeclaration(node, node.modifiers, node.name, node.parameters, node.type, stub());
    return ts.factory.updateConstructorDeclaration(node, node.modifiers, node.parameters, stub());
  });
}

/** weigh a map of module name -> compiled file: rows {module, total, traces, messages, code} */
export function weigh(modules, stubs = new Map()) {
  const tool = buildBytecodeTool();
  const dir = mkdtempSync(join(tmpdir(), "bytecode-weigh-"));
  try {
    const names = [...modules.keys()].sort();
    const files = { plain: [], noTrace: [], noBoth: [] };
    names.forEach((name, i) => {
      let text = readFileSync(modules.get(name), "utf8");
      if (stubs.has(name)) {
        const stubbed = withStubs(text, stubs.get(name));
        if (stubbed === ts.createPrinter().printFile(ts.createSourceFile("m.js", text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS)))
          throw new Error(`weigh: ${name}: none of ${stubs.get(name).join(", ")} found`);
        text = stubbed;
      }
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

function preset(name) {
  if (!Object.hasOwn(PRESETS, name)) throw new Error(`weigh: no preset ${name} (${Object.keys(PRESETS).join(", ")})`);
  return PRESETS[name];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2).flatMap((a, i, all) => all[i - 1] === "--preset" ? [] : a === "--preset" ? preset(all[i + 1]) : [a]);
  const groups = [], without = [], stubs = new Map();
  let js;
  let manifest = "manifest_tls13.json";
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--group") { const [name, list] = args[++i].split("="); groups.push({ name, prefixes: list.split(",") }); }
    else if (args[i] === "--js") js = resolve(args[++i]);
    else if (args[i] === "--without") without.push(args[++i]);
    else if (args[i] === "--stub") { const [m, list] = args[++i].split(":"); stubs.set(m, [...(stubs.get(m) ?? []), ...list.split(",")]); }
    else manifest = args[i];
  }
  let modules = manifestModules(resolve(root, manifest));
  if (js) {
    const base = join(root, "build", "js", "modules");
    modules = new Map([...modules].map(([name, file]) => [name, join(js, relative(base, file))]));
  }
  for (const m of new Set(without)) if (!modules.delete(m)) throw new Error(`weigh: --without ${m}: not in ${manifest}`);
  for (const m of stubs.keys()) if (!modules.has(m)) stubs.delete(m); // stubs of a module left out by another step
  const rows = weigh(modules, stubs);
  const pad = (s, n) => String(s).padStart(n);
  const line = (r) => `${r.module.padEnd(28)} ${pad(r.total, 7)} ${pad(r.code, 7)} ${pad(r.messages, 8)} ${pad(r.traces, 7)}`;
  console.log(`${manifest}${js ? ` (modules from ${js})` : ""}\n${"module".padEnd(28)} ${pad("total", 7)} ${pad("code", 7)} ${pad("messages", 8)} ${pad("traces", 7)}`);
  for (const r of [...rows].sort((a, b) => b.total - a.total)) console.log(line(r));
  const sum = (list, module) => list.reduce((a, r) => ({ module, total: a.total + r.total, code: a.code + r.code, messages: a.messages + r.messages, traces: a.traces + r.traces }), { total: 0, code: 0, messages: 0, traces: 0 });
  console.log(line(sum(rows, "TOTAL")));
  for (const g of groups) console.log(line(sum(rows.filter((r) => g.prefixes.some((p) => r.module === p || r.module.startsWith(p))), `group ${g.name}`)));
}
