/*
 * SecureSocket crypto core: the RSA public-key operation (RFC 8017 5.2.2 RSAVP1) without heap,
 * for signature verification (native/rsa.c). rsa_public.h says what it takes.
 *
 * Variable time: every input is public (the key, the signature), so the loops and the final
 * subtractions depend on them freely. Numbers are little-endian arrays of k limbs: 64-bit limbs with
 * 128-bit products where the compiler has unsigned __int128 (x86-64, AArch64: a quarter of the
 * products), else 32-bit limbs with 64-bit products (the ESP8266's lx106 builds those with a library
 * call; xsh32). The same code for both, over `limb` and `dlimb`.
 */
#include "rsa_public.h"

#include <string.h>

#if SECURESOCKET_RSA_PUBLIC_LIMB_BITS == 64
typedef uint64_t limb;
typedef unsigned __int128 dlimb;
#else
typedef uint32_t limb;
typedef uint64_t dlimb;
#endif
#define LIMB_BITS SECURESOCKET_RSA_PUBLIC_LIMB_BITS
#define LIMB_BYTES (LIMB_BITS / 8)

/* big-endian octets (len <= LIMB_BYTES * k) into k limbs */
static void limbs_from_bytes(limb *x, size_t k, const uint8_t *bytes, size_t len)
{
	size_t i;
	memset(x, 0, k * sizeof(limb));
	for (i = 0; i < len; i++)
		x[i / LIMB_BYTES] |= (limb)bytes[len - 1 - i] << (8 * (i % LIMB_BYTES));
}

/* the low len octets of k limbs, big-endian */
static void limbs_to_bytes(uint8_t *bytes, size_t len, const limb *x)
{
	size_t i;
	for (i = 0; i < len; i++)
		bytes[len - 1 - i] = (uint8_t)(x[i / LIMB_BYTES] >> (8 * (i % LIMB_BYTES)));
}

/* -1, 0, 1 as x < y, x == y, x > y */
static int limbs_compare(const limb *x, const limb *y, size_t k)
{
	while (k--) {
		if (x[k] != y[k])
			return (x[k] < y[k]) ? -1 : 1;
	}
	return 0;
}

/* x -= y, returns the borrow */
static limb limbs_sub(limb *x, const limb *y, size_t k)
{
	limb borrow = 0;
	size_t i;
	for (i = 0; i < k; i++) {
		dlimb d = (dlimb)x[i] - y[i] - borrow;
		x[i] = (limb)d;
		borrow = (limb)(d >> (2 * LIMB_BITS - 1));
	}
	return borrow;
}

/* x = 2x mod n, for x < n */
static void limbs_double_mod(limb *x, const limb *n, size_t k)
{
	limb carry = 0;
	size_t i;
	for (i = 0; i < k; i++) {
		limb top = x[i] >> (LIMB_BITS - 1);
		x[i] = (x[i] << 1) | carry;
		carry = top;
	}
	if (carry || (limbs_compare(x, n, k) >= 0))
		(void)limbs_sub(x, n, k);
}

/* -n^-1 mod 2^LIMB_BITS for odd n0: Newton's iteration doubles the correct low bits (3, 6, ..., 48, 96) */
static limb mont_m0(limb n0)
{
	limb x = n0;
	int i;
	for (i = 0; i < ((LIMB_BITS == 64) ? 5 : 4); i++)
		x *= 2 - n0 * x;
	return (limb)0 - x;
}

/*
 * out = a * b / 2^(LIMB_BITS k) mod n (Montgomery product, one pass per limb of a that adds a[i] * b
 * and m * n together, m making the low limb 0, and shifts one limb down), for a, b < n. t: k + 1
 * limbs of scratch (the formula's k + 2 leaves one spare), below 2n after every pass; out may be
 * a or b. (Two passes, one product each, ran 8% more instructions on x86-64 with 64-bit limbs.)
 */
static void mont_mul(limb *out, const limb *a, const limb *b, const limb *n, limb m0, limb *t, size_t k)
{
	size_t i, j;
	memset(t, 0, (k + 1) * sizeof(limb));
	for (i = 0; i < k; i++) {
		limb ai = a[i], c1, c2, m;
		dlimb p = (dlimb)ai * b[0] + t[0], q;
		m = (limb)p * m0;
		c1 = (limb)(p >> LIMB_BITS);
		q = (dlimb)m * n[0] + (limb)p;     /* low limb: 0 */
		c2 = (limb)(q >> LIMB_BITS);
		for (j = 1; j < k; j++) {
			p = (dlimb)ai * b[j] + t[j] + c1;
			c1 = (limb)(p >> LIMB_BITS);
			q = (dlimb)m * n[j] + (limb)p + c2;
			c2 = (limb)(q >> LIMB_BITS);
			t[j - 1] = (limb)q;
		}
		p = (dlimb)t[k] + c1 + c2;
		t[k - 1] = (limb)p;
		t[k] = (limb)(p >> LIMB_BITS);
	}
	if (t[k] || (limbs_compare(t, n, k) >= 0))
		(void)limbs_sub(t, n, k);
	memcpy(out, t, k * sizeof(limb));
}

/* x = R^2 mod n, R = 2^(LIMB_BITS k), made as the Montgomery form of R, i.e. R R: the form
   of 2^v, v the top 7 bits of LIMB_BITS k, is 2^v R mod n, got by doublings from 2^(bits - 1) (a doubling
   costs about 1/40 of a product); then square-and-double over the bits of LIMB_BITS k left */
static void mont_r2(limb *x, const limb *n, size_t bits, limb m0, limb *t, size_t k)
{
	size_t i, r = LIMB_BITS * k;
	int shift;
	for (shift = 0; (r >> shift) >= 128; shift++)
		;
	memset(x, 0, k * sizeof(limb));
	x[(bits - 1) / LIMB_BITS] = (limb)1 << ((bits - 1) % LIMB_BITS);
	for (i = bits - 1; i < r + (r >> shift); i++)
		limbs_double_mod(x, n, k);
	while (shift-- > 0) {
		mont_mul(x, x, x, n, m0, t, k);
		if ((r >> shift) & 1)
			limbs_double_mod(x, n, k);
	}
}

int securesocket_rsa_public(const uint8_t *n, size_t nlen, uint32_t e, const uint8_t *s,
	uint32_t *work, size_t words, const uint8_t **m)
{
	size_t k = (nlen + LIMB_BYTES - 1) / LIMB_BYTES, bits;
	/* the limbs' alignment: a 4-byte-aligned work may need one word skipped (counted in the size) */
	limb *N = (limb *)(void *)(((uintptr_t)work + LIMB_BYTES - 1) & ~(uintptr_t)(LIMB_BYTES - 1));
	limb *A = N + k, *B = N + 2 * k, *T = N + 3 * k;
	limb m0;
	int bit;

	if ((nlen == 0) || (nlen > SECURESOCKET_RSA_PUBLIC_MAX_BYTES) || (n[0] == 0) || !(n[nlen - 1] & 1) ||
		((nlen == 1) && (n[0] == 1)))
		return SECURESOCKET_RSA_PUBLIC_BAD_MODULUS;
	if (!(e & 1) || (e < 3))
		return SECURESOCKET_RSA_PUBLIC_BAD_EXPONENT;
	if (words < SECURESOCKET_RSA_PUBLIC_WORDS(nlen))
		return SECURESOCKET_RSA_PUBLIC_SMALL_WORKSPACE;
	limbs_from_bytes(N, k, n, nlen);
	limbs_from_bytes(B, k, s, nlen);
	if (limbs_compare(B, N, k) >= 0)
		return SECURESOCKET_RSA_PUBLIC_OUT_OF_RANGE;
	for (bits = 8 * nlen; !(n[0] & (1 << ((bits - 1) & 7))); bits--)
		;
	m0 = mont_m0(N[0]);

	mont_r2(A, N, bits, m0, T, k);
	mont_mul(B, B, A, N, m0, T, k);               /* s in Montgomery form */
	memcpy(A, B, k * sizeof(limb));
	for (bit = 31; !((e >> bit) & 1); bit--)
		;
	while (bit-- > 0) {                           /* square-and-multiply below e's top bit */
		mont_mul(A, A, A, N, m0, T, k);
		if ((e >> bit) & 1)
			mont_mul(A, A, B, N, m0, T, k);
	}
	memset(B, 0, k * sizeof(limb));              /* out of Montgomery form: times 1 */
	B[0] = 1;
	mont_mul(A, A, B, N, m0, T, k);
	limbs_to_bytes((uint8_t *)N, nlen, A);        /* A starts at byte LIMB_BYTES k >= nlen: no overlap */
	*m = (const uint8_t *)N;
	return SECURESOCKET_RSA_PUBLIC_OK;
}
