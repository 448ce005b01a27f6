/*
 * libFuzzer harness: our X25519 (native/x25519.c) against mbedtls's, a differential test.
 * mbedtls's Curve25519 is built only into the fuzz build (fuzz/Makefile defines
 * SECURESOCKET_FUZZ_X25519_REFERENCE, which native/mbedtls_config.h turns into
 * MBEDTLS_ECP_DP_CURVE25519_ENABLED); the firmware and the hosts leave it out.
 *
 * Input: the fault header (fuzz.h, unused here: neither side may fail for lack of memory, so
 * faults are not armed); 32 bytes of scalar, then 32 bytes of u (missing bytes read as zeros).
 * Checks: where mbedtls computes a result, ours is the same 32 bytes; where mbedtls refuses the
 * u (the small-order ones), ours gives the all-zero result and says so (-1); ours never says -1
 * otherwise.
 */
#include "fuzz.h"
#include "x25519.h"

#include "mbedtls/ecp.h"

int securesocket_random(void *context, unsigned char *out, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_input in;
	uint8_t k[32] = { 0 }, u[32] = { 0 }, ours[32], theirs[32], *field;
	size_t got, i;
	mbedtls_ecp_group grp;
	mbedtls_ecp_point P, R;
	mbedtls_mpi d;
	int result, ret;

	fuzz_begin(&in, data, size);
	fuzz_fail_at = 0;
	field = fuzz_bytes(&in, 32, &got);
	memcpy(k, field, got);
	free(field);
	field = fuzz_bytes(&in, 32, &got);
	memcpy(u, field, got);
	free(field);

	result = securesocket_x25519(ours, k, u);

	mbedtls_ecp_group_init(&grp);
	mbedtls_ecp_point_init(&P);
	mbedtls_ecp_point_init(&R);
	mbedtls_mpi_init(&d);
	ret = mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_CURVE25519);
	fuzz_check(ret == 0);
	k[0] &= 248;   /* decodeScalar25519 */
	k[31] &= 127;
	k[31] |= 64;
	ret = mbedtls_mpi_read_binary_le(&d, k, 32);
	if (ret == 0)
		ret = mbedtls_ecp_point_read_binary(&grp, &P, u, 32);   /* masks the top bit */
	fuzz_check(ret == 0);
	ret = mbedtls_ecp_check_pubkey(&grp, &P);
	if (ret == 0) {
		ret = mbedtls_ecp_mul(&grp, &R, &d, &P, securesocket_random, NULL);
		fuzz_check(ret == 0);
		ret = mbedtls_mpi_write_binary_le(&R.X, theirs, 32);
		fuzz_check(ret == 0);
		fuzz_check(memcmp(ours, theirs, 32) == 0);
		fuzz_check(result == 0);
	}
	else {
		unsigned char any = 0;
		for (i = 0; i < 32; i++)
			any |= ours[i];
		fuzz_check((result == -1) && (any == 0));
	}
	mbedtls_mpi_free(&d);
	mbedtls_ecp_point_free(&R);
	mbedtls_ecp_point_free(&P);
	mbedtls_ecp_group_free(&grp);
	return 0;
}
