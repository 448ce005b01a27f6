/*
 * libFuzzer harness: AEAD open (native/aead.c), one-shot and incremental, with hostile
 * ciphertexts, tags and lengths.
 *
 * Input: the fault header (fuzz.h); a selector byte: bit 0 the cipher (0 AES-GCM, 1
 * ChaCha20-Poly1305), bits 1-2 the AES key size (16, 24, 32, 32); the key; a nonce length byte
 * (GCM: 1 to 255 bytes; ChaCha20-Poly1305 always 12) and the nonce; a length byte and the AAD
 * (255: none, as an undefined argument); a seed byte for the chunk sizes; the rest is the record
 * (ciphertext then 16-byte tag).
 *
 *   1. One-shot open (xs_aead_open) and incremental open (xs_aead_start, update in chunks of
 *      1 to 64 bytes, finish) of the record must agree: both accept with the same plaintext, or
 *      both refuse.
 *   2. Seal the record's bytes as a plaintext (xs_aead_seal), then open that incrementally in
 *      other chunks: accepted, the plaintext back; one flipped bit in it is refused.
 *   3. ChaCha20-Poly1305 (ours, native/chachapoly.c) against mbedtls's, a differential test (the
 *      fuzz build alone compiles mbedtls's: SECURESOCKET_MBEDTLS_CHACHAPOLY): the record's open
 *      accepts or refuses as mbedtls's does, with the same plaintext, and the seal in 2 is the
 *      same ciphertext and tag.
 *   4. AES-GCM: ours (native/aesgcm_x86.c, where the CPU has AES-NI and PCLMULQDQ) against mbedtls's,
 *      a differential test: the record's one-shot and incremental opens accept or refuse as
 *      mbedtls's does, with the same plaintext; the record's bytes, and a longer message made of
 *      them (0 to 7 more runs of four blocks and 0 to 15 more bytes, from the seed byte: the
 *      four-block loop, its single blocks and odd tails), seal to the same ciphertext and tag,
 *      and open back (one-shot, and incrementally in chunks) through ours.
 * Out of memory (setkey) only under an allocation fault.
 */
#include "fuzz.h"
#include "../native/aead.c"

#include "mbedtls/chachapoly.h"

static uint32_t chunk_state;

static size_t chunk_next(size_t left)
{
	size_t n;
	chunk_state ^= chunk_state << 13;
	chunk_state ^= chunk_state >> 17;
	chunk_state ^= chunk_state << 5;
	n = 1 + chunk_state % 150;          /* partial blocks, and runs of whole 64-byte ones */
	return (n < left) ? n : left;
}

/* mbedtls's ChaCha20-Poly1305 on data[0, length), the tag after it: seal (encrypt) or open, in place */
static int reference(const uint8_t *key, const uint8_t *nonce, const uint8_t *aad, size_t aadLength,
	uint8_t *data, size_t length, int encrypt)
{
	mbedtls_chachapoly_context context;
	int ret;
	mbedtls_chachapoly_init(&context);
	ret = mbedtls_chachapoly_setkey(&context, key);
	fuzz_check(ret == 0);
	if (encrypt)
		ret = mbedtls_chachapoly_encrypt_and_tag(&context, length, nonce, aad, aadLength, data, data, data + length);
	else
		ret = mbedtls_chachapoly_auth_decrypt(&context, length, nonce, aad, aadLength, data + length, data, data);
	mbedtls_chachapoly_free(&context);
	return ret;
}

/* the incremental open of data[0, length) with its tag at data + length, in place */
static int open_in_chunks(aead_head *head, const uint8_t *nonce, size_t nonceLength, const uint8_t *aad,
	size_t aadLength, uint8_t *data, size_t length)
{
	size_t done = 0;
	int ret = aead_start_raw(head, nonce, nonceLength, aad, aadLength);
	fuzz_check((ret != 0) || head->started);
	while ((ret == 0) && (done < length)) {
		size_t n = chunk_next(length - done);
		ret = aead_update_raw(head, data + done, n);
		done += n;
	}
	if (ret == 0)
		ret = aead_finish_raw(head, data + length);
	fuzz_check(!head->started && (head->pending == 0));
	return ret;
}

#if defined(AESGCM_X86)
/* 4: ours and mbedtls's AES-GCM on the same inputs (both contexts made by the caller) */
static void gcm_differential(aead_head *ours, aead_head *theirs, const uint8_t *nonce, size_t nonceLength,
	const uint8_t *aad, size_t aadLength, const uint8_t *record, size_t length, unsigned seed)
{
	size_t longLength = length + 64 * (seed % 8) + (seed / 8) % 16, i;
	uint8_t *a = malloc(longLength + 16), *b = malloc(longLength + 16), *c = malloc(longLength + 16);
	int ret1, ret2, ret3;
	fuzz_check(a && b && c);

	/* the record as received: one-shot ours, incremental ours, mbedtls's */
	if (length >= AEAD_TAG_SIZE) {
		size_t textLength = length - AEAD_TAG_SIZE;
		memcpy(a, record, length);
		memcpy(b, record, length);
		memcpy(c, record, length);
		ret1 = aead_open_raw(ours, nonce, nonceLength, aad, aadLength, a, textLength);
		ret2 = open_in_chunks(ours, nonce, nonceLength, aad, aadLength, b, textLength);
		ret3 = aead_open_raw(theirs, nonce, nonceLength, aad, aadLength, c, textLength);
		fuzz_check(((ret1 == 0) == (ret3 == 0)) && ((ret2 == 0) == (ret3 == 0)));
		fuzz_check(memcmp(a, c, textLength) == 0);        /* a refused one is zeros in both */
		fuzz_check((ret3 != 0) || (memcmp(b, c, textLength) == 0));
	}

	/* the record's bytes, then the longer message, sealed by both and opened by ours */
	for (i = 0; i < length; i++)
		c[i] = record[i];
	for (; i < longLength; i++)
		c[i] = (uint8_t)(((length > 0) ? record[i % length] : 0) ^ (i / 16));
	for (i = 0; i < 2; i++) {
		size_t n = i ? longLength : length;
		memcpy(a, c, n);
		memcpy(b, c, n);
		fuzz_check(aead_seal_raw(ours, nonce, nonceLength, aad, aadLength, a, n) == 0);
		fuzz_check(aead_seal_raw(theirs, nonce, nonceLength, aad, aadLength, b, n) == 0);
		fuzz_check(memcmp(a, b, n + AEAD_TAG_SIZE) == 0);
		fuzz_check(open_in_chunks(ours, nonce, nonceLength, aad, aadLength, b, n) == 0);
		fuzz_check(memcmp(b, c, n) == 0);
		fuzz_check(aead_open_raw(ours, nonce, nonceLength, aad, aadLength, a, n) == 0);
		fuzz_check(memcmp(a, c, n) == 0);
	}
	free(c);
	free(b);
	free(a);
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t keySizes[4] = { 16, 24, 32, 32 };
	fuzz_input in;
	unsigned selector, seed;
	int kind, ret1, ret2;
	size_t keyLength, nonceLength, aadLength, length, textLength;
	uint8_t *key, *nonce, *aad, *record, *a, *b;
	aead_head *head;

	fuzz_begin(&in, data, size);
	selector = fuzz_byte(&in);
	kind = (selector & 1) ? AEAD_CHACHA20_POLY1305 : AEAD_AES_GCM;
	key = fuzz_bytes(&in, (kind == AEAD_AES_GCM) ? keySizes[(selector >> 1) & 3] : 32, &keyLength);
	nonce = fuzz_bytes(&in, (kind == AEAD_AES_GCM) ? fuzz_byte(&in) : 12, &nonceLength);
	aadLength = fuzz_byte(&in);
	aad = (aadLength == 255) ? NULL : fuzz_bytes(&in, aadLength, &aadLength);
	if (aad == NULL)
		aadLength = 0;
	seed = fuzz_byte(&in);
	record = fuzz_rest(&in, &length);
	chunk_state = 0x9E3779B9u ^ seed;

	/* the checks xs_aead_init and aead_nonce make before these run */
	if ((keyLength != ((kind == AEAD_AES_GCM) ? keySizes[(selector >> 1) & 3] : 32)) ||
		(nonceLength < 1) || ((kind == AEAD_CHACHA20_POLY1305) && (nonceLength != 12)))
		goto done;
	head = aead_new(kind, key, keyLength);
	if (head == NULL) {
		fuzz_check(fuzz_failed);
		goto done;
	}
	a = malloc(length + 16);
	b = malloc(length + 16);
	fuzz_check(a && b);

	/* 1. the record as received */
	if (length >= AEAD_TAG_SIZE) {
		textLength = length - AEAD_TAG_SIZE;
		memcpy(a, record, length);
		memcpy(b, record, length);
		ret1 = aead_open_raw(head, nonce, nonceLength, aad, aadLength, a, textLength);
		ret2 = open_in_chunks(head, nonce, nonceLength, aad, aadLength, b, textLength);
		fuzz_check((ret1 == 0) == (ret2 == 0));
		fuzz_check((ret1 != 0) || (memcmp(a, b, textLength) == 0));
		if (kind == AEAD_CHACHA20_POLY1305) {
			memcpy(b, record, length);
			ret2 = reference(key, nonce, aad, aadLength, b, textLength, 0);
			fuzz_check((ret1 == 0) == (ret2 == 0));
			fuzz_check((ret1 != 0) || (memcmp(a, b, textLength) == 0));
		}
	}

	/* 2. the bytes sealed, then opened */
	memcpy(a, record, length);
	ret1 = aead_seal_raw(head, nonce, nonceLength, aad, aadLength, a, length);
	fuzz_check(ret1 == 0);
	if (kind == AEAD_CHACHA20_POLY1305) {
		memcpy(b, record, length);
		fuzz_check(reference(key, nonce, aad, aadLength, b, length, 1) == 0);
		fuzz_check(memcmp(a, b, length + AEAD_TAG_SIZE) == 0);
	}
	memcpy(b, a, length + AEAD_TAG_SIZE);
	ret2 = open_in_chunks(head, nonce, nonceLength, aad, aadLength, b, length);
	fuzz_check(ret2 == 0);
	fuzz_check(memcmp(b, record, length) == 0);
	a[seed % (length + AEAD_TAG_SIZE)] ^= (uint8_t)(1u << (seed % 8));   /* a still holds the sealed record */
	memcpy(b, a, length + AEAD_TAG_SIZE);
	fuzz_check(aead_open_raw(head, nonce, nonceLength, aad, aadLength, a, length) != 0);
	fuzz_check(open_in_chunks(head, nonce, nonceLength, aad, aadLength, b, length) != 0);

#if defined(AESGCM_X86)
	if ((kind == AEAD_AES_GCM) && aesgcm_x86_available()) {
		aead_head *ours = aead_new_engine(kind, key, keyLength, 1);
		aead_head *theirs = aead_new_engine(kind, key, keyLength, 0);
		if ((ours != NULL) && (theirs != NULL))
			gcm_differential(ours, theirs, nonce, nonceLength, aad, aadLength, record, length, seed);
		else
			fuzz_check(fuzz_failed);
		aead_free(theirs);
		aead_free(ours);
	}
#endif

	free(b);
	free(a);
	aead_free(head);
done:
	free(record);
	free(aad);
	free(nonce);
	free(key);
	return 0;
}
