// Large handshake records are streamed, not buffered (modules/tls/record.ts RecordStreamer):
// the record buffer stays small through the handshake however large the server's flight record,
// and a protected record's pieces are provisional until its tag: a tampered record is
// bad_record_mac, whatever its bytes would have made the certificate check say.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, connect } from "node:net";
import { makeCertificates, withOpenSSL, runClient, explainRun } from "./lib/tls-peers.mjs";

const T = { timeout: 60000 };
const certs = makeCertificates({ chain: true });
process.on("exit", () => certs.remove());
const GET = "GET / HTTP/1.0\r\n\r\n";

const withServer = withOpenSSL;

const chainArgs = () => ["-cert", certs.path("chainleaf.crt"), "-key", certs.path("chainleaf.key"),
  "-cert_chain", certs.path("chain.extra.pem"), "-www"];

test("TLS 1.3: a 3 KB+ flight in one protected record streams: the record buffer stays at 517 bytes through the handshake", T, async () => {
  await withServer([...chainArgs(), "-tls1_3"], async (server) => {
    const r = await runClient(server.port, { request: GET, records: true });
    const c = r.first("connected");
    assert.ok(c, explainRun(r, server));
    assert.equal(c.certificates, 4);
    assert.ok(r.first("records").maxProtected > 3000, `the flight came in a record of ${r.first("records").maxProtected} bytes`);
    assert.ok(c.recordBuffer <= 517, `record buffer ${c.recordBuffer} bytes at the end of the handshake`);
    assert.match(r.first("data").text, /^HTTP\/1.0 200 ok/);
  });
});

test("TLS 1.2: the plaintext Certificate record streams too", T, async () => {
  await withServer([...chainArgs(), "-tls1_2"], async (server) => {
    const r = await runClient(server.port, { request: GET, records: true, maxVersion: "TLS 1.2" });
    const c = r.first("connected");
    assert.ok(c, explainRun(r, server));
    assert.equal(c.version, "TLS 1.2");
    assert.ok(r.first("records").maxPlain > 3000, `largest plaintext record ${r.first("records").maxPlain}`);
    assert.ok(c.recordBuffer <= 517, `record buffer ${c.recordBuffer} bytes`);
  });
});

/** a TCP proxy that flips one byte, `at` bytes into the first server record over `minimum` bytes */
async function tamperingProxy(target, minimum, at) {
  const server = createServer((client) => {
    const upstream = connect(target, "127.0.0.1");
    let buffered = Buffer.alloc(0), seen = 0, done = false;
    client.pipe(upstream);
    upstream.on("data", (chunk) => {
      if (done) return client.write(chunk);
      buffered = Buffer.concat([buffered, chunk]);
      // walk whole records; flip the byte once the chosen record is complete
      let offset = 0;
      const out = [];
      while (buffered.length - offset >= 5) {
        const length = buffered.readUInt16BE(offset + 3);
        if (buffered.length - offset < 5 + length) break;
        const rec = Buffer.from(buffered.subarray(offset, offset + 5 + length));
        seen++;
        if (length > minimum) {
          rec[5 + (at >= 0 ? at : length + at)] ^= 0x40;
          done = true;
        }
        out.push(rec);
        offset += 5 + length;
      }
      buffered = buffered.subarray(offset);
      if (out.length) client.write(Buffer.concat(out));
      if (done && buffered.length) { client.write(buffered); buffered = Buffer.alloc(0); }
    });
    upstream.on("end", () => client.end());
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

for (const [what, at] of [["in the certificates", 600], ["near its end", -40]]) {
  test(`TLS 1.3: a byte flipped ${what} of the streamed flight record gives bad_record_mac`, T, async () => {
    await withServer([...chainArgs(), "-tls1_3"], async (server) => {
      // the record that carries the Certificate message is the only one over 1000 bytes
      const proxy = await tamperingProxy(server.port, 1000, at);
      try {
        const r = await runClient(proxy.address().port, { request: GET });
        const error = r.first("error");
        assert.ok(error, explainRun(r, server));
        assert.equal(error.alert, 20, `expected bad_record_mac, got ${JSON.stringify(error)}`);
        assert.equal(error.remote, false);
        assert.equal(r.first("connected"), undefined);
      }
      finally {
        proxy.close();
      }
    });
  });
}
