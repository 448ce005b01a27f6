// The ECMA-419 TLS socket (embedded:io/socket/tcp/tls, modules/securesocket/tlssocket.ts) in xsh
// against a Node https server on 127.0.0.1: an HTTPS GET read with read(), read(count),
// read(buffer) and format "number"; onReadable counts; a POST written through onWritable's
// backpressure; a verification failure reaching onError with its reason; close from a callback.
// The XS side: tests/xs/securesocket/tlssocket.js. Certificates: tests/lib/tls-peers.mjs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import https from "node:https";
import { join } from "node:path";
import { repo, startXsh, explain } from "./lib/xsh.mjs";
import { makeCertificates, projectManifest } from "./lib/tls-peers.mjs";

const driver = join(repo, "tests", "xs", "securesocket", "tlssocket.js");
const T = { timeout: 60000 };
const BODY = 40000;   // several TLS records

let certs, server, port;
const uploads = [];

function hash(bytes) {
  let h = 0;
  for (const b of bytes) h = (Math.imul(h, 31) + b) >>> 0;
  return h;
}
const body = Buffer.alloc(BODY);
for (let i = 0; i < BODY; i++) body[i] = (i * 7) & 0xff;

before(async () => {
  certs = makeCertificates({ chain: true });
  execFileSync("openssl", ["x509", "-in", "root.crt", "-outform", "DER", "-out", "root.der"], { cwd: certs.dir });
  server = https.createServer({ key: certs.pem("chainleaf.key"), cert: certs.pem("chainleaf.crt") + certs.pem("chain.extra.pem") }, (req, res) => {
    if (req.method === "POST") {
      const parts = [];
      req.on("data", (d) => parts.push(d));
      req.on("end", () => {
        const got = Buffer.concat(parts);
        uploads.push(got);
        res.end(`length ${got.length} hash ${hash(got)}`);
      });
      return;
    }
    res.sendDate = false;   // every response the same, byte for byte
    res.setHeader("Content-Length", BODY);
    res.end(body);
  });
  await new Promise((res) => server.listen(0, "127.0.0.1", res));
  port = server.address().port;
});
after(async () => {
  if (server) await new Promise((res) => server.close(res));
  certs?.remove();
});

async function run(config) {
  const r = await startXsh(driver, [JSON.stringify({ port, secure: { certificate: certs.path("root.der") }, ...config })],
    { manifest: projectManifest, timeout: 30000 }).done;
  r.event = (name) => r.lines.filter((l) => l.event === name);
  r.end = r.event("end")[0];
  return r;
}

/** the GET's response: the status line, and the body at its end */
function assertResponse(r) {
  assert.equal(r.code, 0, explain(r));
  assert.ok(r.end, explain(r));
  assert.match(r.end.text, /^HTTP\/1\.1 200 OK\r\n/);
  assert.equal(r.end.bodyLength, BODY, `received ${r.end.received}`);
  assert.equal(r.end.bodyHash, hash(body), "the body arrived intact");
  const errors = r.event("error");
  assert.equal(errors.length, 1, "one onError: the server's close_notify");
  assert.equal(errors[0].reason, "closed");
  assert.match(errors[0].message, /^embedded:io\/socket\/tcp\/tls: the peer closed/);
  assert.ok(errors[0].self, "onError's this is the socket");
}

test("GET with read(): onWritable first (this = the socket, target kept), onReadable per record, the whole body, onError \"closed\" on close_notify", T, async () => {
  const r = await run({ read: "all" });
  assertResponse(r);
  const writables = r.event("writable");
  assert.ok(writables.length >= 1 && writables[0].bytes > 0, explain(r));
  assert.ok(writables.every((w) => w.self && w.target), "callbacks run with this = the socket, this.target = options.target");
  const readables = r.event("readable");
  assert.equal(readables.length, r.end.readables);
  assert.ok(readables.length >= 3, `${readables.length} onReadable calls for ${r.end.received} bytes`);
  assert.ok(r.end.maxReadable <= 16384, "at most one record's plaintext is readable at a time");
  assert.equal(readables.reduce((a, e) => a + e.bytes, 0), r.end.received, "onReadable's counts add up to what was read");
  const checks = r.event("checks")[0];
  assert.deepEqual(checks, { event: "checks", tooMany: "RangeError", zero: "RangeError", bigBuffer: "RangeError", numberWrite: "TypeError", badFormat: "RangeError" });
});

test("GET with read(count), read(buffer) and format \"number\": the same bytes as read()", T, async () => {
  const all = await run({ read: "all" });
  assertResponse(all);
  for (const config of [{ read: "count", piece: 7 }, { read: "count", piece: 5000 }, { read: "buffer", piece: 100 }, { read: "number" }]) {
    const r = await run(config);
    assertResponse(r);
    assert.equal(r.end.received, all.end.received, JSON.stringify(config));
    assert.equal(r.end.hash, all.end.hash, `${JSON.stringify(config)}: the same response, byte for byte`);
    if (config.read === "number")
      assert.equal(r.lines.find((l) => l.event === "constructed").format, "number");
  }
});

test("write backpressure: a 100 KB POST written in pieces no larger than each onWritable(bytes), write beyond it throws", T, async () => {
  const size = 100000;
  const before = uploads.length;
  const r = await run({ upload: size });
  assert.equal(r.code, 0, explain(r));
  const up = r.event("uploaded")[0];
  assert.ok(up, explain(r));
  assert.equal(up.overflowThrew, "Error", "writing more than onWritable announced throws");
  assert.ok(up.pieces >= 2, `${up.pieces} pieces`);
  const writables = r.event("writable");
  assert.ok(up.maxPiece <= Math.max(...writables.map((w) => w.bytes)));
  assert.equal(uploads.length, before + 1);
  const got = uploads.at(-1);
  assert.equal(got.length, size);
  const expected = Buffer.alloc(size);
  for (let i = 0; i < size; i++) expected[i] = i & 0xff;
  assert.ok(got.equals(expected), "the server received the bytes written");
  assert.match(r.end.text, new RegExp(`length ${size} hash ${hash(expected)}$`));
});

test("verification failure: no trusted root reaches onError with the X.509 reason, nothing readable", T, async () => {
  const r = await run({ secure: {} });
  assert.equal(r.code, 0, explain(r));
  const errors = r.event("error");
  assert.equal(errors.length, 1, explain(r));
  assert.equal(errors[0].reason, "unknownIssuer");
  assert.match(errors[0].message, /^x509: /);
  assert.equal(r.event("readable").length, 0);
  assert.equal(r.event("writable").length, 0, "never writable: the handshake failed");
});

test("close() from onReadable: no callback after it, read() then throws", T, async () => {
  const r = await run({ read: "all", closeAfter: 1 });
  assert.equal(r.code, 0, explain(r));
  assert.equal(r.end.closedByUs, true);
  assert.equal(r.end.readAfterClose, "Error");
  assert.equal(r.event("readable").length, 1);
  assert.equal(r.event("error").length, 0, "no onError after close()");
});

test("options: bad values throw TypeError/RangeError naming the module", T, async () => {
  const r = await startXsh(join(repo, "tests", "xs", "securesocket", "tlssocket-options.js"), [], { manifest: projectManifest }).done;
  assert.equal(r.code, 0, explain(r));
  const cases = Object.fromEntries(r.lines.map((l) => [l.case, l]));
  const expect = {
    noOptions: ["TypeError", /options required/],
    noHost: ["TypeError", /host or address required/],
    badPort: ["TypeError", /port must be/],
    badCallback: ["TypeError", /onReadable must be a function/],
    badFormat: ["RangeError", /format must be "buffer" or "number"/],
    from: ["TypeError", /from .* is not supported/],
    badSecure: ["TypeError", /^securesocket: unknown option "bogus" in secure/],
  };
  for (const [name, [type, message]] of Object.entries(expect)) {
    assert.ok(cases[name], `case ${name} ran: ${explain(r)}`);
    assert.equal(cases[name].name, type, name);
    assert.match(cases[name].message, message, name);
    if (name !== "badSecure") assert.match(cases[name].message, /^embedded:io\/socket\/tcp\/tls: /, name);
  }
});
