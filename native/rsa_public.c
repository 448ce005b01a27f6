/*
 * SecureSocket crypto core: the RSA public-key operation (RFC 8017 5.2.2 RSAVP1) without heap,
 * for signature verification (native/rsa.c). rsa_public.h says what it takes.
 *
 * Variable time: every input is public (the key, the signature), so the loops and the final
 * subtractions depend on them freely. Numbers are little-endian arrays of k 32-bit limbs, with
 * 64-bit products (a library call on the ESP8266's lx106, an instruction on x86-64; the same
 * arithmetic on both).
 */
#include "rsa_public.h"

#include <string.h>

/* big-endian octets (len <= 4 * k) into k limbs */
static void limbs_from_bytes(uint32_t *x, size_t k, const uint8_t *bytes, size_t len)
{
	size_t i;
	memset(x, 0, k * sizeof(uint32_t));
	for (i = 0; i < len; i++)
		x[i >> 2] |= (uint32_t)bytes[len - 1 - i] << (8 * (i & 3));
}

/* the low len octets of k limbs, big-endian */
static void limbs_to_bytes(uint8_t *bytes, size_t len, const uint32_t *x)
{
	size_t i;
	for (i = 0; i < len; i++)
		bytes[len - 1 - i] = (uint8_t)(x[i >> 2] >> (8 * (i & 3)));
}

/* -1, 0, 1 as x < y, x == y, x > y */
static int limbs_compare(const uint32_t *x, const uint32_t *y, size_t k)
{
	while (k--) {
		if (x[k] != y[k])
			return (x[k] < y[k]) ? -1 : 1;
	}
	return 0;
}

/* x -= y, returns the borrow */
static uint32_t limbs_sub(uint32_t *x, const uint32_t *y, size_t k)
{
	uint32_t borrow = 0;
	size_t i;
	for (i = 0; i < k; i++) {
		uint64_t d = (uint64_t)x[i] - y[i] - borrow;
		x[i] = (uint32_t)d;
		borrow = (uint32_t)(d >> 63);
	}
	return borrow;
}

/* x = 2x mod n, for x < n */
static void limbs_double_mod(uint32_t *x, const uint32_t *n, size_t k)
{
	uint32_t carry = 0;
	size_t i;
	for (i = 0; i < k; i++) {
		uint32_t top = x[i] >> 31;
		x[i] = (x[i] << 1) | carry;
		carry = top;
	}
	if (carry || (limbs_compare(x, n, k) >= 0))
		(void)limbs_sub(x, n, k);
}

/* -n^-1 mod 2^32 for odd n0: Newton's iteration doubles the correct low bits (3, 6, ..., 48) */
static uint32_t mont_m0(uint32_t n0)
{
	uint32_t x = n0;
	int i;
	for (i = 0; i < 4; i++)
		x *= 2 - n0 * x;
	return (uint32_t)0 - x;
}

/*
 * out = a * b / 2^(32k) mod n (Montgomery product, one pass per limb of a that adds a[i] * b and
 * m * n together, m making the low limb 0, and shifts one limb down), for a, b < n. t: k + 1
 * words of scratch (the formula's k + 2 leaves one spare), below 2n after every pass; out may be
 * a or b.
 */
static void mont_mul(uint32_t *out, const uint32_t *a, const uint32_t *b, const uint32_t *n, uint32_t m0,
	uint32_t *t, size_t k)
{
	size_t i, j;
	memset(t, 0, (k + 1) * sizeof(uint32_t));
	for (i = 0; i < k; i++) {
		uint32_t ai = a[i], c1, c2, m;
		uint64_t p = (uint64_t)ai * b[0] + t[0], q;
		m = (uint32_t)p * m0;
		c1 = (uint32_t)(p >> 32);
		q = (uint64_t)m * n[0] + (uint32_t)p;     /* low 32 bits: 0 */
		c2 = (uint32_t)(q >> 32);
		for (j = 1; j < k; j++) {
			p = (uint64_t)ai * b[j] + t[j] + c1;
			c1 = (uint32_t)(p >> 32);
			q = (uint64_t)m * n[j] + (uint32_t)p + c2;
			c2 = (uint32_t)(q >> 32);
			t[j - 1] = (uint32_t)q;
		}
		p = (uint64_t)t[k] + c1 + c2;
		t[k - 1] = (uint32_t)p;
		t[k] = (uint32_t)(p >> 32);
	}
	if (t[k] || (limbs_compare(t, n, k) >= 0))
		(void)limbs_sub(t, n, k);
	memcpy(out, t, k * sizeof(uint32_t));
}

/* x = R^2 mod n, R = 2^(32k), made as the Montgomery form of 2^(32k), i.e. 2^(32k) R: the form
   of 2^v, v the top 7 bits of 32k, is 2^v R mod n, got by doublings from 2^(bits - 1) (a doubling
   costs about 1/40 of a product); then square-and-double over the bits of 32k left */
static void mont_r2(uint32_t *x, const uint32_t *n, size_t bits, uint32_t m0, uint32_t *t, size_t k)
{
	size_t i, r = 32 * k;
	int shift;
	for (shift = 0; (r >> shift) >= 128; shift++)
		;
	memset(x, 0, k * sizeof(uint32_t));
	x[(bits - 1) / 32] = (uint32_t)1 << ((bits - 1) % 32);
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
	size_t k = (nlen + 3) / 4, bits;
	uint32_t *N = work, *A = work + k, *B = work + 2 * k, *T = work + 3 * k;
	uint32_t m0;
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
	memcpy(A, B, k * sizeof(uint32_t));
	for (bit = 31; !((e >> bit) & 1); bit--)
		;
	while (bit-- > 0) {                           /* square-and-multiply below e's top bit */
		mont_mul(A, A, A, N, m0, T, k);
		if ((e >> bit) & 1)
			mont_mul(A, A, B, N, m0, T, k);
	}
	memset(B, 0, k * sizeof(uint32_t));          /* out of Montgomery form: times 1 */
	B[0] = 1;
	mont_mul(A, A, B, N, m0, T, k);
	limbs_to_bytes((uint8_t *)work, nlen, A);     /* A starts at byte 4k >= nlen: no overlap */
	*m = (const uint8_t *)work;
	return SECURESOCKET_RSA_PUBLIC_OK;
}
