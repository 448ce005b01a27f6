/*
 * SecureSocket crypto core: GF(2^255 - 19) for native/x25519.c on cores with a 64 x 64 -> 128-bit
 * product (x86-64, AArch64: where the compiler has unsigned __int128). Written for this project.
 *
 * An element is 5 unsigned 64-bit limbs of 51 bits: limb i weighs 2^(51 i). Products are 128 bits.
 * Every operation leaves its result "carried": limbs < 2^51 except limb 1, which may exceed that by
 * less than 2^15 after the wrap-around; the value < 2^255 + 2^66, not necessarily < p. Only fe_bytes
 * reduces fully.
 *
 * Bounds: fe_mul's and fe_sq's inputs are carried, so every limb < 2^52 and 19 g[j] < 2^57; each of
 * the 5 terms of an output sum is < 2^109, the sum < 2^112: no overflow of the 128-bit accumulator.
 * The carry chain runs on the 128-bit sums, so its wrap-around (times 19) cannot overflow either.
 * fe_add and fe_sub sums are < 2^54 before their carry.
 *
 * Constant time: straight-line code, no branch and no memory index on the values; x86-64's 64-bit
 * multiply takes the same time for all operands. Included by x25519.c only (static functions).
 */
#ifndef SECURESOCKET_X25519_FE51_H
#define SECURESOCKET_X25519_FE51_H

#include <stdint.h>
#include <string.h>

typedef uint64_t fe[5];
typedef unsigned __int128 fe_wide;

#define FE51_MASK ((((uint64_t)1) << 51) - 1)

/* out = h with every limb carried into the next; limb 4's carry wraps around times 19 (2^255 = 19) */
static void fe_carry(fe out, fe_wide h0, fe_wide h1, fe_wide h2, fe_wide h3, fe_wide h4)
{
	h1 += h0 >> 51;
	h2 += h1 >> 51;
	h3 += h2 >> 51;
	h4 += h3 >> 51;
	h0 = (h0 & FE51_MASK) + 19 * (h4 >> 51);
	out[1] = (uint64_t)(h1 & FE51_MASK) + (uint64_t)(h0 >> 51);
	out[0] = (uint64_t)h0 & FE51_MASK;
	out[2] = (uint64_t)h2 & FE51_MASK;
	out[3] = (uint64_t)h3 & FE51_MASK;
	out[4] = (uint64_t)h4 & FE51_MASK;
}

static void fe_add(fe out, const fe f, const fe g)
{
	fe_carry(out, (fe_wide)f[0] + g[0], (fe_wide)f[1] + g[1], (fe_wide)f[2] + g[2], (fe_wide)f[3] + g[3],
		(fe_wide)f[4] + g[4]);
}

/* f - g + 2p, limb by limb: 2p's limbs (2^52 - 38, then 2^52 - 2) exceed any carried g's */
static void fe_sub(fe out, const fe f, const fe g)
{
	const uint64_t p0 = 2 * (FE51_MASK - 18), pi = 2 * FE51_MASK;
	fe_carry(out, (fe_wide)f[0] + p0 - g[0], (fe_wide)f[1] + pi - g[1], (fe_wide)f[2] + pi - g[2],
		(fe_wide)f[3] + pi - g[3], (fe_wide)f[4] + pi - g[4]);
}

#define FE51_MUL(a, b) ((fe_wide)(a) * (b))

/* out = f g: h[k] sums f[i] g[j] over i + j = k, and 19 f[i] g[j] over i + j = k + 5 (2^255 = 19) */
static void fe_mul(fe out, const fe f, const fe g)
{
	const uint64_t g1 = 19 * g[1], g2 = 19 * g[2], g3 = 19 * g[3], g4 = 19 * g[4];
	fe_carry(out,
		FE51_MUL(f[0], g[0]) + FE51_MUL(f[1], g4) + FE51_MUL(f[2], g3) + FE51_MUL(f[3], g2) + FE51_MUL(f[4], g1),
		FE51_MUL(f[0], g[1]) + FE51_MUL(f[1], g[0]) + FE51_MUL(f[2], g4) + FE51_MUL(f[3], g3) + FE51_MUL(f[4], g2),
		FE51_MUL(f[0], g[2]) + FE51_MUL(f[1], g[1]) + FE51_MUL(f[2], g[0]) + FE51_MUL(f[3], g4) + FE51_MUL(f[4], g3),
		FE51_MUL(f[0], g[3]) + FE51_MUL(f[1], g[2]) + FE51_MUL(f[2], g[1]) + FE51_MUL(f[3], g[0]) + FE51_MUL(f[4], g4),
		FE51_MUL(f[0], g[4]) + FE51_MUL(f[1], g[3]) + FE51_MUL(f[2], g[2]) + FE51_MUL(f[3], g[1]) + FE51_MUL(f[4], g[0]));
}

/* out = f^2: fe_mul's sums with the symmetric products taken once, doubled (15 products, not 25) */
static void fe_sq(fe out, const fe f)
{
	const uint64_t d0 = 2 * f[0], d1 = 2 * f[1], f3_19 = 19 * f[3], f4_19 = 19 * f[4];
	fe_carry(out,
		FE51_MUL(f[0], f[0]) + FE51_MUL(d1, f4_19) + FE51_MUL(2 * f[2], f3_19),
		FE51_MUL(d0, f[1]) + FE51_MUL(2 * f[2], f4_19) + FE51_MUL(f[3], f3_19),
		FE51_MUL(d0, f[2]) + FE51_MUL(f[1], f[1]) + FE51_MUL(2 * f[3], f4_19),
		FE51_MUL(d0, f[3]) + FE51_MUL(d1, f[2]) + FE51_MUL(f[4], f4_19),
		FE51_MUL(d0, f[4]) + FE51_MUL(d1, f[3]) + FE51_MUL(f[2], f[2]));
}

/* out = f 121665 (a24 = (486662 - 2) / 4, RFC 7748 5) */
static void fe_mul_a24(fe out, const fe f)
{
	fe_carry(out, FE51_MUL(f[0], 121665), FE51_MUL(f[1], 121665), FE51_MUL(f[2], 121665), FE51_MUL(f[3], 121665),
		FE51_MUL(f[4], 121665));
}

/* swaps f and g when swap is 1, leaves them when 0, with the same operations either way */
static void fe_cswap(fe f, fe g, uint32_t swap)
{
	uint64_t mask = 0 - (uint64_t)swap, t;
	int i;
	for (i = 0; i < 5; i++) {
		t = mask & (f[i] ^ g[i]);
		f[i] ^= t;
		g[i] ^= t;
	}
}

static uint64_t fe_word(const uint8_t s[32], int w)
{
	uint64_t v = 0;
	int k;
	for (k = 7; k >= 0; k--)
		v = (v << 8) | s[8 * w + k];
	return v;
}

/* decodeUCoordinate (RFC 7748 5): 255 bits little-endian, the top bit of byte 31 ignored */
static void fe_load(fe out, const uint8_t s[32])
{
	const uint64_t w0 = fe_word(s, 0), w1 = fe_word(s, 1), w2 = fe_word(s, 2), w3 = fe_word(s, 3);
	out[0] = w0 & FE51_MASK;
	out[1] = ((w0 >> 51) | (w1 << 13)) & FE51_MASK;
	out[2] = ((w1 >> 38) | (w2 << 26)) & FE51_MASK;
	out[3] = ((w2 >> 25) | (w3 << 39)) & FE51_MASK;
	out[4] = (w3 >> 12) & FE51_MASK;
}

/*
 * encodeUCoordinate: f mod p, 32 bytes little-endian. A carry pass makes every limb < 2^51 and the
 * value < 2^255 + 2^66 < 2p; q = floor((f + 19) / 2^255) is then 1 exactly when f >= p, and
 * f - q p = f + 19 q - q 2^255: add 19 q, carry, drop bit 255.
 */
static void fe_bytes(uint8_t s[32], const fe f)
{
	uint64_t h[5], q, w;
	int i, k;
	fe_carry(h, f[0], f[1], f[2], f[3], f[4]);
	/* limb 1 may still be 2^51 + a little: carry it on, limb 4's carry wraps once more (into limb 0, < 2^51 + 19) */
	for (i = 1; i < 4; i++) {
		h[i + 1] += h[i] >> 51;
		h[i] &= FE51_MASK;
	}
	h[0] += 19 * (h[4] >> 51);
	h[4] &= FE51_MASK;
	h[1] += h[0] >> 51;
	h[0] &= FE51_MASK;
	q = (h[0] + 19) >> 51;
	for (i = 1; i < 5; i++)
		q = (h[i] + q) >> 51;
	h[0] += 19 * q;
	for (i = 0; i < 4; i++) {
		h[i + 1] += h[i] >> 51;
		h[i] &= FE51_MASK;
	}
	h[4] &= FE51_MASK;
	for (i = 0; i < 4; i++) {
		/* 64-bit word i holds bits 64 i .. 64 i + 63: the rest of limb 64 i / 51 and the next limb
		   (51 - shift + 51 >= 64 for shifts 0, 13, 26; word 3 has 12 + 51 = 63 bits, bit 255 being 0) */
		const int limb = (64 * i) / 51, shift = (64 * i) % 51;
		w = (h[limb] >> shift) | (h[limb + 1] << (51 - shift));
		for (k = 0; k < 8; k++)
			s[8 * i + k] = (uint8_t)(w >> (8 * k));
	}
}

#endif
