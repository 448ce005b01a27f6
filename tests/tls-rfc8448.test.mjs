// RFC 8448 section 3 ("Simple 1-RTT Handshake") known answers, inside XS: key schedule, traffic
// keys, both Finished, application and resumption secrets, and our record layer decrypting the
// server's protected records and encrypting the client's byte for byte (tests/xs/tls/rfc8448.js).
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { runXsh, explain } from "./lib/xsh.mjs";
import { projectManifest, tlsDir } from "./lib/tls-peers.mjs";

/** every check the module must print, in order (a check that goes missing fails too) */
const CHECKS = [
  "x25519 client public key",
  "x25519 server public key",
  "x25519 shared secret (client side)",
  "x25519 shared secret (server side)",
  "ClientHello carries the client key share",
  "transcript hash ClientHello..ServerHello",
  "early secret",
  "handshake secret",
  "client handshake traffic secret",
  "server handshake traffic secret",
  "server handshake write key",
  "server handshake write iv",
  "client handshake write key",
  "client handshake write iv",
  "server flight record decrypts to EncryptedExtensions..Finished",
  "server flight record fed in 7-byte pieces",
  "tampered server flight record: bad_record_mac, nothing handed on",
  "flight messages",
  "transcript hash through Certificate",
  "the RFC's 1024-bit RSA certificate key is refused (RSA under 2048 bits)",
  "CertificateVerify scheme",
  "transcript hash through CertificateVerify",
  "server Finished verify_data (computed)",
  "server Finished verify_data (in the flight)",
  "transcript hash through server Finished",
  "master secret",
  "client application traffic secret",
  "server application traffic secret",
  "exporter master secret",
  "server application write key",
  "server application write iv",
  "client application write key",
  "client application write iv",
  "client Finished verify_data",
  "client Finished record (encrypted)",
  "transcript hash through client Finished",
  "resumption master secret",
  "NewSessionTicket record decrypts (server application keys, sequence 0)",
  "ticket nonce",
  "resumption PSK from the ticket nonce",
  "early secret from the resumption PSK",
  "server application data record decrypts to 00..31",
  "server close_notify record decrypts",
  "client application data record (encrypted, sequence 0)",
  "client close_notify record (encrypted, sequence 1)",
  "engine ClientHello: record header (handshake, 0x0301, length)",
  "engine ClientHello: legacy_version and the RFC's client random",
  "engine ClientHello: cipher suites in the RFC's order",
  "engine ClientHello: null compression, nothing after the extensions",
  "engine ClientHello: key_share (x25519, the RFC's public key) as the RFC's",
  "engine ClientHello: server_name as the RFC's",
  "engine ClientHello: supported_versions as the RFC's",
  "engine ClientHello: psk_key_exchange_modes as the RFC's",
  "engine ClientHello: record_size_limit as the RFC's",
  "engine ClientHello: supported_groups = the RFC's first three (no P-521, no FFDHE)",
  "engine ClientHello: signature_algorithms within the RFC's, leaving out only P-521, SHA-1 and DSA ones",
  "engine ClientHello: extensions only the RFC's has (renegotiation_info, session_ticket) / only ours has",
  "engine ClientHello: legacy_session_id (RFC: empty; ours: 32 bytes, compatibility mode)",
];

let run;
before(async () => {
  run = await runXsh(join(tlsDir, "rfc8448.js"), [], { manifest: projectManifest });
});

test("rfc8448: the module runs to its end and prints every check", () => {
  assert.equal(run.code, 0, explain(run));
  const done = run.lines.find((l) => l.done);
  assert.ok(done, explain(run));
  assert.deepEqual(run.lines.filter((l) => "check" in l).map((l) => l.check), CHECKS);
  assert.equal(done.count, CHECKS.length);
});

for (const name of CHECKS) {
  test(`rfc8448: ${name}`, () => {
    const line = run.lines.find((l) => l.check === name);
    assert.ok(line, `no check "${name}"\n${explain(run)}`);
    assert.equal(line.got, line.want, `${name}${line.detail ? ` (${line.detail})` : ""}`);
    assert.equal(line.ok, true);
  });
}
