/*
 * SecureSocket crypto core: SHA-256 and SHA-384.
 *
 * Incremental hash objects (the TLS transcript hash) with a cheap copy and a non-destructive
 * "current digest", plus a one-shot digest. The algorithm is given by its name, "SHA-256" or
 * "SHA-384" (securesocket_hash_bits).
 *
 *   this.init(name)                         allocates the context (host data)
 *   this.update(data [, offset [, length]]) data: buffer or string (its UTF-8 bytes)
 *   this.finish() -> ArrayBuffer            digest, then the context starts over
 *   this.peek() -> ArrayBuffer              digest of what was hashed so far; state unchanged
 *   this.reset()                            starts over
 *   this.copy(source)                       this takes source's state (same algorithm)
 *   this.close()                            frees the context now; later calls throw "crypto: closed"
 *   digest(name, data [, offset [, length]]) -> ArrayBuffer
 */
#include "crypto_common.h"

#include <stdint.h>
#include <string.h>

#include "mbedtls/sha256.h"
#include "mbedtls/sha512.h"

/* both start with bits, so a context is read as either once bits is known */
typedef struct {
	int bits;
	mbedtls_sha256_context c;
} sha256_state;

typedef struct {
	int bits;
	mbedtls_sha512_context c;
} sha384_state;

static void sha_free(void *data)
{
	if (data == NULL)
		return;
	if (*(int *)data == 256)
		mbedtls_sha256_free(&((sha256_state *)data)->c);     /* zeroizes */
	else
		mbedtls_sha512_free(&((sha384_state *)data)->c);
	mbedtls_free(data);
}

void xs_sha_destructor(void *data)
{
	sha_free(data);
}

static void *sha_get(xsMachine *the)
{
	void *data = xsmcGetHostDataValidate(xsThis, (void *)xs_sha_destructor);
	if (data == NULL)
		crypto_throw("closed");
	return data;
}

static int sha_start(void *data)
{
	if (*(int *)data == 256)
		return mbedtls_sha256_starts_ret(&((sha256_state *)data)->c, 0);
	return mbedtls_sha512_starts_ret(&((sha384_state *)data)->c, 1);
}

static int sha_update(void *data, const uint8_t *input, size_t length)
{
	if (length == 0)
		return 0;
	if (*(int *)data == 256)
		return mbedtls_sha256_update_ret(&((sha256_state *)data)->c, input, length);
	return mbedtls_sha512_update_ret(&((sha384_state *)data)->c, input, length);
}

static int sha_finish(void *data, uint8_t *output)
{
	if (*(int *)data == 256)
		return mbedtls_sha256_finish_ret(&((sha256_state *)data)->c, output);
	return mbedtls_sha512_finish_ret(&((sha384_state *)data)->c, output);
}

void xs_sha_init(xsMachine *the)
{
	int bits = securesocket_hash_bits(the, 0);
	void *data = xsmcGetHostDataValidate(xsThis, (void *)xs_sha_destructor);
	if (data != NULL) {                         /* initialised twice: start over cleanly */
		xsmcSetHostData(xsThis, NULL);
		sha_free(data);
	}
	if (bits == 256) {
		sha256_state *state = mbedtls_calloc(1, sizeof(sha256_state));
		if (state == NULL)
			crypto_throw("out of memory");
		state->bits = 256;
		mbedtls_sha256_init(&state->c);
		data = state;
	}
	else {
		sha384_state *state = mbedtls_calloc(1, sizeof(sha384_state));
		if (state == NULL)
			crypto_throw("out of memory");
		state->bits = 384;
		mbedtls_sha512_init(&state->c);
		data = state;
	}
	if (sha_start(data) != 0) {
		sha_free(data);
		crypto_throw("hash failed");
	}
	xsmcSetHostData(xsThis, data);
}

void xs_sha_update(xsMachine *the)
{
	void *data = sha_get(the);
	size_t length;
	const uint8_t *input = securesocket_input(the, 0, &length);
	if (sha_update(data, input, length) != 0)
		crypto_throw("hash failed");
	xsResult = xsThis;
}

void xs_sha_finish(xsMachine *the)
{
	void *data = sha_get(the);
	xsUnsignedValue size = (xsUnsignedValue)(*(int *)data / 8);
	void *output;
	int ret;
	xsmcSetArrayBuffer(xsResult, NULL, size);
	xsmcGetBufferWritable(xsResult, &output, &size);
	ret = sha_finish(data, (uint8_t *)output);
	if (ret == 0)
		ret = sha_start(data);
	if (ret != 0)
		crypto_throw("hash failed");
}

void xs_sha_peek(xsMachine *the)
{
	void *data = sha_get(the);
	xsUnsignedValue size = (xsUnsignedValue)(*(int *)data / 8);
	void *output;
	int ret;
	xsmcSetArrayBuffer(xsResult, NULL, size);
	xsmcGetBufferWritable(xsResult, &output, &size);
	/* finish a copy on the heap: the state itself goes on */
	if (*(int *)data == 256) {
		mbedtls_sha256_context *copy = mbedtls_calloc(1, sizeof(mbedtls_sha256_context));
		if (copy == NULL)
			crypto_throw("out of memory");
		mbedtls_sha256_init(copy);
		mbedtls_sha256_clone(copy, &((sha256_state *)data)->c);
		ret = mbedtls_sha256_finish_ret(copy, (uint8_t *)output);
		mbedtls_sha256_free(copy);
		mbedtls_free(copy);
	}
	else {
		mbedtls_sha512_context *copy = mbedtls_calloc(1, sizeof(mbedtls_sha512_context));
		if (copy == NULL)
			crypto_throw("out of memory");
		mbedtls_sha512_init(copy);
		mbedtls_sha512_clone(copy, &((sha384_state *)data)->c);
		ret = mbedtls_sha512_finish_ret(copy, (uint8_t *)output);
		mbedtls_sha512_free(copy);
		mbedtls_free(copy);
	}
	if (ret != 0)
		crypto_throw("hash failed");
}

void xs_sha_reset(xsMachine *the)
{
	void *data = sha_get(the);
	if (sha_start(data) != 0)
		crypto_throw("hash failed");
	xsResult = xsThis;
}

void xs_sha_copy(xsMachine *the)
{
	void *data = sha_get(the);
	void *source;
	if (xsmcArgc < 1)
		crypto_type("missing source");
	source = xsmcGetHostDataValidate(xsArg(0), (void *)xs_sha_destructor);
	if (source == NULL)
		crypto_throw("closed");
	if (*(int *)source != *(int *)data)
		crypto_type("hash algorithm mismatch");
	if (source != data) {
		if (*(int *)data == 256)
			mbedtls_sha256_clone(&((sha256_state *)data)->c, &((sha256_state *)source)->c);
		else
			mbedtls_sha512_clone(&((sha384_state *)data)->c, &((sha384_state *)source)->c);
	}
	xsResult = xsThis;
}

void xs_sha_close(xsMachine *the)
{
	void *data = xsmcGetHostDataValidate(xsThis, (void *)xs_sha_destructor);
	if (data != NULL) {
		xsmcSetHostData(xsThis, NULL);
		sha_free(data);
	}
}

void xs_sha_digest(xsMachine *the)
{
	int bits = securesocket_hash_bits(the, 0);
	xsUnsignedValue size = (xsUnsignedValue)(bits / 8);
	const uint8_t *input;
	size_t length;
	void *output;
	int ret;
	xsmcSetArrayBuffer(xsResult, NULL, size);
	input = securesocket_input(the, 1, &length);          /* after the allocation: buffers can move */
	xsmcGetBufferWritable(xsResult, &output, &size);
	if (bits == 256)
		ret = mbedtls_sha256_ret(input, length, (uint8_t *)output, 0);
	else
		ret = mbedtls_sha512_ret(input, length, (uint8_t *)output, 1);
	if (ret != 0)
		crypto_throw("hash failed");
}
