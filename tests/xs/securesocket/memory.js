// HTTPS GETs with SecureSocket, one after the other, and the native heap once each socket is closed
// and collected.
//   build/xsh --report tests/xs/securesocket/memory.js '<JSON {port, certificate, count}>'
// Lines per GET: {status, body} at -1 (or {error}), then {nativeBefore, nativeDuring, nativeAfter}:
// the native heap in use before the first socket, the peak during this GET, and what is in use after
// close and Debug.gc().
import SecureSocket from "securesocket";
import Instrumentation from "instrumentation";
import Timer from "timer";
import Debug from "debug";
import { argv, readFile } from "xsh";

const { port, certificate, count = 1 } = JSON.parse(argv[1]);
let done = 0;
const log = (o) => trace(JSON.stringify(o) + "\n");
const nativeUsed = Instrumentation.map("Native Heap Used");
const nativePeak = Instrumentation.map("Native Heap Peak");

Debug.gc();
Instrumentation.resetPeaks();
const nativeBefore = Instrumentation.get(nativeUsed);

function finish() {
	Timer.set(() => {
		Debug.gc();
		log({ nativeBefore, nativeDuring: Instrumentation.get(nativePeak), nativeAfter: Instrumentation.get(nativeUsed) });
		Instrumentation.resetPeaks();
		if (++done < count)
			get();
	}, 10);
}

function get() {
	let response = "";
	const socket = new SecureSocket({ host: "localhost", port, secure: { certificate: readFile(certificate) } });
	socket.callback = function (message) {
		if (message === 1)
			this.write("GET /memory HTTP/1.1\r\n", "Host: localhost\r\n", "Connection: close\r\n\r\n");
		else if (message === 2)
			response += this.read(String);
		else if (message === -1) {
			log({ status: response.slice(0, response.indexOf("\r\n")), body: response.slice(response.indexOf("\r\n\r\n") + 4) });
			finish();
		}
		else if (message === -2) {
			log({ error: this.error.message });
			finish();
		}
	};
}
get();
