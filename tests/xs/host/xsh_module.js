// The host-only "xsh" module. argv: <file to read> [args...]
import * as xsh from "xsh";
const file = xsh.argv[1];
const out = {
	argv: xsh.argv,
	text: xsh.readText(file),
	bytes: Array.from(new Uint8Array(xsh.readFile(file)).slice(0, 8)),
	byteLength: xsh.readFile(file).byteLength,
	exists: xsh.exists(file),
	existsMissing: xsh.exists(file + ".missing"),
	env: xsh.getenv("XSH_TEST_VALUE") ?? null,
	envMissing: xsh.getenv("XSH_TEST_SURELY_UNSET") ?? null,
	nowType: typeof xsh.now(),
};
try {
	xsh.readText(file + ".missing");
	out.readMissing = "read";
}
catch (e) {
	out.readMissing = e.message;
}
trace(JSON.stringify(out) + "\n");
