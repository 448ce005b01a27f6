/*
 * copy(target, targetOffset, source, sourceOffset, count): copies count bytes from
 * source[sourceOffset...] to target[targetOffset...] with memmove. Each buffer is an ArrayBuffer,
 * a typed array or a DataView (offsets count from the view's start). For the record layer and
 * SecureSocket's read(buffer): the XS of the host copies TypedArray.prototype.set() byte by byte
 * through its element getters and setters (about 100 times slower than memcpy for 16 KB).
 * Errors: RangeError "tls: copy beyond the buffer", TypeError "tls: copy needs 5 arguments".
 */
#include <string.h>
#include "crypto_common.h"

static size_t copy_integer(xsMachine *the, int i)
{
	int type = xsmcTypeOf(xsArg(i));
	xsIntegerValue value;
	if ((type != xsIntegerType) && (type != xsNumberType))
		securesocket_throw(the, "TypeError", "tls: copy offsets and count are numbers");
	value = xsmcToInteger(xsArg(i));
	if (value < 0)
		securesocket_throw(the, "RangeError", "tls: copy beyond the buffer");
	return (size_t)value;
}

void xs_bytes_copy(xsMachine *the)
{
	void *target, *source;
	xsUnsignedValue targetLength, sourceLength;
	size_t targetOffset, sourceOffset, count;

	if (xsmcArgc < 5)
		securesocket_throw(the, "TypeError", "tls: copy needs 5 arguments");
	targetOffset = copy_integer(the, 1);
	sourceOffset = copy_integer(the, 3);
	count = copy_integer(the, 4);
	/* the pointers last: nothing allocates after them */
	xsmcGetBufferWritable(xsArg(0), &target, &targetLength);
	xsmcGetBufferReadable(xsArg(2), &source, &sourceLength);
	if ((targetOffset > targetLength) || (count > targetLength - targetOffset)
		|| (sourceOffset > sourceLength) || (count > sourceLength - sourceOffset))
		securesocket_throw(the, "RangeError", "tls: copy beyond the buffer");
	if (count)
		memmove((uint8_t *)target + targetOffset, (const uint8_t *)source + sourceOffset, count);
}
