/*
 * SecureSocket crypto core: ECDSA verification over secp256r1 (FIPS 186-4 6.4.2, SEC 1 4.1.4),
 * written for this project from those specifications.
 *
 * VARIABLE TIME, FOR PUBLIC INPUTS ONLY. The public key, the signature and the digest are public;
 * this code branches on them (the scalar bits of u1 and u2, the special cases of point addition,
 * the exponent bits of the inversions). It must never be used with a secret scalar: signing and
 * ECDH stay with mbedtls (or constant-time code of their own).
 *
 * Arithmetic: integers modulo p (the field) and modulo n (the group order) as little-endian
 * limbs (4 of 64 bits where the compiler has a 128-bit product, else 8 of 32 bits: a 32-bit core
 * needs only 32 x 32 -> 64-bit products), in Montgomery form (a R mod m, R = 2^256), multiplied by
 * CIOS Montgomery multiplication: one routine for both moduli. Additions and subtractions reduce by one conditional subtraction or addition, computed
 * with masks (results are always fully reduced, below m). Inverses by Fermat (a^(m - 2)).
 * Points: Jacobian coordinates (X / Z^2, Y / Z^3), Z = 0 for the point at infinity; doubling with
 * a = -3; u1 G + u2 Q by Shamir's trick (one doubling per bit, an addition of G, Q or G + Q; G and Q
 * have Z = 1, which saves five multiplications of the addition); the result's x is compared with
 * r as X = r Z^2, without inverting Z.
 * No heap; about 1 KB of stack.
 */
#include "ec_verify.h"

#include <string.h>

/* limbs: 64 bits where the compiler has a 128-bit product (x86-64 hosts), else 32 bits (ESP8266,
   ESP32, 32-bit hosts); the constants below are written as 32-bit halves for both */
#if defined(__SIZEOF_INT128__)
typedef uint64_t limb;
__extension__ typedef unsigned __int128 dlimb;
#define LIMB_BITS 64
#define W(hi, lo) ((((uint64_t)(hi)) << 32) | (lo))
#define MINV(m64, m32) (m64)
#else
typedef uint32_t limb;
typedef uint64_t dlimb;
#define LIMB_BITS 32
#define W(hi, lo) (lo), (hi)
#define MINV(m64, m32) (m32)
#endif
#define L (256 / LIMB_BITS)

typedef limb fe[L];

#define BIT(a, i) ((int)(((a)[(i) / LIMB_BITS] >> ((i) % LIMB_BITS)) & 1))

typedef struct {
	fe x, y, z;
} ec_point;

typedef struct {
	const limb *m;       /* the modulus */
	const limb *rr;      /* R^2 mod m */
	limb minv;           /* -m^-1 mod 2^LIMB_BITS */
} ec_mod;

/* SEC 2 2.4.2: secp256r1's p, n, b and G (x || y, big-endian); R^2 mod p and mod n for the Montgomery form */
static const limb p256_p[L] = { W(0xffffffff, 0xffffffff), W(0x00000000, 0xffffffff), W(0x00000000, 0x00000000), W(0xffffffff, 0x00000001) };
static const limb p256_n[L] = { W(0xf3b9cac2, 0xfc632551), W(0xbce6faad, 0xa7179e84), W(0xffffffff, 0xffffffff), W(0xffffffff, 0x00000000) };
static const limb p256_b[L] = { W(0x3bce3c3e, 0x27d2604b), W(0x651d06b0, 0xcc53b0f6), W(0xb3ebbd55, 0x769886bc), W(0x5ac635d8, 0xaa3a93e7) };
static const uint8_t p256_g[64] = {
	0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6, 0xe5, 0x63, 0xa4, 0x40, 0xf2, 0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb, 0x33, 0xa0, 0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2, 0x96,
	0x4f, 0xe3, 0x42, 0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e, 0xe7, 0xeb, 0x4a, 0x7c, 0x0f, 0x9e, 0x16, 0x2b, 0xce, 0x33, 0x57, 0x6b, 0x31, 0x5e, 0xce, 0xcb, 0xb6, 0x40, 0x68, 0x37, 0xbf, 0x51, 0xf5
};
static const limb p256_rrp[L] = { W(0x00000000, 0x00000003), W(0xfffffffb, 0xffffffff), W(0xffffffff, 0xfffffffe), W(0x00000004, 0xfffffffd) };
static const limb p256_rrn[L] = { W(0x83244c95, 0xbe79eea2), W(0x4699799c, 0x49bd6fa6), W(0x2845b239, 0x2b6bec59), W(0x66e12d94, 0xf3d95620) };
static const limb p256_one[L] = { W(0x00000000, 0x00000001), W(0xffffffff, 0x00000000), W(0xffffffff, 0xffffffff), W(0x00000000, 0xfffffffe) };   /* R mod p: 1 in Montgomery form */
static const ec_mod mod_p = { p256_p, p256_rrp, MINV(1, 1) };
static const ec_mod mod_n = { p256_n, p256_rrn, MINV(0xccd1c8aaee00bc4f, 0xee00bc4f) };

static int fe_is_zero(const fe a)
{
	limb any = 0;
	int i;
	for (i = 0; i < L; i++)
		any |= a[i];
	return any == 0;
}

/* a < b, as integers */
static int fe_less(const fe a, const fe b)
{
	int i;
	for (i = L - 1; i >= 0; i--) {
		if (a[i] != b[i])
			return a[i] < b[i];
	}
	return 0;
}

/* r = t - m when top (a carry above the L limbs) is set or t >= m, else t */
static void mod_reduce_once(fe r, const limb *t, limb top, const limb *m)
{
	fe d;
	limb borrow = 0, mask;
	int i;
	for (i = 0; i < L; i++) {
		dlimb v = (dlimb)t[i] - m[i] - borrow;
		d[i] = (limb)v;
		borrow = (limb)(v >> LIMB_BITS) & 1;
	}
	mask = 0 - (top | (borrow ^ 1));   /* all ones: take t - m */
	for (i = 0; i < L; i++)
		r[i] = (d[i] & mask) | (t[i] & ~mask);
}

static void mod_add(fe r, const fe a, const fe b, const ec_mod *m)
{
	fe t;
	dlimb c = 0;
	int i;
	for (i = 0; i < L; i++) {
		c += (dlimb)a[i] + b[i];
		t[i] = (limb)c;
		c >>= LIMB_BITS;
	}
	mod_reduce_once(r, t, (limb)c, m->m);
}

static void mod_sub(fe r, const fe a, const fe b, const ec_mod *m)
{
	dlimb c = 0;
	limb borrow = 0, mask;
	fe t;
	int i;
	for (i = 0; i < L; i++) {
		dlimb v = (dlimb)a[i] - b[i] - borrow;
		t[i] = (limb)v;
		borrow = (limb)(v >> LIMB_BITS) & 1;
	}
	mask = 0 - borrow;   /* a < b: add m back */
	for (i = 0; i < L; i++) {
		c += (dlimb)t[i] + (m->m[i] & mask);
		r[i] = (limb)c;
		c >>= LIMB_BITS;
	}
}

/* r = a b R^-1 mod m (CIOS: multiply by one limb of b, then divide by 2^LIMB_BITS exactly, L times);
   a b < m R gives a result below 2m before the last conditional subtraction */
static void mod_mul(fe r, const fe a, const fe b, const ec_mod *m)
{
	limb t[L + 2], u;
	dlimb c;
	int i, j;
	memset(t, 0, sizeof(t));
	for (i = 0; i < L; i++) {
		c = 0;
		for (j = 0; j < L; j++) {
			c += (dlimb)a[j] * b[i] + t[j];
			t[j] = (limb)c;
			c >>= LIMB_BITS;
		}
		c += t[L];
		t[L] = (limb)c;
		t[L + 1] = (limb)(c >> LIMB_BITS);
		u = t[0] * m->minv;
		c = ((dlimb)u * m->m[0] + t[0]) >> LIMB_BITS;
		for (j = 1; j < L; j++) {
			c += (dlimb)u * m->m[j] + t[j];
			t[j - 1] = (limb)c;
			c >>= LIMB_BITS;
		}
		c += t[L];
		t[L - 1] = (limb)c;
		t[L] = t[L + 1] + (limb)(c >> LIMB_BITS);
	}
	mod_reduce_once(r, t, t[L], m->m);
}

/* r = a^(m - 2) = 1 / a, a and r in Montgomery form; the exponent is public */
static void mod_inv(fe r, const fe a, const ec_mod *m)
{
	fe e, x;
	int i;
	memcpy(e, m->m, sizeof(fe));
	e[0] -= 2;   /* m[0] >= 2 for p and n */
	memcpy(x, a, sizeof(fe));
	for (i = 256 - 2; i >= 0; i--) {   /* the top bit of e is set: x starts as a */
		mod_mul(x, x, x, m);
		if (BIT(e, i))
			mod_mul(x, x, a, m);
	}
	memcpy(r, x, sizeof(fe));
}

/* big-endian bytes (len <= 32) to limbs */
static void fe_load(fe r, const uint8_t *s, size_t len)
{
	size_t i;
	memset(r, 0, sizeof(fe));
	for (i = 0; i < len; i++)
		r[i / (LIMB_BITS / 8)] |= (limb)s[len - 1 - i] << (8 * (i % (LIMB_BITS / 8)));
}

/* 2P, Jacobian, a = -3 (the "dbl-2001-b" formulas); r may be p */
static void ec_double(ec_point *r, const ec_point *p)
{
	fe delta, gamma, beta, alpha, t;
	mod_mul(delta, p->z, p->z, &mod_p);
	mod_mul(gamma, p->y, p->y, &mod_p);
	mod_mul(beta, p->x, gamma, &mod_p);
	mod_sub(t, p->x, delta, &mod_p);
	mod_add(alpha, p->x, delta, &mod_p);
	mod_mul(t, t, alpha, &mod_p);
	mod_add(alpha, t, t, &mod_p);
	mod_add(alpha, alpha, t, &mod_p);            /* alpha = 3 (X - delta)(X + delta) */
	mod_add(t, p->y, p->z, &mod_p);
	mod_mul(t, t, t, &mod_p);
	mod_sub(t, t, gamma, &mod_p);
	mod_sub(r->z, t, delta, &mod_p);             /* Z3 = (Y + Z)^2 - gamma - delta */
	mod_add(beta, beta, beta, &mod_p);
	mod_add(beta, beta, beta, &mod_p);           /* 4 beta */
	mod_mul(t, alpha, alpha, &mod_p);
	mod_sub(t, t, beta, &mod_p);
	mod_sub(r->x, t, beta, &mod_p);              /* X3 = alpha^2 - 8 beta */
	mod_sub(t, beta, r->x, &mod_p);
	mod_mul(t, alpha, t, &mod_p);
	mod_mul(gamma, gamma, gamma, &mod_p);
	mod_add(gamma, gamma, gamma, &mod_p);
	mod_add(gamma, gamma, gamma, &mod_p);
	mod_add(gamma, gamma, gamma, &mod_p);        /* 8 gamma^2 */
	mod_sub(r->y, t, gamma, &mod_p);             /* Y3 = alpha (4 beta - X3) - 8 gamma^2 */
}

/* A + B, Jacobian, any inputs (infinity, equal, opposite); r may be a */
static void ec_add(ec_point *r, const ec_point *a, const ec_point *b)
{
	fe z1z1, z2z2, u1, u2, s1, s2, h, rr;
	int affine;
	if (fe_is_zero(a->z)) {
		*r = *b;
		return;
	}
	if (fe_is_zero(b->z)) {
		*r = *a;
		return;
	}
	affine = memcmp(b->z, p256_one, sizeof(fe)) == 0;   /* G and Q: Z2 = 1 */
	mod_mul(z1z1, a->z, a->z, &mod_p);
	if (affine) {
		memcpy(u1, a->x, sizeof(fe));
		memcpy(s1, a->y, sizeof(fe));
	}
	else {
		mod_mul(z2z2, b->z, b->z, &mod_p);
		mod_mul(u1, a->x, z2z2, &mod_p);
		mod_mul(s1, a->y, b->z, &mod_p);
		mod_mul(s1, s1, z2z2, &mod_p);
	}
	mod_mul(u2, b->x, z1z1, &mod_p);
	mod_mul(s2, b->y, a->z, &mod_p);
	mod_mul(s2, s2, z1z1, &mod_p);
	mod_sub(h, u2, u1, &mod_p);
	mod_sub(rr, s2, s1, &mod_p);
	if (fe_is_zero(h)) {
		if (fe_is_zero(rr))
			ec_double(r, a);                     /* A = B */
		else
			memset(r, 0, sizeof(*r));            /* A = -B: infinity */
		return;
	}
	if (affine)
		mod_mul(r->z, a->z, h, &mod_p);          /* Z3 = Z1 Z2 H */
	else {
		mod_mul(z1z1, a->z, b->z, &mod_p);
		mod_mul(r->z, z1z1, h, &mod_p);
	}
	mod_mul(z1z1, h, h, &mod_p);                 /* H^2 */
	mod_mul(z2z2, z1z1, h, &mod_p);              /* H^3 */
	mod_mul(u1, u1, z1z1, &mod_p);               /* U1 H^2 */
	mod_mul(u2, rr, rr, &mod_p);
	mod_sub(u2, u2, z2z2, &mod_p);
	mod_sub(u2, u2, u1, &mod_p);
	mod_sub(r->x, u2, u1, &mod_p);               /* X3 = r^2 - H^3 - 2 U1 H^2 */
	mod_sub(u1, u1, r->x, &mod_p);
	mod_mul(u1, rr, u1, &mod_p);
	mod_mul(s1, s1, z2z2, &mod_p);
	mod_sub(r->y, u1, s1, &mod_p);               /* Y3 = r (U1 H^2 - X3) - S1 H^3 */
}

/* (x, y) big-endian, below p and on the curve y^2 = x^3 - 3x + b: into pt (Montgomery, Z = 1) */
static int ec_load_point(ec_point *pt, const uint8_t *x, const uint8_t *y)
{
	fe t, u;
	fe_load(pt->x, x, 32);
	fe_load(pt->y, y, 32);
	if (!fe_less(pt->x, p256_p) || !fe_less(pt->y, p256_p))
		return -1;
	mod_mul(pt->x, pt->x, mod_p.rr, &mod_p);
	mod_mul(pt->y, pt->y, mod_p.rr, &mod_p);
	memset(pt->z, 0, sizeof(fe));
	pt->z[0] = 1;
	mod_mul(pt->z, pt->z, mod_p.rr, &mod_p);     /* 1 in Montgomery form: R mod p */
	mod_mul(t, pt->x, pt->x, &mod_p);
	mod_mul(t, t, pt->x, &mod_p);                /* x^3 */
	mod_sub(t, t, pt->x, &mod_p);
	mod_sub(t, t, pt->x, &mod_p);
	mod_sub(t, t, pt->x, &mod_p);                /* x^3 - 3x */
	mod_mul(u, p256_b, mod_p.rr, &mod_p);
	mod_add(t, t, u, &mod_p);
	mod_mul(u, pt->y, pt->y, &mod_p);
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
	fe_load(r, rb, rlen);
	fe_load(s, sb, slen);
	if (fe_is_zero(r) || fe_is_zero(s) || !fe_less(r, p256_n) || !fe_less(s, p256_n))
		return 0;
	/* e: the leftmost 256 bits of the digest (SEC 1 4.1.4 step 3), then mod n */
	fe_load(e, digest, (dlen > 32) ? 32 : dlen);
	mod_reduce_once(e, e, 0, p256_n);

	/* w = 1 / s mod n; u1 = e w, u2 = r w (Montgomery products of plain e, r with w R give plain values) */
	mod_mul(w, s, mod_n.rr, &mod_n);
	mod_inv(w, w, &mod_n);
	mod_mul(u1, e, w, &mod_n);
	mod_mul(u2, r, w, &mod_n);

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
	if (fe_is_zero(acc.z))
		return 0;                                /* step 5: the point at infinity */

	/* valid when X / Z^2 mod n = r, i.e. X = r' Z^2 (mod p) for r' = r or, when below p, r + n
	   (x < p < 2n): no inversion of Z */
	mod_mul(w, acc.z, acc.z, &mod_p);
	for (index = 0; index < 2; index++) {
		dlimb c = 0;
		mod_mul(e, r, mod_p.rr, &mod_p);
		mod_mul(e, e, w, &mod_p);
		if (memcmp(e, acc.x, sizeof(fe)) == 0)
			return 1;
		for (i = 0; i < L; i++) {                /* r += n */
			c += (dlimb)r[i] + p256_n[i];
			r[i] = (limb)c;
			c >>= LIMB_BITS;
		}
		if (c || !fe_less(r, p256_p))
			return 0;
	}
	return 0;
}
