// "socket": the SDK's Socket and Listener (TCP), as the host provides them.
const construct = native("xs_socket_construct");
const available = native("xs_socket_available");
const readBytes = native("xs_socket_readBytes");
const readByte = native("xs_socket_readByte");
const skip = native("xs_socket_skip");
const readInto = native("xs_socket_readInto");
const write = native("xs_socket_write");
const close = native("xs_socket_close");

export class Socket extends Native("xs_socket_destructor") {
	constructor(dictionary) {
		super();
		construct.call(this, dictionary);
	}
	read(type, until) {
		if (arguments.length === 0)
			return available.call(this);
		if (type === null)
			return skip.call(this, until);
		if (type === Number)
			return readByte.call(this);
		if (type !== String && type !== ArrayBuffer)
			throw new TypeError("socket: read type must be String, ArrayBuffer, Number or null");
		const buffer = readBytes.call(this, until);
		if (buffer === undefined)
			return undefined;
		return type === String ? String.fromArrayBuffer(buffer) : buffer;
	}
	write(...items) {
		return write.apply(this, items);
	}
	close() {
		close.call(this);
	}
}

// host extension: readInto(view, offset, count) copies up to count available bytes into
// view[offset...] and returns how many; the host function itself is the method (no JS frame
// around it: SecureSocket calls it for each record's header and body)
Object.defineProperty(Socket.prototype, "readInto", { value: readInto, writable: true, configurable: true });

const listen = native("xs_listener_construct");
const closeListener = native("xs_listener_close");
const port = native("xs_listener_get_port");

export class Listener extends Native("xs_listener_destructor") {
	constructor(dictionary) {
		super();
		listen.call(this, dictionary ?? {});
	}
	get port() {
		return port.call(this);
	}
	close() {
		closeListener.call(this);
	}
}

export default Socket;
