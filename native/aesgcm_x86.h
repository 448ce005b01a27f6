/*
 * SecureSocket crypto core: AES-GCM (NIST SP 800-38D) of our own for x86-64 hosts whose CPU has
 * AES-NI, PCLMULQDQ and SSE4.1 (native/aesgcm_x86.c), in place of mbedtls's, which works a block
 * at a time. native/aead.c uses it when aesgcm_x86_available() says so, mbedtls's GCM otherwise.
 * Elsewhere (xsh32, devices) AESGCM_X86 is not defined and the file compiles to nothing.
 *
 *   aesgcm_x86_available()                          1 when this CPU has the instructions (cpuid)
 *   aesgcm_setkey(ctx, key, keyLength)              16-, 24- or 32-byte key
 *   aesgcm_start(ctx, iv, ivLength, aad, aadLength) an IV of 1 byte or more (12 in TLS); all of the AAD
 *   aesgcm_update(ctx, data, length, encrypt)       in place; any number of calls, any lengths:
 *       0, or AESGCM_BAD_INPUT past the 2^36 - 32 bytes GCM allows under one IV (nothing done)
 *   aesgcm_finish(ctx, tag)                         the 16-byte tag of what was updated
 *   aesgcm_seal / aesgcm_open                       one shot (0, or AESGCM_BAD_INPUT as update); open
 *       checks the tag in constant time and, when it is wrong, leaves zeros in place of the
 *       plaintext: AESGCM_BAD_TAG
 *   aesgcm_free(ctx)                                wipes it
 */
#ifndef SECURESOCKET_AESGCM_X86_H
#define SECURESOCKET_AESGCM_X86_H

#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(SECURESOCKET_NO_AESGCM_X86)
#define AESGCM_X86 1

#define AESGCM_BAD_TAG (-1)
#define AESGCM_BAD_INPUT (-2)

typedef struct {
	uint8_t roundKeys[15][16];       /* FIPS 197 key schedule: 11, 13 or 15 round keys */
	uint8_t powers[4][16];           /* H, H^2, H^3, H^4, each bytes reversed (see aesgcm_x86.c) */
	uint8_t counter[16];             /* J0 (SP 800-38D 7.1): its first 12 bytes prefix every counter block */
	uint8_t mask[16];                /* E(K, J0), added to the tag */
	uint8_t hash[16];                /* the GHASH accumulator, bytes reversed */
	uint8_t stream[16];              /* key stream of the current partial block */
	uint8_t partial[16];             /* its ciphertext so far, hashed once the block is complete */
	uint32_t next;                   /* the 32-bit counter of the next block (inc32) */
	int rounds;                      /* 10, 12 or 14 */
	size_t used;                     /* bytes of the partial block done (0: none) */
	uint64_t aadLength, textLength;
} aesgcm_context;

int aesgcm_x86_available(void);
void aesgcm_setkey(aesgcm_context *ctx, const uint8_t *key, size_t keyLength);
void aesgcm_start(aesgcm_context *ctx, const uint8_t *iv, size_t ivLength, const uint8_t *aad, size_t aadLength);
int aesgcm_update(aesgcm_context *ctx, uint8_t *data, size_t length, int encrypt);
void aesgcm_finish(aesgcm_context *ctx, uint8_t tag[16]);
int aesgcm_seal(aesgcm_context *ctx, const uint8_t *iv, size_t ivLength, const uint8_t *aad, size_t aadLength,
	uint8_t *data, size_t length, uint8_t tag[16]);
int aesgcm_open(aesgcm_context *ctx, const uint8_t *iv, size_t ivLength, const uint8_t *aad, size_t aadLength,
	uint8_t *data, size_t length, const uint8_t tag[16]);
void aesgcm_free(aesgcm_context *ctx);

#endif /* AESGCM_X86 */

#endif /* SECURESOCKET_AESGCM_X86_H */
