// The server's self-sealed session tickets (modules/tls/tickets.ts), in XS (tests/xs/tls/tickets.js):
// they open with their key only, expire, and refuse any change. (The handshake-level cases, a
// ticket from another server falling back to a full handshake, are in tls-server-openssl.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { runXsh, explain } from "./lib/xsh.mjs";
import { serverManifest, tlsDir } from "./lib/tls-peers.mjs";

test("tickets: sealed (also in a message's room), opened, expired, tampered, other key", async () => {
  const r = await runXsh(join(tlsDir, "tickets.js"), [], { manifest: serverManifest });
  assert.equal(r.code, 0, explain(r));
  const cases = r.lines.filter((l) => l.case);
  assert.equal(cases.length, 15, explain(r));
  for (const c of cases) assert.equal(c.ok, true, `${c.case}: ${JSON.stringify(c.detail)}\n${explain(r)}`);
});
