/*
 * SecureSocket crypto core: ChaCha20-Poly1305 (RFC 8439), our own (native/chachapoly.c), in place
 * of mbedtls's: word-wise key stream, Poly1305 in 44-bit limbs where the compiler has unsigned
 * __int128 and in 26-bit limbs elsewhere. Used by native/aead.c.
 *
 *   chachapoly_setkey(ctx, key)                 32-byte key
 *   chachapoly_start(ctx, nonce, aad, aadLength) 12-byte nonce; the additional data, all of it
 *   chachapoly_update(ctx, data, length, encrypt) in place; any number of calls, any lengths
 *   chachapoly_finish(ctx, tag)                  the 16-byte tag of what was updated
 *   chachapoly_seal / chachapoly_open            one shot; open checks the tag in constant time
 *       and, when it is wrong, leaves zeros in place of the plaintext: CHACHAPOLY_BAD_TAG
 */
#ifndef SECURESOCKET_CHACHAPOLY_H
#define SECURESOCKET_CHACHAPOLY_H

#include <stddef.h>
#include <stdint.h>

#define CHACHAPOLY_BAD_TAG (-1)

#if defined(__SIZEOF_INT128__)
#define CHACHAPOLY_LIMBS 3
typedef uint64_t chachapoly_limb;
#else
#define CHACHAPOLY_LIMBS 5
typedef uint32_t chachapoly_limb;
#endif

typedef struct {
	uint32_t key[8];
	uint32_t input[16];              /* the ChaCha20 state of the next block */
	uint8_t stream[64];              /* key stream of the current block */
	size_t streamUsed;               /* of which used (64: none left) */
	chachapoly_limb r[CHACHAPOLY_LIMBS], h[CHACHAPOLY_LIMBS];
	uint32_t s[4];                   /* Poly1305's second key half, added at the end */
	uint8_t block[16];               /* Poly1305 input not yet a whole block */
	size_t blockUsed;
	uint64_t aadLength, textLength;
} chachapoly_context;

void chachapoly_setkey(chachapoly_context *ctx, const uint8_t key[32]);
void chachapoly_start(chachapoly_context *ctx, const uint8_t nonce[12], const uint8_t *aad, size_t aadLength);
void chachapoly_update(chachapoly_context *ctx, uint8_t *data, size_t length, int encrypt);
void chachapoly_finish(chachapoly_context *ctx, uint8_t tag[16]);
void chachapoly_seal(chachapoly_context *ctx, const uint8_t nonce[12], const uint8_t *aad, size_t aadLength,
	uint8_t *data, size_t length, uint8_t tag[16]);
int chachapoly_open(chachapoly_context *ctx, const uint8_t nonce[12], const uint8_t *aad, size_t aadLength,
	uint8_t *data, size_t length, const uint8_t tag[16]);

#endif /* SECURESOCKET_CHACHAPOLY_H */
