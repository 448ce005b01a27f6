/*
 * bench-aead: the plain-C baseline of npm run bench's download throughput. Encrypts N bytes
 * (argv[1], default 10 MB) in 16 KB TLS 1.3 records (16 KB + 1 inner type byte, 5-byte header as
 * the additional data, per-record nonce) with AES-128-GCM and ChaCha20-Poly1305, then times
 * mbedtls decryption (auth_decrypt: tag checked) of every record, best of 3. Prints one JSON line:
 * {"AES-128-GCM": MB/s, "ChaCha20-Poly1305": MB/s}. Built by bench/run.mjs with cc against the
 * host's build/obj/mbedtls objects (the same objects, flags and configuration as xsh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "mbedtls/platform.h"
#include "mbedtls/gcm.h"
#include "mbedtls/chachapoly.h"

#define RECORD (16384 + 1)

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void nonceFor(unsigned char nonce[12], size_t i)
{
	memset(nonce, 0x5a, 12);
	for (int b = 0; b < 8; b++) nonce[11 - b] ^= (unsigned char)(i >> (8 * b));
}

int main(int argc, char *argv[])
{
	size_t total = argc > 1 ? strtoul(argv[1], NULL, 10) : 10 * 1024 * 1024;
	size_t records = (total + 16383) / 16384;
	unsigned char key[32], aad[5] = { 23, 3, 3, (RECORD + 16) >> 8, (RECORD + 16) & 255 }, nonce[12];
	unsigned char *data = malloc(records * (RECORD + 16)), *work = malloc(RECORD);
	double best[2] = { 0, 0 };
	if (!data || !work) return 1;
	mbedtls_platform_set_calloc_free(calloc, free);   /* the configuration has no default allocator */
	for (size_t i = 0; i < sizeof(key); i++) key[i] = (unsigned char)(i * 7 + 1);
	memset(data, 0x78, records * (RECORD + 16));
	for (int kind = 0; kind < 2; kind++) {
		mbedtls_gcm_context gcm;
		mbedtls_chachapoly_context cp;
		mbedtls_gcm_init(&gcm);
		mbedtls_chachapoly_init(&cp);
		mbedtls_gcm_setkey(&gcm, MBEDTLS_CIPHER_ID_AES, key, 128);
		mbedtls_chachapoly_setkey(&cp, key);
		for (size_t i = 0; i < records; i++) {
			unsigned char *r = data + i * (RECORD + 16);
			nonceFor(nonce, i);
			if (kind == 0) mbedtls_gcm_crypt_and_tag(&gcm, MBEDTLS_GCM_ENCRYPT, RECORD, nonce, 12, aad, 5, r, r, 16, r + RECORD);
			else mbedtls_chachapoly_encrypt_and_tag(&cp, RECORD, nonce, aad, 5, r, r, r + RECORD);
		}
		for (int round = 0; round < 3; round++) {
			double start = now();
			for (size_t i = 0; i < records; i++) {
				unsigned char *r = data + i * (RECORD + 16);
				int ret;
				nonceFor(nonce, i);
				/* decrypt into a work buffer: the ciphertext stays for the next round */
				if (kind == 0) ret = mbedtls_gcm_auth_decrypt(&gcm, RECORD, nonce, 12, aad, 5, r + RECORD, 16, r, work);
				else ret = mbedtls_chachapoly_auth_decrypt(&cp, RECORD, nonce, aad, 5, r + RECORD, r, work);
				if (ret) { fprintf(stderr, "bench-aead: decryption failed (%d)\n", ret); return 1; }
			}
			double ms = now() - start, mbps = (double)records * 16384 / ms / 1000;
			if (mbps > best[kind]) best[kind] = mbps;
		}
		mbedtls_gcm_free(&gcm);
		mbedtls_chachapoly_free(&cp);
	}
	printf("{\"AES-128-GCM\": %.1f, \"ChaCha20-Poly1305\": %.1f, \"bytes\": %zu}\n", best[0], best[1], records * 16384);
	return 0;
}
