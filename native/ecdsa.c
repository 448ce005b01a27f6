/*
 * SecureSocket crypto core: ECDSA over secp256r1 and secp384r1 (FIPS 186-4, SEC 1), signatures
 * in the DER form TLS and X.509 use: Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }.
 *
 *   xs_ecdsa_verify(key, hash, data, prehashed, signature) -> boolean
 *   xs_ecdsa_sign(key, hash, data, prehashed) -> ArrayBuffer (DER)
 *
 * key: a Key (pk.c) of kind EC. hash: TLS HashAlgorithm code (4 SHA-256, 5 SHA-384, 6 SHA-512,
 * 3 SHA-224). data: the message, hashed here, or with prehashed the digest itself.
 *
 * Verification reads the signature as strict DER and returns false for anything else: BER
 * lengths, long-form lengths (r and s of our curves always fit the short form), negative or
 * non-minimal INTEGERs, other types, missing or trailing bytes, r or s out of [1, n-1].
 * P-256 signatures are checked by our own code (native/ec_verify.c: public inputs, variable time,
 * no heap), P-384 ones by mbedtls. P-256 signatures are made by our own code (native/ec_sign.c:
 * constant time, no heap; SECURESOCKET_P256_SIGN_MBEDTLS gives them to mbedtls instead), P-384
 * ones by mbedtls (constant time).
 * SECURESOCKET_NO_SIGN (the device profile, manifest_device.json) leaves signing out: xs_ecdsa_sign
 * then throws "crypto: signing is not in this build".
 */
#include "crypto_common.h"
#include "pk_key.h"
#include "ec_verify.h"
#include "ec_sign.h"

#include "mbedtls/ecdsa.h"

#include <string.h>

#define ECDSA_MAX_DER (2 + 2 * (2 + 1 + 48))

/* one INTEGER of the signature, strict DER, short form; its content in *v, *vlen */
static int sig_integer(const unsigned char **pp, const unsigned char *end, const unsigned char **v,
	size_t *vlen)
{
	const unsigned char *p = *pp;
	size_t len;
	if (((end - p) < 2) || (p[0] != 0x02))
		return -1;
	len = p[1];
	p += 2;
	if ((len & 0x80) || (len == 0) || (len > (size_t)(end - p)))
		return -1;
	if (p[0] & 0x80)
		return -1;           /* negative */
	if ((len > 1) && (p[0] == 0) && !(p[1] & 0x80))
		return -1;           /* a leading zero octet that is not needed */
	*v = p;
	*vlen = len;
	*pp = p + len;
	return 0;
}

static int sig_parse(const unsigned char *sig, size_t size, const unsigned char **r, size_t *rlen,
	const unsigned char **s, size_t *slen)
{
	const unsigned char *p = sig, *end = sig + size;
	if ((size < 2) || (p[0] != 0x30) || (p[1] & 0x80) || ((size_t)p[1] != size - 2))
		return -1;
	p += 2;
	if (sig_integer(&p, end, r, rlen) || sig_integer(&p, end, s, slen) || (p != end))
		return -1;
	return 0;
}

/* mbedtls's verification (P-384): 1 valid, 0 not, -1 out of memory */
static int ecdsa_verify_mbedtls(const securesocket_pk *key, const unsigned char *digest, size_t dlen,
	const unsigned char *rb, size_t rlen, const unsigned char *sb, size_t slen)
{
	mbedtls_ecp_group grp;
	mbedtls_ecp_point Q;
	mbedtls_mpi r, s;
	int ret;

	mbedtls_ecp_group_init(&grp);
	mbedtls_ecp_point_init(&Q);
	mbedtls_mpi_init(&r);
	mbedtls_mpi_init(&s);
	ret = mbedtls_ecp_group_load(&grp, key->gid);
	if (ret == 0)
		ret = mbedtls_ecp_point_read_binary(&grp, &Q, key->data, key->qlen);
	if (ret == 0)
		ret = mbedtls_mpi_read_binary(&r, rb, rlen);
	if (ret == 0)
		ret = mbedtls_mpi_read_binary(&s, sb, slen);
	if (ret == 0)
		ret = mbedtls_ecdsa_verify(&grp, digest, dlen, &Q, &r, &s);
	mbedtls_mpi_free(&s);
	mbedtls_mpi_free(&r);
	mbedtls_ecp_point_free(&Q);
	mbedtls_ecp_group_free(&grp);
	if (ret == 0)
		return 1;
	return securesocket_no_memory(ret) ? -1 : 0;
}

/* 1 valid, 0 not, -1 out of memory */
int securesocket_ecdsa_verify(const securesocket_pk *key, const unsigned char *digest, size_t dlen,
	const unsigned char *sig, size_t size)
{
	const unsigned char *rb, *sb;
	size_t rlen, slen, plen = key->dlen ? key->dlen : (size_t)(key->qlen - 1) / 2;

	if (sig_parse(sig, size, &rb, &rlen, &sb, &slen))
		return 0;
	if ((rlen > plen + 1) || (slen > plen + 1))
		return 0;            /* cannot be below the group order */
	if (key->gid == MBEDTLS_ECP_DP_SECP256R1)   /* ours: native/ec_verify.c, no heap */
		return securesocket_p256_verify(key->data, digest, dlen, rb, rlen, sb, slen);
	return ecdsa_verify_mbedtls(key, digest, dlen, rb, rlen, sb, slen);
}

#ifndef SECURESOCKET_NO_SIGN
/* an INTEGER of the signature from len big-endian bytes (a value in [1, n - 1]): minimal, with a
   zero octet before a set top bit */
static size_t der_integer(unsigned char *p, const unsigned char *v, size_t len)
{
	size_t pad;
	while ((len > 1) && (*v == 0)) {
		v++;
		len--;
	}
	pad = (v[0] & 0x80) != 0;
	p[0] = 0x02;
	p[1] = (unsigned char)(len + pad);
	p[2] = 0;
	memcpy(p + 2 + pad, v, len);
	return 2 + pad + len;
}

/* mbedtls's signature (P-384): r and s as key->dlen big-endian bytes each; 0, or an mbedtls error.
   Not inlined: its group and numbers (about 300 B) stay out of the frame that calls our P-256 signer */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int ecdsa_sign_mbedtls(const securesocket_pk *key, const unsigned char *digest, size_t dlen,
	unsigned char *rb, unsigned char *sb)
{
	mbedtls_ecp_group grp;
	mbedtls_mpi d, r, s;
	int ret;
	mbedtls_ecp_group_init(&grp);
	mbedtls_mpi_init(&d);
	mbedtls_mpi_init(&r);
	mbedtls_mpi_init(&s);
	ret = mbedtls_ecp_group_load(&grp, key->gid);
	if (ret == 0)
		ret = mbedtls_mpi_read_binary(&d, key->data + key->qlen, key->dlen);
	if (ret == 0)
		ret = mbedtls_ecdsa_sign(&grp, &r, &s, &d, digest, dlen, securesocket_random, NULL);
	if (ret == 0)
		ret = mbedtls_mpi_write_binary(&r, rb, key->dlen);
	if (ret == 0)
		ret = mbedtls_mpi_write_binary(&s, sb, key->dlen);
	mbedtls_mpi_free(&s);
	mbedtls_mpi_free(&r);
	mbedtls_mpi_free(&d);
	mbedtls_ecp_group_free(&grp);
	return ret;
}

/* the DER signature in out; 0, or an mbedtls error (-1: ours failed) */
static int ecdsa_sign(const securesocket_pk *key, const unsigned char *digest, size_t dlen,
	unsigned char *out, size_t *outlen)
{
	unsigned char r[48], s[48];
	size_t n;
	int ret;
#ifndef SECURESOCKET_P256_SIGN_MBEDTLS
	if (key->gid == MBEDTLS_ECP_DP_SECP256R1)   /* ours: native/ec_sign.c, constant time, no heap */
		ret = securesocket_p256_sign(key->data + key->qlen, digest, dlen, r, s);
	else
#endif
		ret = ecdsa_sign_mbedtls(key, digest, dlen, r, s);
	if (ret)
		return ret;
	n = der_integer(out + 2, r, key->dlen);
	n += der_integer(out + 2 + n, s, key->dlen);
	out[0] = 0x30;
	out[1] = (unsigned char)n;
	*outlen = n + 2;
	return 0;
}
#endif

void xs_ecdsa_verify(xsMachine *the)
{
	securesocket_pk *key = securesocket_pk_get(the, &xsArg(0));
	unsigned char digest[MBEDTLS_MD_MAX_SIZE];
	mbedtls_md_type_t md;
	size_t dlen;
	void *sig;
	xsUnsignedValue size;
	int prehashed, result;
	if (key->kind != SECURESOCKET_PK_EC)
		crypto_type("not an EC key");
	md = securesocket_pk_md(the, xsmcToInteger(xsArg(1)));
	prehashed = xsmcToBoolean(xsArg(3));
	dlen = securesocket_pk_digest(the, md, &xsArg(2), prehashed, digest);
	key = securesocket_pk_get(the, &xsArg(0));  /* again: the conversions could have closed it */
	xsmcGetBufferReadable(xsArg(4), &sig, &size);
	result = securesocket_ecdsa_verify(key, digest, dlen, sig, size);
	if (result < 0)
		crypto_throw("out of memory");
	xsmcSetBoolean(xsResult, result);
}

void xs_ecdsa_sign(xsMachine *the)
{
#ifdef SECURESOCKET_NO_SIGN
	crypto_throw("signing is not in this build");
#else
	securesocket_pk *key = securesocket_pk_get(the, &xsArg(0));
	unsigned char digest[MBEDTLS_MD_MAX_SIZE];
	unsigned char out[ECDSA_MAX_DER];
	mbedtls_md_type_t md;
	size_t dlen, outlen = 0;
	int prehashed, ret;
	if (key->kind != SECURESOCKET_PK_EC)
		crypto_type("not an EC key");
	if (!key->has_private)
		crypto_type("not a private key");
	md = securesocket_pk_md(the, xsmcToInteger(xsArg(1)));
	prehashed = xsmcToBoolean(xsArg(3));
	dlen = securesocket_pk_digest(the, md, &xsArg(2), prehashed, digest);
	key = securesocket_pk_get(the, &xsArg(0));  /* again: the conversions could have closed it */
	ret = ecdsa_sign(key, digest, dlen, out, &outlen);
	securesocket_wipe(digest, sizeof(digest));
	if (ret) {
		if (securesocket_no_memory(ret))
			crypto_throw("out of memory");
		crypto_throw("sign failed");
	}
	xsmcSetArrayBuffer(xsResult, out, (xsIntegerValue)outlen);
#endif
}
