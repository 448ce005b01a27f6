/*
 * ECDSA P-256 signing of our own (native/ec_sign.c): constant time in the private key and the nonce.
 */
#ifndef SECURESOCKET_EC_SIGN_H
#define SECURESOCKET_EC_SIGN_H

#include <stddef.h>
#include <stdint.h>

/* The ESP8266's core (64 KB of .text, npm run size:esp8266) has no room for this signer and its 2 KB
   table beside mbedtls's ECDSA (which P-384 keys need): there, P-256 signatures stay with mbedtls
   (native/ecdsa.c), as they do wherever SECURESOCKET_P256_SIGN_MBEDTLS is defined. */
#if defined(__ets__) && !defined(ESP32) && !defined(SECURESOCKET_P256_SIGN_MBEDTLS)
#define SECURESOCKET_P256_SIGN_MBEDTLS
#endif

/* The signature (r, s) of a digest under the private key d (32 bytes, big-endian), each written as
   32 big-endian bytes; the nonce comes from securesocket_random (native/random.c). The digest's
   leftmost 256 bits are used (FIPS 186-4 6.4). 0, or -1 when d is not in [1, n - 1] or the random
   source failed. */
int securesocket_p256_sign(const uint8_t d[32], const uint8_t *digest, size_t dlen, uint8_t r[32], uint8_t s[32]);

#endif
