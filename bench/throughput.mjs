// The throughput part of npm run bench alone, for working on the data path: a download in 16 KB
// records (TLS 1.3, AES-128-GCM and ChaCha20-Poly1305) read with read(ArrayBuffer), against plain-C
// mbedtls decryption of the same bytes (bench/aead_c.c), side by side in one run.
//   node bench/throughput.mjs [MB (10)] [runs (2)] [heapRoom bytes (0)]
import { makeCertificates, startServer } from "./scenarios.mjs";
import { runXsh, privateXsh, buildAeadBaseline, SUITES } from "./run.mjs";
import { execFileSync } from "node:child_process";

const bytes = Number(process.argv[2] ?? 10) * (1 << 20);
const runs = Number(process.argv[3] ?? 2);
const heapRoom = Number(process.argv[4] ?? 0);
const removeXsh = privateXsh();
const certs = makeCertificates();
try {
  const baseline = buildAeadBaseline();
  for (const [suite, cipher] of SUITES) {
    const server = await startServer({ key: certs.path("ecleaf.key"), cert: certs.path("ecleaf.crt"), minVersion: "TLSv1.3", ciphers: cipher, body: bytes });
    try {
      let best;
      for (let i = 0; i < runs; i++) {
        const r = await runXsh({ port: server.port, certificate: certs.der("ecroot"), mode: "download", heapRoom }, { timeout: 120000 });
        if (r.code !== 0 || !r.result?.ok || r.result.bytes < bytes) throw new Error(`download failed\n${r.stdout}\n${r.stderr}`);
        if (!best || r.result.mbps > best.mbps) best = r.result;
      }
      const c = JSON.parse(execFileSync(baseline, [String(bytes)], { encoding: "utf8" }).trim())[suite];
      console.log(`${suite.padEnd(18)} SecureSocket ${best.mbps.toFixed(1).padStart(6)} MB/s  plain-C ${c.toFixed(1).padStart(6)} MB/s  ratio ${(best.mbps / c).toFixed(2)}`);
    }
    finally {
      await server.stop();
    }
  }
}
finally {
  certs.remove();
  removeXsh();
}
