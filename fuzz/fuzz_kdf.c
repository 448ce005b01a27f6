/*
 * libFuzzer harness: HKDF (native/hkdf.c) and HMAC (native/hmac.c) with odd lengths. Both
 * natives pass their buffers straight to mbedtls (mbedtls_hkdf_extract / _expand,
 * mbedtls_md_hmac, and the keyed context hmac.c keeps); this runs those calls as the natives
 * make them, with lengths that TLS never uses: empty and long keys, salts, info, outputs from 0
 * to 255 * HashLen, PRKs longer than HashLen.
 *
 * Input: the fault header (fuzz.h); a selector byte: bit 0 the hash (SHA-256, SHA-384), bit 1 no
 * salt (NULL, as an undefined argument); a length byte and the salt (also the HMAC key); a
 * length byte and the info; a 16-bit output length (mod 255 * HashLen + 1); a chunk seed byte;
 * the rest is the IKM (also the HMAC message).
 *   HKDF: extract then expand equals mbedtls_hkdf; a shorter output is a prefix of the longer
 *         one; expand with the IKM as a PRK when it is at least HashLen long.
 *   HMAC: the one-shot MAC equals the incremental one over random chunks, twice in a row on one
 *         context (finish then reset, as xs_hmac_finish does).
 */
#include "fuzz.h"
#include "crypto_common.h"
#include "mbedtls/md.h"
#include "mbedtls/hkdf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_input in;
	unsigned selector, seed;
	const mbedtls_md_info_t *info;
	size_t hashSize, saltLength, infoLength, ikmLength, length, shorter, done, round;
	uint8_t *salt, *label, *ikm, *okm, *okm2, *okm3;
	uint8_t prk[MBEDTLS_MD_MAX_SIZE], mac[MBEDTLS_MD_MAX_SIZE], mac2[MBEDTLS_MD_MAX_SIZE];
	mbedtls_md_context_t context;
	int ret, ret2;

	fuzz_begin(&in, data, size);
	selector = fuzz_byte(&in);
	info = mbedtls_md_info_from_type((selector & 1) ? MBEDTLS_MD_SHA384 : MBEDTLS_MD_SHA256);
	fuzz_check(info != NULL);
	hashSize = mbedtls_md_get_size(info);
	salt = fuzz_bytes(&in, fuzz_byte(&in), &saltLength);
	label = fuzz_bytes(&in, fuzz_byte(&in), &infoLength);
	length = fuzz_u16(&in) % (255 * hashSize + 1);
	seed = fuzz_byte(&in);
	ikm = fuzz_rest(&in, &ikmLength);
	okm = malloc(length + 1);
	okm2 = malloc(length + 1);
	okm3 = malloc(length + 1);
	fuzz_check(okm && okm2 && okm3);

	/* HKDF; the natives throw on any mbedtls error, which only an allocation makes */
	ret = mbedtls_hkdf_extract(info, (selector & 2) ? NULL : salt, (selector & 2) ? 0 : saltLength, ikm,
		ikmLength, prk);
	if (ret == 0)
		ret = mbedtls_hkdf_expand(info, prk, hashSize, label, infoLength, okm, length);
	ret2 = mbedtls_hkdf(info, (selector & 2) ? NULL : salt, (selector & 2) ? 0 : saltLength, ikm, ikmLength,
		label, infoLength, okm2, length);
	fuzz_check(((ret == 0) && (ret2 == 0)) || fuzz_failed);
	if ((ret == 0) && (ret2 == 0)) {
		fuzz_check(memcmp(okm, okm2, length) == 0);
		shorter = length ? seed % length : 0;
		if (mbedtls_hkdf_expand(info, prk, hashSize, label, infoLength, okm3, shorter) == 0)
			fuzz_check(memcmp(okm, okm3, shorter) == 0);
		else
			fuzz_check(fuzz_failed);
	}
	if (ikmLength >= hashSize) {
		ret = mbedtls_hkdf_expand(info, ikm, ikmLength, label, infoLength, okm3, length);
		fuzz_check((ret == 0) || fuzz_failed);
	}

	/* HMAC: salt as the key, IKM as the message */
	ret = mbedtls_md_hmac(info, salt, saltLength, ikm, ikmLength, mac);
	fuzz_check((ret == 0) || fuzz_failed);
	mbedtls_md_init(&context);
	ret2 = mbedtls_md_setup(&context, info, 1);
	if (ret2 == 0)
		ret2 = mbedtls_md_hmac_starts(&context, salt, saltLength);
	for (round = 0; (round < 2) && (ret2 == 0); round++) {
		uint32_t state = 0x2545F491u ^ seed ^ (uint32_t)round;
		for (done = 0; (ret2 == 0) && (done < ikmLength); ) {
			size_t n;
			state ^= state << 13;
			state ^= state >> 17;
			state ^= state << 5;
			n = 1 + state % 97;
			if (n > ikmLength - done)
				n = ikmLength - done;
			ret2 = mbedtls_md_hmac_update(&context, ikm + done, n);
			done += n;
		}
		if (ret2 == 0)
			ret2 = mbedtls_md_hmac_finish(&context, mac2);
		if (ret2 == 0)
			ret2 = mbedtls_md_hmac_reset(&context);
		fuzz_check((ret2 == 0) || fuzz_failed);
		fuzz_check((ret != 0) || (ret2 != 0) || (memcmp(mac, mac2, hashSize) == 0));
	}
	mbedtls_md_free(&context);

	free(okm3);
	free(okm2);
	free(okm);
	free(ikm);
	free(label);
	free(salt);
	return 0;
}
