// The TLS server engine (tests/xs/tls/serve.js in xsh) against OpenSSL's s_client: TLS 1.3 and 1.2,
// every suite, group and certificate kind, HelloRetryRequest, resumption (and a ticket from another
// server, refused), client certificates (accepted, wrong CA, missing), ALPN, SNI, KeyUpdate both
// ways, max_fragment_length; and against our own client: the downgrade sentinel, record_size_limit.
// Each test asserts what the server negotiated and what the client saw.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeCertificates, startServer, runSClient, runClient, explainRun } from "./lib/tls-peers.mjs";

const T = { timeout: 40000 };
let certs, der, tmp;

before(() => {
  certs = makeCertificates();
  der = { p256: certs.der("p256"), p384: certs.der("p384"), rsa: certs.der("rsa") };
  tmp = mkdtempSync(join(tmpdir(), "tls-server-"));
});
after(() => {
  certs?.remove();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** the server with options (default: the P-256 certificate), s_client with args; sends "hello" and waits for its echo */
async function serve(options, clientArgs, { input = "hello\n", until = /^hello$/m, steps, connections = 1, clients } = {}) {
  const server = await startServer({ ...der.p256, trace: true, connections, ...options });
  const outputs = [];
  for (const args of clients ?? [clientArgs]) {
    outputs.push(await runSClient(server.port, ["-servername", "localhost", ...args], { input, until, steps }));
  }
  const s = await server.done;
  const why = (i = 0) => explainRun(s, outputs[i]?.output ?? "");
  return { s, c: outputs[0], outputs, why };
}

/** one clean connection: the echo came back, no error on either side */
function assertEcho({ s, c, why }, connection = 0) {
  assert.equal(s.first("error"), undefined, why());
  assert.match(c.output, /^hello$/m, why());
  assert.equal(s.first("data", connection)?.text, "hello\n", why());
  assert.equal(s.first("closed", connection)?.clean, true, `the client ends with close_notify\n${why()}`);
  return s.first("connected", connection);
}

// ---- TLS 1.3: suites, groups, certificates ----

for (const suite of ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"]) {
  test(`s_client 1.3: suite ${suite}`, T, async () => {
    const r = await serve({}, ["-tls1_3", "-ciphersuites", suite]);
    const c = assertEcho(r);
    assert.equal(c.version, "TLS 1.3");
    assert.equal(c.suite, suite);
    assert.equal(c.group, "x25519");
    assert.equal(c.resumed, false);
    assert.equal(c.serverName, "localhost");
    assert.match(r.c.output, new RegExp(`^New, TLSv1\\.3, Cipher is ${suite}$`, "m"), r.why());
  });
}

test("s_client 1.3: the server's suite preference wins", T, async () => {
  const r = await serve({ suites: ["TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256"] }, ["-tls1_3", "-ciphersuites", "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256"]);
  assert.equal(assertEcho(r).suite, "TLS_CHACHA20_POLY1305_SHA256");
});

for (const [group, name] of [["x25519", "X25519"], ["secp256r1", "P-256"], ["secp384r1", "P-384"]]) {
  test(`s_client 1.3: group ${group}`, T, async () => {
    const r = await serve({}, ["-tls1_3", "-groups", name]);
    const c = assertEcho(r);
    assert.equal(c.group, group);
    assert.ok(!r.s.traces.some((t) => t.includes("HelloRetryRequest")), r.why());
  });
}

for (const [kind, scheme, bits] of [["p256", "0x403", 256], ["p384", "0x503", 384], ["rsa", "0x804", 2048]]) {
  test(`s_client 1.3: ${kind} certificate, CertificateVerify ${scheme}`, T, async () => {
    const r = await serve({ ...der[kind] }, ["-tls1_3"]);
    assertEcho(r);
    assert.ok(r.s.traces.includes(`sent Certificate and CertificateVerify (${scheme})`), r.why());
    assert.match(r.c.output, new RegExp(`Server public key is ${bits} bit`), r.why());
  });
}

// ---- HelloRetryRequest (RFC 8446 4.1.4) ----

test("s_client 1.3: HelloRetryRequest when the client's share is for a group we do not take", T, async () => {
  const r = await serve({ groups: ["secp384r1", "secp256r1"] }, ["-tls1_3", "-groups", "X25519:P-256:P-384"]);
  const c = assertEcho(r);
  assert.equal(c.group, "secp384r1");
  assert.ok(r.s.traces.includes("sent HelloRetryRequest: TLS_AES_256_GCM_SHA384, group secp384r1") ||
    r.s.traces.some((t) => t.startsWith("sent HelloRetryRequest") && t.endsWith("group secp384r1")), r.why());
  assert.ok(r.s.traces.includes("received ClientHello (after HelloRetryRequest): 3 suites, 10 extensions, server_name localhost") ||
    r.s.traces.some((t) => t.startsWith("received ClientHello (after HelloRetryRequest)")), r.why());
});

test("s_client 1.3: no group in common is handshake_failure", T, async () => {
  const r = await serve({ groups: ["secp384r1"] }, ["-tls1_3", "-groups", "X25519:P-256"], { until: undefined });
  const e = r.s.first("error");
  assert.equal(e?.alert, 40, r.why());
  assert.match(e.message, /no group in common/);
  assert.match(r.c.output, /handshake failure/, r.why());
});

// ---- resumption ----

for (const [version, flag] of [["1.3", "-tls1_3"], ["1.2", "-tls1_2"]]) {
  test(`s_client ${version}: resumption with the ticket (-sess_out, -sess_in)`, T, async () => {
    const file = join(tmp, `session${version}`);
    const r = await serve({}, undefined, { connections: 2, clients: [[flag, "-sess_out", file], [flag, "-sess_in", file]] });
    const first = assertEcho(r, 0);
    assert.equal(first.resumed, false);
    const second = r.s.first("connected", 1);
    assert.equal(second?.resumed, true, r.why(1));
    assert.equal(second.version, `TLS ${version}`);
    assert.equal(r.s.first("data", 1)?.text, "hello\n", r.why(1));
    assert.match(r.outputs[1].output, new RegExp(`^Reused, TLSv${version.replace(".", "\\.")}`, "m"), r.why(1));
    assert.ok(r.s.traces.some((t) => t.includes("accepted the session ticket") || t.includes("resuming with the session ticket")), r.why(1));
  });

  test(`s_client ${version}: a ticket from another server (other ticket key) falls back to a full handshake`, T, async () => {
    const file = join(tmp, `stale${version}`);
    const a = await serve({}, [flag, "-sess_out", file]);
    assertEcho(a);
    const b = await serve({}, [flag, "-sess_in", file]);
    const c = assertEcho(b);
    assert.equal(c.resumed, false);
    assert.ok(b.s.traces.includes("no usable session ticket: full handshake"), b.why());
    assert.match(b.c.output, new RegExp(`^New, TLSv${version.replace(".", "\\.")}`, "m"), b.why());
  });
}

test("s_client 1.3: tickets off: no NewSessionTicket", T, async () => {
  const r = await serve({ tickets: false }, ["-tls1_3"]);
  assertEcho(r);
  assert.ok(!r.s.traces.some((t) => t.includes("NewSessionTicket")), r.why());
});

// ---- client certificates ----

for (const [version, flag] of [["1.3", "-tls1_3"], ["1.2", "-tls1_2"]]) {
  for (const kind of ["p256", "rsa"]) {
    test(`s_client ${version}: a ${kind} client certificate is required and accepted`, T, async () => {
      const r = await serve({ clientAuthentication: "require", clientRoots: der[kind].certificates },
        [flag, "-cert", certs.path(`${kind}.crt`), "-key", certs.path(`${kind}.key`)]);
      const c = assertEcho(r);
      assert.equal(c.clientCertificates, 1);
      assert.ok(r.s.traces.some((t) => /^received CertificateVerify: 0x[0-9a-f]+, good$/.test(t)), r.why());
    });
  }

  test(`s_client ${version}: a client certificate from another CA is refused (unknown_ca)`, T, async () => {
    const r = await serve({ clientAuthentication: "require", clientRoots: der.rsa.certificates },
      [flag, "-cert", certs.path("p256.crt"), "-key", certs.path("p256.key")], { until: undefined });
    const e = r.s.first("error");
    assert.equal(e?.alert, 48, r.why());
    assert.match(r.c.output, /unknown ca/, r.why());
    assert.equal(r.s.first("connected"), undefined);
  });

  test(`s_client ${version}: no client certificate when one is required`, T, async () => {
    const r = await serve({ clientAuthentication: "require", clientRoots: der.rsa.certificates }, [flag], { until: undefined });
    const e = r.s.first("error");
    assert.equal(e?.alert, version === "1.3" ? 116 : 40, r.why());
    assert.match(r.c.output, version === "1.3" ? /certificate required/ : /handshake failure/, r.why());
  });

  test(`s_client ${version}: client certificate requested, none sent: connected without one`, T, async () => {
    const r = await serve({ clientAuthentication: "request", clientRoots: der.rsa.certificates }, [flag]);
    assert.equal(assertEcho(r).clientCertificates, 0);
    assert.ok(r.s.traces.includes("received an empty client Certificate"), r.why());
  });
}

// ---- ALPN, SNI ----

for (const [version, flag] of [["1.3", "-tls1_3"], ["1.2", "-tls1_2"]]) {
  test(`s_client ${version}: ALPN, the server's preference`, T, async () => {
    const r = await serve({ alpn: ["h2", "http/1.1"] }, [flag, "-alpn", "http/1.1,h2"]);
    assert.equal(assertEcho(r).alpn, "h2");
    assert.match(r.c.output, /^ALPN protocol: h2$/m, r.why());
  });

  test(`s_client ${version}: ALPN without overlap is no_application_protocol`, T, async () => {
    const r = await serve({ alpn: ["h2"] }, [flag, "-alpn", "spdy/1"], { until: undefined });
    assert.equal(r.s.first("error")?.alert, 120, r.why());
    assert.match(r.c.output, /no application protocol/, r.why());
  });

  test(`s_client ${version}: SNI picks another certificate`, T, async () => {
    const server = await startServer({ ...der.p256, sni: { "other.test": der.rsa }, trace: true, connections: 2 });
    const other = await runSClient(server.port, [flag, "-servername", "other.test"], { input: "hello\n", until: /^hello$/m });
    const plain = await runSClient(server.port, [flag, "-servername", "localhost"], { input: "hello\n", until: /^hello$/m });
    const s = await server.done;
    assert.equal(s.first("connected", 0)?.serverName, "other.test", explainRun(s, other.output));
    assert.match(other.output, /Server public key is 2048 bit/, other.output);
    assert.equal(s.first("connected", 1)?.serverName, "localhost");
    assert.match(plain.output, /Server public key is 256 bit/, plain.output);
  });
}

// ---- KeyUpdate (RFC 8446 4.6.3) ----

test("s_client 1.3: KeyUpdate from the client, with update_requested (K)", T, async () => {
  const r = await serve({}, ["-tls1_3"], { input: "", steps: [[/Verify return code/, "K\n"], [/KEYUPDATE/, "hello\n"]], until: /^hello$/m });
  assertEcho(r);
  assert.ok(r.s.traces.includes("received KeyUpdate (update requested)"), r.why());
});

test("s_client 1.3: KeyUpdate from the client, no update requested (k)", T, async () => {
  const r = await serve({}, ["-tls1_3"], { input: "", steps: [[/Verify return code/, "k\n"], [/KEYUPDATE/, "hello\n"]], until: /^hello$/m });
  assertEcho(r);
  assert.ok(r.s.traces.includes("received KeyUpdate"), r.why());
});

test("s_client 1.3: KeyUpdate from the server, the client answers", T, async () => {
  // the client answers our update_requested with its next write
  const r = await serve({ keyUpdate: true }, ["-tls1_3"], { input: "hello\n", steps: [[/^hello$/m, "again\n"]], until: /^again$/m });
  assert.equal(r.s.first("error"), undefined, r.why());
  assert.equal(r.s.first("data")?.text, "hello\nagain\n", r.why());
  assert.ok(r.s.traces.includes("sent KeyUpdate (update requested)"), r.why());
  assert.ok(r.s.traces.includes("received KeyUpdate"), r.why());
});

// ---- TLS 1.2: suites, groups, certificates ----

const suites12 = [
  ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256", "p256"],
  ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384", "p384"],
  ["TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305", "p256"],
  ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "rsa"],
  ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384", "rsa"],
  ["TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305", "rsa"],
];
for (const [suite, name, kind] of suites12) {
  test(`s_client 1.2: suite ${suite} (${kind} certificate)`, T, async () => {
    const r = await serve({ ...der[kind] }, ["-tls1_2", "-cipher", name]);
    const c = assertEcho(r);
    assert.equal(c.version, "TLS 1.2");
    assert.equal(c.suite, suite);
    assert.match(r.c.output, new RegExp(`^New, TLSv1\\.2, Cipher is ${name}$`, "m"), r.why());
    assert.match(r.c.output, /Extended master secret: yes/, r.why());
  });
}

for (const [group, name] of [["x25519", "X25519"], ["secp256r1", "P-256"], ["secp384r1", "P-384"]]) {
  test(`s_client 1.2: group ${group}`, T, async () => {
    // the P-256 certificate's curve must be among the client's groups too (RFC 8422 5.1)
    const r = await serve({ groups: [group] }, ["-tls1_2", "-curves", name === "P-256" ? name : `${name}:P-256`]);
    assert.equal(assertEcho(r).group, group);
  });
}

test("s_client 1.2: an ECDSA certificate on a curve the client does not list: no suite (handshake_failure)", T, async () => {
  const r = await serve({ maxVersion: "TLS 1.2" }, ["-tls1_2", "-curves", "X25519", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"], { until: undefined });
  assert.equal(r.s.first("error")?.alert, 40, r.why());
  assert.match(r.s.first("error").message, /no cipher suite in common/);
});

test("s_client 1.2: the client says it supports secure renegotiation", T, async () => {
  const r = await serve({}, ["-tls1_2"]);
  assertEcho(r);
  assert.match(r.c.output, /Secure Renegotiation IS supported/, r.why());
});

test("s_client 1.2: max_fragment_length 512 bounds our records", T, async () => {
  const r = await serve({}, ["-tls1_2", "-maxfraglen", "512"]);
  assertEcho(r);
  assert.ok(r.s.traces.includes("max_fragment_length 512"), r.why());
});

test("s_client 1.3: a client allowing only TLS 1.2 against a 1.3-only server: protocol_version", T, async () => {
  const r = await serve({ minVersion: "TLS 1.3" }, ["-tls1_2"], { until: undefined });
  assert.equal(r.s.first("error")?.alert, 70, r.why());
  assert.match(r.c.output, /protocol version/, r.why());
});

// ---- against our own client: what s_client does not show ----

test("own client, TLS 1.2 only: ServerHello.random ends with the downgrade sentinel (RFC 8446 4.1.3)", T, async () => {
  const server = await startServer({ ...der.p256, trace: true });
  const r = await runClient(server.port, { maxVersion: "TLS 1.2", records: true, request: "hello", closeOn: "hello" });
  const s = await server.done;
  assert.equal(r.first("connected")?.version, "TLS 1.2", explainRun(r));
  assert.match(r.first("records")?.serverRandom ?? "", /444f574e47524401$/, explainRun(r));
  assert.equal(s.first("connected")?.version, "TLS 1.2");
});

test("own client, TLS 1.3 and 1.2: no sentinel, TLS 1.3", T, async () => {
  const server = await startServer({ ...der.p256 });
  const r = await runClient(server.port, { records: true, request: "hello", closeOn: "hello" });
  await server.done;
  assert.equal(r.first("connected")?.version, "TLS 1.3", explainRun(r));
});

for (const version of ["TLS 1.3", "TLS 1.2"]) {
  test(`own client, ${version}: record_size_limit 256 bounds the server's records`, T, async () => {
    const server = await startServer({ ...der.p256 });
    const text = "x".repeat(2000);
    const r = await runClient(server.port, { minVersion: version, maxVersion: version, recordSizeLimit: 256, records: true, request: text, closeOn: text });
    const s = await server.done;
    assert.equal(r.first("error"), undefined, explainRun(r));
    assert.equal(r.first("data")?.text, text);
    const records = r.first("records");
    // TLS 1.3: 255 bytes of content + type + tag; TLS 1.2: 256 bytes + explicit nonce + tag
    assert.ok(records.maxProtected <= 256 + 8 + 16, JSON.stringify(records));
    assert.equal(s.first("error"), undefined, explainRun(s));
  });
}

test("own client: resumption both ways with our own client and server (1.3 then 1.2)", T, async () => {
  for (const version of ["TLS 1.3", "TLS 1.2"]) {
    const server = await startServer({ ...der.p256, connections: 2 });
    const r = await runClient(server.port, { minVersion: version, maxVersion: version, resume: true, request: "hello", closeOn: "hello" });
    const s = await server.done;
    assert.equal(r.first("connected", 1)?.resumed, true, explainRun(r));
    assert.equal(s.first("connected", 1)?.resumed, true, explainRun(s));
  }
});

test("s_client 1.3: a long server_name makes a ticket over 255 bytes; it is sent whole and resumes", T, async () => {
  const name = ["a", "b", "c"].map((c) => c.repeat(63)).join(".") + ".test";
  const file = join(tmp, "session-long-name");
  const server = await startServer({ ...der.p256, trace: true, connections: 2 });
  const first = await runSClient(server.port, ["-tls1_3", "-servername", name, "-sess_out", file], { input: "hello\n", until: /^hello$/m });
  const second = await runSClient(server.port, ["-tls1_3", "-servername", name, "-sess_in", file], { input: "hello\n", until: /^hello$/m });
  const s = await server.done;
  assert.equal(s.first("connected", 0)?.serverName, name, explainRun(s, first.output));
  assert.equal(s.first("connected", 1)?.resumed, true, explainRun(s, second.output));
  assert.match(second.output, /^Reused, TLSv1\.3/m);
});

for (const [version, flag] of [["1.3", "-tls1_3"], ["1.2", "-tls1_2"]]) {
  test(`s_client ${version}: the server closes with close_notify`, T, async () => {
    const server = await startServer({ ...der.p256, closeOn: "bye" });
    const c = await runSClient(server.port, [flag, "-msg", "-servername", "localhost"], { input: "bye\n", until: /<<< TLS 1\.[23], Alert \[length 0002\], warning close_notify/ });
    const s = await server.done;
    assert.equal(s.first("error"), undefined, explainRun(s, c.output));
    assert.equal(s.first("data")?.text, "bye\n");
    assert.match(c.output, /<<< TLS 1\.[23], Alert \[length 0002\], warning close_notify/, explainRun(s, c.output));
  });
}

test("s_client 1.3: resumption across two server processes sharing a ticket key, the second with a HelloRetryRequest (binder over the HRR transcript)", T, async () => {
  const ticketKey = "5a".repeat(32);
  const file = join(tmp, "session-hrr");
  const a = await serve({ ticketKey }, ["-tls1_3", "-sess_out", file]);
  assertEcho(a);
  const b = await serve({ ticketKey, groups: ["secp384r1"] }, ["-tls1_3", "-sess_in", file]);
  const c = assertEcho(b);
  assert.equal(c.resumed, true, b.why());
  assert.equal(c.group, "secp384r1");
  assert.ok(b.s.traces.some((t) => t.startsWith("sent HelloRetryRequest")), b.why());
  assert.ok(b.s.traces.includes("accepted the session ticket (identity 0)"), b.why());
  assert.match(b.c.output, /^Reused, TLSv1\.3/m, b.why());
});

test("s_client 1.2: resumption across two server processes sharing a ticket key", T, async () => {
  const ticketKey = "a5".repeat(32);
  const file = join(tmp, "session-shared12");
  assertEcho(await serve({ ticketKey }, ["-tls1_2", "-sess_out", file]));
  const b = await serve({ ticketKey }, ["-tls1_2", "-sess_in", file]);
  assert.equal(assertEcho(b).resumed, true, b.why());
});
