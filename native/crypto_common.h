/*
 * What every crypto native shares: the random source, wiping, error messages.
 * Errors are thrown as JS exceptions whose message starts with "crypto: ".
 */
#ifndef SECURESOCKET_CRYPTO_COMMON_H
#define SECURESOCKET_CRYPTO_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include "xsmc.h"
#include "mbedtls/platform.h"
#include "mbedtls/platform_util.h"

/* Fills out with len bytes from the platform's random source; mbedtls f_rng signature.
   Host: getrandom(2). ESP8266/ESP32: the hardware RNG. Returns 0, or -1 on failure. */
int securesocket_random(void *context, unsigned char *out, size_t len);

/* Argument i as bytes: a string (its bytes) or a buffer, then an optional offset (argument i + 1)
   and length (i + 2), which must be numbers. The pointer is valid until XS allocates. */
const uint8_t *securesocket_input(xsMachine *the, int i, size_t *size);

/* Argument i as a buffer, or undefined / null / missing for none (NULL, size 0). */
const uint8_t *securesocket_optional(xsMachine *the, int i, size_t *size);

/* Argument i as the name of a hash the symmetric natives take, "SHA-256" or "SHA-384": its output
   size in bits (256 or 384); anything else is RangeError "crypto: unsupported hash". */
int securesocket_hash_bits(xsMachine *the, int i);

/* Constant-time equality of two byte strings of the same length: 1 when equal. */
int securesocket_equal(const void *a, const void *b, size_t len);

#define securesocket_wipe(p, n) mbedtls_platform_zeroize((p), (n))

/* The end of an AEAD open: the computed 16-byte tag against the received one in constant time, the
   computed tag wiped, and on a mismatch the `length` bytes of plaintext at data wiped (never released).
   1 when the tag is right. */
int securesocket_tag_check(uint8_t computed[16], const uint8_t tag[16], uint8_t *data, size_t length);

/* Throws new <constructor>(message) with the message exactly as given (xsUnknownError and friends
   prefix the function's name in debug builds). */
#if defined(__GNUC__)
__attribute__((noreturn))
#endif
void securesocket_throw(xsMachine *the, const char *constructor, const char *message);

/* throw helpers: the message must say what is wrong, e.g. "crypto: bad tag" */
#define crypto_throw(msg) securesocket_throw(the, "Error", "crypto: " msg)
#define crypto_range(msg) securesocket_throw(the, "RangeError", "crypto: " msg)
#define crypto_type(msg) securesocket_throw(the, "TypeError", "crypto: " msg)

#endif
