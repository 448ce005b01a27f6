// The TLS client engine (tests/xs/tls/connect.js in xsh) against OpenSSL's s_server, TLS 1.3:
// every suite, group and certificate kind, HelloRetryRequest, resumption, KeyUpdate both ways,
// max_fragment_length, record padding, a 4-certificate chain across records (and the same chain
// over TLS 1.2, here because this file makes the chain). Each test asserts what the driver
// negotiated and the response, and where it can what the server saw (its -www page).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { makeCertificates, startOpenSSL, runClient, startClient, explainRun, withOpenSSL, assertWwwPage } from "./lib/tls-peers.mjs";

const T = { timeout: 30000 };
const GET = "GET / HTTP/1.0\r\n\r\n";
let certs;

before(() => {
  certs = makeCertificates({ chain: true });
});
after(() => certs?.remove());

const certArgs = (name) => ["-cert", certs.path(`${name}.crt`), "-key", certs.path(`${name}.key`)];

const withServer = withOpenSSL;

/** the driver connected once (per connection index) without error, and got the whole -www page */
const assertPage = assertWwwPage;

function connected(r, connection = 0) {
  return r.first("connected", connection);
}

// ---- cipher suites ----

for (const suite of ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"]) {
  test(`openssl 1.3: suite ${suite}`, T, async () => {
    await withServer([...certArgs("p256"), "-www", "-tls1_3", "-ciphersuites", suite], async (server) => {
      const r = await runClient(server.port, { request: GET, trace: true });
      const page = assertPage(r, server);
      const c = connected(r);
      assert.equal(c.version, "TLS 1.3");
      assert.equal(c.suite, suite);
      assert.equal(c.group, "x25519");
      assert.equal(c.resumed, false);
      assert.match(page, new RegExp(`^New, TLSv1\\.3, Cipher is ${suite}$`, "m"), "the server's view");
      assert.ok(!r.traces.some((t) => t.includes("HelloRetryRequest")));
    });
  });
}

// ---- groups: offered alone, so that our one key share is for it (no HRR) ----

for (const group of ["x25519", "secp256r1", "secp384r1"]) {
  test(`openssl 1.3: group ${group}`, T, async () => {
    await withServer([...certArgs("p256"), "-www", "-tls1_3"], async (server) => {
      const r = await runClient(server.port, { request: GET, groups: [group], trace: true });
      const page = assertPage(r, server);
      const c = connected(r);
      assert.equal(c.version, "TLS 1.3");
      assert.equal(c.group, group);
      assert.match(page, new RegExp(`^Shared groups: ${group}$`, "m"), "the server's view");
      assert.ok(r.traces.includes(`sent ClientHello: TLS 1.3 and TLS 1.2, 9 suites, key shares ${group}`), r.traces.join("\n"));
      assert.ok(!r.traces.some((t) => t.includes("HelloRetryRequest")));
    });
  });
}

// ---- certificate kinds: the CertificateVerify scheme follows the key ----

for (const [kind, scheme] of [["p256", "0x403"], ["p384", "0x503"], ["rsa", "0x804"]]) {
  test(`openssl 1.3: ${kind} certificate, CertificateVerify ${scheme}`, T, async () => {
    await withServer([...certArgs(kind), "-www", "-tls1_3"], async (server) => {
      const r = await runClient(server.port, { request: GET, trace: true });
      assertPage(r, server);
      const c = connected(r);
      assert.equal(c.version, "TLS 1.3");
      assert.equal(c.certificates, 1);
      assert.equal(c.certificateBytes, certs.derSize(`${kind}.crt`));
      assert.ok(r.traces.includes(`received CertificateVerify: ${scheme}, good`), r.traces.join("\n"));
    });
  });
}

test("openssl 1.3: rsa certificate, the server limited to rsa_pss_rsae_sha384 -> 0x805", T, async () => {
  await withServer([...certArgs("rsa"), "-www", "-tls1_3", "-sigalgs", "rsa_pss_rsae_sha384"], async (server) => {
    const r = await runClient(server.port, { request: GET, trace: true });
    assertPage(r, server);
    assert.ok(r.traces.includes("received CertificateVerify: 0x805, good"), r.traces.join("\n"));
  });
});

// ---- HelloRetryRequest ----

for (const group of ["secp384r1", "secp256r1"]) {
  test(`openssl 1.3: HelloRetryRequest when the server wants ${group} (our share: x25519)`, T, async () => {
    await withServer([...certArgs("p256"), "-www", "-tls1_3", "-groups", group], async (server) => {
      const r = await runClient(server.port, { request: GET, trace: true });
      const page = assertPage(r, server);
      const c = connected(r);
      assert.equal(c.group, group);
      assert.equal(c.version, "TLS 1.3");
      const t = r.traces;
      const hrr = t.findIndex((l) => l.startsWith("received HelloRetryRequest:"));
      assert.ok(hrr > 0, t.join("\n"));
      assert.match(t[hrr], new RegExp(`group ${group}`));
      assert.equal(t[0], "sent ClientHello: TLS 1.3 and TLS 1.2, 9 suites, key shares x25519");
      assert.equal(t[hrr + 1], `sent ClientHello: TLS 1.3 and TLS 1.2, 9 suites, key shares ${group}`);
      assert.match(page, /^New, TLSv1\.3, /m);
    });
  });
}

test("openssl 1.3: two key shares (x25519, secp256r1), the server wants secp256r1: no HelloRetryRequest", T, async () => {
  await withServer([...certArgs("p256"), "-www", "-tls1_3", "-groups", "secp256r1"], async (server) => {
    const r = await runClient(server.port, { request: GET, shares: 2, trace: true });
    assertPage(r, server);
    assert.equal(connected(r).group, "secp256r1");
    assert.equal(r.traces[0], "sent ClientHello: TLS 1.3 and TLS 1.2, 9 suites, key shares x25519, secp256r1");
    assert.ok(!r.traces.some((t) => t.includes("HelloRetryRequest")), r.traces.join("\n"));
  });
});

// ---- resumption ----

test("openssl 1.3: resumption with a ticket (second connection resumed, no certificate)", T, async () => {
  await withServer([...certArgs("p256"), "-www", "-tls1_3"], async (server) => {
    const r = await runClient(server.port, { request: GET, resume: true, trace: true });
    const first = assertPage(r, server, 0);
    const second = assertPage(r, server, 1);
    assert.equal(connected(r, 0).resumed, false);
    assert.equal(connected(r, 0).certificates, 1);
    assert.equal(connected(r, 1).resumed, true);
    assert.equal(connected(r, 1).certificates, 0);
    assert.equal(connected(r, 1).suite, connected(r, 0).suite);
    assert.deepEqual(r.first("session", 0), { event: "session", version: "TLS 1.3", connection: 0, ticket: true, id: false });
    assert.match(first, /^New, TLSv1\.3, /m);
    assert.match(second, /^Reused, TLSv1\.3, /m, "the server resumed");
    assert.ok(r.all("trace", 1).some((l) => l.line.includes("a session ticket")), "the ClientHello offered the ticket");
  });
});

test("openssl 1.3: three connections, each resuming with the ticket of the one before", T, async () => {
  await withServer([...certArgs("p256"), "-www", "-tls1_3"], async (server) => {
    const r = await runClient(server.port, { request: GET, resume: true, connections: 3, trace: true });
    for (const i of [0, 1, 2]) assertPage(r, server, i);
    assert.deepEqual([0, 1, 2].map((i) => connected(r, i).resumed), [false, true, true]);
    for (const i of [1, 2]) assert.match(r.first("data", i).text, /^Reused, TLSv1\.3, /m);
    assert.ok(r.all("trace", 2).some((l) => l.line.includes("a session ticket")), "the third offered the second's ticket");
  });
});

// ---- KeyUpdate ----

test("openssl 1.3: client-initiated KeyUpdate (update_requested) before the request", T, async () => {
  await withServer([...certArgs("p256"), "-www", "-tls1_3"], async (server) => {
    const r = await runClient(server.port, { request: GET, keyUpdate: true, trace: true });
    // the request went under our next keys: the server read it, so it took our KeyUpdate; its
    // answer comes under its next keys after its own KeyUpdate
    const page = assertPage(r, server);
    assert.match(page, /^New, TLSv1\.3, /m);
    assert.ok(r.traces.includes("received KeyUpdate"), r.traces.join("\n"));
  });
});

for (const [command, requested] of [["k", false], ["K", true]]) {
  test(`openssl 1.3: server-initiated KeyUpdate ("${command}": update ${requested ? "" : "not "}requested)`, T, async () => {
    await withServer([...certArgs("p256"), "-tls1_3"], async (server) => {
      const client = startClient(server.port, {
        request: "hello\n", trace: true, stream: true,
        replies: [["after-update\n", "pong\n"]], closeOn: "bye",
      });
      await server.waitOutput(/^hello$/m);
      const mark = server.output().length;
      server.write(`${command}\n`);
      // (s_server's "SSL_do_handshake -> 1" is printf'd into a pipe buffer: not a reliable signal)
      await client.waitFor((l) => l.event === "trace" && l.line.startsWith("received KeyUpdate"));
      server.write("after-update\n");             // under the server's next keys
      await server.waitOutput(/^pong$/m, 10000, mark);   // ours: under our next keys when requested
      server.write("bye\n");
      const r = await client.done;
      const why = explainRun(r, server);
      assert.equal(r.code, 0, why);
      assert.equal(r.first("error"), undefined, why);
      assert.ok(r.traces.includes(requested ? "received KeyUpdate (update requested)" : "received KeyUpdate"), why);
      assert.deepEqual(r.all("chunk").map((c) => c.text), ["after-update\n", "bye\n"], why);
      assert.ok(!/ERROR|alert/i.test(server.output().slice(mark)), why);
    });
  });
}

// ---- record sizes ----

test("openssl 1.3: max_fragment_length 512 is honoured (the server's records <= 512 + 17)", T, async () => {
  await withServer([...certArgs("p256"), "-www", "-tls1_3"], async (server) => {
    const plain = await runClient(server.port, { request: GET, records: true });
    assertPage(plain, server);
    assert.ok(plain.first("records").maxProtected > 529, "without it the page comes in bigger records");
    const r = await runClient(server.port, { request: GET, records: true, maxFragmentLength: 512 });
    const page = assertPage(r, server);
    assert.equal(connected(r).recordLimit, 512);
    const records = r.first("records");
    assert.ok(records.maxProtected <= 512 + 1 + 16, JSON.stringify(records));
    assert.equal(page.length, plain.first("data").text.length, "the same page, in smaller records");
  });
});

test("openssl 1.3: record_size_limit 512 to a server that ignores it: still works, big records accepted", T, async () => {
  await withServer([...certArgs("p256"), "-www", "-tls1_3"], async (server) => {
    const r = await runClient(server.port, { request: GET, records: true, recordSizeLimit: 512 });
    assertPage(r, server);
    assert.ok(r.first("records").maxProtected > 529, "OpenSSL 3.0 does not do record_size_limit");
    assert.ok(connected(r).recordLimit <= 511, "we still write records within our own limit");
  });
});

test("openssl 1.3: the server sends small records (-max_send_frag 512)", T, async () => {
  await withServer([...certArgs("p256"), "-www", "-tls1_3", "-max_send_frag", "512"], async (server) => {
    const r = await runClient(server.port, { request: GET, records: true });
    assertPage(r, server);
    const records = r.first("records");
    assert.ok(records.maxProtected <= 529 && records.count > 10, JSON.stringify(records));
  });
});

test("openssl 1.3: padded records (-record_padding 512) are unpadded", T, async () => {
  await withServer([...certArgs("p256"), "-www", "-tls1_3", "-record_padding", "512"], async (server) => {
    const r = await runClient(server.port, { request: GET, records: true });
    const page = assertPage(r, server);
    assert.match(page, /^New, TLSv1\.3, /m);
    // the padding is there: inner plaintexts padded to a multiple of 512, plus the 16-byte tag
    assert.equal(r.first("records").maxProtected % 512, 16, JSON.stringify(r.first("records")));
  });
});

// ---- a certificate chain ----

test("openssl 1.3: a 4-certificate RSA chain (> 3 KB) arriving across 1 KB records", T, async () => {
  await withServer(["-cert", certs.path("chainleaf.crt"), "-key", certs.path("chainleaf.key"),
    "-cert_chain", certs.path("chain.extra.pem"), "-www", "-tls1_3", "-max_send_frag", "1024"], async (server) => {
    const r = await runClient(server.port, { request: GET, records: true, trace: true });
    assertPage(r, server);
    const c = connected(r);
    const size = ["chainleaf.crt", "inter2.crt", "inter1.crt", "root.crt"].reduce((n, f) => n + certs.derSize(f), 0);
    assert.ok(size > 3000, `chain of ${size} bytes`);
    assert.equal(c.certificates, 4);
    assert.equal(c.certificateBytes, size);
    assert.ok(r.traces.includes(`received Certificate: 4 certificates, ${size} bytes, checked as they came`), r.traces.join("\n"));
    assert.ok(r.first("records").maxProtected <= 1024 + 17, "the Certificate message spanned several records");
    assert.ok(r.traces.includes("received CertificateVerify: 0x804, good"));
  });
});

test("openssl 1.2: the same chain in 512-byte plaintext records (TLS 1.2 Certificate is not encrypted)", T, async () => {
  await withServer(["-cert", certs.path("chainleaf.crt"), "-key", certs.path("chainleaf.key"),
    "-cert_chain", certs.path("chain.extra.pem"), "-www", "-tls1_2", "-max_send_frag", "512"], async (server) => {
    const r = await runClient(server.port, { request: GET, records: true, trace: true });
    assertPage(r, server);
    const c = connected(r);
    assert.equal(c.version, "TLS 1.2");
    assert.equal(c.certificates, 4);
    const records = r.first("records");
    assert.ok(records.maxPlain <= 512 && records.types[22] >= 8, JSON.stringify(records));
  });
});

// ---- closing ----

test("openssl 1.3: echo (-rev), then our close_notify ends the connection cleanly on the server", T, async () => {
  await withServer([...certArgs("p256"), "-rev", "-tls1_3"], async (server) => {
    const r = await runClient(server.port, { request: "hello world\n", closeOn: "dlrow olleh" });
    const why = explainRun(r, server);
    assert.equal(r.code, 0, why);
    assert.equal(r.first("error"), undefined, why);
    assert.match(r.first("data").text, /dlrow olleh/, why);
    await server.waitOutput(/CONNECTION ESTABLISHED[^]*CONNECTION CLOSED/);
    // an end without close_notify reads "CONNECTION FAILURE ... unexpected eof" (as the port probe's)
    const ours = server.output().slice(server.output().indexOf("CONNECTION ESTABLISHED"));
    assert.doesNotMatch(ours, /unexpected eof|FAILURE/, "s_server saw our close_notify");
  });
});
