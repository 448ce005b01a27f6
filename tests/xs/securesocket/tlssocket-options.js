// The ECMA-419 TLS socket's option checks (tests/ecma419-tls.test.mjs): each case logs
// {case, name, message} of what the constructor threw (or {case, threw: false}).
import TLSSocket from "embedded:io/socket/tcp/tls";

const cases = {
	noOptions: undefined,
	noHost: { port: 443 },
	badPort: { host: "localhost", port: 70000 },
	badCallback: { host: "localhost", port: 443, onReadable: 1 },
	badFormat: { host: "localhost", port: 443, format: "string" },
	from: { from: {}, port: 443 },
	badSecure: { host: "localhost", port: 443, secure: { bogus: true } },
};
for (const [name, options] of Object.entries(cases)) {
	try {
		new TLSSocket(options);
		trace(JSON.stringify({ case: name, threw: false }) + "\n");
	}
	catch (e) {
		trace(JSON.stringify({ case: name, name: e.name, message: e.message }) + "\n");
	}
}
