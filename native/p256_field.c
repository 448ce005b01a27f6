/*
 * SecureSocket crypto core: integers modulo secp256r1's p and n (native/p256_field.h), written for
 * this project from SEC 2 and the description of Montgomery multiplication (CIOS).
 */
#include "p256_field.h"

#include <string.h>

#define W P256_W
#define L P256_L
#define LIMB_BITS P256_LIMB_BITS
typedef p256_limb limb;
typedef p256_dlimb dlimb;

/* 64-bit hosts: the loops over the 4 limbs unrolled (half the instructions of a product); the 32-bit
   builds (the ESP8266 is compiled for size) keep them rolled */
#if defined(__SIZEOF_INT128__) && defined(__GNUC__) && !defined(__clang__)
#define UNROLLED _Pragma("GCC unroll 4")
#else
#define UNROLLED
#endif

/* SEC 2 2.4.2: secp256r1's p, n; R^2 mod p and mod n for the Montgomery form; R mod p and b R mod p */
const limb p256_p[L] = { W(0xffffffff, 0xffffffff), W(0x00000000, 0xffffffff), W(0x00000000, 0x00000000), W(0xffffffff, 0x00000001) };
const limb p256_n[L] = { W(0xf3b9cac2, 0xfc632551), W(0xbce6faad, 0xa7179e84), W(0xffffffff, 0xffffffff), W(0xffffffff, 0x00000000) };
static const limb p256_rrp[L] = { W(0x00000000, 0x00000003), W(0xfffffffb, 0xffffffff), W(0xffffffff, 0xfffffffe), W(0x00000004, 0xfffffffd) };
static const limb p256_rrn[L] = { W(0x83244c95, 0xbe79eea2), W(0x4699799c, 0x49bd6fa6), W(0x2845b239, 0x2b6bec59), W(0x66e12d94, 0xf3d95620) };
const limb p256_one[L] = { W(0x00000000, 0x00000001), W(0xffffffff, 0x00000000), W(0xffffffff, 0xffffffff), W(0x00000000, 0xfffffffe) };
const limb p256_b_mont[L] = { W(0xd89cdf62, 0x29c4bddf), W(0xacf005cd, 0x78843090), W(0xe5a220ab, 0xf7212ed6), W(0xdc30061d, 0x04874834) };
const p256_mod p256_mod_p = { p256_p, p256_rrp, P256_MINV(1, 1) };
const p256_mod p256_mod_n = { p256_n, p256_rrn, P256_MINV(0xccd1c8aaee00bc4f, 0xee00bc4f) };

int p256_fe_is_zero(const p256_fe a)
{
	limb any = 0;
	int i;
	UNROLLED
	for (i = 0; i < L; i++)
		any |= a[i];
	return any == 0;
}

int p256_fe_less(const p256_fe a, const p256_fe b)
{
	int i;
	for (i = L - 1; i >= 0; i--) {
		if (a[i] != b[i])
			return a[i] < b[i];
	}
	return 0;
}

/* the carry chains with the compilers' overflow builtins: one add-with-carry or subtract-with-borrow
   each where the processor has them, no branch */
static limb add_carry(limb a, limb b, limb *carry)
{
	limb s, t;
	limb c1 = __builtin_add_overflow(a, b, &s);
	limb c2 = __builtin_add_overflow(s, *carry, &t);
	*carry = c1 | c2;
	return t;
}

static limb sub_borrow(limb a, limb b, limb *borrow)
{
	limb d, e;
	limb b1 = __builtin_sub_overflow(a, b, &d);
	limb b2 = __builtin_sub_overflow(d, *borrow, &e);
	*borrow = b1 | b2;
	return e;
}

void p256_mod_reduce_once(p256_fe r, const limb *t, limb top, const limb *m)
{
	p256_fe d;
	limb borrow = 0, mask;
	int i;
	UNROLLED
	for (i = 0; i < L; i++)
		d[i] = sub_borrow(t[i], m[i], &borrow);
	mask = 0 - (top | (borrow ^ 1));   /* all ones: take t - m */
	UNROLLED
	for (i = 0; i < L; i++)
		r[i] = (d[i] & mask) | (t[i] & ~mask);
}

void p256_mod_add(p256_fe r, const p256_fe a, const p256_fe b, const p256_mod *m)
{
	p256_fe t;
	limb carry = 0;
	int i;
	UNROLLED
	for (i = 0; i < L; i++)
		t[i] = add_carry(a[i], b[i], &carry);
	p256_mod_reduce_once(r, t, carry, m->m);
}

void p256_mod_sub(p256_fe r, const p256_fe a, const p256_fe b, const p256_mod *m)
{
	limb borrow = 0, carry = 0, mask;
	p256_fe t;
	int i;
	UNROLLED
	for (i = 0; i < L; i++)
		t[i] = sub_borrow(a[i], b[i], &borrow);
	mask = 0 - borrow;   /* a < b: add m back */
	UNROLLED
	for (i = 0; i < L; i++)
		r[i] = add_carry(t[i], m->m[i] & mask, &carry);
}

/* CIOS: multiply by one limb of b, then divide by 2^LIMB_BITS exactly, L times; a b < m R gives a
   result below 2m before the last conditional subtraction. Inlined into p256_mod_mul once per
   modulus, so that the compiler sees each modulus's limbs as constants (p's 0 and all-ones limbs,
   its -p^-1 = 1, cost nothing) */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void mont_mul(p256_fe r, const p256_fe a, const p256_fe b, const limb *m, limb minv)
{
	limb t[L + 2], u;
	dlimb c;
	int i, j;
	memset(t, 0, sizeof(t));
	UNROLLED
	for (i = 0; i < L; i++) {
		c = 0;
		UNROLLED
		for (j = 0; j < L; j++) {
			c += (dlimb)a[j] * b[i] + t[j];
			t[j] = (limb)c;
			c >>= LIMB_BITS;
		}
		c += t[L];
		t[L] = (limb)c;
		t[L + 1] = (limb)(c >> LIMB_BITS);
		u = t[0] * minv;
		c = ((dlimb)u * m[0] + t[0]) >> LIMB_BITS;
		UNROLLED
		for (j = 1; j < L; j++) {
			c += (dlimb)u * m[j] + t[j];
			t[j - 1] = (limb)c;
			c >>= LIMB_BITS;
		}
		c += t[L];
		t[L - 1] = (limb)c;
		t[L] = t[L + 1] + (limb)(c >> LIMB_BITS);
	}
	p256_mod_reduce_once(r, t, t[L], m);
}

void p256_mod_mul(p256_fe r, const p256_fe a, const p256_fe b, const p256_mod *m)
{
#if defined(__SIZEOF_INT128__)
	if (m == &p256_mod_p)   /* which modulus: public */
		mont_mul(r, a, b, p256_p, 1);
	else
#endif
		mont_mul(r, a, b, m->m, m->minv);
}

/* a^(n - 2), bit by bit (255 squarings, about 160 products; the signer has a shorter chain of its own,
   native/ec_sign.c); the exponent is public: the branches follow its bits */
void p256_scalar_inv(p256_fe r, const p256_fe a)
{
	p256_fe e, x;
	int i;
	memcpy(e, p256_n, sizeof(p256_fe));
	e[0] -= 2;   /* n[0] >= 2 */
	memcpy(x, a, sizeof(p256_fe));
	for (i = 256 - 2; i >= 0; i--) {   /* the top bit of e is set: x starts as a */
		p256_mod_mul(x, x, x, P256_MN);
		if (P256_BIT(e, i))
			p256_mod_mul(x, x, a, P256_MN);
	}
	memcpy(r, x, sizeof(p256_fe));
}

void p256_fe_load(p256_fe r, const uint8_t *s, size_t len)
{
	size_t i;
	memset(r, 0, sizeof(p256_fe));
	for (i = 0; i < len; i++)
		r[i / (LIMB_BITS / 8)] |= (limb)s[len - 1 - i] << (8 * (i % (LIMB_BITS / 8)));
}

void p256_fe_store(uint8_t out[32], const p256_fe a)
{
	int i;
	for (i = 0; i < 32; i++)
		out[31 - i] = (uint8_t)(a[i / (LIMB_BITS / 8)] >> (8 * (i % (LIMB_BITS / 8))));
}
