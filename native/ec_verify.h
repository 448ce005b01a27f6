/*
 * ECDSA P-256 verification of our own (native/ec_verify.c): variable time, for public inputs only.
 */
#ifndef SECURESOCKET_EC_VERIFY_H
#define SECURESOCKET_EC_VERIFY_H

#include <stddef.h>
#include <stdint.h>

/* 1 when (r, s) is a valid signature of the digest under the public key q (04 || X || Y), else 0
   (also for a q off the curve, r or s out of [1, n - 1]). r and s: big-endian, leading zero bytes
   allowed. The digest's leftmost 256 bits are used (SEC 1 4.1.4). Never use with secret values. */
int securesocket_p256_verify(const uint8_t q[65], const uint8_t *digest, size_t dlen,
	const uint8_t *r, size_t rlen, const uint8_t *s, size_t slen);

#endif
