/*
 * SecureSocket crypto core: ChaCha20-Poly1305 (RFC 8439), written from the RFC (native/chachapoly.h).
 *
 * ChaCha20 (RFC 8439 2.3, 2.4): the key stream of whole 64-byte blocks is XORed a 32-bit word at
 * a time straight into the data, four blocks at once where the compiler has 128-bit vectors; only
 * a chunk's last partial block goes through `stream`.
 * Poly1305 (RFC 8439 2.5): the accumulator h and the key r in radix 2^44 (three limbs, 128-bit
 * products) where the compiler has unsigned __int128, else radix 2^26 (five limbs, 64-bit
 * products). Every message block of the AEAD is whole (RFC 8439 2.8: the additional data and
 * the ciphertext are padded with zeros to 16 bytes, then the two lengths), so each adds 2^128.
 * No branch or index depends on secret data; the tag check is securesocket_tag_check() (constant time).
 */
#include "chachapoly.h"

#include <string.h>

#include "crypto_common.h"

static uint32_t load32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void store32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

#define ROTL(v, n) (((v) << (n)) | ((v) >> (32 - (n))))
#define QUARTER(a, b, c, d) \
	a += b; d ^= a; d = ROTL(d, 16); \
	c += d; b ^= c; b = ROTL(b, 12); \
	a += b; d ^= a; d = ROTL(d, 8); \
	c += d; b ^= c; b = ROTL(b, 7)

/* RFC 8439 2.3: the block function, out = 20 rounds of in, plus in */
static void chacha_block(const uint32_t in[16], uint32_t out[16])
{
	uint32_t x0 = in[0], x1 = in[1], x2 = in[2], x3 = in[3], x4 = in[4], x5 = in[5], x6 = in[6], x7 = in[7];
	uint32_t x8 = in[8], x9 = in[9], x10 = in[10], x11 = in[11], x12 = in[12], x13 = in[13], x14 = in[14], x15 = in[15];
	int i;
	for (i = 0; i < 10; i++) {
		QUARTER(x0, x4, x8, x12);       /* columns */
		QUARTER(x1, x5, x9, x13);
		QUARTER(x2, x6, x10, x14);
		QUARTER(x3, x7, x11, x15);
		QUARTER(x0, x5, x10, x15);      /* diagonals */
		QUARTER(x1, x6, x11, x12);
		QUARTER(x2, x7, x8, x13);
		QUARTER(x3, x4, x9, x14);
	}
	out[0] = x0 + in[0]; out[1] = x1 + in[1]; out[2] = x2 + in[2]; out[3] = x3 + in[3];
	out[4] = x4 + in[4]; out[5] = x5 + in[5]; out[6] = x6 + in[6]; out[7] = x7 + in[7];
	out[8] = x8 + in[8]; out[9] = x9 + in[9]; out[10] = x10 + in[10]; out[11] = x11 + in[11];
	out[12] = x12 + in[12]; out[13] = x13 + in[13]; out[14] = x14 + in[14]; out[15] = x15 + in[15];
}

#if defined(__GNUC__) && (defined(__SSE2__) || defined(__ARM_NEON))
/*
 * Four blocks at once where the compiler has 128-bit vectors (GCC/Clang vector extensions: SSE2 on
 * x86-64, NEON): each vector holds one word of the four blocks, so the rounds are the same code
 * as chacha_block()'s on vectors; block j's counter is the input's + j.
 */
typedef uint32_t chacha_lanes __attribute__((vector_size(16)));
#define CHACHA_LANES 4

/* XORs the key stream of the four blocks from in (counter c, c + 1, c + 2, c + 3) into data[0, 256);
   x: the caller's, wiped by it once its blocks are done */
static void chacha_blocks4(const uint32_t in[16], uint8_t *data, chacha_lanes x[16])
{
	chacha_lanes s[16];
	int i, j;
	for (i = 0; i < 16; i++)
		s[i] = (chacha_lanes){ in[i], in[i], in[i], in[i] };
	s[12] += (chacha_lanes){ 0, 1, 2, 3 };
	for (i = 0; i < 16; i++)
		x[i] = s[i];
	for (i = 0; i < 10; i++) {
		QUARTER(x[0], x[4], x[8], x[12]);
		QUARTER(x[1], x[5], x[9], x[13]);
		QUARTER(x[2], x[6], x[10], x[14]);
		QUARTER(x[3], x[7], x[11], x[15]);
		QUARTER(x[0], x[5], x[10], x[15]);
		QUARTER(x[1], x[6], x[11], x[12]);
		QUARTER(x[2], x[7], x[8], x[13]);
		QUARTER(x[3], x[4], x[9], x[14]);
	}
	for (i = 0; i < 16; i++)
		x[i] += s[i];
	for (j = 0; j < 4; j++) {
		for (i = 0; i < 16; i++)
			store32(data + 64 * j + 4 * i, load32(data + 64 * j + 4 * i) ^ x[i][j]);
	}
}
#else
#define CHACHA_LANES 1
#endif

/* the next key stream block as bytes, in ctx->stream */
static void chacha_next(chachapoly_context *ctx)
{
	uint32_t x[16];
	int i;
	chacha_block(ctx->input, x);
	ctx->input[12]++;
	for (i = 0; i < 16; i++)
		store32(ctx->stream + 4 * i, x[i]);
	securesocket_wipe(x, sizeof(x));
	ctx->streamUsed = 0;
}

/* RFC 8439 2.4: XORs the key stream into data[0, length) */
static void chacha_xor(chachapoly_context *ctx, uint8_t *data, size_t length)
{
	uint32_t x[16];
	size_t i;
	while ((length > 0) && (ctx->streamUsed < 64)) {
		*data++ ^= ctx->stream[ctx->streamUsed++];
		length--;
	}
#if CHACHA_LANES == 4
	if (length >= 256) {
		chacha_lanes lanes[16];
		while (length >= 256) {
			chacha_blocks4(ctx->input, data, lanes);
			ctx->input[12] += 4;
			data += 256;
			length -= 256;
		}
		securesocket_wipe(lanes, sizeof(lanes));
	}
#endif
	while (length >= 64) {
		chacha_block(ctx->input, x);
		ctx->input[12]++;
		for (i = 0; i < 16; i++)
			store32(data + 4 * i, load32(data + 4 * i) ^ x[i]);
		data += 64;
		length -= 64;
	}
	securesocket_wipe(x, sizeof(x));
	if (length > 0) {
		chacha_next(ctx);
		for (i = 0; i < length; i++)
			data[i] ^= ctx->stream[i];
		ctx->streamUsed = length;
	}
}

#if CHACHAPOLY_LIMBS == 3
/* radix 2^44: h = h0 + h1 2^44 + h2 2^88; 2^132 = 4 * 2^130 = 20 (mod 2^130 - 5) */
#define M44 (((uint64_t)1 << 44) - 1)
#define M42 (((uint64_t)1 << 42) - 1)
typedef unsigned __int128 u128;

static void poly_key(chachapoly_context *ctx, const uint8_t key[16])
{
	uint64_t t0 = (uint64_t)load32(key) | ((uint64_t)load32(key + 4) << 32);
	uint64_t t1 = (uint64_t)load32(key + 8) | ((uint64_t)load32(key + 12) << 32);
	t0 &= 0x0ffffffc0fffffffULL;     /* clamp (RFC 8439 2.5) */
	t1 &= 0x0ffffffc0ffffffcULL;
	ctx->r[0] = t0 & M44;
	ctx->r[1] = ((t0 >> 44) | (t1 << 20)) & M44;
	ctx->r[2] = t1 >> 24;
}

/* h = (h + block + 2^128) r for each whole 16-byte block of m */
static void poly_blocks(chachapoly_context *ctx, const uint8_t *m, size_t blocks)
{
	const uint64_t r0 = ctx->r[0], r1 = ctx->r[1], r2 = ctx->r[2], s1 = r1 * 20, s2 = r2 * 20;
	uint64_t h0 = ctx->h[0], h1 = ctx->h[1], h2 = ctx->h[2], c;
	while (blocks-- > 0) {
		uint64_t t0 = (uint64_t)load32(m) | ((uint64_t)load32(m + 4) << 32);
		uint64_t t1 = (uint64_t)load32(m + 8) | ((uint64_t)load32(m + 12) << 32);
		u128 d0, d1, d2;
		h0 += t0 & M44;
		h1 += ((t0 >> 44) | (t1 << 20)) & M44;
		h2 += (t1 >> 24) | ((uint64_t)1 << 40);
		d0 = (u128)h0 * r0 + (u128)h1 * s2 + (u128)h2 * s1;
		d1 = (u128)h0 * r1 + (u128)h1 * r0 + (u128)h2 * s2;
		d2 = (u128)h0 * r2 + (u128)h1 * r1 + (u128)h2 * r0;
		h0 = (uint64_t)d0 & M44; c = (uint64_t)(d0 >> 44);
		d1 += c; h1 = (uint64_t)d1 & M44; c = (uint64_t)(d1 >> 44);
		d2 += c; h2 = (uint64_t)d2 & M42; c = (uint64_t)(d2 >> 42);
		h0 += c * 5; c = h0 >> 44; h0 &= M44;
		h1 += c;
		m += 16;
	}
	ctx->h[0] = h0; ctx->h[1] = h1; ctx->h[2] = h2;
}

/* tag = (h mod 2^130 - 5) + s, mod 2^128 */
static void poly_tag(chachapoly_context *ctx, uint8_t tag[16])
{
	uint64_t h0 = ctx->h[0], h1 = ctx->h[1], h2 = ctx->h[2], g0, g1, g2, c, mask, lo, hi, s;
	int pass;
	for (pass = 0; pass < 2; pass++) {      /* twice: the first may carry out of h2 again */
		c = h1 >> 44; h1 &= M44; h2 += c;
		c = h2 >> 42; h2 &= M42; h0 += c * 5;
		c = h0 >> 44; h0 &= M44; h1 += c;
	}
	/* g = h + 5 - 2^130: h when it borrows (h < p), else g */
	g0 = h0 + 5; c = g0 >> 44; g0 &= M44;
	g1 = h1 + c; c = g1 >> 44; g1 &= M44;
	g2 = h2 + c - ((uint64_t)1 << 42);
	mask = (g2 >> 63) - 1;              /* all ones when no borrow */
	h0 = (h0 & ~mask) | (g0 & mask);
	h1 = (h1 & ~mask) | (g1 & mask);
	h2 = (h2 & ~mask) | (g2 & mask & M42);
	lo = h0 | (h1 << 44);
	hi = (h1 >> 20) | (h2 << 24);
	s = (uint64_t)ctx->s[0] | ((uint64_t)ctx->s[1] << 32);
	lo += s;
	c = (lo < s);
	hi += ((uint64_t)ctx->s[2] | ((uint64_t)ctx->s[3] << 32)) + c;
	store32(tag, (uint32_t)lo); store32(tag + 4, (uint32_t)(lo >> 32));
	store32(tag + 8, (uint32_t)hi); store32(tag + 12, (uint32_t)(hi >> 32));
}
#else
/* radix 2^26: h = h0 + h1 2^26 + ... + h4 2^104; 2^130 = 5 (mod 2^130 - 5) */
#define M26 ((uint32_t)0x3ffffff)

static void poly_key(chachapoly_context *ctx, const uint8_t key[16])
{
	uint32_t w0 = load32(key) & 0x0fffffff, w1 = load32(key + 4) & 0x0ffffffc;     /* clamp */
	uint32_t w2 = load32(key + 8) & 0x0ffffffc, w3 = load32(key + 12) & 0x0ffffffc;
	ctx->r[0] = w0 & M26;
	ctx->r[1] = ((w0 >> 26) | (w1 << 6)) & M26;
	ctx->r[2] = ((w1 >> 20) | (w2 << 12)) & M26;
	ctx->r[3] = ((w2 >> 14) | (w3 << 18)) & M26;
	ctx->r[4] = w3 >> 8;
}

static void poly_blocks(chachapoly_context *ctx, const uint8_t *m, size_t blocks)
{
	const uint32_t r0 = ctx->r[0], r1 = ctx->r[1], r2 = ctx->r[2], r3 = ctx->r[3], r4 = ctx->r[4];
	const uint32_t s1 = r1 * 5, s2 = r2 * 5, s3 = r3 * 5, s4 = r4 * 5;
	uint32_t h0 = ctx->h[0], h1 = ctx->h[1], h2 = ctx->h[2], h3 = ctx->h[3], h4 = ctx->h[4], c;
	while (blocks-- > 0) {
		uint32_t w0 = load32(m), w1 = load32(m + 4), w2 = load32(m + 8), w3 = load32(m + 12);
		uint64_t d0, d1, d2, d3, d4;
		h0 += w0 & M26;
		h1 += ((w0 >> 26) | (w1 << 6)) & M26;
		h2 += ((w1 >> 20) | (w2 << 12)) & M26;
		h3 += ((w2 >> 14) | (w3 << 18)) & M26;
		h4 += (w3 >> 8) | ((uint32_t)1 << 24);
		d0 = (uint64_t)h0 * r0 + (uint64_t)h1 * s4 + (uint64_t)h2 * s3 + (uint64_t)h3 * s2 + (uint64_t)h4 * s1;
		d1 = (uint64_t)h0 * r1 + (uint64_t)h1 * r0 + (uint64_t)h2 * s4 + (uint64_t)h3 * s3 + (uint64_t)h4 * s2;
		d2 = (uint64_t)h0 * r2 + (uint64_t)h1 * r1 + (uint64_t)h2 * r0 + (uint64_t)h3 * s4 + (uint64_t)h4 * s3;
		d3 = (uint64_t)h0 * r3 + (uint64_t)h1 * r2 + (uint64_t)h2 * r1 + (uint64_t)h3 * r0 + (uint64_t)h4 * s4;
		d4 = (uint64_t)h0 * r4 + (uint64_t)h1 * r3 + (uint64_t)h2 * r2 + (uint64_t)h3 * r1 + (uint64_t)h4 * r0;
		h0 = (uint32_t)d0 & M26; d1 += d0 >> 26;
		h1 = (uint32_t)d1 & M26; d2 += d1 >> 26;
		h2 = (uint32_t)d2 & M26; d3 += d2 >> 26;
		h3 = (uint32_t)d3 & M26; d4 += d3 >> 26;
		h4 = (uint32_t)d4 & M26; c = (uint32_t)(d4 >> 26);
		h0 += c * 5; c = h0 >> 26; h0 &= M26;
		h1 += c;
		m += 16;
	}
	ctx->h[0] = h0; ctx->h[1] = h1; ctx->h[2] = h2; ctx->h[3] = h3; ctx->h[4] = h4;
}

static void poly_tag(chachapoly_context *ctx, uint8_t tag[16])
{
	uint32_t h0 = ctx->h[0], h1 = ctx->h[1], h2 = ctx->h[2], h3 = ctx->h[3], h4 = ctx->h[4];
	uint32_t g0, g1, g2, g3, g4, c, mask, w0, w1, w2, w3;
	uint64_t f;
	int pass;
	for (pass = 0; pass < 2; pass++) {      /* twice: the first may carry out of h4 again */
		c = h1 >> 26; h1 &= M26; h2 += c;
		c = h2 >> 26; h2 &= M26; h3 += c;
		c = h3 >> 26; h3 &= M26; h4 += c;
		c = h4 >> 26; h4 &= M26; h0 += c * 5;
		c = h0 >> 26; h0 &= M26; h1 += c;
	}
	/* g = h + 5 - 2^130: h when it borrows (h < p), else g */
	g0 = h0 + 5; c = g0 >> 26; g0 &= M26;
	g1 = h1 + c; c = g1 >> 26; g1 &= M26;
	g2 = h2 + c; c = g2 >> 26; g2 &= M26;
	g3 = h3 + c; c = g3 >> 26; g3 &= M26;
	g4 = h4 + c - ((uint32_t)1 << 26);
	mask = (g4 >> 31) - 1;              /* all ones when no borrow */
	h0 = (h0 & ~mask) | (g0 & mask);
	h1 = (h1 & ~mask) | (g1 & mask);
	h2 = (h2 & ~mask) | (g2 & mask);
	h3 = (h3 & ~mask) | (g3 & mask);
	h4 = (h4 & ~mask) | (g4 & mask & M26);
	w0 = h0 | (h1 << 26);
	w1 = (h1 >> 6) | (h2 << 20);
	w2 = (h2 >> 12) | (h3 << 14);
	w3 = (h3 >> 18) | (h4 << 8);
	f = (uint64_t)w0 + ctx->s[0]; store32(tag, (uint32_t)f);
	f = (uint64_t)w1 + ctx->s[1] + (f >> 32); store32(tag + 4, (uint32_t)f);
	f = (uint64_t)w2 + ctx->s[2] + (f >> 32); store32(tag + 8, (uint32_t)f);
	f = (uint64_t)w3 + ctx->s[3] + (f >> 32); store32(tag + 12, (uint32_t)f);
}
#endif

/* Poly1305 over m[0, length): whole blocks straight from m, the rest kept in ctx->block */
static void poly_update(chachapoly_context *ctx, const uint8_t *m, size_t length)
{
	size_t n;
	if (length == 0)
		return;
	if (ctx->blockUsed > 0) {
		n = 16 - ctx->blockUsed;
		if (n > length)
			n = length;
		memcpy(ctx->block + ctx->blockUsed, m, n);
		ctx->blockUsed += n;
		m += n;
		length -= n;
		if (ctx->blockUsed < 16)
			return;
		poly_blocks(ctx, ctx->block, 1);
		ctx->blockUsed = 0;
	}
	n = length / 16;
	if (n > 0)
		poly_blocks(ctx, m, n);
	m += 16 * n;
	length -= 16 * n;
	if (length > 0) {
		memcpy(ctx->block, m, length);
		ctx->blockUsed = length;
	}
}

/* RFC 8439 2.8: pads what was hashed with zeros to a whole block */
static void poly_pad(chachapoly_context *ctx)
{
	if (ctx->blockUsed > 0) {
		memset(ctx->block + ctx->blockUsed, 0, 16 - ctx->blockUsed);
		poly_blocks(ctx, ctx->block, 1);
		ctx->blockUsed = 0;
	}
}

void chachapoly_setkey(chachapoly_context *ctx, const uint8_t key[32])
{
	int i;
	memset(ctx, 0, sizeof(*ctx));
	for (i = 0; i < 8; i++)
		ctx->key[i] = load32(key + 4 * i);
}

void chachapoly_start(chachapoly_context *ctx, const uint8_t nonce[12], const uint8_t *aad, size_t aadLength)
{
	int i;
	ctx->input[0] = 0x61707865;         /* "expand 32-byte k" */
	ctx->input[1] = 0x3320646e;
	ctx->input[2] = 0x79622d32;
	ctx->input[3] = 0x6b206574;
	for (i = 0; i < 8; i++)
		ctx->input[4 + i] = ctx->key[i];
	ctx->input[12] = 0;
	for (i = 0; i < 3; i++)
		ctx->input[13 + i] = load32(nonce + 4 * i);
	/* RFC 8439 2.6: the one-time Poly1305 key is the first 32 bytes of block 0 */
	chacha_next(ctx);
	poly_key(ctx, ctx->stream);
	for (i = 0; i < 4; i++)
		ctx->s[i] = load32(ctx->stream + 16 + 4 * i);
	securesocket_wipe(ctx->stream, sizeof(ctx->stream));
	ctx->streamUsed = 64;
	memset(ctx->h, 0, sizeof(ctx->h));
	ctx->blockUsed = 0;
	ctx->aadLength = aadLength;
	ctx->textLength = 0;
	if (aadLength > 0)
		poly_update(ctx, aad, aadLength);
	poly_pad(ctx);
}

void chachapoly_update(chachapoly_context *ctx, uint8_t *data, size_t length, int encrypt)
{
	/* the tag covers the ciphertext: after encrypting, before decrypting */
	if (encrypt)
		chacha_xor(ctx, data, length);
	poly_update(ctx, data, length);
	if (!encrypt)
		chacha_xor(ctx, data, length);
	ctx->textLength += length;
}

void chachapoly_finish(chachapoly_context *ctx, uint8_t tag[16])
{
	uint8_t lengths[16];
	poly_pad(ctx);
	store32(lengths, (uint32_t)ctx->aadLength);
	store32(lengths + 4, (uint32_t)(ctx->aadLength >> 32));
	store32(lengths + 8, (uint32_t)ctx->textLength);
	store32(lengths + 12, (uint32_t)(ctx->textLength >> 32));
	poly_blocks(ctx, lengths, 1);
	poly_tag(ctx, tag);
	/* nothing of this message is kept but the key */
	securesocket_wipe(&ctx->input, sizeof(*ctx) - offsetof(chachapoly_context, input));
	ctx->streamUsed = 64;
}

void chachapoly_seal(chachapoly_context *ctx, const uint8_t nonce[12], const uint8_t *aad, size_t aadLength,
	uint8_t *data, size_t length, uint8_t tag[16])
{
	chachapoly_start(ctx, nonce, aad, aadLength);
	chachapoly_update(ctx, data, length, 1);
	chachapoly_finish(ctx, tag);
}

int chachapoly_open(chachapoly_context *ctx, const uint8_t nonce[12], const uint8_t *aad, size_t aadLength,
	uint8_t *data, size_t length, const uint8_t tag[16])
{
	uint8_t computed[16];
	chachapoly_start(ctx, nonce, aad, aadLength);
	chachapoly_update(ctx, data, length, 0);
	chachapoly_finish(ctx, computed);
	return securesocket_tag_check(computed, tag, data, length) ? 0 : CHACHAPOLY_BAD_TAG;
}
