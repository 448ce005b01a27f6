/*
 * libFuzzer harness: (EC)DH with hostile peer shares (native/ecdh.c): X25519, P-256, P-384.
 *
 * Input: the fault header (fuzz.h); a selector byte: bits 0-1 the group (0 X25519, 1 P-256,
 * 2 P-384, 3 X25519), bit 2 the mode; a length byte and our private scalar; the rest.
 *   mode 0: the rest is the peer's share: ecdh_compute as xs_ecdh_shared / xs_ecdh_compute run
 *           it. A secret it returns is never all zeros for X25519.
 *   mode 1: the rest is a second private scalar: both key pairs are made as xs_ecdh_init makes
 *           them, and each side's secret with the other's public value must agree.
 * Out of memory only under an allocation fault.
 */
#include "fuzz.h"
#include "../native/ecdh.c"

static const mbedtls_ecp_group_id ecdh_groups[4] = {
	MBEDTLS_ECP_DP_CURVE25519, MBEDTLS_ECP_DP_SECP256R1, MBEDTLS_ECP_DP_SECP384R1, MBEDTLS_ECP_DP_CURVE25519
};

static void ecdh_check_error(int error)
{
	fuzz_check((error >= ECDH_OK) && (error <= ECDH_FAILED));
	fuzz_check((error != ECDH_NO_MEMORY) || fuzz_failed);
	fuzz_check(error != ECDH_FAILED);   /* only a fault of mbedtls, never input */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_input in;
	unsigned selector;
	mbedtls_ecp_group_id gid;
	uint8_t *d, *rest;
	size_t dlen, restLength, plen, i;
	unsigned char out[48], other[48];
	int error;

	fuzz_begin(&in, data, size);
	selector = fuzz_byte(&in);
	gid = ecdh_groups[selector & 3];
	plen = ecdh_plen(gid);
	d = fuzz_bytes(&in, fuzz_byte(&in), &dlen);
	rest = fuzz_rest(&in, &restLength);
	if ((selector & 4) == 0) {
		error = ecdh_compute(gid, d, dlen, rest, restLength, out);
		ecdh_check_error(error);
		if ((error == ECDH_OK) && (gid == MBEDTLS_ECP_DP_CURVE25519)) {
			unsigned char any = 0;
			for (i = 0; i < plen; i++)
				any |= out[i];
			fuzz_check(any != 0);
		}
	}
	else {
		ecdh_key a, b;
		unsigned char pubA[97], pubB[97];
		size_t pubALength = 0, pubBLength = 0;
		int errorA = ecdh_keypair(gid, d, dlen, &a, pubA, &pubALength);
		int errorB = ecdh_keypair(gid, rest, restLength, &b, pubB, &pubBLength);
		ecdh_check_error(errorA);
		ecdh_check_error(errorB);
		if ((errorA == ECDH_OK) && (errorB == ECDH_OK)) {
			fuzz_check((pubALength == ecdh_public_len(gid)) && (pubBLength == ecdh_public_len(gid)));
			error = ecdh_compute(gid, a.d, a.dlen, pubB, pubBLength, out);
			ecdh_check_error(error);
			if (error == ECDH_OK) {
				error = ecdh_compute(gid, b.d, b.dlen, pubA, pubALength, other);
				ecdh_check_error(error);
				fuzz_check((error != ECDH_OK) || (memcmp(out, other, plen) == 0));
			}
		}
	}
	free(rest);
	free(d);
	return 0;
}
