// Fetches a page over a plain TCP Socket with the SDK's Socket API and prints the status line.
// Usage (host): build/xsh examples/http-get.js <host> <port> [path]
// On a device, pass host and port through your own configuration instead of argv.
import { Socket } from "socket";
import { argv } from "xsh";

const host = argv[1] ?? "127.0.0.1";
const port = Number(argv[2] ?? 80);
const path = argv[3] ?? "/";

let status;
let received = 0;
const socket = new Socket({ host, port });
socket.callback = function (message, value) {
	switch (message) {
	case 1:
		this.write(`GET ${path} HTTP/1.1\r\n`, `Host: ${host}\r\n`, "Connection: close\r\n\r\n");
		break;
	case 2:
		received += value;
		if (status === undefined) {
			status = this.read(String, "\n").trim();
			trace(`${status}\n`);
		}
		this.read(null);
		break;
	case -1:
		trace(`closed after ${received} bytes\n`);
		break;
	case -2:
		trace("error: connection failed\n");
		break;
	}
};
