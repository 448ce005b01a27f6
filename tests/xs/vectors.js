// Runs every Wycheproof vector family inside XS and prints one line per file, then the total:
//   build/xsh tests/xs/vectors.js <dir> [--verbose] [--only name]
// Lines: "file <name> <passed> <failed> <notApplicable>", failures "FAIL <file> <tcId> <detail>",
// last line "wycheproof: N passed, M failed" (", K not applicable" when some cases test what we do
// not expose, e.g. SHA-1; each family documents which and why). Exit status 1 when anything failed.
// The first line, "aes-gcm <engine>", names the AES-GCM the vectors went through (native/aead.c:
// "aesgcm_x86", ours, or "mbedtls"; SECURESOCKET_AES_GCM=mbedtls in the environment forces mbedtls's).
// report(file, tcId, ok, detail): ok true/false, or null for a case that is not applicable.
import { argv, exit } from "xsh";
import runSymmetric from "./vectors/sym.js";
import runPublicKey from "./vectors/pk.js";

const dir = argv[1] ?? "tests/vectors/wycheproof";
const verbose = argv.includes("--verbose");
const onlyIndex = argv.indexOf("--only");
const only = onlyIndex > 0 ? argv[onlyIndex + 1] : undefined;

trace(`aes-gcm ${native("xs_aead_gcm_engine")()}\n`);

const files = new Map();
let passed = 0, failed = 0, notApplicable = 0, shown = 0;
function report(file, tcId, ok, detail) {
	let counts = files.get(file);
	if (!counts) files.set(file, counts = { passed: 0, failed: 0, notApplicable: 0 });
	if (ok === null) { counts.notApplicable++; notApplicable++; }
	else if (ok === true) { counts.passed++; passed++; }
	else {
		counts.failed++; failed++;
		if (verbose || shown++ < 50) trace(`FAIL ${file} ${tcId} ${detail ?? ""}\n`);
	}
}
for (const [name, run] of [["sym", runSymmetric], ["pk", runPublicKey]]) {
	if (only && only !== name) continue;
	run(dir, report);
}
for (const [file, counts] of files)
	trace(`file ${file} ${counts.passed} ${counts.failed} ${counts.notApplicable}\n`);
trace(`wycheproof: ${passed} passed, ${failed} failed${notApplicable ? `, ${notApplicable} not applicable` : ""}\n`);
if (failed) exit(1);
