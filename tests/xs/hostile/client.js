// Hostile-peer driver: one SecureSocket connection, every callback logged as a JSON line, then the
// native heap once the socket is closed and collected.
//   build/xsh --report tests/xs/hostile/client.js '<JSON {port, secure, request}>'
// secure is passed on, except certificate: a DER file name, read into an ArrayBuffer.
// connections: how many connections, one after the other (default 2: what stays after the first
// may be a one-time allocation, what grows after the second is a leak).
// Lines: {c, message, value, t} per callback ({message: -2, error: {message, reason, alert, remote}});
// {c, nativeBefore, nativeAfter, received} once each connection is closed and collected; {end: true}.
import SecureSocket from "securesocket";
import Instrumentation from "instrumentation";
import Timer from "timer";
import Debug from "debug";
import { argv, readFile, now } from "xsh";

const config = JSON.parse(argv[1]);
const log = (o) => trace(JSON.stringify(o) + "\n");
const nativeUsed = Instrumentation.map("Native Heap Used");
const secure = Object.assign({}, config.secure ?? {});
if (typeof secure.certificate === "string")
	secure.certificate = readFile(secure.certificate);

Debug.gc();
const nativeBefore = Instrumentation.get(nativeUsed);
const connections = config.connections ?? 2;

function connect(c) {
	const started = now();
	let ended = false, received = 0;
	function end(socket) {
		if (ended)
			return;
		ended = true;
		try { socket.close(); } catch {}
		Timer.set(() => {
			Debug.gc();
			log({ c, nativeBefore, nativeAfter: Instrumentation.get(nativeUsed), received });
			if (c + 1 < connections)
				connect(c + 1);
			else
				log({ end: true });
		}, 20);
	}
	const socket = new SecureSocket({ host: config.host ?? "localhost", port: config.port, secure });
	socket.callback = function (message, value) {
		const e = { c, message, t: now() - started };
		if (value !== undefined)
			e.value = value;
		if (ended)
			e.afterEnd = true;
		if (message === 1 && config.request)
			this.write(config.request);
		else if (message === 2)
			received += this.read(String).length;
		else if (message === -2) {
			const error = this.error;
			e.error = { message: error.message, reason: error.reason, alert: error.alert, remote: error.remote };
		}
		if (message !== 2 && message !== 3)
			log(e);
		if (message < 0)
			end(this);
	};
}
connect(0);
