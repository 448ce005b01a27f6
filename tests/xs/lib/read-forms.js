// The Socket contract's read forms, as both the host's Socket (tests/xs/host/socket_read.js) and
// SecureSocket (tests/xs/securesocket/client.js) are driven through them: each step is the size of
// the block the peer sends, and the reads made once it has all arrived. The blocks and the results
// expected are in tests/lib/read-forms.mjs.
export const bytes = (buffer) => Array.from(new Uint8Array(buffer));

export const steps = [
	[35, (s) => ({
		available: s.read(),
		number: s.read(Number),
		string3: s.read(String, 3),
		availableAfter: s.read(),
		skipped: s.read(null, 2),
		buffer4: bytes(s.read(ArrayBuffer, 4)),
		isArrayBuffer: s.read(ArrayBuffer, 0) instanceof ArrayBuffer,
		line: s.read(String, "\n"),
		bufferUntil: bytes(s.read(ArrayBuffer, ";")),
		string4: s.read(String, 4),
		rest: bytes(s.read(ArrayBuffer)),
		availableEnd: s.read(),
		numberEmpty: s.read(Number) === undefined,
		stringEmpty: s.read(String) === undefined,
		bufferEmpty: s.read(ArrayBuffer) === undefined,
		skipEmpty: s.read(null),
	})],
	[12, (s) => ({ available: s.read(), skippedAll: s.read(null), availableAfter: s.read() })],
	[6, (s) => ({ utf8: s.read(String, 100), availableAfter: s.read() })],
	[3, (s) => ({ numbers: [s.read(Number), s.read(Number), s.read(Number)], after: s.read(Number) === undefined })],
	[7, (s) => ({ skipMore: s.read(null, 100), availableAfter: s.read() })],
];
