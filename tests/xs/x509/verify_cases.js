// Runs verifyChain on the cases of a JSON file and prints one JSON line per case:
//   build/xsh --manifest M tests/xs/x509/verify_cases.js <cases.json>
// cases.json: [{ name, peer, intermediates?, roots?, time?, serverName?, usage?, maxDepth?, store?, clock? }]
// where peer, intermediates and roots are DER file paths; clock: seconds since 1970 that Date.now()
// returns during the case (to test an unset device clock).
// Line: { name, ok, code?, message?, depth?, issuer?, path?: [{ cn, anchor }], leafKey?: "ec"|"rsa" }
import { readText, readFile, argv } from "xsh";
import { verifyChain, X509Error } from "x509";

const cases = JSON.parse(readText(argv[1]));
const realNow = Date.now;
for (const c of cases) {
	const out = { name: c.name };
	try {
		if (c.clock !== undefined)
			Date.now = () => c.clock * 1000;
		const options = { peer: readFile(c.peer) };
		if (c.intermediates) options.intermediates = c.intermediates.map((f) => readFile(f));
		if (c.roots) options.roots = c.roots.map((f) => readFile(f));
		for (const key of ["time", "serverName", "usage", "maxDepth", "store"])
			if (c[key] !== undefined) options[key] = c[key];
		const path = verifyChain(options);
		out.ok = true;
		out.path = path.map((s) => ({ cn: s.subject.commonName ?? null, anchor: s.trustAnchor ?? null }));
		out.leafKey = path[0].publicKey?.type ?? null;
		path[0].publicKey?.close();
	}
	catch (e) {
		out.ok = false;
		out.error = e.constructor.name;
		out.isX509Error = e instanceof X509Error;
		out.code = e.code ?? null;
		out.message = e.message;
		if (e.depth !== undefined) out.depth = e.depth;
		if (e.issuer !== undefined) out.issuer = e.issuer;
	}
	finally {
		Date.now = realNow;
	}
	trace(JSON.stringify(out) + "\n");
}
trace(JSON.stringify({ done: cases.length }) + "\n");
