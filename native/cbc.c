/*
 * SecureSocket crypto core: AES-CBC with PKCS#7 padding.
 *
 * Here only so that the Wycheproof AES-CBC file is covered: TLS as we speak it never uses CBC.
 *
 *   cbcEncrypt(key, iv, plaintext) -> ArrayBuffer    padded: 16 * (floor(length / 16) + 1) bytes
 *   cbcDecrypt(key, iv, ciphertext) -> ArrayBuffer   padding checked and removed
 *
 * key: 16, 24 or 32 bytes ("crypto: bad key size"); iv: 16 bytes ("crypto: bad iv size");
 * a ciphertext that is empty or not whole blocks: "crypto: bad ciphertext size"; wrong padding:
 * "crypto: bad padding" (checked without data-dependent branches).
 */
#include "crypto_common.h"

#include <stdint.h>
#include <string.h>

#include "mbedtls/aes.h"

#if defined(MBEDTLS_CIPHER_MODE_CBC)   /* not in device builds: see mbedtls_config.h */

static void cbc_arguments(xsMachine *the, const uint8_t **key, size_t *keyLength,
	const uint8_t **iv, const uint8_t **data, size_t *dataLength)
{
	void *buffer;
	xsUnsignedValue count;
	if (xsmcArgc < 3)
		crypto_type("missing argument");
	xsmcGetBufferReadable(xsArg(0), &buffer, &count);
	if ((count != 16) && (count != 24) && (count != 32))
		crypto_range("bad key size");
	*key = (const uint8_t *)buffer;
	*keyLength = count;
	xsmcGetBufferReadable(xsArg(1), &buffer, &count);
	if (count != 16)
		crypto_range("bad iv size");
	*iv = (const uint8_t *)buffer;
	xsmcGetBufferReadable(xsArg(2), &buffer, &count);
	*data = (const uint8_t *)buffer;
	*dataLength = count;
}

/* a key schedule on the heap; NULL when out of memory or refused */
static mbedtls_aes_context *cbc_key(const uint8_t *key, size_t keyLength, int encrypt)
{
	mbedtls_aes_context *aes = mbedtls_calloc(1, sizeof(mbedtls_aes_context));
	int ret;
	if (aes == NULL)
		return NULL;
	mbedtls_aes_init(aes);
	if (encrypt)
		ret = mbedtls_aes_setkey_enc(aes, key, (unsigned int)keyLength * 8);
	else
		ret = mbedtls_aes_setkey_dec(aes, key, (unsigned int)keyLength * 8);
	if (ret != 0) {
		mbedtls_aes_free(aes);
		mbedtls_free(aes);
		return NULL;
	}
	return aes;
}

static void cbc_free(mbedtls_aes_context *aes)
{
	mbedtls_aes_free(aes);             /* zeroizes the key schedule */
	mbedtls_free(aes);
}

void xs_cbc_encrypt(xsMachine *the)
{
	const uint8_t *key, *iv, *data;
	size_t keyLength, length, whole, i;
	uint8_t chain[16], last[16];
	mbedtls_aes_context *aes;
	void *output;
	xsUnsignedValue outputLength;
	int ret;

	cbc_arguments(the, &key, &keyLength, &iv, &data, &length);
	whole = length & ~(size_t)15;
	if (length > 0x7FFFFFF0)
		crypto_range("bad length");
	xsmcSetArrayBuffer(xsResult, NULL, (xsUnsignedValue)(whole + 16));
	cbc_arguments(the, &key, &keyLength, &iv, &data, &length);      /* buffers may have moved */
	xsmcGetBufferWritable(xsResult, &output, &outputLength);

	aes = cbc_key(key, keyLength, 1);
	if (aes == NULL)
		crypto_throw("out of memory");
	memcpy(chain, iv, 16);
	ret = 0;
	if (whole > 0)
		ret = mbedtls_aes_crypt_cbc(aes, MBEDTLS_AES_ENCRYPT, whole, chain, data, (uint8_t *)output);
	if (ret == 0) {
		size_t rest = length - whole;
		memcpy(last, data + whole, rest);
		for (i = rest; i < 16; i++)
			last[i] = (uint8_t)(16 - rest);
		ret = mbedtls_aes_crypt_cbc(aes, MBEDTLS_AES_ENCRYPT, 16, chain, last, (uint8_t *)output + whole);
	}
	cbc_free(aes);
	securesocket_wipe(last, sizeof(last));
	securesocket_wipe(chain, sizeof(chain));
	if (ret != 0)
		crypto_throw("cbc failed");
}

/* 0 when the last block ends with valid PKCS#7 padding, otherwise not 0; *padding gets its size */
static unsigned int cbc_padding(const uint8_t last[16], size_t *padding)
{
	unsigned int pad = last[15];
	unsigned int bad = (pad - 1) & ~15u;         /* pad is 0 or more than 16 */
	unsigned int i;
	for (i = 0; i < 16; i++) {
		/* all ones when byte i is in the padding, that is 15 - i < pad */
		unsigned int inside = 0u - (((15u - i) - pad) >> (sizeof(unsigned int) * 8 - 1));
		bad |= (last[i] ^ pad) & inside;
	}
	*padding = pad;
	return bad;
}

void xs_cbc_decrypt(xsMachine *the)
{
	const uint8_t *key, *iv, *data;
	size_t keyLength, length, padding;
	uint8_t chain[16], last[16];
	mbedtls_aes_context *aes;
	void *output;
	xsUnsignedValue outputLength;
	unsigned int bad;
	int ret;

	cbc_arguments(the, &key, &keyLength, &iv, &data, &length);
	if ((length == 0) || (length & 15))
		crypto_range("bad ciphertext size");

	/* first the last block alone (its chaining value is the block before it), for the padding */
	aes = cbc_key(key, keyLength, 0);
	if (aes == NULL)
		crypto_throw("out of memory");
	memcpy(chain, (length > 16) ? data + length - 32 : iv, 16);
	ret = mbedtls_aes_crypt_cbc(aes, MBEDTLS_AES_DECRYPT, 16, chain, data + length - 16, last);
	cbc_free(aes);
	bad = cbc_padding(last, &padding);
	if ((ret != 0) || bad) {
		securesocket_wipe(last, sizeof(last));
		securesocket_wipe(chain, sizeof(chain));
		if (ret != 0)
			crypto_throw("cbc failed");
		crypto_throw("bad padding");
	}

	/* then the other blocks, straight into the result */
	xsmcSetArrayBuffer(xsResult, NULL, (xsUnsignedValue)(length - padding));
	cbc_arguments(the, &key, &keyLength, &iv, &data, &length);      /* buffers may have moved */
	xsmcGetBufferWritable(xsResult, &output, &outputLength);
	ret = 0;
	if (length > 16) {
		aes = cbc_key(key, keyLength, 0);
		if (aes == NULL) {
			securesocket_wipe(last, sizeof(last));
			crypto_throw("out of memory");
		}
		memcpy(chain, iv, 16);
		ret = mbedtls_aes_crypt_cbc(aes, MBEDTLS_AES_DECRYPT, length - 16, chain, data, (uint8_t *)output);
		cbc_free(aes);
	}
	memcpy((uint8_t *)output + length - 16, last, 16 - padding);
	securesocket_wipe(last, sizeof(last));
	securesocket_wipe(chain, sizeof(chain));
	if (ret != 0)
		crypto_throw("cbc failed");
}

#endif /* MBEDTLS_CIPHER_MODE_CBC */
