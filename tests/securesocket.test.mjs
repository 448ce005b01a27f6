// SecureSocket (modules/securesocket) in xsh against Node TLS peers on 127.0.0.1: the SDK's Socket
// contract counting plaintext (messages, read and write forms, large transfers, clean close vs
// truncation, handshake timeout), certificate verification (on by default), the secure dictionary
// (validation, versions, ALPN), resumption, alerts, the key log, and native memory after a GET.
// Certificates are made at test time with openssl. The XS side: tests/xs/securesocket/.
import { READ_BLOCKS, READ_RESULTS } from "./lib/read-forms.mjs";
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import net from "node:net";
import tls from "node:tls";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repo, startXsh, explain, delay } from "./lib/xsh.mjs";

const manifest = join(repo, "manifest.json");
const xsDir = join(repo, "tests", "xs", "securesocket");
const T = { timeout: 30000 };

// ---- certificates: a test CA and its leaf for localhost/127.0.0.1, another CA, a self-signed leaf ----

let certs;
before(() => {
  const dir = mkdtempSync(join(tmpdir(), "securesocket-test-"));
  const openssl = (...args) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  const ec = ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"];
  const ca = (name, cn) => {
    openssl("req", "-x509", "-newkey", ...ec, "-nodes", "-keyout", `${name}.key`, "-out", `${name}.pem`, "-days", "2",
      "-subj", `/CN=${cn}/O=SecureSocket Tests`, "-addext", "basicConstraints=critical,CA:TRUE",
      "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    openssl("x509", "-in", `${name}.pem`, "-outform", "DER", "-out", `${name}.der`);
  };
  ca("ca", "SecureSocket Test CA");
  ca("other", "SecureSocket Other CA");
  writeFileSync(join(dir, "leaf.ext"), "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n" +
    "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n");
  openssl("req", "-new", "-newkey", ...ec, "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
  openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem",
    "-days", "2", "-sha256", "-extfile", "leaf.ext");
  // a leaf from the same CA that names only example.com
  writeFileSync(join(dir, "elsewhere.ext"), "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n" +
    "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:example.com\n");
  openssl("req", "-new", "-newkey", ...ec, "-nodes", "-keyout", "elsewhere.key", "-out", "elsewhere.csr", "-subj", "/CN=example.com");
  openssl("x509", "-req", "-in", "elsewhere.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "elsewhere.pem",
    "-days", "2", "-sha256", "-extfile", "elsewhere.ext");
  openssl("req", "-x509", "-newkey", ...ec, "-nodes", "-keyout", "self.key", "-out", "self.pem", "-days", "2",
    "-subj", "/CN=SecureSocket Self-Signed", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
  const read = (name) => readFileSync(join(dir, name));
  certs = {
    dir,
    path: (name) => join(dir, name),
    // the server's usual identity: the CA's leaf
    server: { key: read("server.key"), cert: read("server.pem") },
    self: { key: read("self.key"), cert: read("self.pem") },
    elsewhere: { key: read("elsewhere.key"), cert: read("elsewhere.pem") },
  };
});
after(() => {
  if (certs) rmSync(certs.dir, { recursive: true, force: true });
});

// ---- peers ----

/**
 * A Node TLS server on 127.0.0.1 (port 0) with the CA's leaf unless options say otherwise; calls
 * onSecure(tlsSocket, raw) for each connection once its handshake is done (raw: the TCP socket).
 * Records the key log lines (by client random), client errors, and each connection's version,
 * ALPN and resumption.
 */
async function tlsPeer(options, onSecure) {
  const raws = new Set();
  const peer = { keylog: [], clientErrors: [], connections: [], raws };
  const server = tls.createServer({ ...certs.server, ...options });
  server.on("connection", (raw) => {
    raws.add(raw);
    raw.on("close", () => raws.delete(raw));
  });
  server.on("keylog", (line) => peer.keylog.push(line.toString().trim()));
  server.on("tlsClientError", (error) => peer.clientErrors.push(error));
  server.on("secureConnection", (socket) => {
    socket.on("error", () => {});
    peer.connections.push({ version: socket.getProtocol(), alpn: socket.alpnProtocol, reused: socket.isSessionReused(), servername: socket.servername });
    onSecure?.(socket, [...raws].find((r) => r.remotePort === socket.remotePort));
  });
  await new Promise((res, rej) => {
    server.once("error", rej);
    server.listen(0, "127.0.0.1", res);
  });
  peer.port = server.address().port;
  peer.server = server;
  peer.close = () => {
    for (const r of raws) r.destroy();
    return new Promise((res) => server.close(() => res()));
  };
  return peer;
}

/**
 * Ends the connection (close_notify, then FIN) with `text` as the last data. Not in the same tick as
 * 'secureConnection': a TLS 1.3 Node server that ends there sends its data and tickets but no
 * close_notify (openssl s_client then reports an unexpected EOF too), which we rightly call a
 * truncation.
 */
const endSoon = (s, text) => setImmediate(() => s.end(text));
const okThenEnd = (s) => endSoon(s, "ok");

/** resolves once the TLS socket has received `text` (accumulated) */
function receiveText(socket, text, ms = 10000) {
  return new Promise((res, rej) => {
    let got = "";
    const timer = setTimeout(() => {
      socket.off("data", onData);
      rej(new Error(`the peer timed out waiting for ${JSON.stringify(text)} (got ${JSON.stringify(got)})`));
    }, ms);
    function onData(d) {
      got += d.toString("latin1");
      if (got.includes(text)) {
        clearTimeout(timer);
        socket.off("data", onData);
        res(got);
      }
    }
    socket.on("data", onData);
  });
}

/** writes each piece as its own record, waiting for the client's ack ("k") after each */
async function sendRecords(socket, pieces, { pause = 30 } = {}) {
  for (const piece of pieces) {
    await delay(pause);
    socket.write(piece);
    await receiveText(socket, "k");
  }
}

// ---- the XS side ----

/** runs tests/xs/securesocket/<module> with JSON config; resolves to xsh's result plus events/errors */
async function runClient(config, { module = "client.js", timeout = 20000, options = [] } = {}) {
  const r = await startXsh(join(xsDir, module), [JSON.stringify(config)], { manifest, timeout, options }).done;
  r.events = r.lines.filter((l) => "message" in l);
  r.messages = (c = 0) => r.events.filter((e) => e.c === c).map((e) => e.message);
  r.constructed = r.lines.find((l) => l.constructed);
  r.keylog = r.lines.filter((l) => l.keylog).map((l) => l.keylog);
  return r;
}

/** the usual config: the CA trusted, host localhost */
const trusted = (port, more = {}) => ({ port, ...more, secure: { certificate: certs.path("ca.der"), ...(more.secure ?? {}) } });

/** the last error event's error */
const failure = (r) => r.events.findLast((e) => e.message === -2)?.error;

function hash(buffer) {
  let h = 0;
  for (const b of buffer) h = (Math.imul(h, 31) + b) | 0;
  return h >>> 0;
}

// ---- messages ----

test("messages: 1 after the handshake, then 3 (writable plaintext), 2 per record (its size), -1 on close_notify, nothing after", T, async () => {
  const peer = await tlsPeer({}, async (s) => {
    await sendRecords(s, ["hello", "abc", Buffer.alloc(1000, 0x61)]);
    s.end();
  });
  try {
    const r = await runClient(trusted(peer.port, { ack: "k" }));
    assert.equal(r.code, 0, explain(r));
    assert.equal(r.lines[0].constructed, true, "no callback inside the constructor");
    assert.equal(r.constructed.writeBefore.message, "securesocket: not connected");
    assert.equal(r.constructed.writableBefore, 0);
    // 3 once after 1, then after each write (the ack) has gone out
    assert.deepEqual(r.messages(), [1, 3, 2, 3, 2, 3, 2, 3, -1], explain(r));
    const [connected, writable, first, , second, , third] = r.events;
    assert.ok(r.events.every((e) => e.self), "callbacks are called with this = the socket");
    assert.equal(connected.tls.version, "TLS 1.3");
    assert.equal(connected.tls.certificates, 1);
    assert.ok(connected.writable > 0);
    assert.ok(writable.value > 0 && writable.value === writable.writable, JSON.stringify(writable));
    assert.deepEqual([first.value, first.available, first.text, first.availableAfter], [5, 5, "hello", 0]);
    assert.deepEqual([second.value, second.text], [3, "abc"]);
    assert.deepEqual([third.value, third.text.length], [1000, 1000]);
    assert.ok(!r.events.some((e) => e.afterEnd), "nothing after -1");
    assert.deepEqual(r.lines.at(-1), { end: true });
  } finally {
    await peer.close();
  }
});

test("messages: 1 comes only after the handshake: a server that accepts TCP and never answers gives no 1, only -2 \"timeout\" (handshakeTimeout 500)", T, async () => {
  const raws = new Set();
  const server = net.createServer((c) => {
    raws.add(c);
    c.on("error", () => {});
    c.resume();
  });
  await new Promise((res) => server.listen(0, "127.0.0.1", res));
  try {
    const r = await runClient(trusted(server.address().port, { secure: { handshakeTimeout: 500 } }));
    assert.equal(r.code, 0, explain(r));
    assert.equal(raws.size, 1, "the TCP connection was made");
    assert.deepEqual(r.messages(), [-2], explain(r));
    const e = r.events[0];
    assert.equal(e.error.reason, "timeout");
    assert.match(e.error.message, /handshake timed out after 500 ms/);
    assert.ok(e.t >= 450 && e.t < 3000, `-2 after ${e.t} ms`);
  } finally {
    for (const c of raws) c.destroy();
    await new Promise((res) => server.close(res));
  }
});

// ---- read forms ----

test("read: read(String, \"\\n\") across TLS records (\"hel\", \"lo\\nwor\", \"ld\\n\"): what each callback reads", T, async () => {
  const peer = await tlsPeer({}, async (s) => {
    await sendRecords(s, ["hel", "lo\nwor", "ld\n"], { pause: 40 });
    s.end();
  });
  try {
    const r = await runClient(trusted(peer.port, { read: "lines", ack: "k" }));
    assert.equal(r.code, 0, explain(r));
    assert.deepEqual(r.messages(), [1, 3, 2, 3, 2, 3, 2, 3, -1], explain(r));
    const reads = r.events.filter((e) => e.message === 2);
    assert.deepEqual(reads.map((e) => e.value), [3, 6, 3]);
    assert.deepEqual(reads.map((e) => e.available), [3, 6, 3]);
    assert.deepEqual(reads.map((e) => e.parts), [["hel"], ["lo\n", "wor"], ["ld\n"]]);
    assert.deepEqual(reads.map((e) => e.availableAfter), [0, 0, 0]);
    assert.deepEqual(r.lines.find((l) => l.lines).lines, ["hello\n", "world\n"]);
  } finally {
    await peer.close();
  }
});

test("read: read(), read(Number), read(String, n), read(null, n), read(ArrayBuffer, n | terminator), read(String), read(null) over plaintext", T, async () => {
  const blocks = READ_BLOCKS;
  const peer = await tlsPeer({}, async (s) => {
    await sendRecords(s, blocks, { pause: 20 });
    s.end();
  });
  try {
    const r = await runClient(trusted(peer.port, { read: "forms", ack: "k" }));
    assert.equal(r.code, 0, explain(r));
    assert.deepEqual(r.messages(), [1, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, -1], explain(r));
    const steps = r.events.filter((e) => e.message === 2);
    assert.deepEqual(steps.map((e) => e.value), blocks.map((b) => b.length), "each record is one message 2 with its size");
    assert.deepEqual(steps.map((e) => e.reads), READ_RESULTS);
  } finally {
    await peer.close();
  }
});

test("read: data then close_notify, read from a timer after the callback: the data, then -1 (not a truncation)", T, async () => {
  const peer = await tlsPeer({}, async (s) => {
    endSoon(s, "the last words");
  });
  try {
    const r = await runClient(trusted(peer.port, { read: "later" }));
    assert.equal(r.code, 0, explain(r));
    assert.deepEqual(r.messages(), [1, 3, 2, -1], explain(r));
    const later = r.lines.find((l) => l.later);
    assert.deepEqual(later, { c: 0, later: true, available: 14, text: "the last words", availableAfter: 0 }, explain(r));
    assert.ok(r.lines.indexOf(later) < r.lines.findIndex((l) => l.message === -1), "read before -1");
  } finally {
    await peer.close();
  }
});

// ---- write forms ----

test("write: strings (UTF-8), byte numbers, ArrayBuffer, Uint8Array, DataView, Int8Array, several at once; overflow throws; write after close() throws", T, async () => {
  let received;
  const peer = await tlsPeer({}, (s) => {
    const chunks = [];
    s.on("data", (d) => chunks.push(d));
    received = new Promise((res) => s.on("end", () => res(Buffer.concat(chunks))));
  });
  try {
    const r = await runClient(trusted(peer.port, { writeForms: true }));
    assert.equal(r.code, 0, explain(r));
    assert.deepEqual(r.messages(), [1], explain(r));
    const e = r.events[0];
    const n = e.writable;
    assert.ok(n > 0, "write() returns a positive count");
    assert.equal(e.overflow.name, "Error");
    assert.equal(e.overflow.message, `securesocket: write overflow (${n + 1} bytes, ${n} writable)`);
    assert.equal(e.overflowMany.message, `securesocket: write overflow (${n + 1} bytes, ${n} writable)`, "the items of one write count together");
    assert.equal(e.badByte.name, "RangeError");
    assert.match(e.badByte.message, /securesocket: byte out of range/);
    assert.equal(e.writableAfterOverflow, n, "a refused write writes nothing");
    assert.ok(e.writableAfter > 0);
    assert.equal(e.writeAfterClose.message, "securesocket: closed");
    assert.equal(e.writableAfterClose, 0);
    const expected = Buffer.concat([
      Buffer.from("str:"),
      Buffer.from([0x41, 0x42, 0]),
      Buffer.from([1, 2, 3, 4, 5]),
      Buffer.from([12, 13, 14]),
      Buffer.from([21, 22]),
      Buffer.from([255, 127]),
      Buffer.from("abcd"), Buffer.from([0, 9, 21, 22, 1, 2]),
      Buffer.from("é€"),
    ]);
    // the client's close() sends close_notify: the server sees a clean end after exactly these bytes
    assert.deepEqual([...(await received)], [...expected]);
  } finally {
    await peer.close();
  }
});

// ---- large transfers ----

/** a peer that sends `size` bytes (data) in 16 KB records, then ends */
async function bulkPeer(size) {
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i++) data[i] = (i * 131 + (i >> 9)) & 255;
  const peer = await tlsPeer({}, (s) => {
    for (let at = 0; at < size; at += 16384) s.write(data.subarray(at, at + 16384));
    endSoon(s);
  });
  return { data, peer };
}

test("bulk: 1 MB from the server in 16 KB records, read in the callbacks: each 2 is one record, count and hash match", T, async () => {
  const size = 1024 * 1024;
  const { data, peer } = await bulkPeer(size);
  try {
    const r = await runClient(trusted(peer.port, { read: "bulk" }));
    assert.equal(r.code, 0, explain(r));
    const bulk = r.lines.find((l) => "bulk" in l);
    assert.ok(bulk, explain(r));
    assert.equal(bulk.bulk, size);
    assert.equal(bulk.hash, hash(data));
    assert.equal(bulk.maxValue, 16384);
    assert.equal(bulk.messages, 64, "one message 2 per record");
    assert.ok(!r.lines.some((l) => l.mismatch), "each 2's value is what read() then returns");
    assert.deepEqual(r.messages(), [1, 3, -1], explain(r));
  } finally {
    await peer.close();
  }
});

test("read(buffer): 256 KB in 16 KB records read into the app's one reused buffer (Uint8Array, ArrayBuffer, DataView, a window of a larger buffer; smaller and as large as a record): count and hash match, nothing written outside the view", T, async () => {
  const size = 256 * 1024;
  const { data, peer } = await bulkPeer(size);
  try {
    for (const into of [{ kind: "uint8", size: 16384 }, { kind: "arraybuffer", size: 1000 }, { kind: "dataview", size: 777 }, { kind: "window", size: 5000 }]) {
      const r = await runClient(trusted(peer.port, { read: "into", into }));
      assert.equal(r.code, 0, explain(r));
      const bulk = r.lines.find((l) => "bulk" in l);
      assert.ok(bulk, explain(r));
      assert.equal(bulk.bulk, size, into.kind);
      assert.equal(bulk.hash, hash(data), into.kind);
      assert.equal(bulk.messages, 16, "one message 2 per record");
      assert.equal(bulk.reads, 16 * Math.ceil(16384 / into.size), "each read fills the buffer or takes the rest of the record");
      assert.ok(!r.lines.some((l) => l.mismatch || l.outside), explain(r));
      assert.deepEqual(r.messages(), [1, 3, -1], explain(r));
    }
  } finally {
    await peer.close();
  }
});

test("read(buffer) forms: fills from the buffer's start, up to its byteLength, an until count or character; 0 for an empty buffer or nothing available; not a buffer: TypeError", T, async () => {
  const peer = await tlsPeer({}, async (s) => {
    await sendRecords(s, ["line one\nrest of it"]);
    s.end();
  });
  try {
    const r = await runClient(trusted(peer.port, { read: "intoForms", ack: "k" }));
    assert.equal(r.code, 0, explain(r));
    const reads = r.events.find((e) => e.message === 2)?.reads;
    assert.deepEqual(reads, {
      available: 19, empty: 0, four: [4, "line"], untilNewline: [5, " one\n"], dataViewCount: [3, "res"],
      window: [7, "t of it", 0xEE, 0xEE], availableEnd: 0, nothing: 0,
      notABuffer: { name: "TypeError", message: "securesocket: read type must be String, ArrayBuffer, Number, null or a buffer to fill" },
      nanUntil: 0,
    }, explain(r));
  } finally {
    await peer.close();
  }
});

test("bulk: 200 KB from the client in pieces as large as each message 3 allows; the server gets them exactly", T, async () => {
  const size = 200 * 1024;
  const expected = Buffer.alloc(size);
  for (let i = 0; i < size; i++) expected[i] = (i * 7 + 3) & 255;
  let got;
  const peer = await tlsPeer({}, (s) => {
    const chunks = [];
    let total = 0;
    got = new Promise((res) => {
      s.on("data", (d) => {
        chunks.push(d);
        total += d.length;
        if (total >= size) {
          const all = Buffer.concat(chunks);
          s.end(`OK ${all.length} ${hash(all)}`);
          res(all);
        }
      });
    });
  });
  try {
    const r = await runClient(trusted(peer.port, { upload: size }));
    assert.equal(r.code, 0, explain(r));
    const all = await got;
    assert.equal(all.length, size);
    assert.ok(all.equals(expected), "the bytes the server received");
    const up = r.lines.find((l) => "uploaded" in l);
    assert.equal(up.uploaded, size);
    // the 3 after the last piece may come after the server's reply (the host defers "sent"), then not at all
    assert.ok(up.firstValue > 8000, explain(r));
    assert.equal(up.pieces, Math.ceil(size / up.firstValue), explain(r));
    const threes = r.events.filter((e) => e.message === 3);
    assert.ok(threes.every((e) => e.value > 8000 && e.value === e.writable), "3 tells what write() allows");
    const reply = r.events.find((e) => e.message === 2);
    assert.ok(reply, explain(r));
    assert.equal(reply.text, `OK ${size} ${hash(expected)}`);
    assert.equal(r.events.at(-1).message, -1, explain(r));
  } finally {
    await peer.close();
  }
});

// ---- clean close vs truncation ----

test("close: the server destroys TCP after data, without close_notify: 2 then -2 \"truncated\" (not -1)", T, async () => {
  const peer = await tlsPeer({}, async (s, raw) => {
    s.write("partial");
    await receiveText(s, "k");
    raw.destroy();
  });
  try {
    const r = await runClient(trusted(peer.port, { ack: "k" }));
    assert.equal(r.code, 0, explain(r));
    assert.deepEqual(r.messages(), [1, 3, 2, 3, -2], explain(r));
    const e = r.events.at(-1);
    assert.equal(e.error.reason, "truncated");
    assert.match(e.error.message, /without close_notify/);
    assert.equal(r.events.find((x) => x.message === 2).text, "partial");
  } finally {
    await peer.close();
  }
});

test("close: data, then TCP closed without close_notify while the app reads later: the data, then -2 \"truncated\"", T, async () => {
  const peer = await tlsPeer({}, async (s, raw) => {
    s.write("unfinished", () => setTimeout(() => raw.destroy(), 20));
  });
  try {
    const r = await runClient(trusted(peer.port, { read: "later" }));
    assert.equal(r.code, 0, explain(r));
    assert.deepEqual(r.messages(), [1, 3, 2, -2], explain(r));
    const later = r.lines.find((l) => l.later);
    assert.deepEqual(later, { c: 0, later: true, available: 10, text: "unfinished", availableAfter: 0 }, explain(r));
    assert.ok(r.lines.indexOf(later) < r.lines.findIndex((l) => l.message === -2), "the data is read before -2");
    assert.equal(r.events.at(-1).error.reason, "truncated");
  } finally {
    await peer.close();
  }
});

test("close: close() in a 2 callback while more records wait: no callback after it, and the server sees the end", T, async () => {
  let ended;
  const peer = await tlsPeer({}, (s) => {
    // "close", not "end": records still unread in our kernel buffer at close() make it an RST
    ended = new Promise((res) => s.on("close", () => res(true)));
    s.write("first");
    s.write("second");
    s.write("third");
  });
  try {
    const r = await runClient(trusted(peer.port, { closeOn: "first" }));
    assert.equal(r.code, 0, explain(r));
    assert.deepEqual(r.messages(), [1, 3, 2], explain(r));
    const e = r.events[2];
    assert.equal(e.text, "first");
    assert.equal(e.closed, true);
    assert.equal(e.writeAfterClose.message, "securesocket: closed");
    assert.equal(await Promise.race([ended, delay(3000).then(() => false)]), true, "the server saw the connection end");
  } finally {
    await peer.close();
  }
});

test("close: connection refused: -2 \"network\" only", T, async () => {
  const server = net.createServer();
  await new Promise((res) => server.listen(0, "127.0.0.1", res));
  const { port } = server.address();
  await new Promise((res) => server.close(res));
  const r = await runClient(trusted(port));
  assert.equal(r.code, 0, explain(r));
  assert.deepEqual(r.messages(), [-2], explain(r));
  assert.equal(failure(r).reason, "network");
});

// ---- verification ----

test("verify: on by default: a self-signed server not in secure.certificate gives -2 \"unknownIssuer\" naming it, and our unknown_ca alert", T, async () => {
  const peer = await tlsPeer({ ...certs.self });
  try {
    const r = await runClient({ port: peer.port });
    assert.equal(r.code, 0, explain(r));
    assert.deepEqual(r.messages(), [-2], explain(r));
    const error = failure(r);
    assert.equal(error.reason, "unknownIssuer");
    assert.equal(error.remote, false);
    assert.equal(error.alert, 48);
    assert.match(error.message, /SecureSocket Self-Signed/);
    await delay(50);
    assert.ok(peer.clientErrors.some((x) => /unknown ca/i.test(x.message)), `the server got our alert: ${peer.clientErrors.map((x) => x.message)}`);
    assert.equal(peer.connections.length, 0);
  } finally {
    await peer.close();
  }
});

test("verify: the CA in secure.certificate (ArrayBuffer, Uint8Array, an array with another root) connects; the chain's own CA is not enough without it", T, async () => {
  const peer = await tlsPeer({}, okThenEnd);
  try {
    for (const [secure, more] of [
      [{ certificate: certs.path("ca.der") }, {}],
      [{ certificate: certs.path("ca.der") }, { certificateAs: "uint8" }],
      [{ certificate: [certs.path("other.der"), certs.path("ca.der")] }, {}],
      [{ certificate: [certs.path("ca.der")] }, { address: "127.0.0.1" }],
    ]) {
      const r = await runClient({ port: peer.port, secure, ...more });
      assert.equal(r.code, 0, explain(r));
      assert.deepEqual(r.messages(), [1, 3, 2, -1], explain(r));
      assert.equal(r.events[2].text, "ok");
    }
    const r = await runClient({ port: peer.port, secure: { certificate: certs.path("other.der") } });
    assert.deepEqual(r.messages(), [-2], explain(r));
    assert.equal(failure(r).reason, "unknownIssuer");
    assert.match(failure(r).message, /SecureSocket Test CA/);
  } finally {
    await peer.close();
  }
});

test("verify: the name: tls_server_name not in the certificate, or a certificate for another name (by host, by address, without SNI) gives \"nameMismatch\"", T, async () => {
  const good = await tlsPeer({}, okThenEnd);
  const elsewhere = await tlsPeer({ ...certs.elsewhere }, okThenEnd);
  try {
    let r = await runClient(trusted(good.port, { secure: { tls_server_name: "example.com" } }));
    assert.deepEqual(r.messages(), [-2], explain(r));
    assert.equal(failure(r).reason, "nameMismatch");
    assert.match(failure(r).message, /example\.com/);
    for (const more of [{}, { address: "127.0.0.1" }, { secure: { tls_server_name: false } }]) {
      r = await runClient(trusted(elsewhere.port, more));
      assert.deepEqual(r.messages(), [-2], `${JSON.stringify(more)}\n${explain(r)}`);
      assert.equal(failure(r).reason, "nameMismatch", JSON.stringify(more));
    }
    // the right name for that certificate
    r = await runClient(trusted(elsewhere.port, { secure: { tls_server_name: "example.com" } }));
    assert.deepEqual(r.messages(), [1, 3, 2, -1], explain(r));
    assert.equal(elsewhere.connections.at(-1).servername, "example.com", "SNI is the tls_server_name");
    // no SNI with tls_server_name false, and none for an IP address
    r = await runClient(trusted(good.port, { secure: { tls_server_name: false } }));
    assert.deepEqual(r.messages(), [1, 3, 2, -1], explain(r));
    assert.equal(good.connections.at(-1).servername, false);
  } finally {
    await good.close();
    await elsewhere.close();
  }
});

test("verify: false connects to the self-signed server (the handshake signature is still checked), and to one that sends a chain (the leaf's key taken)", T, async () => {
  const peer = await tlsPeer({ ...certs.self }, okThenEnd);
  // the leaf, then its CA: only the first certificate is kept, and its key must check the CertificateVerify
  const chained = await tlsPeer({ cert: Buffer.concat([certs.server.cert, readFileSync(certs.path("ca.pem"))]) }, okThenEnd);
  try {
    const r = await runClient({ port: peer.port, secure: { verify: false } });
    assert.equal(r.code, 0, explain(r));
    assert.deepEqual(r.messages(), [1, 3, 2, -1], explain(r));
    assert.equal(r.events[0].tls.version, "TLS 1.3");
    const c = await runClient({ port: chained.port, secure: { verify: false } });
    assert.equal(c.code, 0, explain(c));
    assert.deepEqual(c.messages(), [1, 3, 2, -1], explain(c));
    assert.equal(c.events[0].tls.certificates, 2, explain(c));
  } finally {
    await chained.close();
    await peer.close();
  }
});

// ---- the secure dictionary ----

test("options: unknown options and wrong types throw from the constructor, naming the option", T, async () => {
  const port = 9;   // never reached: every case but "good" throws, and "good" is closed at once
  const r = await runClient({ port }, { module: "options.js" });
  assert.equal(r.code, 0, explain(r));
  const got = Object.fromEntries(r.lines.filter((l) => l.case).map((l) => [l.case, l]));
  const expect = (name, type, pattern) => {
    assert.ok(got[name], `case ${name}: ${explain(r)}`);
    assert.equal(got[name].name, type, `${name}: ${JSON.stringify(got[name])}`);
    assert.match(got[name].message, pattern, name);
  };
  expect("unknown", "TypeError", /^securesocket: unknown option "verfiy"/);
  expect("verifyString", "TypeError", /^securesocket: verify must be a boolean/);
  expect("fragment3000", "TypeError", /^securesocket: tls_max_fragment_length must be 512, 1024, 2048 or 4096/);
  expect("version301", "RangeError", /^securesocket: protocolVersion below TLS 1.2 is not supported/);
  expect("versionName", "TypeError", /^securesocket: protocolVersion must be/);
  expect("maxBelowMin", "TypeError", /^securesocket: protocolVersion \(the minimum\) is above maxVersion/);
  expect("suiteNope", "TypeError", /^securesocket: cipherSuites\[0\]: unknown cipher suite NOPE/);
  expect("groupNope", "TypeError", /^securesocket: groups\[0\]: unknown group x448/);
  expect("alpnEmpty", "TypeError", /^securesocket: applicationLayerProtocolNegotiation\[0\] must be a protocol name/);
  expect("alpnNumber", "TypeError", /^securesocket: tls_application_layer_protocol_negotiation must be a protocol name/);
  expect("certificateString", "TypeError", /^securesocket: certificate must be an ArrayBuffer/);
  expect("keylogString", "TypeError", /^securesocket: keylog must be a function/);
  expect("timeoutZero", "TypeError", /^securesocket: handshakeTimeout must be a positive number/);
  expect("serverNameNumber", "TypeError", /^securesocket: tls_server_name must be a host name/);
  expect("schemeNope", "TypeError", /^securesocket: tls_signature_algorithms\[0\]: unknown signature algorithm rsa_pkcs1_md5 \(known: ecdsa_secp256r1_sha256, /);
  expect("sessionBogus", "TypeError", /^securesocket: session must be a session object/);
  expect("clientKeyAlone", "TypeError", /^securesocket: clientKey and clientCertificates go together/);
  // a list's entries by index; an empty list of names, and more key shares than groups, named
  expect("groupsEmpty", "TypeError", /^securesocket: groups must name at least one group$/);
  expect("groupsHole", "TypeError", /^securesocket: groups\[0\]: unknown group undefined \(known: x25519, secp256r1, secp384r1, P-256, P-384\)$/);
  expect("keySharesMore", "TypeError", /^securesocket: keyShares must be an integer from 1 to the number of groups$/);
  expect("fragmentString", "TypeError", /^securesocket: tls_max_fragment_length must be 512, 1024, 2048 or 4096/);
  expect("unknownConstructor", "TypeError", /^securesocket: unknown option "constructor" in secure$/);
  expect("noHost", "TypeError", /^securesocket: host or address required/);
  expect("badPort", "RangeError", /^socket: bad port/);
  // manifest.json (a client app) has no server side: a listener asks for "securesocket/server"
  expect("listener", "TypeError", /^securesocket: the server side is not loaded: import "securesocket\/server" \(manifest_server\.json\)$/);
  assert.deepEqual(got.good, { case: "good", constructed: true }, "every known option with a good value is accepted (names or codes for suites and groups)");
  assert.deepEqual(r.lines.at(-1), { end: true });
});

test("options: protocolVersion \"TLS 1.3\" against a TLS 1.2-only server: -2 protocol_version; maxVersion \"TLS 1.2\" gives TLS 1.2", T, async () => {
  const peer = await tlsPeer({ maxVersion: "TLSv1.2" }, okThenEnd);
  try {
    let r = await runClient(trusted(peer.port, { secure: { protocolVersion: "TLS 1.3" } }));
    assert.equal(r.code, 0, explain(r));
    assert.deepEqual(r.messages(), [-2], explain(r));
    assert.equal(failure(r).reason, "protocol_version");
    assert.equal(failure(r).remote, true, "the server's alert");
    assert.match(failure(r).message, /protocol_version/);
    r = await runClient(trusted(peer.port));
    assert.deepEqual(r.messages(), [1, 3, 2, -1], explain(r));
    assert.equal(r.events[0].tls.version, "TLS 1.2", "a TLS 1.2 server with the defaults");
  } finally {
    await peer.close();
  }
  const modern = await tlsPeer({}, okThenEnd);
  try {
    const r = await runClient(trusted(modern.port, { secure: { maxVersion: "TLS 1.2" } }));
    assert.deepEqual(r.messages(), [1, 3, 2, -1], explain(r));
    assert.equal(r.events[0].tls.version, "TLS 1.2");
    assert.match(r.events[0].tls.cipherSuite, /^TLS_ECDHE_ECDSA_WITH_/);
    assert.equal(modern.connections.at(-1).version, "TLSv1.2");
  } finally {
    await modern.close();
  }
});

test("options: ALPN [\"h2\", \"http/1.1\"], the server picks http/1.1: socket.tls.alpn; the seed spelling tls_application_layer_protocol_negotiation too", T, async () => {
  const offered = [];
  const peer = await tlsPeer({
    ALPNCallback: ({ protocols }) => {
      offered.push(protocols);
      return protocols.includes("http/1.1") ? "http/1.1" : undefined;
    },
  }, okThenEnd);
  try {
    for (const secure of [
      { applicationLayerProtocolNegotiation: ["h2", "http/1.1"] },
      { tls_application_layer_protocol_negotiation: ["h2", "http/1.1"] },
      { tls_application_layer_protocol_negotiation: "http/1.1", maxVersion: "TLS 1.2" },
    ]) {
      const r = await runClient(trusted(peer.port, { secure }));
      assert.deepEqual(r.messages(), [1, 3, 2, -1], explain(r));
      assert.equal(r.events[0].tls.alpn, "http/1.1", JSON.stringify(secure));
      assert.equal(peer.connections.at(-1).alpn, "http/1.1");
    }
    assert.deepEqual(offered, [["h2", "http/1.1"], ["h2", "http/1.1"], ["http/1.1"]]);
    const r = await runClient(trusted(peer.port));
    assert.equal(r.events[0].tls.alpn, undefined, "no ALPN offered, none negotiated");
    assert.equal(offered.length, 3, "no ALPN extension without the option");
  } finally {
    await peer.close();
  }
});

// ---- resumption ----

for (const [version, nodeVersion, connections] of [["TLS 1.3", "TLSv1.3", 2], ["TLS 1.2", "TLSv1.2", 3]]) {
  // TLS 1.3: Node gives no new ticket on a resumed connection, and a 1.3 ticket is not offered twice
  // (RFC 8446 C.4), so two connections; TLS 1.2: a ticket the server does not renew stays good
  // (RFC 5077 3.4), so the third connection resumes with the first ticket again
  test(`resumption: ${version}: keep socket.session, reconnect with secure.session: socket.tls.resumed (${connections} connections)`, T, async () => {
    const peer = await tlsPeer({ minVersion: nodeVersion, maxVersion: nodeVersion }, (s) => {
      // after a pause, so that TLS 1.3 tickets arrive first
      setTimeout(() => s.end("ok"), 50);
    });
    try {
      const r = await runClient(trusted(peer.port, { connections, resume: true }));
      assert.equal(r.code, 0, explain(r));
      const expected = Array.from({ length: connections }, (_, i) => i > 0);
      for (let c = 0; c < connections; c++) assert.deepEqual(r.messages(c), [1, 3, 2, -1], explain(r));
      const connected = r.events.filter((e) => e.message === 1);
      assert.deepEqual(connected.map((e) => e.tls.version), expected.map(() => version));
      assert.deepEqual(connected.map((e) => e.tls.resumed), expected, explain(r));
      assert.deepEqual(connected.map((e) => e.tls.certificates), expected.map((resumed) => (resumed ? 0 : 1)), "no certificate when resumed");
      assert.equal(r.events.find((e) => e.message === -1).session, true, "socket.session after the first connection");
      assert.deepEqual(peer.connections.map((c) => c.reused), expected, "the server resumed too");
      // without the session: a full handshake
      const fresh = await runClient(trusted(peer.port));
      assert.equal(fresh.events[0].tls.resumed, false);
    } finally {
      await peer.close();
    }
  });
}

// ---- alerts ----

test("alerts: a TLS 1.3 server that requires a client certificate: its certificate_required alert after our Finished: 1, 3, then -2 (remote)", T, async () => {
  // (in TLS 1.2 the server's alert races with its RST, as our last flight is still unread: not tested)
  const peer = await tlsPeer({ requestCert: true, rejectUnauthorized: true, ca: [readFileSync(certs.path("ca.pem"))] });
  try {
    const r = await runClient(trusted(peer.port));
    assert.equal(r.code, 0, explain(r));
    assert.deepEqual(r.messages(), [1, 3, -2], explain(r));
    const error = failure(r);
    assert.equal(error.remote, true);
    assert.equal(error.reason, "certificate_required");
    assert.equal(error.alert, 116);
    assert.equal(error.message, "tls: the peer sent the alert certificate_required");
  } finally {
    await peer.close();
  }
});

test("alerts: a TLS 1.2 server with only suites we do not offer (RSA key transport, CBC): -2 handshake_failure from the server, no 1", T, async () => {
  const peer = await tlsPeer({ maxVersion: "TLSv1.2", ciphers: "AES128-SHA:AES256-SHA256" });
  try {
    const r = await runClient(trusted(peer.port));
    assert.equal(r.code, 0, explain(r));
    assert.deepEqual(r.messages(), [-2], explain(r));
    assert.equal(failure(r).remote, true);
    assert.equal(failure(r).reason, "handshake_failure");
    assert.match(failure(r).message, /handshake_failure/);
  } finally {
    await peer.close();
  }
});

// ---- key log ----

test("keylog: secure.keylog gets the NSS key log lines, the same as the server's (TLS 1.3 secrets; TLS 1.2 CLIENT_RANDOM)", T, async () => {
  for (const [maxVersion, labels] of [
    ["TLSv1.3", ["CLIENT_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0", "EXPORTER_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET", "SERVER_TRAFFIC_SECRET_0"]],
    ["TLSv1.2", ["CLIENT_RANDOM"]],
  ]) {
    const peer = await tlsPeer({ maxVersion }, okThenEnd);
    try {
      const r = await runClient(trusted(peer.port, { secure: { keylog: true } }));
      assert.deepEqual(r.messages(), [1, 3, 2, -1], explain(r));
      const ours = [...r.keylog].sort();
      assert.deepEqual(ours.map((l) => l.split(" ")[0]), labels, maxVersion);
      for (const line of ours) assert.match(line, /^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]{64,96}$/);
      const theirs = [...peer.keylog].sort();
      assert.deepEqual(ours, theirs, `${maxVersion}: the same secrets for the same client random`);
    } finally {
      await peer.close();
    }
  }
});

// ---- memory ----

test("memory: HTTPS GETs with --report: exit 0, the native heap back near 0 once each socket is closed and collected, the same after each", T, async () => {
  const server = https.createServer({ ...certs.server }, (request, response) => {
    const body = `hello from ${request.url}\n`;
    response.writeHead(200, { "content-type": "text/plain", "content-length": body.length });
    response.end(body);
  });
  await new Promise((res) => server.listen(0, "127.0.0.1", res));
  try {
    const r = await runClient({ port: server.address().port, certificate: certs.path("ca.der"), count: 3 }, { module: "memory.js", options: ["--report"] });
    assert.equal(r.code, 0, explain(r));
    const got = r.lines.filter((l) => "status" in l);
    assert.equal(got.length, 3, explain(r));
    for (const g of got) assert.deepEqual(g, { status: "HTTP/1.1 200 OK", body: "hello from /memory\n" });
    const m = r.lines.filter((l) => "nativeAfter" in l);
    assert.equal(m.length, 3);
    assert.ok(m.every((x) => x.nativeDuring - x.nativeBefore > 1000), `each connection used native memory: ${JSON.stringify(m)}`);
    // what stays is a one-time allocation (the same after each GET), not a per-connection leak
    assert.ok(m[0].nativeAfter - m[0].nativeBefore <= 128, `native heap after close + gc: ${JSON.stringify(m)}`);
    assert.deepEqual(m.map((x) => x.nativeAfter), [m[0].nativeAfter, m[0].nativeAfter, m[0].nativeAfter], JSON.stringify(m));
    assert.ok(r.report, explain(r));
    assert.equal(r.report.nativeUsed, m[0].nativeAfter, "nativeUsed at exit");
  } finally {
    server.closeAllConnections?.();
    await new Promise((res) => server.close(res));
  }
});
