// xsh's Socket and Listener against Node TCP peers on 127.0.0.1: the SDK's callback contract,
// every read and write form, the Listener, and the event loop ending with the last socket.
import { READ_BLOCKS, READ_RESULTS } from "./lib/read-forms.mjs";
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  startXsh, runXsh, explain, tcpServer, closedPort, tcpConnect, collect, receive, delay,
} from "./lib/xsh.mjs";

const T = { timeout: 30000 };

test("socket: messages 1, 3 (8192), 2 (byte count), -1 in order, with this = the socket", T, async () => {
  const peer = await tcpServer((c) => {
    let got = "";
    c.on("data", (d) => {
      got += d;
      if (got === "ping") {
        c.write("pong!");
        setTimeout(() => c.end(), 50);
      }
    });
  });
  try {
    const r = await runXsh("socket_events.js", [peer.port, "events"]);
    assert.equal(r.code, 0, explain(r));
    const events = r.lines.filter((l) => "message" in l);
    assert.deepEqual(events.map((e) => e.message), [1, 3, 2, -1], explain(r));
    assert.ok(r.lines[0].constructed, "no callback may run inside the constructor");
    const [connected, sent, received, disconnected] = events;
    assert.ok(events.every((e) => e.self), "callbacks are called with this = the socket");
    assert.equal(sent.value, 8192);
    assert.equal(received.value, 5);
    assert.equal(received.available, 5);
    assert.equal(received.text, "pong!");
    assert.equal(connected.sockets, 1);
    assert.equal(disconnected.sockets, 0);
    assert.ok(disconnected.bytesRead >= 5 && disconnected.bytesWritten >= 4, JSON.stringify(disconnected));
  } finally {
    await peer.close();
  }
});

test("socket: connection refused gives -2 only, and the loop ends", T, async () => {
  const port = await closedPort();
  const r = await runXsh("socket_events.js", [port, "refused"]);
  assert.equal(r.code, 0, explain(r));
  const events = r.lines.filter((l) => "message" in l);
  assert.deepEqual(events.map((e) => e.message), [-2], explain(r));
  assert.equal(events[0].self, true);
});

test("socket: the loop ends by itself once the program closes its last socket (peer still open)", T, async () => {
  let peerSawEnd = false;
  const peer = await tcpServer((c) => {
    c.write("bye");
    c.resume();
    c.on("end", () => { peerSawEnd = true; });
  });
  try {
    const r = await runXsh("socket_events.js", [peer.port, "selfclose"]);
    assert.equal(r.code, 0, explain(r));
    assert.equal(r.timedOut, false);
    assert.ok(r.ms < 10000, `took ${r.ms} ms`);
    const events = r.lines.filter((l) => "message" in l);
    assert.deepEqual(events.map((e) => e.message), [1, 3, 2], explain(r));
    assert.equal(events[2].text, "bye");
    assert.equal(events[2].closed, true);
    await delay(50);
    assert.ok(peerSawEnd, "the peer sees the connection closed");
  } finally {
    await peer.close();
  }
});

test("socket: read(String, \"\\n\") across packet boundaries (\"hel\", \"lo\\nwor\", \"ld\\n\")", T, async () => {
  const pieces = ["hel", "lo\nwor", "ld\n"];
  const peer = await tcpServer(async (c) => {
    // each piece goes after the program acknowledged the previous one, and a pause
    for (const piece of pieces) {
      await delay(40);
      c.write(piece);
      await receive(c, 1);
    }
    await delay(20);
    c.end();
  });
  try {
    const r = await runXsh("socket_read.js", [peer.port, "lines"]);
    assert.equal(r.code, 0, explain(r));
    const events = r.lines.filter((l) => "message" in l);
    assert.deepEqual(events.map((e) => e.message), [1, 2, 3, 2, 3, 2, 3, -1], explain(r));
    const reads = events.filter((e) => e.message === 2);
    assert.deepEqual(reads.map((e) => e.value), [3, 6, 3]);
    assert.deepEqual(reads.map((e) => e.available), [3, 6, 3]);
    // no terminator in what is available: read returns all of it
    assert.deepEqual(reads.map((e) => e.parts), [["hel"], ["lo\n", "wor"], ["ld\n"]]);
    assert.deepEqual(reads.map((e) => e.availableAfter), [0, 0, 0]);
  } finally {
    await peer.close();
  }
});

test("socket: read(), read(Number), read(String, n), read(null, n), read(ArrayBuffer, n | terminator), read(String|ArrayBuffer)", T, async () => {
  const blocks = READ_BLOCKS;
  const peer = await tcpServer(async (c) => {
    for (const block of blocks) {
      c.write(block);
      await receive(c, 1);
    }
    c.end();
  });
  try {
    const r = await runXsh("socket_read.js", [peer.port, "forms"]);
    assert.equal(r.code, 0, explain(r));
    const steps = r.lines.filter((l) => "step" in l);
    assert.equal(steps.length, 5, explain(r));
    assert.deepEqual(steps, READ_RESULTS.map((expected, step) => ({ step, ...expected })));
    assert.equal(r.lines.at(-1).message, -1);
  } finally {
    await peer.close();
  }
});

test("socket: 100 KB from the peer arrive whole (message 2 values add up), then -1", T, async () => {
  const size = 100 * 1024;
  const data = Buffer.alloc(size, 0x5a);
  const peer = await tcpServer((c) => {
    c.end(data);
  });
  try {
    const r = await runXsh("socket_events.js", [peer.port, "events"]);
    assert.equal(r.code, 0, explain(r));
    const received = r.lines.filter((l) => l.message === 2);
    assert.ok(received.length >= 1);
    const total = received.reduce((n, e) => n + e.text.length, 0);
    assert.equal(total, size);
    assert.ok(received.every((e) => e.value === e.available && e.value === e.text.length));
    assert.equal(r.lines.at(-1).message, -1);
  } finally {
    await peer.close();
  }
});

test("socket: every write form (string, numbers, ArrayBuffer, Uint8Array view with offset, Int8Array, Uint8ClampedArray, several at once)", T, async () => {
  let bytes;
  const peer = await tcpServer((c) => {
    bytes = collect(c);
  });
  try {
    const r = await runXsh("socket_write.js", [peer.port, "forms"]);
    assert.equal(r.code, 0, explain(r));
    const expected = Buffer.concat([
      Buffer.from("str:"),
      Buffer.from([0x41, 0x42, 0]),
      Buffer.from([1, 2, 3, 4, 5]),
      Buffer.from([12, 13, 14]),
      Buffer.from([255, 127]),
      Buffer.from([7]),
      Buffer.from("ab"), Buffer.from("cd"), Buffer.from([0, 0]),
      Buffer.from("é"),
    ]);
    assert.deepEqual([...(await bytes)], [...expected]);
    const sent = r.lines.filter((l) => l.message === 3);
    assert.equal(sent.length, 1, explain(r));
    assert.equal(sent[0].value, 8192);
  } finally {
    await peer.close();
  }
});

test("socket: write(DataView) sends the view's bytes, alone and among other items", T, async () => {
  let bytes;
  const peer = await tcpServer((c) => {
    bytes = collect(c);
  });
  try {
    const r = await runXsh("socket_write.js", [peer.port, "views"]);
    assert.equal(r.code, 0, explain(r));
    const e = r.lines.find((l) => l.message === 1);
    assert.ok(e, explain(r));
    for (const k of ["dataView", "mixed"]) assert.deepEqual(e[k], { ok: null }, `${k}: ${JSON.stringify(e[k])}`);
    assert.deepEqual([...(await bytes)], [21, 22, 0x3c, 0, 0x3e]);
  } finally {
    await peer.close();
  }
});

test("socket: write() room is 8192, more throws \"socket: write overflow\", bad bytes throw, 8192 bytes fit", T, async () => {
  let bytes;
  const peer = await tcpServer((c) => {
    bytes = collect(c);
  });
  try {
    const r = await runXsh("socket_write.js", [peer.port, "room"]);
    assert.equal(r.code, 0, explain(r));
    const e = r.lines.find((l) => l.message === 1);
    assert.ok(e, explain(r));
    assert.equal(e.room, 8192);
    assert.equal(e.overflow.error, "Error");
    assert.match(e.overflow.message, /socket: write overflow/);
    assert.match(e.overflowMixed.message, /socket: write overflow/);
    assert.equal(e.roomAfterOverflow, 8192, "a refused write writes nothing");
    for (const k of ["byte256", "byteNegative", "byteFraction"]) {
      assert.equal(e[k].error, "RangeError", k);
      assert.match(e[k].message, /byte out of range/, k);
    }
    assert.equal(e.boolean.error, "TypeError");
    assert.deepEqual(e.full, { ok: null });
    assert.ok(e.roomAfterFull >= 0 && e.roomAfterFull <= 8192);
    const sent = r.lines.find((l) => l.message === 3);
    assert.equal(sent.value, 8192);
    const got = await bytes;
    assert.equal(got.length, 8192);
    for (let i = 0; i < got.length; i++) if (got[i] !== ((i * 7) & 255)) assert.fail(`byte ${i} is ${got[i]}`);
  } finally {
    await peer.close();
  }
});

test("socket: write before connecting and after close() throws; write() is then 0; close() twice is harmless", T, async () => {
  const peer = await tcpServer((c) => {
    c.write("data the program will never read");
  });
  try {
    const r = await runXsh("socket_write.js", [peer.port, "closed"]);
    assert.equal(r.code, 0, explain(r));
    const e = r.lines.find((l) => l.message === 1);
    assert.ok(e, explain(r));
    assert.match(e.early.message, /socket: not connected/);
    assert.equal(e.writeAfterClose.error, "Error");
    assert.match(e.writeAfterClose.message, /socket: closed/);
    assert.match(e.bytesAfterClose.message, /socket: closed/);
    assert.equal(e.roomAfterClose, 0);
    assert.equal(e.readAfterClose, 0);
    assert.deepEqual(e.closeAgain, { ok: null });
    assert.equal(r.lines.filter((l) => "message" in l).length, 1, "no callback after close()");
  } finally {
    await peer.close();
  }
});

test("socket: an exception thrown in a socket callback ends xsh with exit 1", T, async () => {
  const peer = await tcpServer(() => {});
  try {
    const r = await runXsh("socket_events.js", [peer.port, "throw"]);
    assert.equal(r.code, 1, explain(r));
    assert.match(r.stderr, /xsh: uncaught exception: Error: thrown in a socket callback/);
    assert.match(r.stderr, /socket_events\.js:\d+/);
  } finally {
    await peer.close();
  }
});

test("listener: port 0 gives a bound port; accepts a Node client and echoes; no message 1 for accepted sockets", T, async () => {
  const x = startXsh("socket_listen.js", [1]);
  const { port, type } = await x.waitFor((l) => "port" in l);
  assert.equal(type, "number");
  assert.ok(port > 0 && port < 65536);
  const client = await tcpConnect(port);
  const echoed = receive(client, 11);
  client.write("hello xsh\r\n");
  assert.equal((await echoed).toString(), "hello xsh\r\n");
  client.end();
  const r = await x.done;
  assert.equal(r.code, 0, explain(r));
  const accepted = r.lines.filter((l) => "accepted" in l);
  assert.deepEqual(accepted, [{ accepted: 1, self: true }]);
  const events = r.lines.filter((l) => l.id === 1);
  assert.equal(events[0].message, 2, "the first message of an accepted socket is data, not 1");
  assert.ok(!events.some((e) => e.message === 1));
  assert.equal(events.at(-1).message, -1);
  assert.ok(r.lines.some((l) => l.listenerClosed));
});

test("listener: two concurrent Node clients each get their own echo", T, async () => {
  const x = startXsh("socket_listen.js", [2]);
  const { port } = await x.waitFor((l) => "port" in l);
  const a = await tcpConnect(port);
  const b = await tcpConnect(port);
  await x.waitFor((l) => l.accepted === 2);
  const fromB = receive(b, 8);
  b.write("client-B");
  assert.equal((await fromB).toString(), "client-B");
  const fromA = receive(a, 12);
  a.write("client-A-1st");
  assert.equal((await fromA).toString(), "client-A-1st");
  const fromB2 = receive(b, 3);
  b.write("end");
  assert.equal((await fromB2).toString(), "end");
  a.end();
  b.end();
  const r = await x.done;
  assert.equal(r.code, 0, explain(r));
  const lengths = r.lines.filter((l) => l.message === 2).reduce((n, e) => n + e.length, 0);
  assert.equal(lengths, 8 + 12 + 3);
  assert.equal(r.lines.filter((l) => l.message === -1).length, 2);
  assert.equal(r.lines.filter((l) => l.message === 1).length, 0);
});
