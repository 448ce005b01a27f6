// A Listener on an ephemeral port that echoes what each accepted socket receives.
// argv: <clients>: closes the listener once that many accepted sockets were disconnected.
import { Socket, Listener } from "socket";
import { argv } from "xsh";

const clients = Number(argv[1]);
const log = (o) => trace(JSON.stringify(o) + "\n");
const listener = new Listener({ port: 0 });
let accepted = 0, disconnected = 0;
log({ port: listener.port, type: typeof listener.port });
listener.callback = function () {
	const id = ++accepted;
	const socket = new Socket({ listener: this });
	log({ accepted: id, self: this === listener });
	socket.callback = function (message, value) {
		const e = { id, message, value };
		if (message === 2) {
			const data = this.read(ArrayBuffer);
			e.length = data.byteLength;
			this.write(data);
		}
		log(e);
		if (message === -1 && ++disconnected === clients) {
			listener.close();
			log({ listenerClosed: true });
		}
	};
};
