/*
 * SecureSocket crypto core: the RSA public-key operation s^e mod n (RFC 8017 5.2.2 RSAVP1), no heap.
 *
 * Public inputs only (a signature and a public key): the time depends on them, which is fine.
 * Never use it with a secret exponent. The caller lends the workspace (native/rsa.c uses an
 * ArrayBuffer in the XS chunk heap): SECURESOCKET_RSA_PUBLIC_WORDS(nlen) 32-bit words, 4 k + 2 limbs
 * (k = the modulus in limbs): with 32-bit limbs 1,032 bytes for RSA-2048, 2,056 bytes for RSA-4096;
 * with 64-bit limbs 1,044 and 2,068 (one word to align them).
 */
#ifndef SECURESOCKET_RSA_PUBLIC_H
#define SECURESOCKET_RSA_PUBLIC_H

#include <stddef.h>
#include <stdint.h>

/* largest modulus accepted, bytes (4096 bits) */
#define SECURESOCKET_RSA_PUBLIC_MAX_BYTES 512

/* limb size: 64 bits where the compiler has a 128-bit product, else 32 (rsa_public.c) */
#if defined(__SIZEOF_INT128__) && !defined(SECURESOCKET_RSA_PUBLIC_LIMB32)
#define SECURESOCKET_RSA_PUBLIC_LIMB_BITS 64
#else
#define SECURESOCKET_RSA_PUBLIC_LIMB_BITS 32
#endif

/* workspace for a modulus of nlen bytes, in uint32_t words: n, two numbers, a product of k + 2 limbs
   (k = nlen in limbs), and with 64-bit limbs one word more to align them */
#define SECURESOCKET_RSA_PUBLIC_WORDS(nlen) \
	((SECURESOCKET_RSA_PUBLIC_LIMB_BITS / 32) * (4 * (((size_t)(nlen) + SECURESOCKET_RSA_PUBLIC_LIMB_BITS / 8 - 1) / \
	(SECURESOCKET_RSA_PUBLIC_LIMB_BITS / 8)) + 2) + (SECURESOCKET_RSA_PUBLIC_LIMB_BITS / 32) - 1)

enum {
	SECURESOCKET_RSA_PUBLIC_OK = 0,
	SECURESOCKET_RSA_PUBLIC_BAD_MODULUS,     /* empty, leading zero octet, even, 1, over 4096 bits */
	SECURESOCKET_RSA_PUBLIC_BAD_EXPONENT,    /* even, or below 3 */
	SECURESOCKET_RSA_PUBLIC_OUT_OF_RANGE,    /* the signature as a number is >= n (RSAVP1 step 1) */
	SECURESOCKET_RSA_PUBLIC_SMALL_WORKSPACE  /* fewer words than SECURESOCKET_RSA_PUBLIC_WORDS(nlen) */
};

/*
 * m = s^e mod n. n: the modulus, nlen big-endian octets, the first one not zero; e: the public
 * exponent (odd, >= 3); s: the signature, exactly nlen big-endian octets. work: words of
 * workspace, 4-byte aligned. On SECURESOCKET_RSA_PUBLIC_OK the result is the first nlen bytes
 * of work, big-endian (I2OSP to nlen octets), and *m points to them; on an error nothing is
 * output. Montgomery multiplication over 64-bit limbs (128-bit products) where the compiler has
 * them, else 32-bit limbs (64-bit products), R^2 mod n made with
 * Montgomery squarings and doublings, then left-to-right square-and-multiply over e's bits
 * (65537: 16 squarings and one multiplication).
 */
int securesocket_rsa_public(const uint8_t *n, size_t nlen, uint32_t e, const uint8_t *s,
	uint32_t *work, size_t words, const uint8_t **m);

#endif
