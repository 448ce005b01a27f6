/*
 * Cipher suites (RFC 8446 B.4; RFC 5289 and RFC 7905 for TLS 1.2 ECDHE with AEAD).
 * TLS 1.2 offers only ECDHE with AEAD: no RSA key transport (no forward secrecy, Bleichenbacher
 * oracles), no CBC (Lucky Thirteen and padding oracles), no static or finite-field DH.
 */
import type { AEADAlgorithm } from "crypto/aead";
import type { HashAlgorithm } from "crypto/hash";
import { Version } from "./constants";

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

/** one row of the table (a call per suite: smaller bytecode than an object literal each) */
function suite(code: number, name: string, version: number, aead: AEADAlgorithm, keyLength: number, hash: HashAlgorithm, auth?: "ecdsa" | "rsa"): CipherSuite {
	return { code, name, version, aead, keyLength, hash, auth };
}

export const SUITES: readonly CipherSuite[] = [
	suite(0x1301, "TLS_AES_128_GCM_SHA256", Version.TLS13, "AES-128-GCM", 16, "SHA-256"),
	suite(0x1303, "TLS_CHACHA20_POLY1305_SHA256", Version.TLS13, "CHACHA20-POLY1305", 32, "SHA-256"),
	suite(0x1302, "TLS_AES_256_GCM_SHA384", Version.TLS13, "AES-256-GCM", 32, "SHA-384"),
	suite(0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", Version.TLS12, "AES-128-GCM", 16, "SHA-256", "ecdsa"),
	suite(0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", Version.TLS12, "AES-128-GCM", 16, "SHA-256", "rsa"),
	suite(0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", Version.TLS12, "CHACHA20-POLY1305", 32, "SHA-256", "ecdsa"),
	suite(0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", Version.TLS12, "CHACHA20-POLY1305", 32, "SHA-256", "rsa"),
	suite(0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", Version.TLS12, "AES-256-GCM", 32, "SHA-384", "ecdsa"),
	suite(0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", Version.TLS12, "AES-256-GCM", 32, "SHA-384", "rsa"),
];

export function suiteByCode(code: number): CipherSuite | undefined {
	// an index loop: no closure or iterator per call (it runs for each suite a hello lists)
	for (let i = 0; i < SUITES.length; i++)
		if (SUITES[i].code === code)
			return SUITES[i];
	return undefined;
}
