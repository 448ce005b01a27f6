/*
 * SecureSocket crypto core: HMAC-SHA256 and HMAC-SHA384 (RFC 2104).
 *
 * The hash is given by its name: "SHA-256" or "SHA-384".
 *
 *   hmac(name, key, data [, offset [, length]]) -> ArrayBuffer     one shot
 *   this.init(name, key)                                            incremental, keyed once
 *   this.update(data [, offset [, length]])                         data: buffer or string
 *   this.finish() -> ArrayBuffer                                    the MAC; then ready for the
 *                                                                   next message, same key
 *   this.close()                                                    frees now
 */
#include "crypto_common.h"

#include <stdint.h>
#include <string.h>

#include "mbedtls/md.h"

typedef struct {
	int bits;
	mbedtls_md_context_t md;
} hmac_state;

static void hmac_free(hmac_state *state)
{
	if (state == NULL)
		return;
	mbedtls_md_free(&state->md);            /* zeroizes and frees the keyed pads and hash state */
	securesocket_wipe(state, sizeof(hmac_state));
	mbedtls_free(state);
}

void xs_hmac_destructor(void *data)
{
	hmac_free((hmac_state *)data);
}

static const mbedtls_md_info_t *hmac_info(xsMachine *the, int i, int *bits)
{
	int n = securesocket_hash_bits(the, i);
	*bits = n;
	return mbedtls_md_info_from_type((n == 256) ? MBEDTLS_MD_SHA256 : MBEDTLS_MD_SHA384);
}

static hmac_state *hmac_get(xsMachine *the)
{
	hmac_state *state = xsmcGetHostDataValidate(xsThis, (void *)xs_hmac_destructor);
	if (state == NULL)
		crypto_throw("closed");
	return state;
}

void xs_hmac(xsMachine *the)
{
	int bits;
	const mbedtls_md_info_t *info = hmac_info(the, 0, &bits);
	xsUnsignedValue size = (xsUnsignedValue)(bits / 8), keyLength;
	void *key, *output;
	const uint8_t *input;
	size_t length;

	if (xsmcArgc < 3)
		crypto_type("missing argument");
	xsmcSetArrayBuffer(xsResult, NULL, size);
	/* after the allocation, as buffers can move; nothing below allocates in XS */
	xsmcGetBufferReadable(xsArg(1), &key, &keyLength);
	input = securesocket_input(the, 2, &length);
	xsmcGetBufferWritable(xsResult, &output, &size);
	if (mbedtls_md_hmac(info, (const uint8_t *)key, keyLength, input, length, (uint8_t *)output) != 0)
		crypto_throw("out of memory");            /* the only way it fails with valid arguments */
}

void xs_hmac_init(xsMachine *the)
{
	int bits, ret;
	const mbedtls_md_info_t *info = hmac_info(the, 0, &bits);
	hmac_state *state;
	void *key;
	xsUnsignedValue keyLength;

	if (xsmcArgc < 2)
		crypto_type("missing key");
	xsmcGetBufferReadable(xsArg(1), &key, &keyLength);      /* checked before allocating */
	state = xsmcGetHostDataValidate(xsThis, (void *)xs_hmac_destructor);
	if (state != NULL) {
		xsmcSetHostData(xsThis, NULL);
		hmac_free(state);
	}
	state = mbedtls_calloc(1, sizeof(hmac_state));
	if (state == NULL)
		crypto_throw("out of memory");
	state->bits = bits;
	mbedtls_md_init(&state->md);
	ret = mbedtls_md_setup(&state->md, info, 1);
	if (ret == 0)
		ret = mbedtls_md_hmac_starts(&state->md, (const uint8_t *)key, keyLength);
	if (ret != 0) {
		hmac_free(state);
		crypto_throw("out of memory");
	}
	xsmcSetHostData(xsThis, state);
}

void xs_hmac_update(xsMachine *the)
{
	hmac_state *state = hmac_get(the);
	size_t length;
	const uint8_t *input = securesocket_input(the, 0, &length);
	if ((length > 0) && (mbedtls_md_hmac_update(&state->md, input, length) != 0))
		crypto_throw("hmac failed");
	xsResult = xsThis;
}

void xs_hmac_finish(xsMachine *the)
{
	hmac_state *state = hmac_get(the);
	xsUnsignedValue size = (xsUnsignedValue)(state->bits / 8);
	void *output;
	int ret;
	xsmcSetArrayBuffer(xsResult, NULL, size);
	xsmcGetBufferWritable(xsResult, &output, &size);
	ret = mbedtls_md_hmac_finish(&state->md, (uint8_t *)output);
	if (ret == 0)
		ret = mbedtls_md_hmac_reset(&state->md);
	if (ret != 0)
		crypto_throw("hmac failed");
}

void xs_hmac_close(xsMachine *the)
{
	hmac_state *state = xsmcGetHostDataValidate(xsThis, (void *)xs_hmac_destructor);
	if (state != NULL) {
		xsmcSetHostData(xsThis, NULL);
		hmac_free(state);
	}
}
