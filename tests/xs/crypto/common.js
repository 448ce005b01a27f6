// Shared by the XS side of tests/crypto.test.mjs: hex in and out, errors as data, one JSON line out.

/** lower-case hex of an ArrayBuffer or a view (its own bytes only) */
export function hex(buffer) {
	const bytes = ArrayBuffer.isView(buffer)
		? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
		: new Uint8Array(buffer);
	let s = "";
	for (let i = 0; i < bytes.length; i++)
		s += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
	return s;
}

/** a new Uint8Array from hex */
export function unhex(s) {
	const out = new Uint8Array(s.length >> 1);
	for (let i = 0; i < out.length; i++)
		out[i] = parseInt(s.substr(2 * i, 2), 16);
	return out;
}

/** the bytes of a string (ASCII) */
export function ascii(s) {
	const out = new Uint8Array(s.length);
	for (let i = 0; i < s.length; i++)
		out[i] = s.charCodeAt(i);
	return out;
}

/** what calling fn gave: { value } or { error: { type, message } } (the message exactly as thrown) */
export function attempt(fn) {
	try {
		return { value: fn() };
	}
	catch (e) {
		return { error: thrown(e) };
	}
}

/** what fn threw, { type, message }, or null when it returned */
export function error(fn) {
	try {
		fn();
		return null;
	}
	catch (e) {
		return thrown(e);
	}
}

export function thrown(e) {
	return { type: e?.constructor?.name ?? typeof e, message: String(e?.message ?? e) };
}

/** prints one JSON line */
export function emit(object) {
	trace(JSON.stringify(object) + "\n");
}

/**
 * Runs each section (name -> function returning an object) and prints { section, result } or
 * { section, error } per section, so one broken section does not hide the others.
 */
export function sections(table) {
	for (const name in table) {
		try {
			emit({ section: name, result: table[name]() });
		}
		catch (e) {
			emit({ section: name, error: thrown(e), stack: String(e?.stack ?? "") });
		}
	}
}
