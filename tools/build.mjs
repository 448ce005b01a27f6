// npm run build: TypeScript (tsc, incremental) into build/js, then the host (make) into build/xsh.
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
run("make", ["-s", "-C", join(root, "host"), `-j${Math.max(2, (await import("node:os")).cpus().length)}`]);
