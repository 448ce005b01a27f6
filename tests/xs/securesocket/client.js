// SecureSocket client driver for tests/securesocket*.test.mjs: logs every callback as a JSON line.
//   build/xsh tests/xs/securesocket/client.js '<JSON config>'
// config:
//   port, host ("localhost") or address (then no host is given), secure (passed on, except:
//     certificate: a file name or an array of file names, read into ArrayBuffers (certificateAs
//     "uint8": Uint8Arrays); clientKey: a file name (DER), read into an ArrayBuffer; clientCertificates:
//     a file name or an array of file names, read likewise; keylog: true, logs {keylog: line};
//     trace: true, logs {trace: line})
//   connections: how many connections, one after the other (default 1); resume: each one offers
//     the session the previous one ended with (socket.session)
//   read: what message 2 does
//     "all"      read(String), logs the text (default)
//     "lines"    read(String, "\n") until undefined; logs the parts; assembles whole lines
//     "forms"    the read forms, one step per record (see steps below)
//     "bulk"     read(ArrayBuffer), counts the bytes and hashes them; logs once at the end
//     "into"     read(buffer) into one buffer reused for every read (into: {size, kind}, kind
//                "uint8" (a Uint8Array), "arraybuffer", "dataview" (over bytes 3 to 3 + size of a
//                larger ArrayBuffer) or "window" (a Uint8Array likewise); outside the window,
//                sentinel bytes that must stay), until it returns 0; counts and hashes like "bulk"
//     "intoForms" on the first message 2, the forms of read(buffer) (see intoForms below)
//     "later"    reads nothing in the callback, reads everything from a timer 150 ms later
//     "none"     reads nothing
//   ack: text written after each message 2 (the peer sends its next record when it sees it)
//   request: text written on message 1
//   writeForms: on message 1, checks write() overflow, then writes every item form, then closes
//   upload: bytes written, driven by message 3, each piece as large as the value of message 3
//   closeOn: closes the socket once the text received contains this
// Lines: {constructed, writeBefore, writableBefore}; {c, message, value, available, ...} per
// callback (c: connection index); {c, bulk, hash, messages, maxValue} (read "bulk");
// {c, uploaded, pieces, maxPiece, firstValue}; {keylog}; {trace}; {end: true} when the last connection ended.
import SecureSocket from "securesocket";
import Timer from "timer";
import { argv, readFile, now } from "xsh";
import { steps } from "../lib/read-forms.js";

const config = JSON.parse(argv[1]);
const log = (o) => trace(JSON.stringify(o) + "\n");
const connections = config.connections ?? 1;
const started = now();

function errorOf(e) {
	if (!e)
		return e;
	return { name: e.name, message: e.message, reason: e.reason, remote: e.remote, alert: e.alert };
}

// read(buffer) forms, on a record of "line one\nrest of it" (19 bytes)
function intoForms(s) {
	const text = (buffer, n) => String.fromArrayBuffer(buffer instanceof ArrayBuffer ? buffer.slice(0, n)
		: buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + n));
	const r = { available: s.read() };
	r.empty = s.read(new Uint8Array(0));
	const four = new Uint8Array(4);
	r.nanUntil = s.read(four, NaN);   // nothing taken: "line" is next
	r.four = [s.read(four), text(four, 4)];
	const untilBuffer = new ArrayBuffer(100);
	const n = s.read(untilBuffer, "\n");
	r.untilNewline = [n, text(untilBuffer, n)];
	const dv = new DataView(new ArrayBuffer(10), 2, 6);
	r.dataViewCount = [s.read(dv, 3), text(dv, 3)];
	const big = new Uint8Array(20).fill(0xEE);
	const window = big.subarray(5, 15);
	const m = s.read(window, 100);
	r.window = [m, text(window, m), big[4], big[5 + m]];
	r.availableEnd = s.read();
	r.nothing = s.read(four);
	try {
		s.read({ byteLength: 4 });
	}
	catch (error) {
		r.notABuffer = errorOf(error);
	}
	return r;
}

function intoBuffer(into) {
	const size = into?.size ?? 1000;
	switch (into?.kind ?? "uint8") {
		case "arraybuffer": {
			const buffer = new ArrayBuffer(size);
			return { target: buffer, bytes: new Uint8Array(buffer) };
		}
		case "dataview": {
			const outer = new Uint8Array(size + 6).fill(0xEE);
			return { target: new DataView(outer.buffer, 3, size), bytes: outer.subarray(3, 3 + size), outer };
		}
		case "window": {
			const outer = new Uint8Array(size + 6).fill(0xEE);
			const bytes = outer.subarray(3, 3 + size);
			return { target: bytes, bytes, outer };
		}
		default: {
			const bytes = new Uint8Array(size);
			return { target: bytes, bytes };
		}
	}
}

function secureOptions() {
	const secure = Object.assign({}, config.secure ?? {});
	const load = (name) => {
		const buffer = readFile(name);
		return config.certificateAs === "uint8" ? new Uint8Array(buffer) : buffer;
	};
	if (typeof secure.certificate === "string")
		secure.certificate = load(secure.certificate);
	else if (Array.isArray(secure.certificate))
		secure.certificate = secure.certificate.map(load);
	if (typeof secure.clientKey === "string")
		secure.clientKey = load(secure.clientKey);
	if (typeof secure.clientCertificates === "string")
		secure.clientCertificates = load(secure.clientCertificates);
	else if (Array.isArray(secure.clientCertificates))
		secure.clientCertificates = secure.clientCertificates.map(load);
	if (secure.keylog === true)
		secure.keylog = (line) => log({ keylog: line });
	if (secure.trace === true)
		secure.trace = (line) => log({ trace: line });
	return secure;
}

function connect(index, session) {
	const secure = secureOptions();
	if (session)
		secure.session = session;
	const dictionary = { port: config.port, secure };
	if (config.address)
		dictionary.address = config.address;
	else
		dictionary.host = config.host ?? "localhost";
	const socket = new SecureSocket(dictionary);
	let received = "", step = 0, line = "", ended = false;
	const lines = [];
	const bulk = { count: 0, hash: 0, messages: 0, maxValue: 0 };
	const upload = { sent: 0, pieces: 0, maxPiece: 0, done: false };

	function end() {
		if (ended)
			return;
		ended = true;
		if (config.read === "bulk" || config.read === "into")
			log({ c: index, bulk: bulk.count, hash: bulk.hash >>> 0, messages: bulk.messages, maxValue: bulk.maxValue, reads: bulk.reads });
		if (config.read === "lines")
			log({ c: index, lines });
		// anything after -1 or -2 would be logged by the callback; let a little time pass
		Timer.set(() => {
			if (index + 1 < connections)
				connect(index + 1, config.resume ? socket.session : undefined);
			else
				log({ end: true });
		}, 50);
	}

	socket.callback = function (message, value) {
		const e = { c: index, message, self: this === socket, t: now() - started };
		if (arguments.length > 1)
			e.value = value;
		if (ended)
			e.afterEnd = true;
		switch (message) {
			case 1: {
				const tls = this.tls;
				e.tls = { version: tls.version, cipherSuite: tls.cipherSuite, group: tls.group, alpn: tls.alpn, resumed: tls.resumed, certificates: tls.peerCertificateCount };
				e.writable = this.write();
				if (config.request)
					this.write(config.request);
				if (config.writeForms) {
					const n = this.write();
					try {
						this.write(new Uint8Array(n + 1));
					}
					catch (error) {
						e.overflow = errorOf(error);
					}
					try {
						this.write("a", new Uint8Array(n));
					}
					catch (error) {
						e.overflowMany = errorOf(error);
					}
					try {
						this.write(256);
					}
					catch (error) {
						e.badByte = errorOf(error);
					}
					e.writableAfterOverflow = this.write();
					const base = new Uint8Array([10, 11, 12, 13, 14, 15]);
					const dv = new DataView(new Uint8Array([20, 21, 22, 23]).buffer, 1, 2);
					e.results = [
						this.write("str:"),
						this.write(0x41, 0x42, 0),
						this.write(new Uint8Array([1, 2, 3, 4, 5]).buffer),
						this.write(base.subarray(2, 5)),
						this.write(dv),
						this.write(new Int8Array([-1, 127])),
						this.write("ab", "cd", 0, new Uint8Array([9]), dv, new Uint8Array([1, 2]).buffer),
						this.write("é€"),
					];
					e.writableAfter = this.write();
					this.close();
					try {
						this.write("x");
					}
					catch (error) {
						e.writeAfterClose = errorOf(error);
					}
					e.writableAfterClose = this.write();
					log(e);
					end();
					return;
				}
				break;
			}
			case 2:
				e.available = this.read();
				if (config.read === "lines") {
					e.parts = [];
					let part;
					while ((part = this.read(String, "\n")) !== undefined) {
						e.parts.push(part);
						line += part;
						if (line.endsWith("\n")) {
							lines.push(line);
							line = "";
						}
					}
					e.availableAfter = this.read();
				}
				else if (config.read === "forms") {
					if (step >= steps.length)
						e.unexpected = this.read(String);
					else {
						const [size, reads] = steps[step];
						e.size = size;
						e.step = step++;
						e.reads = reads(this);
					}
				}
				else if (config.read === "bulk") {
					const data = new Uint8Array(this.read(ArrayBuffer));
					let h = bulk.hash;
					for (let i = 0; i < data.length; i++)
						h = (Math.imul(h, 31) + data[i]) | 0;
					bulk.hash = h;
					bulk.count += data.length;
					bulk.messages++;
					bulk.maxValue = Math.max(bulk.maxValue, value);
					if (value !== data.length)
						log({ c: index, mismatch: { value, read: data.length } });
					if (config.ack)
						this.write(config.ack);
					return;   // one line at the end, not one per record
				}
				else if (config.read === "into") {
					const into = bulk.into ??= intoBuffer(config.into);
					let got = 0;
					for (let n; (n = this.read(into.target)) > 0;) {
						let h = bulk.hash;
						for (let i = 0; i < n; i++)
							h = (Math.imul(h, 31) + into.bytes[i]) | 0;
						bulk.hash = h;
						got += n;
						bulk.reads = (bulk.reads ?? 0) + 1;
					}
					bulk.count += got;
					bulk.messages++;
					bulk.maxValue = Math.max(bulk.maxValue, value);
					if (into.outer && (into.outer[0] !== 0xEE || into.outer[2] !== 0xEE || into.outer[into.outer.length - 3] !== 0xEE || into.outer[into.outer.length - 1] !== 0xEE))
						log({ c: index, outside: "read(buffer) wrote outside its view" });
					if (value !== got)
						log({ c: index, mismatch: { value, read: got } });
					return;
				}
				else if (config.read === "intoForms") {
					if (step++ === 0)
						e.reads = intoForms(this);
				}
				else if (config.read === "later") {
					Timer.set(() => {
						const later = { c: index, later: true, available: socket.read() };
						const text = socket.read(String);
						later.text = text;
						if (text !== undefined)
							received += text;
						later.availableAfter = socket.read();
						log(later);
					}, 150);
				}
				else if (config.read !== "none") {
					e.text = this.read(String);
					e.availableAfter = this.read();
					received += e.text;
				}
				if (config.ack)
					this.write(config.ack);
				if (config.closeOn && received.includes(config.closeOn)) {
					this.close();
					e.closed = true;
					try {
						this.write("x");
					}
					catch (error) {
						e.writeAfterClose = errorOf(error);
					}
					log(e);
					end();
					return;
				}
				break;
			case 3:
				e.writable = this.write();
				if (config.upload && !upload.done) {
					upload.firstValue ??= value;
					const n = Math.min(value, config.upload - upload.sent);
					const piece = new Uint8Array(n);
					for (let i = 0; i < n; i++)
						piece[i] = ((upload.sent + i) * 7 + 3) & 255;
					this.write(piece);
					upload.sent += n;
					upload.pieces++;
					upload.maxPiece = Math.max(upload.maxPiece, n);
					if (upload.sent >= config.upload) {
						upload.done = true;
						log({ c: index, uploaded: upload.sent, pieces: upload.pieces, maxPiece: upload.maxPiece, firstValue: upload.firstValue });
					}
					return;
				}
				break;
			case -1:
				e.session = this.session !== undefined;
				break;
			case -2:
				e.error = errorOf(this.error);
				e.session = this.session !== undefined;
				break;
		}
		log(e);
		if (message < 0)
			end();
	};
	if (index === 0) {
		const c = { constructed: true };
		try {
			socket.write("x");
		}
		catch (error) {
			c.writeBefore = errorOf(error);
		}
		c.writableBefore = socket.write();
		log(c);
	}
}

connect(0, undefined);
