/*
 * SecureSocket mbedtls 2.28 configuration (MBEDTLS_CONFIG_FILE).
 *
 * Only what native/ uses is enabled. Tuned for small RAM: small ECP and MPI windows, no
 * fixed-point precomputation tables in RAM, AES tables in ROM, every allocation through the
 * platform allocator (counted in the host, the device heap on Moddable targets).
 * Used by the host build (host/Makefile) and by manifest.json builds alike.
 */
#ifndef SECURESOCKET_MBEDTLS_CONFIG_H
#define SECURESOCKET_MBEDTLS_CONFIG_H

/* system support */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY            /* mbedtls_calloc/free are ours: counted and capped */
#define MBEDTLS_PLATFORM_NO_STD_FUNCTIONS
#define MBEDTLS_PLATFORM_SNPRINTF_MACRO  snprintf
#define MBEDTLS_PLATFORM_PRINTF_MACRO    printf
#define MBEDTLS_PLATFORM_FPRINTF_MACRO   fprintf
#define MBEDTLS_PLATFORM_EXIT_MACRO      exit
#define MBEDTLS_PLATFORM_STD_EXIT_SUCCESS 0
#define MBEDTLS_PLATFORM_STD_EXIT_FAILURE 1
#define MBEDTLS_NO_PLATFORM_ENTROPY        /* randomness comes from native/random.c */

/* symmetric */
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES             /* tables in flash, not built in RAM */
#define MBEDTLS_AES_FEWER_TABLES           /* 2 KB of tables instead of 8 KB */
#define MBEDTLS_GCM_C
#if defined(SECURESOCKET_MBEDTLS_CHACHAPOLY)
/* ChaCha20-Poly1305 is ours (native/chachapoly.c); mbedtls's only for the plain-C baselines of the
   benchmarks (bench/aead_c.c, bench/crypto_c.c) and as fuzz/fuzz_aead.c's reference */
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C
#endif
#define MBEDTLS_CIPHER_C                   /* the GCM module is built on the cipher layer */
#if defined(SECURESOCKET_NO_AES_DECRYPT)
/* device builds: TLS uses AES only in GCM, which only encrypts blocks; the decryption half of AES
   (its code, its key schedule and 1 KB of tables) is left out, and CBC with it (native/aes_nodecrypt.c) */
#define MBEDTLS_AES_DECRYPT_ALT
#define MBEDTLS_AES_SETKEY_DEC_ALT
#else
#define MBEDTLS_CIPHER_MODE_CBC            /* AES-CBC: for its Wycheproof vectors only; TLS never uses CBC */
#define MBEDTLS_CIPHER_PADDING_PKCS7
#endif
#if defined(__x86_64__) && !defined(SECURESOCKET_NO_AESNI)
#define MBEDTLS_AESNI_C                    /* host only: runtime-detected AES-NI and PCLMULQDQ */
#endif

/* hashes */
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA256_SMALLER             /* smaller code, a little slower */
#define MBEDTLS_SHA512_C                   /* SHA-384 and SHA-512 */
#define MBEDTLS_SHA512_SMALLER             /* a loop instead of an unrolled round function */
#define MBEDTLS_HKDF_C

/* public key */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_MPI_WINDOW_SIZE     2      /* RSA: 2 precomputed values instead of 32 */
#define MBEDTLS_MPI_MAX_SIZE        512    /* up to 4096-bit RSA */
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#if defined(SECURESOCKET_FUZZ_X25519_REFERENCE)
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED  /* fuzz/fuzz_x25519.c only: mbedtls's X25519 as the reference for ours */
#endif
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECP_MAX_BITS        384
#define MBEDTLS_ECP_WINDOW_SIZE     3      /* 4 points of precomputation (2^(w-1)), not 32 */
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 0    /* no comb tables for the base point */
#define MBEDTLS_ECP_NO_INTERNAL_RNG        /* we always pass our random source */
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_PKCS1_V21
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C               /* ECDSA signatures are written as DER */
#define MBEDTLS_OID_C

#include "mbedtls/check_config.h"

#endif /* SECURESOCKET_MBEDTLS_CONFIG_H */
