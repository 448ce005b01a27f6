// npm run build: TypeScript (tsc, incremental) into build/js, its copy without trace statements into
// build/device/modules (tools/strip-traces.mjs, for manifest_device.json), then the host (make) into build/xsh
// and build/xsh-device.
// --xsh32 also builds build/xsh32, the same host compiled for 32 bits (gcc-multilib), whose XS slots
// and pointers have a device's sizes; npm test runs the crypto vectors and a connection in it.
import { spawnSync } from "node:child_process";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
function run(command, args) {
  const r = spawnSync(command, args, { cwd: root, stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`build: ${command} ${args.join(" ")} failed`);
    process.exit(r.status ?? 1);
  }
}
run(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", root]);
// the device profile's modules (manifest_device.json): tsc's output without its trace statements
run(process.execPath, [join(root, "tools", "strip-traces.mjs")]);
const jobs = `-j${Math.max(2, (await import("node:os")).cpus().length)}`;
run("make", ["-s", "-C", join(root, "host"), jobs]);
if (process.argv.includes("--xsh32"))
  run("make", ["-s", "-C", join(root, "host"), jobs, "xsh32"]);
