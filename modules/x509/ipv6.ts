/*
 * IPv6 addresses of reference identities and names (RFC 4291 2.2 text in, RFC 5952 text out), for
 * x509/name. Its own module so that a device build can leave IPv6 out: manifest_device.json maps
 * "x509/ipv6" to x509/no-ipv6, which refuses IPv6 server names.
 */
import { alloc } from "../tls/bytes";
import { parseIPv4 } from "./name";

function parseGroups(text: string, groups: number[]): boolean {
	if (text === "")
		return true;
	const parts = text.split(":");
	for (let i = 0; i < parts.length; i++) {
		const part = parts[i];
		if (part.length < 1 || part.length > 4)
			return false;
		let value = 0;
		for (let j = 0; j < part.length; j++) {
			const c = parseInt(part[j], 16);
			if (Number.isNaN(c))
				return false;
			value = value * 16 + c;
		}
		groups.push(value);
	}
	return true;
}

/** An IPv6 address (RFC 4291 2.2: "::" once at most, an IPv4 tail allowed) as 16 bytes. */
export function parseIPv6(text: string): Uint8Array | undefined {
	let body = text;
	const lastColon = body.lastIndexOf(":");
	if (lastColon < 0)
		return undefined;
	if (body.indexOf(".", lastColon) > 0) {
		// an IPv4 tail stands for the last two groups
		const tail = parseIPv4(body.slice(lastColon + 1));
		if (tail === undefined)
			return undefined;
		body = body.slice(0, lastColon + 1) + ((tail[0] << 8) | tail[1]).toString(16) + ":" + ((tail[2] << 8) | tail[3]).toString(16);
	}
	const head: number[] = [];
	const rest: number[] = [];
	const compressed = body.indexOf("::");
	if (compressed >= 0) {
		if (body.indexOf("::", compressed + 1) >= 0)
			return undefined;
		if (!parseGroups(body.slice(0, compressed), head) || !parseGroups(body.slice(compressed + 2), rest))
			return undefined;
		if (head.length + rest.length > 7)
			return undefined;
	}
	else {
		if (!parseGroups(body, head) || head.length !== 8)
			return undefined;
	}
	const bytes = alloc(16);
	for (let i = 0; i < head.length; i++) {
		bytes[2 * i] = head[i] >> 8;
		bytes[2 * i + 1] = head[i] & 0xff;
	}
	for (let i = 0; i < rest.length; i++) {
		const at = 16 - 2 * (rest.length - i);
		bytes[at] = rest[i] >> 8;
		bytes[at + 1] = rest[i] & 0xff;
	}
	return bytes;
}

/** The RFC 5952 text of a 16-byte address. */
export function ipv6ToString(bytes: Uint8Array): string {
	const groups: number[] = [];
	for (let i = 0; i < 16; i += 2)
		groups.push((bytes[i] << 8) | bytes[i + 1]);
	// the longest run of two or more zero groups becomes "::"
	let bestStart = -1, bestLength = 1;
	for (let i = 0; i < 8;) {
		if (groups[i] !== 0) {
			i++;
			continue;
		}
		let j = i;
		while (j < 8 && groups[j] === 0)
			j++;
		if (j - i > bestLength) {
			bestStart = i;
			bestLength = j - i;
		}
		i = j;
	}
	const hex = (list: number[]) => list.map((g) => g.toString(16)).join(":");
	if (bestStart < 0)
		return hex(groups);
	return hex(groups.slice(0, bestStart)) + "::" + hex(groups.slice(bestStart + bestLength));
}
