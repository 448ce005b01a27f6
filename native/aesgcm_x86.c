/*
 * SecureSocket crypto core: AES-GCM for x86-64 with AES-NI and PCLMULQDQ (native/aesgcm_x86.h),
 * written from NIST SP 800-38D (GCM), FIPS 197 (AES) and the facts of Intel's white paper on
 * carry-less multiplication and GCM (bit reflection, deferred reduction).
 *
 * CTR (SP 800-38D 6.5): four counter blocks go through the AES rounds together, so the AESENC
 * latencies overlap; a chunk's last partial block goes through `stream`.
 * GHASH (SP 800-38D 6.4): blocks are kept with their 16 bytes reversed. GCM numbers the bits of a
 * block from the first byte's most significant bit as the coefficients of x^0 .. x^127; reversed,
 * a block read as a 128-bit little-endian integer has the coefficient of x^i at bit 127 - i. The
 * carry-less product of two such integers is then the 256-bit reflection of the polynomial
 * product shifted right by one bit: shifted back, its high half holds the product's low 128
 * coefficients and its low half L the high ones, which x^128 = x^7 + x^2 + x + 1 folds in:
 * (L + its overflow) times 1 + x + x^2 + x^7, where times x^k is a right shift by k here (below,
 * gf_reduce). Four blocks are hashed with one reduction, Horner's rule unrolled with H^4 .. H:
 * Y' = (Y + X1) H^4 + X2 H^3 + X3 H^2 + X4 H.
 * Every function using the instructions carries __attribute__((target)), so nothing else in the
 * build needs -maes; aesgcm_x86_available() checks cpuid before native/aead.c calls any of them.
 * No branch or index depends on secret data; the tag check is securesocket_tag_check() (constant time).
 */
#include "aesgcm_x86.h"

#if defined(AESGCM_X86)

#include <string.h>
#include <cpuid.h>
#include <immintrin.h>

#include "crypto_common.h"

#define TARGET __attribute__((target("aes,pclmul,sse4.1")))
#define GCM_TEXT_LIMIT 0xFFFFFFFE0ull    /* 2^36 - 32 bytes of text under one IV (SP 800-38D 5.2.1.1) */

int aesgcm_x86_available(void)
{
	unsigned a, b, c, d;
	if (!__get_cpuid(1, &a, &b, &c, &d))
		return 0;
	return (c & bit_AES) && (c & bit_PCLMUL) && (c & bit_SSE4_1) && (c & bit_SSSE3);
}

static __m128i load(const uint8_t *p)
{
	return _mm_loadu_si128((const __m128i *)(const void *)p);
}

static void store(uint8_t *p, __m128i v)
{
	_mm_storeu_si128((__m128i *)(void *)p, v);
}

TARGET static __m128i reverse(__m128i v)
{
	return _mm_shuffle_epi8(v, _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
}

/* FIPS 197 5.2: SubWord of w (AESKEYGENASSIST's lowest word is SubWord of its second) */
TARGET static uint32_t sub_word(uint32_t w)
{
	return (uint32_t)_mm_cvtsi128_si32(_mm_aeskeygenassist_si128(_mm_set_epi32(0, 0, (int)w, 0), 0));
}

/* E(K, block): the rounds of FIPS 197 5.1 */
TARGET static __m128i aes_block(const aesgcm_context *ctx, __m128i b)
{
	int r;
	b = _mm_xor_si128(b, load(ctx->roundKeys[0]));
	for (r = 1; r < ctx->rounds; r++)
		b = _mm_aesenc_si128(b, load(ctx->roundKeys[r]));
	return _mm_aesenclast_si128(b, load(ctx->roundKeys[ctx->rounds]));
}

/* the counter block with 32-bit counter n (big-endian in the last 4 bytes): prefix has J0's first 12 */
TARGET static __m128i counter_block(__m128i prefix, uint32_t n)
{
	return _mm_insert_epi32(prefix, (int)__builtin_bswap32(n), 3);
}

/* the 256-bit carry-less product of a and b, added into lo, mid (the cross terms) and hi */
TARGET static void gf_multiply(__m128i a, __m128i b, __m128i *lo, __m128i *mid, __m128i *hi)
{
	*lo = _mm_xor_si128(*lo, _mm_clmulepi64_si128(a, b, 0x00));
	*hi = _mm_xor_si128(*hi, _mm_clmulepi64_si128(a, b, 0x11));
	*mid = _mm_xor_si128(*mid, _mm_xor_si128(_mm_clmulepi64_si128(a, b, 0x01), _mm_clmulepi64_si128(a, b, 0x10)));
}

/* the reversed blocks' product (lo, mid, hi from gf_multiply) reduced: reversed, modulo x^128 + x^7 + x^2 + x + 1 */
TARGET static __m128i gf_reduce(__m128i lo, __m128i mid, __m128i hi)
{
	__m128i carryLo, carryHi, t, d;
	lo = _mm_xor_si128(lo, _mm_slli_si128(mid, 8));
	hi = _mm_xor_si128(hi, _mm_srli_si128(mid, 8));
	/* [hi:lo] <<= 1 */
	carryLo = _mm_srli_epi64(lo, 63);
	carryHi = _mm_srli_epi64(hi, 63);
	lo = _mm_or_si128(_mm_slli_epi64(lo, 1), _mm_slli_si128(carryLo, 8));
	hi = _mm_or_si128(_mm_or_si128(_mm_slli_epi64(hi, 1), _mm_slli_si128(carryHi, 8)), _mm_srli_si128(carryLo, 8));
	/* the high coefficients' overflow past x^127 once multiplied by x, x^2, x^7: L << 127, 126, 121 */
	t = _mm_xor_si128(_mm_xor_si128(_mm_slli_epi64(lo, 63), _mm_slli_epi64(lo, 62)), _mm_slli_epi64(lo, 57));
	d = _mm_xor_si128(lo, _mm_slli_si128(t, 8));
	/* hi + d (1 + x + x^2 + x^7): d + d >> 1 + d >> 2 + d >> 7, as 128-bit shifts */
	t = _mm_xor_si128(_mm_xor_si128(_mm_slli_epi64(d, 63), _mm_slli_epi64(d, 62)), _mm_slli_epi64(d, 57));
	hi = _mm_xor_si128(hi, d);
	hi = _mm_xor_si128(hi, _mm_xor_si128(_mm_xor_si128(_mm_srli_epi64(d, 1), _mm_srli_epi64(d, 2)), _mm_srli_epi64(d, 7)));
	return _mm_xor_si128(hi, _mm_srli_si128(t, 8));
}

/* Y = (Y + X) H, reversed */
TARGET static __m128i ghash_one(const aesgcm_context *ctx, __m128i y, __m128i x)
{
	__m128i lo = _mm_setzero_si128(), mid = lo, hi = lo;
	gf_multiply(_mm_xor_si128(y, reverse(x)), load(ctx->powers[0]), &lo, &mid, &hi);
	return gf_reduce(lo, mid, hi);
}

/* four blocks into Y: (Y + X1) H^4 + X2 H^3 + X3 H^2 + X4 H, one reduction */
TARGET static __m128i ghash_four(const aesgcm_context *ctx, __m128i y, __m128i x1, __m128i x2, __m128i x3, __m128i x4)
{
	__m128i lo = _mm_setzero_si128(), mid = lo, hi = lo;
	gf_multiply(_mm_xor_si128(y, reverse(x1)), load(ctx->powers[3]), &lo, &mid, &hi);
	gf_multiply(reverse(x2), load(ctx->powers[2]), &lo, &mid, &hi);
	gf_multiply(reverse(x3), load(ctx->powers[1]), &lo, &mid, &hi);
	gf_multiply(reverse(x4), load(ctx->powers[0]), &lo, &mid, &hi);
	return gf_reduce(lo, mid, hi);
}

/* GHASH of data[0, length) zero-padded to whole blocks, into Y */
TARGET static __m128i ghash_padded(const aesgcm_context *ctx, __m128i y, const uint8_t *data, size_t length)
{
	for (; length >= 64; data += 64, length -= 64)
		y = ghash_four(ctx, y, load(data), load(data + 16), load(data + 32), load(data + 48));
	for (; length >= 16; data += 16, length -= 16)
		y = ghash_one(ctx, y, load(data));
	if (length > 0) {
		uint8_t block[16] = { 0 };
		memcpy(block, data, length);
		y = ghash_one(ctx, y, load(block));
	}
	return y;
}

TARGET void aesgcm_setkey(aesgcm_context *ctx, const uint8_t *key, size_t keyLength)
{
	uint32_t w[60], t, rcon = 1;
	size_t nk = keyLength / 4, i, total;
	__m128i h, power;

	memset(ctx, 0, sizeof(*ctx));
	ctx->rounds = (int)nk + 6;
	total = 4 * ((size_t)ctx->rounds + 1);
	/* FIPS 197 5.2, with words as little-endian integers: RotWord is a right rotation by 8 */
	for (i = 0; i < nk; i++)
		w[i] = (uint32_t)key[4 * i] | ((uint32_t)key[4 * i + 1] << 8) | ((uint32_t)key[4 * i + 2] << 16) | ((uint32_t)key[4 * i + 3] << 24);
	for (i = nk; i < total; i++) {
		t = w[i - 1];
		if (i % nk == 0) {
			t = sub_word(t);
			t = ((t >> 8) | (t << 24)) ^ rcon;
			rcon = (rcon << 1) ^ ((rcon >> 7) * 0x11b);
		}
		else if ((nk > 6) && (i % nk == 4))
			t = sub_word(t);
		w[i] = w[i - nk] ^ t;
	}
	for (i = 0; i < total; i++) {
		ctx->roundKeys[i / 4][4 * (i % 4)] = (uint8_t)w[i];
		ctx->roundKeys[i / 4][4 * (i % 4) + 1] = (uint8_t)(w[i] >> 8);
		ctx->roundKeys[i / 4][4 * (i % 4) + 2] = (uint8_t)(w[i] >> 16);
		ctx->roundKeys[i / 4][4 * (i % 4) + 3] = (uint8_t)(w[i] >> 24);
	}
	securesocket_wipe(w, sizeof(w));

	/* SP 800-38D 6.4: H = E(K, 0^128); its powers for the four-block GHASH */
	h = reverse(aes_block(ctx, _mm_setzero_si128()));
	store(ctx->powers[0], h);
	power = h;
	for (i = 1; i < 4; i++) {
		__m128i lo = _mm_setzero_si128(), mid = lo, hi = lo;
		gf_multiply(power, h, &lo, &mid, &hi);
		power = gf_reduce(lo, mid, hi);
		store(ctx->powers[i], power);
	}
}

TARGET void aesgcm_start(aesgcm_context *ctx, const uint8_t *iv, size_t ivLength, const uint8_t *aad, size_t aadLength)
{
	__m128i j0, y;
	/* SP 800-38D 7.1 step 2: J0 = IV || 0^31 || 1 for 96-bit IVs, else GHASH(IV, 0-padded, || 0^64 || [len(IV)]64) */
	if (ivLength == 12) {
		memcpy(ctx->counter, iv, 12);
		ctx->counter[12] = ctx->counter[13] = ctx->counter[14] = 0;
		ctx->counter[15] = 1;
	}
	else {
		uint8_t lengths[16] = { 0 };
		uint64_t bits = (uint64_t)ivLength * 8;
		int i;
		for (i = 0; i < 8; i++)
			lengths[15 - i] = (uint8_t)(bits >> (8 * i));
		y = ghash_padded(ctx, _mm_setzero_si128(), iv, ivLength);
		y = ghash_one(ctx, y, load(lengths));
		store(ctx->counter, reverse(y));
	}
	j0 = load(ctx->counter);
	store(ctx->mask, aes_block(ctx, j0));
	ctx->next = (((uint32_t)ctx->counter[12] << 24) | ((uint32_t)ctx->counter[13] << 16) |
		((uint32_t)ctx->counter[14] << 8) | ctx->counter[15]) + 1;
	/* step 5: the hash starts with the AAD, zero-padded */
	y = ghash_padded(ctx, _mm_setzero_si128(), aad, aadLength);
	store(ctx->hash, y);
	ctx->aadLength = aadLength;
	ctx->textLength = 0;
	ctx->used = 0;
}

/* whole blocks of data[0, length) (a multiple of 16): CTR in place, GHASH of the ciphertext */
TARGET static void gcm_blocks(aesgcm_context *ctx, uint8_t *data, size_t length, int encrypt)
{
	const __m128i prefix = load(ctx->counter);
	__m128i y = load(ctx->hash);
	uint32_t n = ctx->next;
	int r;

	for (; length >= 64; data += 64, length -= 64) {
		__m128i k, b0, b1, b2, b3, c0, c1, c2, c3;
		k = load(ctx->roundKeys[0]);
		b0 = _mm_xor_si128(counter_block(prefix, n), k);
		b1 = _mm_xor_si128(counter_block(prefix, n + 1), k);
		b2 = _mm_xor_si128(counter_block(prefix, n + 2), k);
		b3 = _mm_xor_si128(counter_block(prefix, n + 3), k);
		n += 4;
		for (r = 1; r < ctx->rounds; r++) {
			k = load(ctx->roundKeys[r]);
			b0 = _mm_aesenc_si128(b0, k);
			b1 = _mm_aesenc_si128(b1, k);
			b2 = _mm_aesenc_si128(b2, k);
			b3 = _mm_aesenc_si128(b3, k);
		}
		k = load(ctx->roundKeys[ctx->rounds]);
		c0 = load(data);
		c1 = load(data + 16);
		c2 = load(data + 32);
		c3 = load(data + 48);
		b0 = _mm_xor_si128(_mm_aesenclast_si128(b0, k), c0);
		b1 = _mm_xor_si128(_mm_aesenclast_si128(b1, k), c1);
		b2 = _mm_xor_si128(_mm_aesenclast_si128(b2, k), c2);
		b3 = _mm_xor_si128(_mm_aesenclast_si128(b3, k), c3);
		store(data, b0);
		store(data + 16, b1);
		store(data + 32, b2);
		store(data + 48, b3);
		if (encrypt)
			y = ghash_four(ctx, y, b0, b1, b2, b3);
		else
			y = ghash_four(ctx, y, c0, c1, c2, c3);
	}
	for (; length > 0; data += 16, length -= 16) {
		__m128i c = load(data), p = _mm_xor_si128(aes_block(ctx, counter_block(prefix, n++)), c);
		store(data, p);
		y = ghash_one(ctx, y, encrypt ? p : c);
	}
	ctx->next = n;
	store(ctx->hash, y);
}

/* ends the partial block: hashes it (zero-padded) */
TARGET static void gcm_partial_done(aesgcm_context *ctx)
{
	if (ctx->used > 0) {
		memset(ctx->partial + ctx->used, 0, 16 - ctx->used);
		store(ctx->hash, ghash_one(ctx, load(ctx->hash), load(ctx->partial)));
		ctx->used = 0;
		securesocket_wipe(ctx->stream, sizeof(ctx->stream));
	}
}

TARGET int aesgcm_update(aesgcm_context *ctx, uint8_t *data, size_t length, int encrypt)
{
	size_t i, n;
	if ((length > GCM_TEXT_LIMIT) || (ctx->textLength + length > GCM_TEXT_LIMIT))
		return AESGCM_BAD_INPUT;
	ctx->textLength += length;
	if (ctx->used > 0) {
		n = 16 - ctx->used;
		if (n > length)
			n = length;
		for (i = 0; i < n; i++) {
			uint8_t c = encrypt ? (uint8_t)(data[i] ^ ctx->stream[ctx->used + i]) : data[i];
			data[i] ^= ctx->stream[ctx->used + i];
			ctx->partial[ctx->used + i] = c;
		}
		ctx->used += n;
		data += n;
		length -= n;
		if (ctx->used < 16)
			return 0;
		gcm_partial_done(ctx);
	}
	n = length & ~(size_t)15;
	if (n > 0)
		gcm_blocks(ctx, data, n, encrypt);
	data += n;
	length -= n;
	if (length > 0) {
		store(ctx->stream, aes_block(ctx, counter_block(load(ctx->counter), ctx->next++)));
		for (i = 0; i < length; i++) {
			uint8_t c = encrypt ? (uint8_t)(data[i] ^ ctx->stream[i]) : data[i];
			data[i] ^= ctx->stream[i];
			ctx->partial[i] = c;
		}
		ctx->used = length;
	}
	return 0;
}

/* SP 800-38D 7.1 steps 5, 6: the last block holds the two lengths in bits; T = E(K, J0) + GHASH */
TARGET void aesgcm_finish(aesgcm_context *ctx, uint8_t tag[16])
{
	uint8_t lengths[16];
	uint64_t aadBits = ctx->aadLength * 8, textBits = ctx->textLength * 8;
	__m128i y;
	int i;
	gcm_partial_done(ctx);
	for (i = 0; i < 8; i++) {
		lengths[7 - i] = (uint8_t)(aadBits >> (8 * i));
		lengths[15 - i] = (uint8_t)(textBits >> (8 * i));
	}
	y = ghash_one(ctx, load(ctx->hash), load(lengths));
	store(tag, _mm_xor_si128(reverse(y), load(ctx->mask)));
	securesocket_wipe(ctx->hash, sizeof(ctx->hash));
	securesocket_wipe(ctx->partial, sizeof(ctx->partial));
}

int aesgcm_seal(aesgcm_context *ctx, const uint8_t *iv, size_t ivLength, const uint8_t *aad, size_t aadLength,
	uint8_t *data, size_t length, uint8_t tag[16])
{
	int ret;
	aesgcm_start(ctx, iv, ivLength, aad, aadLength);
	ret = aesgcm_update(ctx, data, length, 1);
	if (ret == 0)
		aesgcm_finish(ctx, tag);
	return ret;
}

int aesgcm_open(aesgcm_context *ctx, const uint8_t *iv, size_t ivLength, const uint8_t *aad, size_t aadLength,
	uint8_t *data, size_t length, const uint8_t tag[16])
{
	uint8_t computed[16];
	int ret;
	aesgcm_start(ctx, iv, ivLength, aad, aadLength);
	ret = aesgcm_update(ctx, data, length, 0);
	if (ret != 0)
		return ret;
	aesgcm_finish(ctx, computed);
	return securesocket_tag_check(computed, tag, data, length) ? 0 : AESGCM_BAD_TAG;
}

void aesgcm_free(aesgcm_context *ctx)
{
	securesocket_wipe(ctx, sizeof(*ctx));
}

#endif /* AESGCM_X86 */
