/*
 * Arguments shared by the natives: bytes given as a string or a buffer, with an optional
 * offset and length; the name of a hash.
 */
#include <stdint.h>
#include <string.h>
#include "crypto_common.h"

/* Argument i as bytes: a string (its bytes) or a buffer, then optional offset (i + 1) and
   length (i + 2), which must be numbers. The pointer is valid until XS allocates. */
const uint8_t *securesocket_input(xsMachine *the, int i, size_t *size)
{
	xsIntegerValue argc = xsmcArgc;
	xsIntegerValue offset = 0, length = -1;
	const uint8_t *data;
	size_t count;
	int type;

	if (argc <= i)
		crypto_type("missing data");
	if (argc > i + 1) {
		type = xsmcTypeOf(xsArg(i + 1));
		if ((type == xsIntegerType) || (type == xsNumberType))
			offset = xsmcToInteger(xsArg(i + 1));
		else if (type != xsUndefinedType)
			crypto_type("bad offset");
	}
	if (argc > i + 2) {
		type = xsmcTypeOf(xsArg(i + 2));
		if ((type == xsIntegerType) || (type == xsNumberType)) {
			length = xsmcToInteger(xsArg(i + 2));
			if (length < 0)
				crypto_range("bad length");
		}
		else if (type != xsUndefinedType)
			crypto_type("bad length");
	}
	type = xsmcTypeOf(xsArg(i));
	if ((type == xsStringType) || (type == xsStringXType)) {
		data = (const uint8_t *)xsmcToString(xsArg(i));
		count = strlen((const char *)data);
	}
	else {
		void *buffer;
		xsUnsignedValue bufferCount;
		xsmcGetBufferReadable(xsArg(i), &buffer, &bufferCount);
		data = (const uint8_t *)buffer;
		count = bufferCount;
	}
	if ((offset < 0) || ((size_t)offset > count))
		crypto_range("bad offset");
	if (length < 0)
		length = (xsIntegerValue)(count - (size_t)offset);
	else if ((size_t)length > count - (size_t)offset)
		crypto_range("buffer too short");
	*size = (size_t)length;
	return data + offset;
}

/* argument i: a buffer, or undefined / null / missing for none (NULL, size 0) */
const uint8_t *securesocket_optional(xsMachine *the, int i, size_t *size)
{
	void *data;
	xsUnsignedValue count;
	int type;
	*size = 0;
	if (xsmcArgc <= i)
		return NULL;
	type = xsmcTypeOf(xsArg(i));
	if ((type == xsUndefinedType) || (type == xsNullType))
		return NULL;
	xsmcGetBufferReadable(xsArg(i), &data, &count);
	*size = count;
	return (const uint8_t *)data;
}

/* Argument i as "SHA-256" or "SHA-384": 256 or 384 (the bits of its output) */
int securesocket_hash_bits(xsMachine *the, int i)
{
	int type = xsmcTypeOf(xsArg(i));
	if ((type == xsStringType) || (type == xsStringXType)) {
		const char *name = xsmcToString(xsArg(i));
		if (!strcmp(name, "SHA-256"))
			return 256;
		if (!strcmp(name, "SHA-384"))
			return 384;
	}
	crypto_range("unsupported hash");
}
