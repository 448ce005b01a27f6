/*
 * Our side of client authentication (RFC 8446 4.4.2-4.4.3, RFC 5246 7.4.6 and 7.4.8): the signature scheme
 * our key signs a CertificateVerify with, and that CertificateVerify's body. Both clients (client.ts for
 * TLS 1.3, client12.ts for TLS 1.2) import it by name, "tls/clientauth": a build without client
 * certificates (manifest_device.json, whose C core has no private keys) maps it to no-clientauth.ts, where
 * no scheme fits, so an empty Certificate answers a CertificateRequest, as it does without a key.
 */
import type { Key } from "crypto/keys";
import type { HashAlgorithm } from "crypto/hash";
import { schemeInfo, signScheme } from "crypto/signature";
import { Writer } from "./bytes";

/**
 * The scheme our key signs a CertificateVerify with: ours first (`ours`), among those the server offered.
 * TLS 1.2 (`tls12Hash`: the suite's PRF hash) signs Hash(handshake messages) with the scheme's hash, and we
 * keep only the transcript hash, not the messages: only schemes with that hash can be used.
 */
export function chooseScheme(key: Key, ours: readonly number[], offered: readonly number[], tls12Hash?: HashAlgorithm): number | undefined {
	const tls13 = !tls12Hash;
	for (let i = 0; i < ours.length; i++) {
		const scheme = ours[i];
		if (!offered.includes(scheme))
			continue;
		const info = schemeInfo(scheme);
		if (!info || !tls13 && info.hash !== tls12Hash)
			continue;
		if (info.algorithm === "ecdsa" ? key.curve === info.curve || !tls13 && key.type === "ec" : key.type === "rsa" && (!tls13 || info.algorithm === "rsa-pss"))
			return scheme;
	}
	return undefined;
}

/** a CertificateVerify body: the scheme, then our key's signature of `data` (`prehashed`: TLS 1.2's transcript hash) */
export function certificateVerifyBody(scheme: number, key: Key, data: Uint8Array | ArrayBuffer, prehashed = false): Uint8Array {
	const signature = signScheme(scheme, key, data, { prehashed });
	return new Writer(signature.byteLength + 4).u16(scheme).opaque(2, signature).view();
}
