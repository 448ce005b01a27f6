/*
 * Wycheproof vectors for the public-key crypto core, run inside XS:
 * X25519, ECDH P-256/P-384 (raw points and SubjectPublicKeyInfo), ECDSA P-256/P-384 (DER),
 * RSASSA-PKCS1-v1_5 and RSASSA-PSS verification.
 *
 * run(dir, report) calls report(file, tcId, ok, detail) once for every test case, ok meaning our
 * decision matches the expected one: "valid" succeeds (and ECDH gives the expected secret),
 * "invalid" is rejected. A rejection only counts when it is one of our errors ("crypto: ...") or a
 * false from verify, never a crash. "acceptable" cases are decided per flag (DECISIONS below,
 * explained in docs/crypto-publickey.md): "reject" means we must reject, "accept" means we must
 * succeed with the expected result. Cases this build cannot run (SHA-1, PSS with an MGF1 hash other
 * than the message hash) are reported with ok = null (not applicable) when, and only when, they
 * fail with exactly the documented error; their detail starts with "n/a:".
 */
import { hex, toHex, load, attempt } from "./common.js";
import { ECDH } from "crypto/ecdh";
import { Key } from "crypto/keys";
import { verifyECDSA, verifyPKCS1, verifyPSS } from "crypto/signature";

const X25519_FILES = ["x25519_test.json"];
const ECDH_POINT_FILES = ["ecdh_secp256r1_ecpoint_test.json", "ecdh_secp384r1_ecpoint_test.json"];
const ECDH_SPKI_FILES = ["ecdh_secp256r1_test.json", "ecdh_secp384r1_test.json"];
const ECDSA_FILES = ["ecdsa_secp256r1_sha256_test.json", "ecdsa_secp384r1_sha384_test.json"];
const PKCS1_FILES = [
	"rsa_signature_2048_sha256_test.json", "rsa_signature_2048_sha384_test.json", "rsa_signature_2048_sha512_test.json",
	"rsa_signature_3072_sha256_test.json", "rsa_signature_3072_sha384_test.json", "rsa_signature_3072_sha512_test.json",
	"rsa_signature_4096_sha256_test.json", "rsa_signature_4096_sha384_test.json", "rsa_signature_4096_sha512_test.json",
];
const PSS_FILES = [
	"rsa_pss_2048_sha256_mgf1_0_test.json", "rsa_pss_2048_sha256_mgf1_32_test.json", "rsa_pss_2048_sha384_mgf1_48_test.json",
	"rsa_pss_3072_sha256_mgf1_32_test.json", "rsa_pss_4096_sha256_mgf1_32_test.json", "rsa_pss_4096_sha384_mgf1_48_test.json",
	"rsa_pss_4096_sha512_mgf1_32_test.json", "rsa_pss_4096_sha512_mgf1_64_test.json", "rsa_pss_misc_test.json",
];

/* what we do with "acceptable" cases, per flag; a flag saying "reject" wins */
const DECISIONS = {
	x25519: {
		ZeroSharedSecret: "reject",    // RFC 8446 7.4.2, RFC 7748 6.1: abort on an all-zero secret
		LowOrderPublic: "reject",      // these are exactly the ones giving the all-zero secret
		Twist: "accept",               // RFC 7748: any 32-byte u is a valid input
		NonCanonicalPublic: "accept",  // RFC 7748 5: u >= p is reduced
		SmallPublicKey: "accept",
		SpecialPublicKey: "accept",
		EdgeCaseMultiplication: "accept",
		EdgeCaseShared: "accept",
		Ktv: "accept",
	},
	ecdh: {
		CompressedPoint: "reject",     // mbedtls 2.28 cannot decompress; TLS 1.3 forbids compressed shares
		CompressedPublic: "reject",
		InvalidAsn: "reject",          // strict DER
		UnnamedCurve: "reject",        // explicit curve parameters: RFC 5480 forbids them in PKIX
		UnusedParam: "reject",
		ModifiedCofactor: "reject",
		ModifiedCurveParameter: "reject",
		ModifiedGenerator: "reject",
		NoCofactor: "reject",
		WrongOrder: "reject",
	},
	ecdsa: {},
	rsa: {
		MissingNull: "reject",         // DigestInfo must carry the NULL parameters (RFC 8017 9.2 note 2)
	},
};

/* a big-endian integer in hex as exactly `size` bytes */
function fixed(text, size) {
	text = text.toLowerCase().replace(/^(00)+/, "");
	while (text.length < 2 * size) text = "0" + text;
	return text;
}

/* "accept", "reject", or an error text when no decision covers the case */
function expectation(test, decisions) {
	if (test.result === "valid") return "accept";
	if (test.result === "invalid") return "reject";
	let accept = false;
	for (const flag of test.flags) {
		const decision = decisions[flag];
		if (decision === "reject") return "reject";
		if (decision === "accept") accept = true;
	}
	return accept ? "accept" : "no decision for flags " + test.flags.join(",");
}

/* an outcome {value} | {error} | {bug} of a key agreement, judged against the test */
function judgeSecret(file, test, expected, outcome, report) {
	if (expected !== "accept" && expected !== "reject")
		return report(file, test.tcId, false, expected);
	if (outcome.bug)
		return report(file, test.tcId, false, "not our error: " + outcome.bug);
	if (expected === "reject") {
		if (outcome.error) return report(file, test.tcId, true, outcome.error);
		return report(file, test.tcId, false, "accepted (" + test.comment + ")");
	}
	if (outcome.error)
		return report(file, test.tcId, false, "rejected: " + outcome.error + " (" + test.comment + ")");
	const got = toHex(outcome.value);
	if (got === test.shared.toLowerCase()) return report(file, test.tcId, true, "");
	return report(file, test.tcId, false, "secret " + got + " expected " + test.shared);
}

/* an outcome of a verification: {value: boolean} | {error} | {bug} */
function judgeVerify(file, test, expected, outcome, report) {
	if (expected !== "accept" && expected !== "reject")
		return report(file, test.tcId, false, expected);
	if (outcome.bug)
		return report(file, test.tcId, false, "not our error: " + outcome.bug);
	if (expected === "reject") {
		if (outcome.error) return report(file, test.tcId, true, outcome.error);
		if (outcome.value === false) return report(file, test.tcId, true, "");
		return report(file, test.tcId, false, "verified (" + test.comment + ")");
	}
	if (outcome.error)
		return report(file, test.tcId, false, "threw " + outcome.error + " (" + test.comment + ")");
	return report(file, test.tcId, outcome.value === true, outcome.value === true ? "" : "did not verify (" + test.comment + ")");
}

function curveOf(name) {
	if (name === "secp256r1" || name === "secp384r1") return name;
	if (name === "curve25519") return "x25519";
	throw new Error("unexpected curve " + name);
}

/**
 * ECDH vectors: the peer's public value as `peer(test)` gives it (raw bytes, or a Key it closes),
 * judged by `decisions` (DECISIONS.x25519 or DECISIONS.ecdh)
 */
function runECDH(dir, file, report, decisions, peer) {
	const data = load(dir, file);
	for (const group of data.testGroups) {
		const curve = curveOf(group.curve);
		for (const test of group.tests) {
			const outcome = attempt(() => peer(test, (value) => ECDH.computeSecret(curve, hex(test.private), value)));
			judgeSecret(file, test, expectation(test, decisions), outcome, report);
		}
	}
}
/** the public value as raw bytes (X25519 u-coordinate, or an uncompressed/compressed point) */
const rawPeer = (test, compute) => compute(hex(test.public));
/** the public value as a SubjectPublicKeyInfo: "crypto: wrong curve" unless on the group's curve */
function spkiPeer(test, compute) {
	const key = Key.fromSPKI(hex(test.public));
	try {
		return compute(key);
	}
	finally {
		key.close();
	}
}

/* the group's key, or reports every test of the group as failed and returns undefined */
function groupKey(file, group, report, check) {
	const outcome = attempt(() => {
		const key = Key.fromSPKI(hex(group.publicKeyDer));
		const problem = check(key);
		if (problem) {
			key.close();
			throw new Error(problem);
		}
		return key;
	});
	if (outcome.value) return outcome.value;
	for (const test of group.tests)
		report(file, test.tcId, false, "group key: " + (outcome.error || outcome.bug));
	return undefined;
}

function runECDSA(dir, file, report) {
	const data = load(dir, file);
	for (const group of data.testGroups) {
		const key = groupKey(file, group, report, (key) => {
			if (key.type !== "ec" || key.curve !== group.publicKey.curve) return "key is " + key.type + " " + key.curve;
			const size = key.bits >> 3;
			const point = "04" + fixed(group.publicKey.wx, size) + fixed(group.publicKey.wy, size);
			if (toHex(key.publicPoint()) !== point) return "key point differs from wx, wy";
			return undefined;
		});
		if (!key) continue;
		for (const test of group.tests) {
			const outcome = attempt(() => verifyECDSA(key, group.sha, hex(test.msg), hex(test.sig)));
			judgeVerify(file, test, expectation(test, DECISIONS.ecdsa), outcome, report);
		}
		key.close();
	}
}

function rsaKeyCheck(group) {
	return (key) => {
		if (key.type !== "rsa" || key.bits !== group.keySize) return "key is " + key.type + " " + key.bits;
		const other = Key.fromRSAPublicKey(hex(group.publicKeyAsn));
		const same = key.matches(other);
		other.close();
		return same ? undefined : "SPKI and RSAPublicKey keys differ";
	};
}

function runPKCS1(dir, file, report) {
	const data = load(dir, file);
	for (const group of data.testGroups) {
		const key = groupKey(file, group, report, rsaKeyCheck(group));
		if (!key) continue;
		for (const test of group.tests) {
			const outcome = attempt(() => verifyPKCS1(key, group.sha, hex(test.msg), hex(test.sig)));
			judgeVerify(file, test, expectation(test, DECISIONS.rsa), outcome, report);
		}
		key.close();
	}
}

/* the documented "not applicable" errors for a PSS group, or undefined */
function pssNotApplicable(group) {
	if (group.sha === "SHA-1" || group.mgfSha === "SHA-1") return "crypto: unsupported hash";
	if (group.mgfSha !== group.sha) return "crypto: unsupported MGF1 hash";
	return undefined;
}

function runPSS(dir, file, report) {
	const data = load(dir, file);
	for (const group of data.testGroups) {
		if (group.mgf !== "MGF1") {
			for (const test of group.tests) report(file, test.tcId, false, "unexpected mgf " + group.mgf);
			continue;
		}
		const key = groupKey(file, group, report, rsaKeyCheck(group));
		if (!key) continue;
		const notApplicable = pssNotApplicable(group);
		for (const test of group.tests) {
			const outcome = attempt(() => verifyPSS(key, group.sha, hex(test.msg), hex(test.sig),
				{ saltLength: group.sLen, mgfHash: group.mgfSha }));
			if (notApplicable && outcome.error === notApplicable) {
				report(file, test.tcId, null, "n/a: " + notApplicable + " (" + group.sha + ", MGF1 " + group.mgfSha + ")");
				continue;
			}
			judgeVerify(file, test, expectation(test, DECISIONS.rsa), outcome, report);
		}
		key.close();
	}
}

export default function run(dir, report) {
	for (const file of X25519_FILES) runECDH(dir, file, report, DECISIONS.x25519, rawPeer);
	for (const file of ECDH_POINT_FILES) runECDH(dir, file, report, DECISIONS.ecdh, rawPeer);
	for (const file of ECDH_SPKI_FILES) runECDH(dir, file, report, DECISIONS.ecdh, spkiPeer);
	for (const file of ECDSA_FILES) runECDSA(dir, file, report);
	for (const file of PKCS1_FILES) runPKCS1(dir, file, report);
	for (const file of PSS_FILES) runPSS(dir, file, report);
}
