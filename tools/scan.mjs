// npm run scan: testssl.sh (Debian's package, `testssl`) against our TLS server in the XS host.
// Makes a CA and server certificates valid 90 days that name a CRL and an OCSP responder, starts
// examples/https-server.js on a free port, runs
//   testssl --quiet --color 0 --warnings off --add-ca <ca.pem> --jsonfile <file> 127.0.0.1:<port>
// and prints the findings above OK/INFO by severity, then a summary line
//   scan: N findings: CRITICAL 0, HIGH 0, MEDIUM m, LOW l, WARN w (T s)
// Exit status 1 when any finding is rated HIGH or CRITICAL (or testssl failed), else 0.
//   node tools/scan.mjs [--json out.json] [--rsa] [--client-certificates] [--ssl-native]
// --ssl-native: testssl probes with openssl instead of its own ClientHellos, which never offer the
// extended master secret (RFC 7627) that our server requires of TLS 1.2 clients: its socket probes
// therefore see TLS 1.2 as "not offered"; the native run sees and checks TLS 1.2 too.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { makeServerCertificates } from "../tests/lib/tls-peers.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const jsonOut = args.includes("--json") ? args[args.indexOf("--json") + 1] : undefined;
const identity = args.includes("--rsa") ? "serverrsa" : "server";
export const SEVERITIES = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "WARN"];

if (spawnSync("testssl", ["--version"], { stdio: "ignore" }).status !== 0) {
  console.error("scan: testssl not found: apt-get install testssl.sh (tools/deps.sh --test installs it)");
  process.exit(2);
}

/** starts the example server; resolves to { port, stop(), output() } */
function startServer(certs) {
  const extra = args.includes("--client-certificates") ? [certs.path("ca.der")] : [];
  return new Promise((resolve, reject) => {
    const child = spawn(join(root, "build", "xsh"), ["--manifest", join(root, "manifest_server.json"), join(root, "examples", "https-server.js"), "0",
      certs.path(`${identity}.der`), certs.path(`${identity}.key.der`), ...extra], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const onData = (d) => {
      out += d;
      const m = /https:\/\/localhost:(\d+)\//.exec(out);
      if (m) resolve({ port: Number(m[1]), output: () => out, stop: () => new Promise((r) => { child.on("close", r); child.kill("SIGTERM"); }) });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("close", (code) => reject(new Error(`scan: the server exited (${code}): ${out}`)));
  });
}

const certs = makeServerCertificates({ days: 90, revocation: true });
const work = mkdtempSync(join(tmpdir(), "scan-"));
const json = jsonOut ?? join(work, "testssl.json");
const started = Date.now();
let status = 0;
const server = await startServer(certs);
try {
  const native = args.includes("--ssl-native") ? ["--ssl-native"] : [];
  const run = spawnSync("testssl", [...native, "--quiet", "--color", "0", "--warnings", "off", "--add-ca", certs.path("ca.crt"),
    "--jsonfile", json, `127.0.0.1:${server.port}`], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (run.status !== 0 && run.status !== null && !readFileSync(json, "utf8").trim()) {
    console.error(`scan: testssl failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
    status = 1;
  }
  else {
    const findings = JSON.parse(readFileSync(json, "utf8"));
    const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0]));
    for (const f of findings) {
      if (!(f.severity in counts)) continue;
      counts[f.severity]++;
      console.log(`${f.severity.padEnd(8)} ${f.id}: ${f.finding}`);
    }
    const seconds = Math.round((Date.now() - started) / 1000);
    console.log(`scan: ${findings.length} findings: ${SEVERITIES.map((s) => `${s} ${counts[s]}`).join(", ")} (${seconds} s)`);
    if (counts.CRITICAL || counts.HIGH) status = 1;
  }
} finally {
  await server.stop();
  certs.remove();
  rmSync(work, { recursive: true, force: true });
}
process.exit(status);
