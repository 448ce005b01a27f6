// The throughput part of npm run bench alone, for working on the data path: a download of pattern
// bytes in 16 KB records (TLS 1.3, AES-128-GCM and ChaCha20-Poly1305) through SecureSocket in xsh,
// against plain-C mbedtls decryption of the same bytes (bench/aead_c.c), side by side in one run.
// Each read form of bench/xs/handshake.js's download ("buffer": read(buffer) into the app's one
// reused 16 KB buffer; "arraybuffer": read(ArrayBuffer), a new ArrayBuffer per record) runs in
// turn, `runs` times, best kept; the bytes are checked (samples of every read, the body's size).
// Servers: "node" (bench/server.mjs, Node's tls) and "openssl" (openssl s_server -WWW, no JS per
// record); Node's own client against each gives that server's ceiling (server and loopback).
//   node bench/throughput.mjs [MB (10)] [runs (3)] [--server node|openssl|both (both)] [--read buffer,arraybuffer]
import { makeCertificates, startServer, startOpenSSLServer } from "./scenarios.mjs";
import { runXsh, privateXsh, buildAeadBaseline, nodeDownload, SUITES } from "./run.mjs";
import { execFileSync } from "node:child_process";

const option = (name, value) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv.splice(i, 2)[1] : value; };
const serverOption = option("--server", "both");
const servers = serverOption === "both" ? ["node", "openssl"] : [serverOption];
const forms = option("--read", "buffer,arraybuffer").split(",");
const bytes = Number(process.argv[2] ?? 10) * (1 << 20);
const runs = Number(process.argv[3] ?? 3);
const removeXsh = privateXsh();
const certs = makeCertificates();
const fixed = (x, n = 6) => x.toFixed(1).padStart(n);
try {
  const baseline = buildAeadBaseline();
  for (const [suite, cipher] of SUITES) {
    for (const kind of servers) {
      const key = certs.path("ecleaf.key"), cert = certs.path("ecleaf.crt");
      const server = kind === "node"
        ? await startServer({ key, cert, minVersion: "TLSv1.3", ciphers: cipher, body: bytes, pattern: true })
        : await startOpenSSLServer({ key, cert, ciphersuites: cipher, body: bytes });
      const request = kind === "node" ? undefined : `GET ${server.path} HTTP/1.0\r\n\r\n`;
      try {
        const best = {};
        for (let i = 0; i < runs; i++) {
          for (const read of forms) {
            const r = await runXsh({ port: server.port, certificate: certs.der("ecroot"), mode: "download", read, body: bytes, request }, { timeout: 120000 });
            if (r.code !== 0 || !r.result?.ok) throw new Error(`download (${kind}, ${read}) failed\n${r.stdout}\n${r.stderr}`);
            if (!best[read] || r.result.mbps > best[read].mbps) best[read] = r.result;
          }
        }
        const c = JSON.parse(execFileSync(baseline, [String(bytes)], { encoding: "utf8" }).trim())[suite];
        let ceiling = 0;
        for (let i = 0; i < 2; i++) ceiling = Math.max(ceiling, await nodeDownload(server.port, certs.pem("ecroot"), request));
        const figures = forms.map((f) => `${f} ${fixed(best[f].mbps)} (${(best[f].mbps / c).toFixed(2)})`).join("  ");
        console.log(`${suite.padEnd(18)} ${kind.padEnd(7)} plain-C ${fixed(c)}  Node client ${fixed(ceiling)} (${(ceiling / c).toFixed(2)})  SecureSocket MB/s (ratio to C): ${figures}`);
      }
      finally {
        await server.stop();
      }
    }
  }
}
finally {
  certs.remove();
  removeXsh();
}
