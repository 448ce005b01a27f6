// Every read form of the Socket, against a Node peer that sends blocks one at a time.
// argv: <port> <mode>
//   lines: on each message 2, reads lines with read(String, "\n") until undefined; writes "k" (ack)
//   forms: block by block (the peer sends the next block after the ack "k"), the read forms below
import { Socket } from "socket";
import { argv } from "xsh";
import { steps } from "../lib/read-forms.js";

const port = Number(argv[1]);
const mode = argv[2];
const log = (o) => trace(JSON.stringify(o) + "\n");

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
