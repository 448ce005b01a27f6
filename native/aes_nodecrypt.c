/*
 * Device builds (SECURESOCKET_NO_AES_DECRYPT): AES block decryption is not needed (GCM only
 * encrypts blocks), so mbedtls's is replaced by these two refusals; mbedtls still names them from
 * its cipher wrappers. The host builds the full AES for the AES-CBC vectors.
 */
#include "crypto_common.h"
#include "mbedtls/aes.h"
#include <string.h>

#if defined(MBEDTLS_AES_DECRYPT_ALT) && defined(MBEDTLS_AES_SETKEY_DEC_ALT)

int mbedtls_aes_setkey_dec(mbedtls_aes_context *ctx, const unsigned char *key, unsigned int keybits)
{
	(void)ctx;
	(void)key;
	(void)keybits;
	return MBEDTLS_ERR_PLATFORM_FEATURE_UNSUPPORTED;
}

int mbedtls_internal_aes_decrypt(mbedtls_aes_context *ctx, const unsigned char input[16], unsigned char output[16])
{
	(void)ctx;
	(void)input;
	memset(output, 0, 16);
	return MBEDTLS_ERR_PLATFORM_FEATURE_UNSUPPORTED;
}

#endif
