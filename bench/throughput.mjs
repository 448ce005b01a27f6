// The throughput part of npm run bench alone, for working on the data path: a download of pattern
// bytes in 16 KB records (TLS 1.3, AES-128-GCM and ChaCha20-Poly1305) through SecureSocket in xsh,
// against plain-C mbedtls decryption of the same bytes (bench/aead_c.c), side by side in one run
// (bench/run.mjs measureDownload). Each read form of bench/xs/handshake.js's download ("buffer":
// read(buffer) into the app's one reused 16 KB buffer; "arraybuffer": read(ArrayBuffer), a new
// ArrayBuffer per record) runs in turn, `runs` times, best kept; the bytes are checked (samples of
// every read, the body's size). Servers: "node" (bench/server.mjs, Node's tls) and "openssl"
// (openssl s_server -WWW, no JS per record); Node's own client against each is that server's
// ceiling (server and loopback).
//   node bench/throughput.mjs [MB (10)] [runs (3)] [--server node|openssl|both (both)] [--read buffer,arraybuffer,null]
//       [--before <another tree's build/xsh>]   (before/after: that build's read(ArrayBuffer) in turn with ours)
//       [--before-read buffer|arraybuffer|null]   (the read form of --before, default arraybuffer)
import { makeCertificates } from "./scenarios.mjs";
import { privateXsh, buildAeadBaseline, measureDownload, SUITES, DOWNLOAD_SERVERS, DOWNLOAD_FORMS } from "./run.mjs";

const option = (name, value) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv.splice(i, 2)[1] : value; };
const serverOption = option("--server", "both");
const servers = serverOption === "both" ? DOWNLOAD_SERVERS : [serverOption];
const forms = option("--read", DOWNLOAD_FORMS.join(",")).split(",");
// --before PATH: also another build's xsh (e.g. of an earlier commit) with read(ArrayBuffer), in turn with ours
const before = option("--before", undefined);
const beforeRead = option("--before-read", "arraybuffer");
const bytes = Number(process.argv[2] ?? 10) * (1 << 20);
const runs = Number(process.argv[3] ?? 3);
const removeXsh = privateXsh();
const certs = makeCertificates();
const fixed = (x, n = 6) => x.toFixed(1).padStart(n);
try {
  const baseline = buildAeadBaseline();
  for (const [suite, cipher] of SUITES)
    for (const server of servers) {
      const m = await measureDownload({ suite, cipher, server, certs, baseline, bytes, runs, forms, before, beforeRead });
      const figures = (before ? [...forms, "before"] : forms).map((f) => `${f} ${fixed(m[f].mbps)} (${m[f].ratio.toFixed(2)}, ${m[f].collections} gc)`).join("  ");
      console.log(`${suite.padEnd(18)} ${server.padEnd(7)} plain-C ${fixed(m.cMBps)}  Node client ${fixed(m.nodeMBps)} (${m.nodeRatio.toFixed(2)})  SecureSocket MB/s (ratio to C): ${figures}`);
    }
}
finally {
  certs.remove();
  removeXsh();
}
