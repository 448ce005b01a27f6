/*
 * SecureSocket crypto core: ECDSA signing over secp256r1 (FIPS 186-4 6.4.1, SEC 1 4.1.3), written
 * for this project from those specifications and from Renes, Costello and Batina, "Complete
 * addition formulas for prime order elliptic curves" (EUROCRYPT 2016), Algorithm 4 (a = -3).
 *
 *   e = the digest's leftmost 256 bits, mod n
 *   k uniform in [1, n - 1]: 32 random bytes (native/random.c) as a big-endian integer, drawn again
 *     while 0 or >= n (rejection sampling, FIPS 186-4 B.5.2's "testing candidates"; a draw is
 *     refused with probability about 2^-32). Not RFC 6979: the project's random source is the
 *     platform's (getrandom, the ESP hardware RNG), which the handshake's secrets rely on anyway,
 *     and sampling needs no HMAC-DRBG code.
 *   (x, y) = k G; r = x mod n; s = k^-1 (e + r d) mod n; r = 0 or s = 0: another k.
 *
 * k G by a fixed-base comb (Lim-Lee) of four tables: 4 teeth 64 bits apart, table 0 holding the 16
 * sums of {G, 2^64 G, 2^128 G, 2^192 G}, table c the same times 2^(16 c) (native/p256_base_table.h,
 * 4 KB of constants computed by tools/p256-table.mjs); 16 steps of a doubling and the additions of
 * the entries that the bits i + 16 c, i + 16 c + 64, i + 16 c + 128, i + 16 c + 192 of k select in
 * each table c. Points in homogeneous projective coordinates
 * (X / Z, Y / Z), added by the complete formulas (also used for the doublings): no exceptional
 * case, the point at infinity (0 : 1 : 0) included, so no branch on where the accumulator is.
 *
 * Constant time, the argument: the private key d, k, k^-1 and the intermediate points and scalars
 * are secret. (1) Every loop runs a fixed number of times (16 comb steps, 16 table entries,
 * the inversions' fixed chains of squarings and products). (2) No branch depends on
 * a secret: the field operations (native/p256_field.c) reduce with masks, the comb digit is built
 * with shifts at public bit positions, and the table entry is chosen by reading all 16 entries and
 * keeping one with a mask. (3) No memory address depends on a secret (the same reason). The only
 * branches on values derived from secrets are on public facts: whether a random draw was in range
 * (then thrown away), whether r or s is 0 (they are published), whether d is in range (a property
 * of the key, checked when it was read). Compilers could in principle turn masks into branches:
 * tests/p256-sign.test.mjs checks the compiled code under valgrind's memcheck with d and the random
 * bytes marked undefined (SECURESOCKET_CT_CHECK: PUBLIC() below marks the published values defined),
 * so that any branch or address computed from them is reported. The limb products are the
 * processor's multiplier (constant time on x86 and Xtensa cores as far as their manuals say).
 *
 * Secrets are wiped before returning. No heap; about 1.4 KB of stack on x86-64 (gcc -O2 -fstack-usage:
 * securesocket_p256_sign 624 B, point_add 384, p256_mod_mul 320, p256_mod_reduce_once 16).
 */
#include "ec_sign.h"
#include "p256_field.h"
#include "p256_base_table.h"
#include "crypto_common.h"

#include <string.h>

#if !defined(SECURESOCKET_P256_SIGN_MBEDTLS) && !defined(SECURESOCKET_NO_SIGN)

#ifdef SECURESOCKET_CT_CHECK
#include <valgrind/memcheck.h>
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))
#else
#define PUBLIC(p, n) ((void)0)
#endif

#define L P256_L
typedef p256_limb limb;
typedef p256_dlimb dlimb;
typedef p256_fe fe;

typedef struct {
	fe x, y, z;
} point;

#define ADD(r, a, b) p256_mod_add(r, a, b, P256_MP)
#define SUB(r, a, b) p256_mod_sub(r, a, b, P256_MP)
#define MUL(r, a, b) p256_mod_mul(r, a, b, P256_MP)

/* r = x^(2^count) */
static void square_times(fe r, const fe x, int count, const p256_mod *m)
{
	memcpy(r, x, sizeof(fe));
	while (count-- > 0)
		p256_mod_mul(r, r, r, m);
}

/* x32 = a^(2^32 - 1), x30 = a^(2^30 - 1), the start of both inversions: 31 squarings, 7 products */
static void power_ones(fe x32, fe x30, const fe a, const p256_mod *m)
{
	fe x2, x3, t;
	square_times(t, a, 1, m);
	p256_mod_mul(x2, t, a, m);                 /* a^(2^2 - 1) */
	square_times(t, x2, 1, m);
	p256_mod_mul(x3, t, a, m);                 /* 2^3 - 1 */
	square_times(t, x3, 3, m);
	p256_mod_mul(x30, t, x3, m);               /* 2^6 - 1 */
	square_times(t, x30, 6, m);
	p256_mod_mul(x30, t, x30, m);              /* 2^12 - 1 */
	square_times(t, x30, 3, m);
	p256_mod_mul(x32, t, x3, m);               /* 2^15 - 1 */
	square_times(t, x32, 15, m);
	p256_mod_mul(x30, t, x32, m);              /* 2^30 - 1 */
	square_times(t, x30, 2, m);
	p256_mod_mul(x32, t, x2, m);               /* 2^32 - 1 */
	securesocket_wipe(x2, sizeof(x2));
	securesocket_wipe(x3, sizeof(x3));
	securesocket_wipe(t, sizeof(t));
}

/* a^(n - 2): n - 2 = ffffffff 00000000 ffffffff ffffffff (hex words) then 128 bits taken one at a
   time (255 squarings, about 75 products); the exponent is public: the branches follow its bits */
static void scalar_inv(fe r, const fe a)
{
	fe x32, x30, x, e;
	int i;
	memcpy(e, p256_n, sizeof(fe));
	e[0] -= 2;   /* n[0] >= 2 */
	power_ones(x32, x30, a, P256_MN);
	square_times(x, x32, 64, P256_MN);
	p256_mod_mul(x, x, x32, P256_MN);          /* ffffffff 00000000 ffffffff */
	square_times(x, x, 32, P256_MN);
	p256_mod_mul(x, x, x32, P256_MN);          /* ffffffff */
	for (i = 127; i >= 0; i--) {
		p256_mod_mul(x, x, x, P256_MN);
		if (P256_BIT(e, i))
			p256_mod_mul(x, x, a, P256_MN);
	}
	memcpy(r, x, sizeof(fe));
	securesocket_wipe(x32, sizeof(x32));
	securesocket_wipe(x30, sizeof(x30));
	securesocket_wipe(x, sizeof(x));
}

/* r = 1 / a mod p (Montgomery in and out) by Fermat: p - 2 = ffffffff 00000001 00000000 00000000
   00000000 ffffffff ffffffff fffffffd (hex words), an addition chain of 255 squarings and 12 products */
static void field_inv(fe r, const fe a)
{
	fe x32, x30, x;
	power_ones(x32, x30, a, P256_MP);
	square_times(x, x32, 32, P256_MP);
	MUL(x, x, a);                                /* ffffffff 00000001 */
	square_times(x, x, 128, P256_MP);
	MUL(x, x, x32);                              /* 00000000 x 3, ffffffff */
	square_times(x, x, 32, P256_MP);
	MUL(x, x, x32);                              /* ffffffff */
	square_times(x, x, 30, P256_MP);
	MUL(x, x, x30);
	square_times(x, x, 2, P256_MP);
	MUL(r, x, a);                                /* fffffffd */
	securesocket_wipe(x32, sizeof(x32));
	securesocket_wipe(x30, sizeof(x30));
	securesocket_wipe(x, sizeof(x));
}

/* r = P + Q, any points (P = Q, either the point at infinity): the complete formulas of
   Renes-Costello-Batina 2016, Algorithm 4 (a = -3: 12 M + 2 M by b + 29 additions); r may be P or Q */
static void point_add(point *r, const point *P, const point *Q)
{
	fe t0, t1, t2, t3, t4, x3, y3, z3;
	MUL(t0, P->x, Q->x);
	MUL(t1, P->y, Q->y);
	MUL(t2, P->z, Q->z);
	ADD(t3, P->x, P->y);
	ADD(t4, Q->x, Q->y);
	MUL(t3, t3, t4);
	ADD(t4, t0, t1);
	SUB(t3, t3, t4);            /* X1 Y2 + X2 Y1 */
	ADD(t4, P->y, P->z);
	ADD(x3, Q->y, Q->z);
	MUL(t4, t4, x3);
	ADD(x3, t1, t2);
	SUB(t4, t4, x3);            /* Y1 Z2 + Y2 Z1 */
	ADD(x3, P->x, P->z);
	ADD(y3, Q->x, Q->z);
	MUL(x3, x3, y3);
	ADD(y3, t0, t2);
	SUB(y3, x3, y3);            /* X1 Z2 + X2 Z1 */
	MUL(z3, p256_b_mont, t2);
	SUB(x3, y3, z3);
	ADD(z3, x3, x3);
	ADD(x3, x3, z3);
	SUB(z3, t1, x3);
	ADD(x3, t1, x3);
	MUL(y3, p256_b_mont, y3);
	ADD(t1, t2, t2);
	ADD(t2, t1, t2);            /* 3 Z1 Z2 */
	SUB(y3, y3, t2);
	SUB(y3, y3, t0);
	ADD(t1, y3, y3);
	ADD(y3, t1, y3);
	ADD(t1, t0, t0);
	ADD(t0, t1, t0);
	SUB(t0, t0, t2);            /* 3 X1 X2 - 3 Z1 Z2 */
	MUL(t1, t4, y3);
	MUL(t2, t0, y3);
	MUL(y3, x3, z3);
	ADD(r->y, y3, t2);
	MUL(x3, t3, x3);
	SUB(r->x, x3, t1);
	MUL(z3, t4, z3);
	MUL(t1, t3, t0);
	ADD(r->z, z3, t1);
}

/* all ones when a = b (both below 2^31), else 0; no branch */
static limb mask_equal(unsigned a, unsigned b)
{
	return (limb)0 - (limb)(((a ^ b) - 1u) >> 31);
}

/* r = entry `digit` of comb table c, as a projective point (Z = 1, or 0 for entry 0): every entry
   is read, the one wanted kept by a mask */
static void base_lookup(point *r, int c, unsigned digit)
{
	unsigned j;
	int i;
	memset(r, 0, sizeof(*r));
	for (j = 0; j < (1u << P256_COMB_TEETH); j++) {
		limb m = mask_equal(j, digit);
		for (i = 0; i < L; i++) {
			r->x[i] |= p256_base_table[c][j][0][i] & m;
			r->y[i] |= p256_base_table[c][j][1][i] & m;
		}
	}
	for (i = 0; i < L; i++)
		r->z[i] = p256_one[i] & ~mask_equal(0, digit);
}

/* r = k G, k below 2^256 (plain, not Montgomery), projective */
static void base_mul(point *r, const fe k)
{
	point t;
	int i, c, tooth;
	memset(r, 0, sizeof(*r));
	memcpy(r->y, p256_one, sizeof(fe));     /* (0 : 1 : 0), the point at infinity */
	for (i = P256_COMB_SPACING / P256_COMB_TABLES - 1; i >= 0; i--) {
		if (i != P256_COMB_SPACING / P256_COMB_TABLES - 1)
			point_add(r, r, r);                  /* (not the first: r is the point at infinity) */
		for (c = 0; c < P256_COMB_TABLES; c++) {
			unsigned digit = 0;
			for (tooth = 0; tooth < P256_COMB_TEETH; tooth++)
				digit |= (unsigned)P256_BIT(k, i + c * (P256_COMB_SPACING / P256_COMB_TABLES) + tooth * P256_COMB_SPACING) << tooth;
			base_lookup(&t, c, digit);
			point_add(r, r, &t);
		}
	}
	securesocket_wipe(&t, sizeof(t));
}

/* all ones when 0 < a < m, else 0; no branch */
static limb mask_in_range(const fe a, const limb *m)
{
	limb borrow = 0, any = 0;
	int i;
	for (i = 0; i < L; i++) {
		dlimb v = (dlimb)a[i] - m[i] - borrow;
		borrow = (limb)(v >> P256_LIMB_BITS) & 1;
		any |= a[i];
	}
	any = (any | (0 - any)) >> (P256_LIMB_BITS - 1);   /* 1 when a != 0 */
	return (limb)0 - (borrow & any);
}

/* k uniform in [1, n - 1] (rejection sampling); 0, or -1 when the random source failed */
static int nonce(fe k)
{
	uint8_t bytes[32];
	int ret = -1, tries;
	for (tries = 0; tries < 64; tries++) {   /* 64 refusals in a row: about 2^-2048, a broken source */
		limb accepted;
		if (securesocket_random(NULL, bytes, sizeof(bytes)) != 0)
			break;
		p256_fe_load(k, bytes, sizeof(bytes));
		accepted = mask_in_range(k, p256_n);
		PUBLIC(&accepted, sizeof(accepted));     /* a refused draw is thrown away */
		if (accepted) {
			ret = 0;
			break;
		}
	}
	securesocket_wipe(bytes, sizeof(bytes));
	return ret;
}

/* r, s (plain, below n) from e, d (plain) and k in [1, n - 1]; 0, or 1 when r or s is 0 */
static int sign_with(fe r, fe s, const fe e, const fe d, const fe k)
{
	point R;
	fe t, u;
	int zero;
	base_mul(&R, k);
	field_inv(t, R.z);                           /* Z^-1 (Montgomery) */
	MUL(t, R.x, t);                              /* x (Montgomery) */
	memset(u, 0, sizeof(u));
	u[0] = 1;
	MUL(t, t, u);                                /* x, plain, below p < 2n */
	p256_mod_reduce_once(r, t, 0, p256_n);       /* r = x mod n */
	PUBLIC(r, sizeof(fe));                       /* published */
	p256_mod_mul(t, k, p256_mod_n.rr, P256_MN);  /* k R */
	scalar_inv(t, t);                            /* k^-1 R */
	p256_mod_mul(u, d, p256_mod_n.rr, P256_MN);  /* d R */
	p256_mod_mul(u, r, u, P256_MN);              /* r d, plain */
	p256_mod_add(u, u, e, P256_MN);              /* e + r d */
	p256_mod_mul(s, u, t, P256_MN);              /* k^-1 (e + r d), plain */
	PUBLIC(s, sizeof(fe));                       /* published */
	zero = p256_fe_is_zero(r) || p256_fe_is_zero(s);
	securesocket_wipe(&R, sizeof(R));
	securesocket_wipe(t, sizeof(t));
	securesocket_wipe(u, sizeof(u));
	return zero;
}

int securesocket_p256_sign(const uint8_t db[32], const uint8_t *digest, size_t dlen, uint8_t rb[32], uint8_t sb[32])
{
	fe e, d, k, r, s;
	limb valid;
	int ret = -1;
	p256_fe_load(d, db, 32);
	valid = mask_in_range(d, p256_n);
	PUBLIC(&valid, sizeof(valid));               /* checked when the key was read: not a secret */
	/* e: the leftmost 256 bits of the digest (FIPS 186-4 6.4), below 2^256 < 2n: one subtraction */
	p256_fe_load(e, digest, (dlen > 32) ? 32 : dlen);
	p256_mod_reduce_once(e, e, 0, p256_n);
	while (valid && (nonce(k) == 0)) {
		if (sign_with(r, s, e, d, k) == 0) {
			p256_fe_store(rb, r);
			p256_fe_store(sb, s);
			ret = 0;
			break;
		}
	}
	securesocket_wipe(d, sizeof(d));
	securesocket_wipe(k, sizeof(k));
	securesocket_wipe(e, sizeof(e));
	return ret;
}

#endif
