/*
 * SecureSocket crypto core: HKDF (RFC 5869) with SHA-256 or SHA-384 (name: "SHA-256" or "SHA-384").
 *
 *   hkdfExtract(name, salt, ikm) -> ArrayBuffer (HashLen bytes)     salt: buffer, undefined or null
 *   hkdfExpand(name, prk, info, length) -> ArrayBuffer (length)     info: buffer, undefined or null
 *   hkdf(name, ikm, salt, info, length) -> ArrayBuffer (length)     extract then expand
 *
 * length > 255 * HashLen throws "crypto: hkdf output too long" (RFC 5869 section 2.3);
 * a PRK shorter than HashLen throws "crypto: bad key size".
 */
#include "crypto_common.h"

#include <stdint.h>
#include <string.h>

#include "mbedtls/md.h"
#include "mbedtls/hkdf.h"

static const mbedtls_md_info_t *hkdf_info(xsMachine *the, int *size)
{
	int bits = securesocket_hash_bits(the, 0);
	*size = bits / 8;
	return mbedtls_md_info_from_type((bits == 256) ? MBEDTLS_MD_SHA256 : MBEDTLS_MD_SHA384);
}

static const uint8_t *hkdf_required(xsMachine *the, int i, size_t *size)
{
	void *data;
	xsUnsignedValue count;
	if (xsmcArgc <= i)
		crypto_type("missing argument");
	xsmcGetBufferReadable(xsArg(i), &data, &count);
	*size = count;
	return (const uint8_t *)data;
}

static size_t hkdf_length(xsMachine *the, int i, int hashSize)
{
	int type;
	xsIntegerValue length;
	if (xsmcArgc <= i)
		crypto_type("missing length");
	type = xsmcTypeOf(xsArg(i));
	if ((type != xsIntegerType) && (type != xsNumberType))
		crypto_type("bad length");
	length = xsmcToInteger(xsArg(i));
	if (length < 0)
		crypto_range("bad length");
	if (length > 255 * hashSize)
		crypto_range("hkdf output too long");
	return (size_t)length;
}

void xs_hkdf_extract(xsMachine *the)
{
	int hashSize;
	const mbedtls_md_info_t *info = hkdf_info(the, &hashSize);
	const uint8_t *salt, *ikm;
	size_t saltLength, ikmLength;
	void *output;
	xsUnsignedValue size = (xsUnsignedValue)hashSize;

	hkdf_required(the, 2, &ikmLength);        /* argument checks before allocating */
	securesocket_optional(the, 1, &saltLength);
	xsmcSetArrayBuffer(xsResult, NULL, size);
	ikm = hkdf_required(the, 2, &ikmLength);
	salt = securesocket_optional(the, 1, &saltLength);
	xsmcGetBufferWritable(xsResult, &output, &size);
	if (mbedtls_hkdf_extract(info, salt, saltLength, ikm, ikmLength, (uint8_t *)output) != 0)
		crypto_throw("out of memory");
}

void xs_hkdf_expand(xsMachine *the)
{
	int hashSize, ret;
	const mbedtls_md_info_t *info = hkdf_info(the, &hashSize);
	size_t length = hkdf_length(the, 3, hashSize);
	const uint8_t *prk, *label;
	size_t prkLength, labelLength;
	void *output;
	xsUnsignedValue size = (xsUnsignedValue)length;

	hkdf_required(the, 1, &prkLength);
	if (prkLength < (size_t)hashSize)
		crypto_range("bad key size");
	securesocket_optional(the, 2, &labelLength);
	xsmcSetArrayBuffer(xsResult, NULL, size);
	if (length == 0)
		return;
	prk = hkdf_required(the, 1, &prkLength);
	label = securesocket_optional(the, 2, &labelLength);
	xsmcGetBufferWritable(xsResult, &output, &size);
	ret = mbedtls_hkdf_expand(info, prk, prkLength, label, labelLength, (uint8_t *)output, length);
	if (ret != 0)
		crypto_throw("out of memory");
}

void xs_hkdf(xsMachine *the)
{
	int hashSize, ret;
	const mbedtls_md_info_t *info = hkdf_info(the, &hashSize);
	size_t length = hkdf_length(the, 4, hashSize);
	const uint8_t *ikm, *salt, *label;
	size_t ikmLength, saltLength, labelLength;
	uint8_t prk[MBEDTLS_MD_MAX_SIZE];
	void *output;
	xsUnsignedValue size = (xsUnsignedValue)length;

	hkdf_required(the, 1, &ikmLength);
	securesocket_optional(the, 2, &saltLength);
	securesocket_optional(the, 3, &labelLength);
	xsmcSetArrayBuffer(xsResult, NULL, size);
	if (length == 0)
		return;
	ikm = hkdf_required(the, 1, &ikmLength);
	salt = securesocket_optional(the, 2, &saltLength);
	label = securesocket_optional(the, 3, &labelLength);
	xsmcGetBufferWritable(xsResult, &output, &size);
	ret = mbedtls_hkdf_extract(info, salt, saltLength, ikm, ikmLength, prk);
	if (ret == 0)
		ret = mbedtls_hkdf_expand(info, prk, (size_t)hashSize, label, labelLength, (uint8_t *)output, length);
	securesocket_wipe(prk, sizeof(prk));
	if (ret != 0)
		crypto_throw("out of memory");
}
