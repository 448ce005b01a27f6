/*
 * What TLS 1.2's two sides share (RFC 5246): the PRF (section 5, P_hash over HMAC with the suite's
 * hash), each direction's record protection from the key block, the Finished verify_data, the
 * ec_point_formats check, the downgrade sentinels. Only the TLS 1.2 sides import this module
 * (client12.ts, server.ts).
 */
import { HMAC } from "crypto/mac";
import type { HashAlgorithm } from "crypto/hash";
import { alloc, ascii, Reader, writeAscii, copyOf } from "./bytes";
import { Alert, fatal } from "./alert";
import { Version } from "./constants";
import { Protection } from "./record";
import type { CipherSuite } from "./suites";

/** the last 8 bytes of a TLS 1.3 server's random when it selects TLS 1.2: "DOWNGRD" 01 (RFC 8446 4.1.3) */
export const DOWNGRADE_12 = ascii("DOWNGRD\x01");
/** ... when it selects TLS 1.1 or below: "DOWNGRD" 00 */
export const DOWNGRADE_11 = ascii("DOWNGRD\x00");


/** PRF(secret, label, seed) truncated to `length` bytes */
export function prf12(hash: HashAlgorithm, secret: ArrayBuffer, label: string, seed: Uint8Array, length: number): ArrayBuffer {
	const labelSeed = alloc(label.length + seed.length);
	labelSeed.set(seed, writeAscii(labelSeed, 0, label));
	const mac = new HMAC(hash, secret);
	const out = alloc(length);
	let a: ArrayBuffer = mac.update(labelSeed).digest();      // A(1)
	let offset = 0;
	while (offset < length) {
		const block = mac.update(a).update(labelSeed).digest();
		out.set(new Uint8Array(block, 0, Math.min(block.byteLength, length - offset)), offset);
		offset += block.byteLength;
		a = mac.update(a).digest();
	}
	mac.close();
	return out.buffer as ArrayBuffer;
}

/**
 * One direction's record protection (RFC 5246 6.3): the client's or the server's write key and IV
 * from the key block. Each direction computes the block anew (a few HMACs) and wipes it: nothing of
 * it is kept between the two moments they are needed. `randoms`: client_random then server_random
 * (the connection's one 64-byte buffer: no view of each).
 */
export function protection12(suite: CipherSuite, masterSecret: ArrayBuffer, randoms: Uint8Array, client: boolean): Protection {
	const ivLength = suite.aead === "CHACHA20-POLY1305" ? 12 : 4;
	const k = suite.keyLength;
	const block = keyBlock12(suite, masterSecret, randoms, 2 * k + 2 * ivLength);
	const key = client ? copyOf(block, 0, k) : copyOf(block, k, 2 * k);
	const fullIV = alloc(12);
	for (let i = 0, at = client ? 2 * k : 2 * k + ivLength; i < ivLength; i++)
		fullIV[i] = block[at + i];
	block.fill(0);
	return new Protection(suite, Version.TLS12, key.buffer as ArrayBuffer, fullIV.buffer as ArrayBuffer);
}

/** the key block (RFC 5246 6.3), its seed server_random + client_random gone with this frame */
function keyBlock12(suite: CipherSuite, masterSecret: ArrayBuffer, randoms: Uint8Array, length: number): Uint8Array {
	const seed = alloc(64);
	for (let i = 0; i < 32; i++) {
		seed[i] = randoms[32 + i];
		seed[32 + i] = randoms[i];
	}
	return new Uint8Array(prf12(suite.hash, masterSecret, "key expansion", seed, length));
}

/** Finished verify_data (RFC 5246 7.4.9) over the transcript hash */
export function verifyData12(suite: CipherSuite, masterSecret: ArrayBuffer, label: "client finished" | "server finished", transcriptHash: ArrayBuffer): ArrayBuffer {
	return prf12(suite.hash, masterSecret, label, new Uint8Array(transcriptHash), 12);
}

/** ec_point_formats (RFC 8422 5.1.2), when sent, must list uncompressed (0) */
export function checkPointFormats(data: Uint8Array | undefined, peer: "server" | "client"): void {
	if (!data)
		return;
	const r = new Reader(data, "ec_point_formats");
	const list = r.opaque(1, 1);
	r.end();
	if (!list.includes(0))
		throw fatal(Alert.illegal_parameter, `the ${peer} does not accept uncompressed points`);
}
