/*
 * The key object shared by pk.c (parsing), ecdsa.c and rsa.c (verify, sign), and the one-shot
 * digest they all use. Internal to native/: JavaScript sees keys only as host objects of the
 * class `Key` (modules/crypto/keys.ts), whose host data is a securesocket_pk.
 */
#ifndef SECURESOCKET_PK_KEY_H
#define SECURESOCKET_PK_KEY_H

#include "crypto_common.h"
#include "mbedtls/ecp.h"
#include "mbedtls/md.h"
#include "mbedtls/rsa.h"

#define SECURESOCKET_PK_RSA     1
#define SECURESOCKET_PK_EC      2  /* ECDSA / ECDH over secp256r1 or secp384r1 */
#define SECURESOCKET_PK_X25519  3  /* ECDH only (RFC 8410 SubjectPublicKeyInfo) */

/* RSA sizes accepted anywhere (TLS floor and the MBEDTLS_MPI_MAX_SIZE ceiling) */
#define SECURESOCKET_RSA_MIN_BITS 2048
#define SECURESOCKET_RSA_MAX_BITS 4096

typedef struct {
	unsigned char kind;         /* SECURESOCKET_PK_* */
	unsigned char has_private;
	unsigned short bits;        /* RSA: modulus bits; EC: field bits (256, 384); X25519: 255 */
	mbedtls_ecp_group_id gid;   /* EC, X25519 */
	mbedtls_rsa_context *rsa;   /* RSA private keys: the mbedtls context (signing); else NULL */
	unsigned char qlen;         /* EC: 1 + 2 * plen (uncompressed point); X25519: 32 */
	unsigned char dlen;         /* EC private: plen (big-endian scalar); else 0 */
	uint32_t e;                 /* RSA: the public exponent (odd, 3 to 2^32 - 1) */
	unsigned char data[];       /* EC, X25519: the public point (qlen) then the scalar (dlen);
	                               RSA: the modulus, big-endian, securesocket_pk_nlen bytes */
} securesocket_pk;

/* RSA: the modulus's length in bytes (its first byte is not zero) */
static inline size_t securesocket_pk_nlen(const securesocket_pk *key)
{
	return ((size_t)key->bits + 7) / 8;
}

/* securesocket_pk_spki's results */
enum {
	PK_OK = 0,
	PK_BAD_KEY,
	PK_UNSUPPORTED_KEY,
	PK_UNSUPPORTED_CURVE,
	PK_BAD_POINT,
	PK_POINT_FORMAT,
	PK_TOO_SMALL,
	PK_TOO_LARGE,
	PK_NO_MEMORY
};

/* The key of a SubjectPublicKeyInfo (der, size bytes) into *out (free it with securesocket_pk_free):
   PK_OK or a PK_* error. No XS call: native/x509_chain.c uses it on a certificate's bytes. */
int securesocket_pk_spki(const unsigned char *der, size_t size, securesocket_pk **out);
void securesocket_pk_free(securesocket_pk *key);

/* Signature checks on plain C arguments (no XS call): 1 valid, 0 not (ECDSA: -1 out of memory).
   ecdsa.c: sig is the DER Ecdsa-Sig-Value; rsa.c: md is the message hash (and MGF1's with pss),
   saltLength bytes or -1 (any), work SECURESOCKET_RSA_PUBLIC_WORDS(modulus bytes) words. */
int securesocket_ecdsa_verify(const securesocket_pk *key, const unsigned char *digest, size_t dlen,
	const unsigned char *sig, size_t size);
int securesocket_rsa_verify_digest(const securesocket_pk *key, int pss, mbedtls_md_type_t md, int saltLength,
	const unsigned char *digest, const unsigned char *sig, size_t size, uint32_t *work, size_t words);

/* The key in `slot`, an instance of Key (XS throws when it is not one): throws "crypto: closed"
   after close(). */
securesocket_pk *securesocket_pk_get(xsMachine *the, xsSlot *slot);
void xs_pk_destructor(void *data);

/* 1 when an mbedtls error code (plain or high|low combined) says an allocation failed */
static inline int securesocket_no_memory(int ret)
{
	int code = -ret;
	if (ret >= 0)
		return 0;
	code &= 0xFFFF;
	return ((code & 0x7F) == 0x10) || ((code & 0x7F) == 0x6A) ||   /* MPI, ASN1 */
		((code & 0xFF80) == 0x4D80) || ((code & 0xFF80) == 0x3F80) ||  /* ECP, PK */
		((code & 0xFF80) == 0x5180);                                /* MD */
}

/* TLS HashAlgorithm code (2 sha1, 3 sha224, 4 sha256, 5 sha384, 6 sha512) to mbedtls; throws
   "crypto: unsupported hash" for others and for hashes this build leaves out (SHA-1). */
mbedtls_md_type_t securesocket_pk_md(xsMachine *the, xsIntegerValue hash);

/* The digest to sign or verify, into out (MBEDTLS_MD_MAX_SIZE bytes): hashes `data` with md, or
   when prehashed copies it (its length must be the hash length: "crypto: bad digest length").
   Returns the digest length. Nothing keeps a pointer into `data`. */
size_t securesocket_pk_digest(xsMachine *the, mbedtls_md_type_t md, xsSlot *data, int prehashed,
	unsigned char *out);

#endif
