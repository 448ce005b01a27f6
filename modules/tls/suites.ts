/*
 * Cipher suites (RFC 8446 B.4; RFC 5289 and RFC 7905 for TLS 1.2 ECDHE with AEAD).
 * TLS 1.2 offers only ECDHE with AEAD: no RSA key transport (no forward secrecy, Bleichenbacher
 * oracles), no CBC (Lucky Thirteen and padding oracles), no static or finite-field DH.
 */
import type { AEADAlgorithm } from "crypto/aead";
import type { HashAlgorithm } from "crypto/hash";
import { TLS12, TLS13 } from "./constants";

export interface CipherSuite {
	readonly code: number;
	readonly name: string;
	readonly version: number;
	readonly aead: AEADAlgorithm;
	readonly keyLength: number;
	readonly hash: HashAlgorithm;
	/** TLS 1.2: the certificate key type the suite needs */
	readonly auth?: "ecdsa" | "rsa";
}

export const SUITES: readonly CipherSuite[] = [
	{ code: 0x1301, name: "TLS_AES_128_GCM_SHA256", version: TLS13, aead: "AES-128-GCM", keyLength: 16, hash: "SHA-256" },
	{ code: 0x1303, name: "TLS_CHACHA20_POLY1305_SHA256", version: TLS13, aead: "CHACHA20-POLY1305", keyLength: 32, hash: "SHA-256" },
	{ code: 0x1302, name: "TLS_AES_256_GCM_SHA384", version: TLS13, aead: "AES-256-GCM", keyLength: 32, hash: "SHA-384" },
	{ code: 0xC02B, name: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", version: TLS12, aead: "AES-128-GCM", keyLength: 16, hash: "SHA-256", auth: "ecdsa" },
	{ code: 0xC02F, name: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", version: TLS12, aead: "AES-128-GCM", keyLength: 16, hash: "SHA-256", auth: "rsa" },
	{ code: 0xCCA9, name: "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", version: TLS12, aead: "CHACHA20-POLY1305", keyLength: 32, hash: "SHA-256", auth: "ecdsa" },
	{ code: 0xCCA8, name: "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", version: TLS12, aead: "CHACHA20-POLY1305", keyLength: 32, hash: "SHA-256", auth: "rsa" },
	{ code: 0xC02C, name: "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", version: TLS12, aead: "AES-256-GCM", keyLength: 32, hash: "SHA-384", auth: "ecdsa" },
	{ code: 0xC030, name: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", version: TLS12, aead: "AES-256-GCM", keyLength: 32, hash: "SHA-384", auth: "rsa" },
];

export function suiteByCode(code: number): CipherSuite | undefined {
	// an index loop: no closure or iterator per call (it runs for each suite a hello lists)
	for (let i = 0; i < SUITES.length; i++)
		if (SUITES[i].code === code)
			return SUITES[i];
	return undefined;
}

export function suiteByName(name: string): CipherSuite | undefined {
	return SUITES.find((s) => s.name === name);
}
