/*
 * SecureSocket crypto core: the random source, constant-time comparison, and their host functions.
 *
 *   securesocket_random()  the mbedtls f_rng for the whole core (ECDHE, ECDSA k, RSA blinding...)
 *   securesocket_equal()   constant-time byte comparison (tags, Finished, MACs)
 *   xs_crypto_random       random(n) -> new ArrayBuffer; random(buffer [, offset, length]) -> buffer
 *   xs_crypto_equal        equal(a, b) -> boolean; false when the lengths differ
 *
 * Sources: Linux getrandom(2), macOS getentropy(2); ESP32 esp_fill_random() (the RF-seeded
 * hardware RNG); ESP8266 the hardware RNG register. There is no fallback to a weaker source:
 * a platform without one does not build.
 */
#if defined(__linux__) && !defined(_DEFAULT_SOURCE)
	#define _DEFAULT_SOURCE 1          /* getrandom() and its header under -std=c99 */
#endif

#include "crypto_common.h"

#include <stdint.h>
#include <string.h>

#if defined(ESP32)
	#if defined(__has_include)
		#if __has_include("esp_random.h")
			#include "esp_random.h"    /* ESP-IDF 4.4 and later */
		#else
			#include "esp_system.h"
		#endif
	#else
		#include "esp_system.h"
	#endif
#elif defined(__ets__)
	/* ESP8266: the hardware random number generator, a 32-bit register fed by the RF noise
	   (random while the radio is powered, which it is whenever Wi-Fi is in use) */
	#define SECURESOCKET_ESP8266_RNG (*(volatile uint32_t *)0x3FF20E44)
#elif defined(__linux__)
	#include <errno.h>
	#include <sys/random.h>
#elif defined(__APPLE__)
	#include <sys/random.h>
#else
	#error "securesocket_random: no random source for this platform"
#endif

int securesocket_random(void *context, unsigned char *out, size_t len)
{
	(void)context;
	if (len == 0)
		return 0;
	if (out == NULL)
		return -1;
#if defined(ESP32)
	esp_fill_random(out, len);
	return 0;
#elif defined(__ets__)
	while (len > 0) {
		uint32_t word = SECURESOCKET_ESP8266_RNG;
		size_t n = (len < 4) ? len : 4;
		memcpy(out, &word, n);
		out += n;
		len -= n;
	}
	return 0;
#elif defined(__linux__)
	while (len > 0) {
		ssize_t n = getrandom(out, len, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		out += n;
		len -= (size_t)n;
	}
	return 0;
#elif defined(__APPLE__)
	while (len > 0) {
		size_t n = (len < 256) ? len : 256;    /* getentropy() gives at most 256 bytes a call */
		if (getentropy(out, n) != 0)
			return -1;
		out += n;
		len -= n;
	}
	return 0;
#endif
}

int securesocket_equal(const void *a, const void *b, size_t len)
{
	const volatile unsigned char *x = (const volatile unsigned char *)a;
	const volatile unsigned char *y = (const volatile unsigned char *)b;
	unsigned char diff = 0;
	size_t i;
	for (i = 0; i < len; i++)
		diff |= (unsigned char)(x[i] ^ y[i]);
	/* 1 when diff == 0, without a data-dependent branch */
	return (int)(1 & (((unsigned int)diff - 1) >> 8));
}

int securesocket_tag_check(uint8_t computed[16], const uint8_t tag[16], uint8_t *data, size_t length)
{
	int equal = securesocket_equal(computed, tag, 16);
	securesocket_wipe(computed, 16);
	if (!equal)
		securesocket_wipe(data, length);
	return equal;
}

/* random(n) -> ArrayBuffer of n random bytes; random(buffer [, offset [, length]]) fills in place
   and returns buffer */
void xs_crypto_random(xsMachine *the)
{
	void *data;
	xsUnsignedValue count;
	xsIntegerValue offset = 0, length = -1;
	xsIntegerValue argc = xsmcArgc;
	int type;

	if (argc < 1)
		crypto_type("random: missing argument");
	type = xsmcTypeOf(xsArg(0));
	if ((type == xsIntegerType) || (type == xsNumberType)) {
		xsIntegerValue n = xsmcToInteger(xsArg(0));
		if (n < 0)
			crypto_range("bad length");
		xsmcSetArrayBuffer(xsResult, NULL, (xsUnsignedValue)n);
		xsmcGetBufferWritable(xsResult, &data, &count);
		if (securesocket_random(NULL, (unsigned char *)data, count) != 0)
			crypto_throw("no random source");
		return;
	}
	if (argc > 1) {
		type = xsmcTypeOf(xsArg(1));
		if ((type == xsIntegerType) || (type == xsNumberType))
			offset = xsmcToInteger(xsArg(1));
		else if (type != xsUndefinedType)
			crypto_type("bad offset");
	}
	if (argc > 2) {
		type = xsmcTypeOf(xsArg(2));
		if ((type == xsIntegerType) || (type == xsNumberType)) {
			length = xsmcToInteger(xsArg(2));
			if (length < 0)
				crypto_range("bad length");
		}
		else if (type != xsUndefinedType)
			crypto_type("bad length");
	}
	xsmcGetBufferWritable(xsArg(0), &data, &count);
	if ((offset < 0) || ((xsUnsignedValue)offset > count))
		crypto_range("bad offset");
	if (length < 0)
		length = (xsIntegerValue)(count - (xsUnsignedValue)offset);
	else if ((xsUnsignedValue)length > count - (xsUnsignedValue)offset)
		crypto_range("buffer too short");
	if (securesocket_random(NULL, (unsigned char *)data + offset, (size_t)length) != 0)
		crypto_throw("no random source");
	xsResult = xsArg(0);
}

/* equal(a, b) -> true when both buffers have the same length and bytes (constant time in the
   contents; the lengths are not secret) */
void xs_crypto_equal(xsMachine *the)
{
	void *a, *b;
	xsUnsignedValue aLength, bLength;
	if (xsmcArgc < 2)
		crypto_type("equal: missing argument");
	xsmcGetBufferReadable(xsArg(0), &a, &aLength);
	xsmcGetBufferReadable(xsArg(1), &b, &bLength);
	xsmcSetBoolean(xsResult, (aLength == bLength) && securesocket_equal(a, b, aLength));
}
