// A server that ignores max_fragment_length (RFC 6066 4), as most do: the client asked for 4096-byte
// records, the server does not echo the extension and sends its 4-certificate chain (> 3 KB) in one
// record and its response in 16 KB records. The SDK's own TLS fails outright here; SecureSocket must
// take full-size records whenever the extension was not echoed (and refuse them when it was).
// The server: tests/lib/ignoring-server.mjs (scripted TLS 1.3: every library we can run honours the
// extension). The client: SecureSocket (tests/xs/hostile/client.js), verifying the chain.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { makeCertificates } from "./lib/tls-peers.mjs";
import { runHostileClient } from "./lib/hostile-peer.mjs";
import { ignoringServer } from "./lib/ignoring-server.mjs";

const T = { timeout: 60_000 };
const GET = "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
const BODY = 40_000;
let certs, ders, rootDer;

before(() => {
  certs = makeCertificates({ chain: true });
  const der = (name) => execFileSync("openssl", ["x509", "-in", certs.path(name), "-outform", "DER"]);
  ders = ["chainleaf.crt", "inter2.crt", "inter1.crt", "root.crt"].map(der);
  rootDer = certs.path("root.der");
  execFileSync("openssl", ["x509", "-in", certs.path("root.crt"), "-outform", "DER", "-out", rootDer]);
});
after(() => certs?.remove());

async function run(serverOptions) {
  const server = await ignoringServer({ ders, key: readFileSync(certs.path("chainleaf.key")), body: BODY, ...serverOptions });
  try {
    const r = await runHostileClient(server.port, { secure: { certificate: rootDer, tls_max_fragment_length: 4096 }, request: GET, connections: 2 });
    return { r, hello: server.connections[0]?.hello, scriptError: server.connections[0]?.scriptError };
  }
  finally {
    await server.close();
  }
}

test("a server ignoring max_fragment_length 4096: a 3 KB+ chain in one record and 16 KB records are taken", T, async () => {
  const chain = ders.reduce((n, d) => n + d.length, 0);
  assert.ok(chain > 3000, `chain of ${chain} bytes`);
  const { r, hello, scriptError } = await run({});
  assert.deepEqual(hello.extensions.get(1), Buffer.from([4]), "the client asked for 4096-byte records (code 4)");
  assert.equal(scriptError, undefined, String(scriptError?.stack));
  assert.equal(r.error, undefined, JSON.stringify(r.error));
  assert.ok(r.connected, r.stdout);
  const header = `HTTP/1.1 200 OK\r\nContent-Length: ${BODY}\r\nConnection: close\r\n\r\n`;
  for (const m of r.memories) assert.equal(m.received, header.length + BODY, "the whole response, in 16 KB records");
  assert.equal(r.memories.length, 2);
  assert.equal(r.events.filter((e) => e.message === -1).length, 2, "both closed after the server's close_notify");
  // the first connection keeps what is kept once (the trust anchor's parsed key); nothing grows after
  assert.equal(r.memories[1].nativeAfter, r.memories[0].nativeAfter, "no native memory left by a connection");
});

test("a server that echoes max_fragment_length 4096 and still sends 16 KB records: record_overflow", T, async () => {
  const { r } = await run({ echo: true });
  // the handshake's records fit in 4096 bytes; the first 16 KB record is over the limit it agreed to
  assert.equal(r.error?.reason, "record_overflow", JSON.stringify(r.error));
  assert.match(r.error.message, /record/);
  assert.equal(r.error.remote, false);
});
