// A small HTTP/1.1 responder over one accepted SecureSocket (or any socket with the SDK's Socket
// API): reads the request head, asks `handle(method, path)` for {status, type, body}, writes the
// response as message 3 allows, then closes with close_notify. One request per connection.
// Shared by examples/https-server.js (XS host) and examples/moddable/https-server (a device).
const REASONS = { 200: "OK", 400: "Bad Request", 404: "Not Found", 431: "Request Header Fields Too Large" };
const MAX_HEAD = 4096;
// what a browser should be told by an HTTPS-only device page (HSTS: RFC 6797)
const SECURITY_HEADERS = "Strict-Transport-Security: max-age=31536000\r\nX-Content-Type-Options: nosniff\r\n" +
	"X-Frame-Options: DENY\r\nContent-Security-Policy: default-src 'self'\r\nReferrer-Policy: no-referrer\r\n";

export default function respond(socket, handle, log = () => {}) {
	let head = "", out, done = false;
	socket.callback = function (message, value) {
		switch (message) {
		case 1:
			log(`${this.tls.version} ${this.tls.cipherSuite}${this.tls.alpn ? " " + this.tls.alpn : ""}`);
			break;
		case 2:
			if (out)
				return void this.read(null);           // ignore anything after the request
			head += this.read(String);
			if (head.length > MAX_HEAD)
				out = response(431, "text/plain", "request head too large\n");
			else if (head.includes("\r\n\r\n")) {
				const [method, path, version] = head.slice(0, head.indexOf("\r\n")).split(" ");
				if (!version?.startsWith("HTTP/1."))
					out = response(400, "text/plain", "bad request line\n");
				else {
					const r = handle(method, path, this) ?? { status: 404, type: "text/plain", body: "not found\n" };
					out = response(r.status ?? 200, r.type ?? "text/plain", r.body ?? "");
					log(`${method} ${path} ${r.status ?? 200}`);
				}
			}
			if (out)
				send(this);
			break;
		case 3:
			if (out)
				send(this);
			break;
		case -1:
		case -2:
			if (message === -2)
				log(`connection failed: ${this.error.message}`);
			done = true;
			break;
		}
	};
	function send(s) {
		if (done)
			return;
		if (!out.length) {                            // everything written and drained (message 3)
			done = true;
			s.close();
			return;
		}
		const room = s.write();
		if (room > 0) {
			s.write(out.slice(0, room));
			out = out.slice(room);
		}
	}
}

function response(status, type, body) {
	const bytes = new Uint8Array(ArrayBuffer.fromString(body));
	const header = `HTTP/1.1 ${status} ${REASONS[status] ?? "OK"}\r\nContent-Type: ${type}\r\nContent-Length: ${bytes.length}\r\n` +
		SECURITY_HEADERS + "Connection: close\r\n\r\n";
	const all = new Uint8Array(header.length + bytes.length);
	all.set(new Uint8Array(ArrayBuffer.fromString(header)));
	all.set(bytes, header.length);
	return all;
}
