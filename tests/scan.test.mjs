// The testssl.sh scan of our TLS server (tools/scan.mjs, npm run scan): no finding rated HIGH or
// CRITICAL. About 70 to 110 s on a 2-core machine (docs/SCAN.md).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { repo } from "./lib/xsh.mjs";

test("testssl.sh against examples/https-server.js in the host: no HIGH or CRITICAL finding", { timeout: 300000 }, () => {
  const r = spawnSync(process.execPath, [join(repo, "tools", "scan.mjs")], { cwd: repo, encoding: "utf8", timeout: 290000 });
  const summary = /^scan: (\d+) findings: CRITICAL (\d+), HIGH (\d+), MEDIUM (\d+), LOW (\d+), WARN (\d+)/m.exec(r.stdout);
  assert.ok(summary, `no summary line:\n${r.stdout}\n${r.stderr}`);
  assert.ok(Number(summary[1]) > 100, `testssl ran its checks (${summary[1]} findings)`);
  assert.equal(summary[2], "0", r.stdout);
  assert.equal(summary[3], "0", r.stdout);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
});
