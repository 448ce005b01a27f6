// ECMA-419 TLS socket driver (embedded:io/socket/tcp/tls) for tests/ecma419-tls.test.mjs.
//   build/xsh tests/xs/securesocket/tlssocket.js '<JSON config>'
// config: port, host ("localhost"), secure (certificate: a DER file name), path ("/"),
//   read: how onReadable reads
//     "all"     read(): everything readable, one ArrayBuffer
//     "count"   read(count) in pieces of `piece` bytes (default 7)
//     "buffer"  read(buffer) into Uint8Arrays of `piece` bytes (default 100)
//     "number"  format "number": read() one byte at a time until undefined
//   upload: a POST body of this many bytes, written in pieces as large as each onWritable allows
//   closeAfter: closes from onReadable once this many bytes were received
// Lines: {event: "writable", bytes, self}; {event: "readable", bytes}; {event: "checks", ...} once;
// {event: "error", message, reason, self}; {event: "end", received, hash, bodyHash and bodyLength (after
// the headers), text (first 200 characters),
// readables, maxReadable}; {event: "uploaded", pieces, maxPiece, overflowThrew}.
import TLSSocket from "embedded:io/socket/tcp/tls";
import { argv, readFile } from "xsh";

const config = JSON.parse(argv[1]);
const log = (o) => trace(JSON.stringify(o) + "\n");
const secure = Object.assign({}, config.secure ?? {});
if (typeof secure.certificate === "string")
	secure.certificate = readFile(secure.certificate);
const path = config.path ?? "/";
const target = { tag: "target" };

let received = 0, hash = 0, bodyHash = 0, bodyLength = 0, window = 0, inBody = false, text = "", readables = 0, maxReadable = 0, checked = false, ended = false;
let requested = false, uploadLeft = config.upload ?? 0, pieces = 0, maxPiece = 0, overflowThrew;

function take(bytes) {
	for (const b of bytes) {
		hash = (Math.imul(hash, 31) + b) >>> 0;
		if (inBody) {
			bodyHash = (Math.imul(bodyHash, 31) + b) >>> 0;
			bodyLength++;
		}
		else {
			window = ((window << 8) | b) >>> 0;
			inBody = window === 0x0d0a0d0a;
		}
		if (text.length < 200)
			text += String.fromCharCode(b);
	}
	received += bytes.length;
}

function end(extra) {
	if (ended)
		return;
	ended = true;
	log({ event: "end", received, hash, bodyHash, bodyLength, text, readables, maxReadable, ...extra });
}

function threw(f) {
	try {
		f();
		return false;
	}
	catch (e) {
		return e.name;
	}
}

const socket = new TLSSocket({
	host: config.host ?? "localhost",
	port: config.port,
	secure,
	target,
	format: config.read === "number" ? "number" : "buffer",
	onWritable(bytes) {
		log({ event: "writable", bytes, self: this === socket, target: this.target === target });
		if (!requested) {
			requested = true;
			const method = config.upload ? "POST" : "GET";
			const length = config.upload ? `Content-Length: ${config.upload}\r\n` : "";
			const request = ArrayBuffer.fromString(`${method} ${path} HTTP/1.1\r\nHost: localhost\r\n${length}Connection: close\r\n\r\n`);
			if (this.format === "number")
				for (const b of new Uint8Array(request))
					this.write(b);
			else
				this.write(request);
			return;
		}
		if (uploadLeft > 0) {
			if (overflowThrew === undefined)
				overflowThrew = threw(() => this.write(new ArrayBuffer(bytes + 1)));
			const n = Math.min(bytes, uploadLeft);
			const piece = new Uint8Array(n);
			for (let i = 0; i < n; i++)
				piece[i] = (config.upload - uploadLeft + i) & 0xff;
			this.write(piece);
			uploadLeft -= n;
			pieces++;
			maxPiece = Math.max(maxPiece, n);
			if (!uploadLeft)
				log({ event: "uploaded", pieces, maxPiece, overflowThrew });
		}
	},
	onReadable(bytes) {
		readables++;
		maxReadable = Math.max(maxReadable, bytes);
		log({ event: "readable", bytes });
		if (!checked && this.format === "buffer") {
			checked = true;
			log({
				event: "checks",
				tooMany: threw(() => this.read(bytes + 1)),
				zero: threw(() => this.read(0)),
				bigBuffer: threw(() => this.read(new Uint8Array(bytes + 1))),
				numberWrite: threw(() => this.write(65)),
				badFormat: threw(() => { this.format = "string"; }),
			});
		}
		switch (config.read ?? "all") {
			case "all":
				take(new Uint8Array(this.read()));
				break;
			case "count": {
				const piece = config.piece ?? 7;
				for (let left = bytes; left > 0;) {
					const n = Math.min(piece, left);
					const b = this.read(n);
					if (!(b instanceof ArrayBuffer) || b.byteLength !== n)
						throw new Error("read(count) returned the wrong thing");
					take(new Uint8Array(b));
					left -= n;
				}
				break;
			}
			case "buffer": {
				const piece = config.piece ?? 100;
				for (let left = bytes; left > 0;) {
					const view = new Uint8Array(Math.min(piece, left));
					const n = this.read(view);
					if (n !== view.length)
						throw new Error("read(buffer) returned the wrong count");
					take(view);
					left -= n;
				}
				break;
			}
			case "number": {
				let b;
				const one = [];
				while ((b = this.read()) !== undefined) {
					if (typeof b !== "number")
						throw new Error("read() with format number returned a non-number");
					one.push(b);
				}
				if (one.length !== bytes)
					throw new Error(`format number: read ${one.length} bytes of ${bytes}`);
				take(one);
				break;
			}
		}
		if (this.read() !== undefined)
			throw new Error("bytes left after reading all that onReadable announced");
		if (config.closeAfter && received >= config.closeAfter) {
			this.close();
			end({ closedByUs: true, readAfterClose: threw(() => this.read()) });
		}
	},
	onError(error) {
		log({ event: "error", message: error?.message, reason: error?.reason, self: this === socket });
		this.close();
		end();
	},
});
log({ event: "constructed", format: socket.format });
