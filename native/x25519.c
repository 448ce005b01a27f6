/*
 * SecureSocket crypto core: X25519 (RFC 7748 5), written for this project from the RFC.
 *
 * Field: GF(p), p = 2^255 - 19, in one of two headers picked at compile time: x25519_fe51.h (5 limbs
 * of 51 bits, 128-bit products: where the compiler has unsigned __int128) or x25519_fe26.h (10 limbs
 * of 26/25 bits, 64-bit products: the ESP8266, 32-bit hosts). Each provides fe, fe_add, fe_sub,
 * fe_mul, fe_sq, fe_mul_a24, fe_cswap, fe_load and fe_bytes, and gives its limbs' bounds.
 *
 * Constant time: no branch and no memory index depends on the scalar or on u. The ladder swaps
 * with a mask (fe_cswap); the loops run a fixed number of times; the inversion is a fixed chain
 * of squarings and multiplications (Fermat: z^(p-2)); branches in the field code depend on
 * limb indices only. The zero-result check ORs all bytes before one comparison. That holds for the
 * C and for the x86 builds' machine code; on the ESP8266 gcc turns 64-bit carries into short
 * branches (docs/CRYPTO.md, "What the compilers make of it").
 *
 * Stack: about 700 bytes (14 field elements in the ladder, 200 bytes of products and g, 19 g, 2 f in fe_mul).
 */
#include "x25519.h"

#include "mbedtls/platform_util.h"

#include <string.h>

#if defined(__SIZEOF_INT128__) && !defined(SECURESOCKET_X25519_FE26)
#include "x25519_fe51.h"
#else
#include "x25519_fe26.h"
#endif

/* out = f^(2^n) m (n >= 1); out may be f or m */
static void fe_sq_mul(fe out, const fe f, int n, const fe m)
{
	fe t;
	fe_sq(t, f);
	while (--n > 0)
		fe_sq(t, t);
	fe_mul(out, t, m);
}

/* out = z^(p - 2) = z^(2^255 - 21) = 1/z (0 for z = 0): 254 squarings, 11 multiplications */
static void fe_invert(fe out, const fe z)
{
	fe z11, t5, t10, t50, t;
	fe_sq(t, z);                       /* z^2 */
	fe_sq_mul(t5, t, 2, z);            /* z^9 */
	fe_mul(z11, t, t5);                /* z^11 */
	fe_sq(t, z11);                     /* z^22 */
	fe_mul(t5, t5, t);                 /* z^31 = z^(2^5 - 1) */
	fe_sq_mul(t10, t5, 5, t5);         /* z^(2^10 - 1) */
	fe_sq_mul(t, t10, 10, t10);        /* z^(2^20 - 1) */
	fe_sq_mul(t, t, 20, t);            /* z^(2^40 - 1) */
	fe_sq_mul(t50, t, 10, t10);        /* z^(2^50 - 1) */
	fe_sq_mul(t, t50, 50, t50);        /* z^(2^100 - 1) */
	fe_sq_mul(t, t, 100, t);           /* z^(2^200 - 1) */
	fe_sq_mul(t, t, 50, t50);          /* z^(2^250 - 1) */
	fe_sq_mul(out, t, 5, z11);         /* z^(2^255 - 32 + 11) */
}

int securesocket_x25519(uint8_t out[32], const uint8_t scalar[32], const uint8_t u[32])
{
	struct {
		uint8_t k[32];
		fe x1, x2, z2, x3, z3, a, aa, b, bb, e, c, d, da, cb;
	} v;   /* everything that depends on the scalar, wiped at the end */
	uint32_t swap = 0, bit;
	uint8_t any = 0;
	int t;

	/* decodeScalar25519 */
	memcpy(v.k, scalar, 32);
	v.k[0] &= 248;
	v.k[31] &= 127;
	v.k[31] |= 64;

	fe_load(v.x1, u);
	memset(v.x2, 0, sizeof(fe));
	v.x2[0] = 1;
	memset(v.z2, 0, sizeof(fe));
	memcpy(v.x3, v.x1, sizeof(fe));
	memset(v.z3, 0, sizeof(fe));
	v.z3[0] = 1;
	/* RFC 7748 5, the ladder, bits 254 down to 0 */
	for (t = 254; t >= 0; t--) {
		bit = (v.k[t >> 3] >> (t & 7)) & 1;
		swap ^= bit;
		fe_cswap(v.x2, v.x3, swap);
		fe_cswap(v.z2, v.z3, swap);
		swap = bit;
		fe_add(v.a, v.x2, v.z2);         /* A = x_2 + z_2 */
		fe_sq(v.aa, v.a);                /* AA = A^2 */
		fe_sub(v.b, v.x2, v.z2);         /* B = x_2 - z_2 */
		fe_sq(v.bb, v.b);                /* BB = B^2 */
		fe_sub(v.e, v.aa, v.bb);         /* E = AA - BB */
		fe_add(v.c, v.x3, v.z3);         /* C = x_3 + z_3 */
		fe_sub(v.d, v.x3, v.z3);         /* D = x_3 - z_3 */
		fe_mul(v.da, v.d, v.a);          /* DA = D * A */
		fe_mul(v.cb, v.c, v.b);          /* CB = C * B */
		fe_add(v.x3, v.da, v.cb);
		fe_sq(v.x3, v.x3);               /* x_3 = (DA + CB)^2 */
		fe_sub(v.z3, v.da, v.cb);
		fe_sq(v.z3, v.z3);
		fe_mul(v.z3, v.z3, v.x1);        /* z_3 = x_1 * (DA - CB)^2 */
		fe_mul(v.x2, v.aa, v.bb);        /* x_2 = AA * BB */
		fe_mul_a24(v.z2, v.e);
		fe_add(v.z2, v.z2, v.aa);
		fe_mul(v.z2, v.z2, v.e);         /* z_2 = E * (AA + a24 * E) */
	}
	fe_cswap(v.x2, v.x3, swap);
	fe_cswap(v.z2, v.z3, swap);
	fe_invert(v.z2, v.z2);
	fe_mul(v.x2, v.x2, v.z2);            /* x_2 * z_2^(p - 2) */
	fe_bytes(out, v.x2);
	mbedtls_platform_zeroize(&v, sizeof(v));

	for (t = 0; t < 32; t++)
		any |= out[t];
	return (any == 0) ? -1 : 0;
}
