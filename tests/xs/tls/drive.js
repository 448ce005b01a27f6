// What the XS test drivers (connect.js: a client, serve.js: a server) share to pump bytes between
// the host's Socket and a sans-IO engine.

/** socket message 2: the bytes read, appended to those the engine has not taken yet (onBytes sees the new ones) */
export function appendRead(socket, pending, onBytes) {
	const bytes = new Uint8Array(socket.read(ArrayBuffer));
	onBytes?.(bytes);
	return pending ? concat(pending, bytes) : bytes;
}

/** after feeding: an engine that is closed (close_notify) closes the socket and ends the connection */
export function endIfClosed(socket, engine, finish) {
	if (engine.state !== "closed")
		return;
	socket.close();
	finish(engine.peerClosed);
}

/** the driver's last lines for a connection: all the plaintext it received, and how it ended */
export function reportEnd(out, connection, received, clean) {
	out({ event: "data", text: received, connection });
	out({ event: "closed", clean, connection });
}

/** protects all of `bytes` as application data, record by record */
export function writeAll(engine, bytes) {
	for (let at = 0; at < bytes.length;)
		at += engine.write(bytes.subarray(at));
}

export function concat(a, b) {
	const c = new Uint8Array(a.length + b.length);
	c.set(a); c.set(b, a.length);
	return c;
}
