/*
 * libFuzzer harness: our P-256 signing (native/ec_sign.c) against mbedtls, a differential test.
 *
 * Input: the fault header (fuzz.h, unused here: neither side may fail for lack of memory, so faults
 * are not armed); 32 bytes of k, 32 bytes of d, then the digest (the rest, up to 64 bytes; missing
 * bytes read as zeros).
 * Checks: (1) the comb's k G (any 256-bit k, k >= n included) is mbedtls's (k mod n) G, or the point
 * at infinity when k mod n = 0; (2) the signature made with that k (mapped into [1, n - 1]) and
 * d (likewise) verifies with mbedtls's mbedtls_ecdsa_verify and with our native/ec_verify.c, and
 * r, s are in [1, n - 1] (the public key d G by the comb, checked in (1)); (3) the same digest with its
 * first byte changed does not verify with ours. (Few mbedtls calls: they are slow under the sanitizers.)
 */
#include "fuzz.h"
#include "ec_verify.h"

/* the signer's static helpers are the seams; its public function, linked from ec_sign.o for
   native/ecdsa.c, is renamed in this copy */
#define securesocket_p256_sign fuzz_p256_sign_copy
#include "../native/ec_sign.c"
#undef securesocket_p256_sign

#include "mbedtls/ecdsa.h"

/* v mod n, then 0 -> 1: a value in [1, n - 1] */
static void to_scalar(fe v)
{
	p256_mod_reduce_once(v, v, 0, p256_n);
	if (p256_fe_is_zero(v))
		v[0] = 1;
}

/* the affine coordinates of a projective point other than infinity, big-endian */
static void to_affine(uint8_t x[32], uint8_t y[32], point *R)
{
	fe t, one = { 1 };
	field_inv(t, R->z);
	MUL(R->x, R->x, t);
	MUL(R->y, R->y, t);
	MUL(R->x, R->x, one);
	MUL(R->y, R->y, one);
	p256_fe_store(x, R->x);
	p256_fe_store(y, R->y);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_input in;
	uint8_t kb[32] = { 0 }, db[32] = { 0 }, digest[64] = { 0 }, xb[32], yb[32], rb[32], sb[32], q[65], *field;
	size_t got, dlen, qlen;
	fe k, d, e, r, s, t;
	point R;
	mbedtls_ecp_group grp;
	mbedtls_ecp_point P, Q;
	mbedtls_mpi m, mr, ms;

	fuzz_begin(&in, data, size);
	fuzz_fail_at = 0;
	field = fuzz_bytes(&in, 32, &got);
	memcpy(kb, field, got);
	free(field);
	field = fuzz_bytes(&in, 32, &got);
	memcpy(db, field, got);
	free(field);
	field = fuzz_bytes(&in, 64, &dlen);
	memcpy(digest, field, dlen);
	free(field);

	mbedtls_ecp_group_init(&grp);
	mbedtls_ecp_point_init(&P);
	mbedtls_ecp_point_init(&Q);
	mbedtls_mpi_init(&m);
	mbedtls_mpi_init(&mr);
	mbedtls_mpi_init(&ms);
	fuzz_check(mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1) == 0);

	/* (1) k G, ours on k as it is, mbedtls's on k mod n */
	p256_fe_load(k, kb, 32);
	base_mul(&R, k);
	to_scalar(k);   /* k mod n, or 1 for 0 */
	p256_fe_load(t, kb, 32);
	p256_mod_reduce_once(t, t, 0, p256_n);
	if (p256_fe_is_zero(t))
		fuzz_check(p256_fe_is_zero(R.z));
	else {
		uint8_t theirs[65];
		p256_fe_store(xb, k);
		fuzz_check(mbedtls_mpi_read_binary(&m, xb, 32) == 0);
		fuzz_check(mbedtls_ecp_mul(&grp, &P, &m, &grp.G, securesocket_random, NULL) == 0);
		fuzz_check(mbedtls_ecp_point_write_binary(&grp, &P, MBEDTLS_ECP_PF_UNCOMPRESSED, &qlen, theirs, sizeof(theirs)) == 0);
		to_affine(xb, yb, &R);
		fuzz_check(memcmp(theirs + 1, xb, 32) == 0);
		fuzz_check(memcmp(theirs + 33, yb, 32) == 0);
	}

	/* (2) a signature with that k and d in [1, n - 1], verified by mbedtls and by ours */
	p256_fe_load(d, db, 32);
	to_scalar(d);
	p256_fe_load(e, digest, (dlen > 32) ? 32 : dlen);
	p256_mod_reduce_once(e, e, 0, p256_n);
	if (sign_with(r, s, e, d, k) == 0) {
		fuzz_check(p256_fe_less(r, p256_n) && p256_fe_less(s, p256_n));
		p256_fe_store(rb, r);
		p256_fe_store(sb, s);
		base_mul(&R, d);                         /* Q = d G: the comb, checked against mbedtls in (1) */
		q[0] = 0x04;
		to_affine(q + 1, q + 33, &R);
		fuzz_check(mbedtls_ecp_point_read_binary(&grp, &Q, q, sizeof(q)) == 0);
		fuzz_check(mbedtls_mpi_read_binary(&mr, rb, 32) == 0);
		fuzz_check(mbedtls_mpi_read_binary(&ms, sb, 32) == 0);
		fuzz_check(mbedtls_ecdsa_verify(&grp, digest, dlen, &Q, &mr, &ms) == 0);
		fuzz_check(securesocket_p256_verify(q, digest, dlen, rb, 32, sb, 32) == 1);
		/* (3) another digest does not verify */
		digest[0] ^= 1;
		fuzz_check(securesocket_p256_verify(q, digest, dlen ? dlen : 1, rb, 32, sb, 32) == 0);
	}
	mbedtls_mpi_free(&ms);
	mbedtls_mpi_free(&mr);
	mbedtls_mpi_free(&m);
	mbedtls_ecp_point_free(&Q);
	mbedtls_ecp_point_free(&P);
	mbedtls_ecp_group_free(&grp);
	return 0;
}
