// Socket client messages against a Node peer. argv: <port> <mode>
//   events:    logs every callback (1, 3, 2, -1) with its value; writes "ping" on 1
//   refused:   connects to a port where nothing listens: logs the callbacks (-2 expected)
//   selfclose: closes the socket itself on the first data; the peer stays open
//   throw:     throws from the callback on message 1
import { Socket } from "socket";
import Instrumentation from "instrumentation";
import { argv } from "xsh";

const port = Number(argv[1]);
const mode = argv[2];
const log = (o) => trace(JSON.stringify(o) + "\n");
const get = (name) => Instrumentation.get(Instrumentation.map(name));

const socket = new Socket({ host: "127.0.0.1", port });
socket.callback = function (message, value) {
	const e = { message, self: this === socket };
	if (arguments.length > 1) e.value = value;
	if (mode === "throw" && message === 1) throw new Error("thrown in a socket callback");
	if (message === 1) {
		e.sockets = get("Network Sockets");
		this.write("ping");
	}
	else if (message === 2) {
		e.available = this.read();
		e.text = this.read(String);
		if (mode === "selfclose") {
			this.close();
			e.closed = true;
		}
	}
	else if (message === -1) {
		e.sockets = get("Network Sockets");
		e.bytesRead = get("Network Bytes Read");
		e.bytesWritten = get("Network Bytes Written");
	}
	log(e);
};
log({ constructed: true });
