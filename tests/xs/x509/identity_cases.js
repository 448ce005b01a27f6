// The server identity check in C (native/x509_identity.c: xs_x509_identity, xs_x509_identity_valid)
// against the JS one (x509/name.ts parseServerName and checkServerIdentity, over x509/extensions.ts
// parseSubjectAltName), as the verifier orders them: the name first, then the subjectAltName, then the match.
//   build/xsh --manifest manifest.json tests/xs/x509/identity_cases.js <cases.json>
// With manifest_device.json (and build/xsh-device) x509/ipv6 is x509/no-ipv6: IPv6 names refused on both sides.
// cases.json: { names: [string], sans: [hex | null], expect: [{ name, san, verdict }] }
//   names x sans: both sides must give the same verdict: "ok", "name" (the name is refused), "malformed"
//     (the subjectAltName is), or "mismatch"
//   expect: the C verdict must be `verdict`
// Prints one JSON line per failure, then { done, failed, verdicts: { ok, name, malformed, mismatch } }.
import { readText, argv } from "xsh";
import { parseServerName, checkServerIdentity } from "x509/name";
import { parseSubjectAltName } from "x509/extensions";
import { X509Error } from "x509/errors";

const identity = native("xs_x509_identity");
const valid = native("xs_x509_identity_valid");

function bytesOf(hex) {
	if (hex === null)
		return undefined;
	const out = new Uint8Array(hex.length / 2);
	for (let i = 0; i < out.length; i++)
		out[i] = parseInt(hex.substr(2 * i, 2), 16);
	return out;
}

function viaJS(san, name) {
	let reference;
	try {
		reference = parseServerName(name);
	}
	catch (e) {
		if (!(e instanceof X509Error) || e.code !== "nameMismatch")
			throw e;
		return "name";
	}
	try {
		checkServerIdentity(san === undefined ? undefined : parseSubjectAltName(san), name, reference);
		return "ok";
	}
	catch (e) {
		if (!(e instanceof X509Error))
			throw e;
		return e.code === "malformed" ? "malformed" : "mismatch";
	}
}

function viaC(san, name) {
	const message = identity(san, name);
	if (message === undefined)
		return "ok";
	if (!message.startsWith("x509: "))
		return "bad message: " + message;
	if (message.startsWith("x509: the server name"))
		return "name";
	return message.startsWith("x509: subjectAltName") ? "malformed" : "mismatch";
}

const cases = JSON.parse(readText(argv[1]));
const verdicts = { ok: 0, name: 0, malformed: 0, mismatch: 0 };
let done = 0, failed = 0;
const report = (line) => {
	failed++;
	trace(JSON.stringify(line) + "\n");
};
for (const name of cases.names) {
	const refused = valid(name);
	const js = viaJS(undefined, name) === "name";
	if ((refused !== undefined) !== js || (refused !== undefined && !refused.startsWith("x509: the server name")))
		report({ name, valid: refused ?? null, js });
	for (const hex of cases.sans) {
		const san = bytesOf(hex);
		const a = viaJS(san, name), b = viaC(san, name);
		done++;
		if (a !== b)
			report({ name, san: hex, js: a, c: b });
		else
			verdicts[a]++;
	}
}
for (const { name, san, verdict } of cases.expect) {
	const c = viaC(bytesOf(san), name);
	done++;
	if (c !== verdict)
		report({ name, san, expected: verdict, c, message: identity(bytesOf(san), name) ?? null });
}
trace(JSON.stringify({ done, failed, verdicts }) + "\n");
