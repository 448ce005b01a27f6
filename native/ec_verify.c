/*
 * SecureSocket crypto core: ECDSA verification over secp256r1 (FIPS 186-4 6.4.2, SEC 1 4.1.4),
 * written for this project from those specifications.
 *
 * VARIABLE TIME, FOR PUBLIC INPUTS ONLY. The public key, the signature and the digest are public;
 * this code branches on them (the scalar bits of u1 and u2, the special cases of point addition).
 * It must never be used with a secret scalar: signing is native/ec_sign.c (constant time), ECDH
 * stays with mbedtls.
 *
 * Arithmetic: integers modulo p and n in Montgomery form, native/p256_field.c (shared with the signer).
 * Points: Jacobian coordinates (X / Z^2, Y / Z^3), Z = 0 for the point at infinity; doubling with
 * a = -3; u1 G + u2 Q by Shamir's trick (one doubling per bit, an addition of G, Q or G + Q; G and Q
 * have Z = 1, which saves five multiplications of the addition); the result's x is compared with
 * r as X = r Z^2, without inverting Z.
 * No heap; about 1 KB of stack.
 */
#include "ec_verify.h"
#include "p256_field.h"

#include <string.h>

#define L P256_L
#define BIT P256_BIT
typedef p256_limb limb;
typedef p256_dlimb dlimb;
typedef p256_fe fe;

typedef struct {
	fe x, y, z;
} ec_point;

/* SEC 2 2.4.2: secp256r1's G (x || y, big-endian) */
static const uint8_t p256_g[64] = {
	0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6, 0xe5, 0x63, 0xa4, 0x40, 0xf2, 0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb, 0x33, 0xa0, 0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2, 0x96,
	0x4f, 0xe3, 0x42, 0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e, 0xe7, 0xeb, 0x4a, 0x7c, 0x0f, 0x9e, 0x16, 0x2b, 0xce, 0x33, 0x57, 0x6b, 0x31, 0x5e, 0xce, 0xcb, 0xb6, 0x40, 0x68, 0x37, 0xbf, 0x51, 0xf5
};

/* 2P, Jacobian, a = -3 (the "dbl-2001-b" formulas); r may be p */
static void ec_double(ec_point *r, const ec_point *p)
{
	fe delta, gamma, beta, alpha, t;
	p256_mod_mul(delta, p->z, p->z, P256_MP);
	p256_mod_mul(gamma, p->y, p->y, P256_MP);
	p256_mod_mul(beta, p->x, gamma, P256_MP);
	p256_mod_sub(t, p->x, delta, P256_MP);
	p256_mod_add(alpha, p->x, delta, P256_MP);
	p256_mod_mul(t, t, alpha, P256_MP);
	p256_mod_add(alpha, t, t, P256_MP);
	p256_mod_add(alpha, alpha, t, P256_MP);            /* alpha = 3 (X - delta)(X + delta) */
	p256_mod_add(t, p->y, p->z, P256_MP);
	p256_mod_mul(t, t, t, P256_MP);
	p256_mod_sub(t, t, gamma, P256_MP);
	p256_mod_sub(r->z, t, delta, P256_MP);             /* Z3 = (Y + Z)^2 - gamma - delta */
	p256_mod_add(beta, beta, beta, P256_MP);
	p256_mod_add(beta, beta, beta, P256_MP);           /* 4 beta */
	p256_mod_mul(t, alpha, alpha, P256_MP);
	p256_mod_sub(t, t, beta, P256_MP);
	p256_mod_sub(r->x, t, beta, P256_MP);              /* X3 = alpha^2 - 8 beta */
	p256_mod_sub(t, beta, r->x, P256_MP);
	p256_mod_mul(t, alpha, t, P256_MP);
	p256_mod_mul(gamma, gamma, gamma, P256_MP);
	p256_mod_add(gamma, gamma, gamma, P256_MP);
	p256_mod_add(gamma, gamma, gamma, P256_MP);
	p256_mod_add(gamma, gamma, gamma, P256_MP);        /* 8 gamma^2 */
	p256_mod_sub(r->y, t, gamma, P256_MP);             /* Y3 = alpha (4 beta - X3) - 8 gamma^2 */
}

/* A + B, Jacobian, any inputs (infinity, equal, opposite); r may be a */
static void ec_add(ec_point *r, const ec_point *a, const ec_point *b)
{
	fe z1z1, z2z2, u1, u2, s1, s2, h, rr;
	int affine;
	if (p256_fe_is_zero(a->z)) {
		*r = *b;
		return;
	}
	if (p256_fe_is_zero(b->z)) {
		*r = *a;
		return;
	}
	affine = memcmp(b->z, p256_one, sizeof(fe)) == 0;   /* G and Q: Z2 = 1 */
	p256_mod_mul(z1z1, a->z, a->z, P256_MP);
	if (affine) {
		memcpy(u1, a->x, sizeof(fe));
		memcpy(s1, a->y, sizeof(fe));
	}
	else {
		p256_mod_mul(z2z2, b->z, b->z, P256_MP);
		p256_mod_mul(u1, a->x, z2z2, P256_MP);
		p256_mod_mul(s1, a->y, b->z, P256_MP);
		p256_mod_mul(s1, s1, z2z2, P256_MP);
	}
	p256_mod_mul(u2, b->x, z1z1, P256_MP);
	p256_mod_mul(s2, b->y, a->z, P256_MP);
	p256_mod_mul(s2, s2, z1z1, P256_MP);
	p256_mod_sub(h, u2, u1, P256_MP);
	p256_mod_sub(rr, s2, s1, P256_MP);
	if (p256_fe_is_zero(h)) {
		if (p256_fe_is_zero(rr))
			ec_double(r, a);                     /* A = B */
		else
			memset(r, 0, sizeof(*r));            /* A = -B: infinity */
		return;
	}
	if (affine)
		p256_mod_mul(r->z, a->z, h, P256_MP);          /* Z3 = Z1 Z2 H */
	else {
		p256_mod_mul(z1z1, a->z, b->z, P256_MP);
		p256_mod_mul(r->z, z1z1, h, P256_MP);
	}
	p256_mod_mul(z1z1, h, h, P256_MP);                 /* H^2 */
	p256_mod_mul(z2z2, z1z1, h, P256_MP);              /* H^3 */
	p256_mod_mul(u1, u1, z1z1, P256_MP);               /* U1 H^2 */
	p256_mod_mul(u2, rr, rr, P256_MP);
	p256_mod_sub(u2, u2, z2z2, P256_MP);
	p256_mod_sub(u2, u2, u1, P256_MP);
	p256_mod_sub(r->x, u2, u1, P256_MP);               /* X3 = r^2 - H^3 - 2 U1 H^2 */
	p256_mod_sub(u1, u1, r->x, P256_MP);
	p256_mod_mul(u1, rr, u1, P256_MP);
	p256_mod_mul(s1, s1, z2z2, P256_MP);
	p256_mod_sub(r->y, u1, s1, P256_MP);               /* Y3 = r (U1 H^2 - X3) - S1 H^3 */
}

/* (x, y) big-endian, below p and on the curve y^2 = x^3 - 3x + b: into pt (Montgomery, Z = 1) */
static int ec_load_point(ec_point *pt, const uint8_t *x, const uint8_t *y)
{
	fe t, u;
	p256_fe_load(pt->x, x, 32);
	p256_fe_load(pt->y, y, 32);
	if (!p256_fe_less(pt->x, p256_p) || !p256_fe_less(pt->y, p256_p))
		return -1;
	p256_mod_mul(pt->x, pt->x, p256_mod_p.rr, P256_MP);
	p256_mod_mul(pt->y, pt->y, p256_mod_p.rr, P256_MP);
	memcpy(pt->z, p256_one, sizeof(fe));         /* 1 in Montgomery form: R mod p */
	p256_mod_mul(t, pt->x, pt->x, P256_MP);
	p256_mod_mul(t, t, pt->x, P256_MP);                /* x^3 */
	p256_mod_sub(t, t, pt->x, P256_MP);
	p256_mod_sub(t, t, pt->x, P256_MP);
	p256_mod_sub(t, t, pt->x, P256_MP);                /* x^3 - 3x */
	p256_mod_add(t, t, p256_b_mont, P256_MP);
	p256_mod_mul(u, pt->y, pt->y, P256_MP);
	return memcmp(t, u, sizeof(fe)) ? -1 : 0;
}

int securesocket_p256_verify(const uint8_t q[65], const uint8_t *digest, size_t dlen,
	const uint8_t *rb, size_t rlen, const uint8_t *sb, size_t slen)
{
	ec_point table[3], acc;
	fe r, s, e, w, u1, u2;
	int i, index;

	/* r and s: integers in [1, n - 1] (FIPS 186-4 6.4.2 step 1); DER may add one zero byte */
	while ((rlen > 0) && (*rb == 0)) {
		rb++;
		rlen--;
	}
	while ((slen > 0) && (*sb == 0)) {
		sb++;
		slen--;
	}
	if ((rlen > 32) || (slen > 32) || (q[0] != 0x04))
		return 0;
	p256_fe_load(r, rb, rlen);
	p256_fe_load(s, sb, slen);
	if (p256_fe_is_zero(r) || p256_fe_is_zero(s) || !p256_fe_less(r, p256_n) || !p256_fe_less(s, p256_n))
		return 0;
	/* e: the leftmost 256 bits of the digest (SEC 1 4.1.4 step 3), then mod n */
	p256_fe_load(e, digest, (dlen > 32) ? 32 : dlen);
	p256_mod_reduce_once(e, e, 0, p256_n);

	/* w = 1 / s mod n; u1 = e w, u2 = r w (Montgomery products of plain e, r with w R give plain values) */
	p256_mod_mul(w, s, p256_mod_n.rr, P256_MN);
	p256_scalar_inv(w, w);
	p256_mod_mul(u1, e, w, P256_MN);
	p256_mod_mul(u2, r, w, P256_MN);

	/* table: G, Q, G + Q */
	if (ec_load_point(&table[1], q + 1, q + 33))
		return 0;
	ec_load_point(&table[0], p256_g, p256_g + 32);
	ec_add(&table[2], &table[0], &table[1]);

	/* u1 G + u2 Q, from the top bit down (Shamir) */
	memset(&acc, 0, sizeof(acc));
	for (i = 255; i >= 0; i--) {
		ec_double(&acc, &acc);
		index = BIT(u1, i) | (BIT(u2, i) << 1);
		if (index)
			ec_add(&acc, &acc, &table[index - 1]);
	}
	if (p256_fe_is_zero(acc.z))
		return 0;                                /* step 5: the point at infinity */

	/* valid when X / Z^2 mod n = r, i.e. X = r' Z^2 (mod p) for r' = r or, when below p, r + n
	   (x < p < 2n): no inversion of Z */
	p256_mod_mul(w, acc.z, acc.z, P256_MP);
	for (index = 0; index < 2; index++) {
		dlimb c = 0;
		p256_mod_mul(e, r, p256_mod_p.rr, P256_MP);
		p256_mod_mul(e, e, w, P256_MP);
		if (memcmp(e, acc.x, sizeof(fe)) == 0)
			return 1;
		for (i = 0; i < L; i++) {                /* r += n */
			c += (dlimb)r[i] + p256_n[i];
			r[i] = (limb)c;
			c >>= P256_LIMB_BITS;
		}
		if (c || !p256_fe_less(r, p256_p))
			return 0;
	}
	return 0;
}
