/*
 * The constant-time check of native/ec_sign.c (tests/p256-sign.test.mjs): built with
 * SECURESOCKET_CT_CHECK and run under valgrind's memcheck. The private keys and every random byte
 * (the nonces' source) are marked undefined (VALGRIND_MAKE_MEM_UNDEFINED), so memcheck reports any
 * branch ("Conditional jump or move depends on uninitialised value") or memory address ("Use of
 * uninitialised value") computed from them; the signer marks defined only what it publishes (r, s,
 * whether a draw or the key was in range). Each signature is then checked by native/ec_verify.c.
 *   ct_p256_sign [count]    exits 0 when every signature verified (memcheck's own exit code on errors)
 */
#include <stdio.h>
#include <stdlib.h>
#include <valgrind/memcheck.h>

#define securesocket_p256_sign ct_p256_sign   /* the signer's static helpers are used below */
#include "../../native/ec_sign.c"
#undef securesocket_p256_sign
#include "ec_verify.h"

static FILE *urandom;

/* the random source: /dev/urandom, every byte marked secret */
int securesocket_random(void *context, unsigned char *out, size_t len)
{
	(void)context;
	if (fread(out, 1, len, urandom) != len)
		return -1;
	VALGRIND_MAKE_MEM_UNDEFINED(out, len);
	return 0;
}

int main(int argc, char **argv)
{
	int count = (argc > 1) ? atoi(argv[1]) : 8, i, failures = 0;
	urandom = fopen("/dev/urandom", "rb");
	if (urandom == NULL)
		return 2;
	for (i = 0; i < count; i++) {
		uint8_t d[32], digest[48], q[65], r[32], s[32];
		fe k, t, one = { 1 };
		point Q;
		if ((fread(d, 1, sizeof(d), urandom) != sizeof(d)) || (fread(digest, 1, sizeof(digest), urandom) != sizeof(digest)))
			return 2;
		d[0] &= 0x7f;            /* below n */
		d[31] |= 1;              /* not 0 */
		VALGRIND_MAKE_MEM_UNDEFINED(d, sizeof(d));
		/* the public key d G, by the same comb (constant time too), made public */
		p256_fe_load(k, d, 32);
		base_mul(&Q, k);
		field_inv(t, Q.z);
		MUL(Q.x, Q.x, t);
		MUL(Q.y, Q.y, t);
		MUL(Q.x, Q.x, one);
		MUL(Q.y, Q.y, one);
		q[0] = 0x04;
		p256_fe_store(q + 1, Q.x);
		p256_fe_store(q + 33, Q.y);
		VALGRIND_MAKE_MEM_DEFINED(q, sizeof(q));
		if (ct_p256_sign(d, digest, (i & 1) ? 48 : 32, r, s) != 0) {
			fprintf(stderr, "ct_p256_sign: signature %d failed\n", i);
			failures++;
			continue;
		}
		if (securesocket_p256_verify(q, digest, (i & 1) ? 48 : 32, r, 32, s, 32) != 1) {
			fprintf(stderr, "ct_p256_sign: signature %d does not verify\n", i);
			failures++;
		}
	}
	fclose(urandom);
	printf("ct_p256_sign: %d signatures, %d failures\n", count, failures);
	return failures ? 1 : 0;
}
