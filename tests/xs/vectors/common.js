// What both vector runners (pk.js, sym.js) need: hex in and out, the vector files, and telling our
// own rejections ("crypto: ...") from anything else.
import { readText } from "xsh";

function nibble(c) {
	if (c >= 48 && c <= 57) return c - 48;
	if (c >= 97 && c <= 102) return c - 87;
	if (c >= 65 && c <= 70) return c - 55;
	throw new Error("bad hex digit");
}

export function hex(text) {
	const result = new Uint8Array(text.length >> 1);
	for (let i = 0, j = 0; i < result.length; i++, j += 2)
		result[i] = (nibble(text.charCodeAt(j)) << 4) | nibble(text.charCodeAt(j + 1));
	return result;
}

/** lower-case hex of a Uint8Array or an ArrayBuffer */
export function toHex(buffer) {
	const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
	let s = "";
	for (let i = 0; i < bytes.length; i++)
		s += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
	return s;
}

export function load(dir, file) {
	return JSON.parse(readText(dir + "/" + file));
}

/*
 * runs f; returns {value}, {error} when f throws one of our errors ("crypto: ..."), or {bug, exception}.
 * XS debug builds (mxDebug) put the name of the throwing host function before the message of
 * errors thrown from C ("name: crypto: bad tag"): that prefix is dropped here.
 */
export function attempt(f) {
	try {
		return { value: f() };
	}
	catch (e) {
		const message = (e && e.message) || String(e);
		const at = message.startsWith("crypto: ") ? 0 : message.indexOf(": crypto: ") + 2;
		if (at >= 0 && message.startsWith("crypto: ", at))
			return { error: message.slice(at) };
		return { bug: message, exception: e };
	}
}
