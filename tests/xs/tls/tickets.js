// Unit checks of tls/tickets (the server's self-sealed tickets): prints one JSON line per case,
// {case, ok, detail}. Run by tests/tls-server-tickets.test.mjs.
import { TicketSealer, ticketSealer } from "tls/tickets";

const out = (o) => trace(JSON.stringify(o) + "\n");
const key = new Uint8Array(32).fill(7).buffer;
const otherKey = new Uint8Array(32).fill(8).buffer;
const sealer = new TicketSealer(key);
const now = 1800000000;
const state = {
	version: 0x0304, suite: 0x1301, secret: new Uint8Array(32).fill(9), issued: now, lifetime: 7200, ageAdd: 12345,
	alpn: "h2", serverName: "example.test", clientAuthenticated: true,
};
const nonce = new Uint8Array(12).fill(1);
const ticket = new Uint8Array(sealer.seal(state, nonce));

function check(name, f) {
	let ok, detail;
	try {
		[ok, detail] = f();
	}
	catch (e) {
		ok = false;
		detail = e.message;
	}
	out({ case: name, ok: ok === true, detail });
}

check("a ticket opens with its key and gives back its state", () => {
	const s = sealer.open(ticket, now + 10);
	return [s !== undefined && s.version === 0x0304 && s.suite === 0x1301 && s.ageAdd === 12345 && s.alpn === "h2" &&
		s.serverName === "example.test" && s.clientAuthenticated === true && s.secret.length === 32 && s.secret[31] === 9 && s.lifetime === 7200, s];
});
check("the state is not readable in the ticket (encrypted)", () => {
	const text = String.fromCharCode(...ticket);
	return [!text.includes("example.test") && !text.includes("h2"), ticket.length];
});
check("expired: refused", () => [sealer.open(ticket, now + 7201) === undefined]);
check("issued in the future: refused", () => [sealer.open(ticket, now - 1) === undefined]);
check("another key: refused", () => [new TicketSealer(otherKey).open(ticket, now) === undefined]);
for (const at of [0, 4, 5, 20, ticket.length - 1]) {
	check(`a flipped bit at byte ${at}: refused`, () => {
		const t = ticket.slice();
		t[at] ^= 0x10;
		return [sealer.open(t, now) === undefined];
	});
}
check("truncated: refused", () => [sealer.open(ticket.subarray(0, ticket.length - 1), now) === undefined && sealer.open(ticket.subarray(0, 10), now) === undefined]);
check("empty: refused", () => [sealer.open(new Uint8Array(0), now) === undefined]);
check("a key that is not 32 bytes: RangeError", () => {
	try {
		new TicketSealer(new ArrayBuffer(16));
		return [false];
	}
	catch (e) {
		return [e instanceof RangeError, e.message];
	}
});
check("one sealer per key buffer", () => [ticketSealer(key) === ticketSealer(key) && ticketSealer(key) !== ticketSealer(otherKey)]);
check("sealed in a message's room (bytes before and after it): the same ticket opens from its place, the room left zero", () => {
	const message = sealer.seal(state, nonce, 19, 2);
	const t = message.subarray(19, message.length - 2);
	const s = sealer.open(t, now + 10);
	const roomZero = message.subarray(0, 19).every((b) => b === 0) && message[message.length - 2] === 0 && message[message.length - 1] === 0;
	return [message.length === ticket.length + 21 && roomZero && s !== undefined && s.secret[31] === 9 && s.serverName === "example.test", message.length];
});
