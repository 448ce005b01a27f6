// Every write form of the Socket; the Node peer checks the bytes. argv: <port> <mode>
//   forms:  writes each form once, closes on message 3
//   views:  DataView (the SDK's BufferLike includes it), alone and among other items, closes on 3
//   room:   write() room, the overflow error, byte range errors, then 8192 bytes at once
//   closed: writes before connecting, after close(), and what read()/write() say then
import { Socket } from "socket";
import { argv } from "xsh";

const port = Number(argv[1]);
const mode = argv[2];
const log = (o) => trace(JSON.stringify(o) + "\n");
const attempt = (f) => {
	try {
		return { ok: f() ?? null };
	}
	catch (e) {
		return { error: e.constructor.name, message: e.message };
	}
};

const socket = new Socket({ host: "127.0.0.1", port });
const early = attempt(() => socket.write("too early"));
let sent = 0;
socket.callback = function (message, value) {
	if (message === 1 && mode === "forms") {
		this.write("str:");
		this.write(0x41, 0x42, 0);
		this.write(new Uint8Array([1, 2, 3, 4, 5]).buffer);
		this.write(new Uint8Array(new Uint8Array([10, 11, 12, 13, 14, 15]).buffer, 2, 3));
		this.write(new Int8Array([-1, 127]));
		this.write(new Uint8ClampedArray([7]));
		this.write("a", 0x62, new Uint8Array([0x63]), "d", new ArrayBuffer(2));
		this.write("é");
		log({ message, wrote: true });
		return;
	}
	if (message === 1 && mode === "views") {
		const e = { message };
		e.dataView = attempt(() => this.write(new DataView(new Uint8Array([20, 21, 22, 23]).buffer, 1, 2)));
		e.mixed = attempt(() => this.write("<", new DataView(new ArrayBuffer(1)), ">"));
		log(e);
		return;
	}
	if (message === 1 && mode === "room") {
		const e = { message };
		e.room = this.write();
		e.overflow = attempt(() => this.write(new ArrayBuffer(8193)));
		e.overflowMixed = attempt(() => this.write("x", new ArrayBuffer(8192)));
		e.roomAfterOverflow = this.write();
		e.byte256 = attempt(() => this.write(256));
		e.byteNegative = attempt(() => this.write(-1));
		e.byteFraction = attempt(() => this.write(1.5));
		e.boolean = attempt(() => this.write(true));
		const block = new Uint8Array(8192);
		for (let i = 0; i < block.length; i++) block[i] = (i * 7) & 255;
		e.full = attempt(() => this.write(block));
		e.roomAfterFull = this.write();
		log(e);
		return;
	}
	if (message === 1 && mode === "closed") {
		this.close();
		const e = { message, early };
		e.writeAfterClose = attempt(() => this.write("x"));
		e.bytesAfterClose = attempt(() => this.write(1));
		e.roomAfterClose = this.write();
		e.readAfterClose = this.read();
		e.closeAgain = attempt(() => this.close());
		log(e);
		return;
	}
	if (message === 3) {
		sent++;
		log({ message, value, sent });
		this.close();
		return;
	}
	log({ message, value });
};
