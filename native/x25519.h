/*
 * X25519 (RFC 7748 5): our own constant-time implementation (native/x25519.c, docs/CRYPTO.md).
 */
#ifndef SECURESOCKET_X25519_H
#define SECURESOCKET_X25519_H

#include <stdint.h>

/* out = X25519(scalar, u): scalar is clamped here (decodeScalar25519), u's top bit is masked and
   a u >= p is reduced (decodeUCoordinate). Returns 0, or -1 when out is all zero (a small-order u,
   RFC 7748 6.1); out is written either way. Runs in time independent of scalar and u. */
int securesocket_x25519(uint8_t out[32], const uint8_t scalar[32], const uint8_t u[32]);

#endif
