// Every read form of the Socket, against a Node peer that sends blocks one at a time.
// argv: <port> <mode>
//   lines: on each message 2, reads lines with read(String, "\n") until undefined; writes "k" (ack)
//   forms: block by block (the peer sends the next block after the ack "k"), the read forms below
import { Socket } from "socket";
import { argv } from "xsh";

const port = Number(argv[1]);
const mode = argv[2];
const log = (o) => trace(JSON.stringify(o) + "\n");
const bytes = (buffer) => Array.from(new Uint8Array(buffer));

// block sizes the peer sends in "forms" mode, and what to do once a block has fully arrived
const steps = [
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
let step = 0;

const socket = new Socket({ host: "127.0.0.1", port });
socket.callback = function (message, value) {
	if (message === 2 && mode === "lines") {
		const e = { message, value, available: this.read(), parts: [] };
		let part;
		while ((part = this.read(String, "\n")) !== undefined) e.parts.push(part);
		e.availableAfter = this.read();
		log(e);
		this.write("k");
		return;
	}
	if (message === 2 && mode === "forms") {
		if (step >= steps.length) { log({ unexpected: this.read() }); return; }
		const [size, reads] = steps[step];
		if (this.read() < size) return;     // the rest of the block is on its way
		const e = reads(this);
		e.step = step++;
		log(e);
		this.write("k");
		return;
	}
	log({ message, value });
};
