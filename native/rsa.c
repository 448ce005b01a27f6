/*
 * SecureSocket crypto core: RSA signatures (RFC 8017), 2048- to 4096-bit keys.
 *
 *   xs_rsa_verify_pkcs1(key, hash, data, prehashed, signature) -> boolean     RSASSA-PKCS1-v1_5
 *   xs_rsa_verify_pss(key, hash, data, prehashed, signature, saltLength, mgfHash) -> boolean
 *   xs_rsa_sign_pkcs1(key, hash, data, prehashed) -> ArrayBuffer
 *   xs_rsa_sign_pss(key, hash, data, prehashed, saltLength) -> ArrayBuffer    MGF1 with `hash`
 *
 * key: a Key (pk.c) of kind RSA. hash, mgfHash: TLS HashAlgorithm codes (4 SHA-256, 5 SHA-384,
 * 6 SHA-512, 3 SHA-224; 2 SHA-1 only in builds with MBEDTLS_SHA1_C). data: the message, hashed
 * here, or with prehashed the digest. saltLength: bytes, or -1 for any when verifying.
 *
 * PKCS#1 v1.5 verification compares the whole encoded message with the one it expects (mbedtls
 * builds it, DigestInfo with the NULL parameters), so no BER, missing-NULL or padding variant
 * passes. A signature whose length is not the modulus length is false.
 *
 * PSS: MGF1 must use the message hash. mbedtls 2.28's verify_ext takes a separate MGF1 hash but
 * also computes H = Hash(M') with it, which is wrong when the two differ; rather than return wrong
 * answers, a different mgfHash throws "crypto: unsupported MGF1 hash". TLS never mixes them.
 */
#include "crypto_common.h"
#include "pk_key.h"

#include "mbedtls/rsa.h"
#include "mbedtls/bignum.h"

/*
 * R^2 mod N, the Montgomery constant mbedtls_rsa_public caches in ctx->RN, computed by doubling
 * and subtracting instead of mbedtls's long division: the division's temporaries cost about 2.5 KB
 * of heap on a 2048-bit key, this costs one number of N's size. N is public: no secret-dependent
 * timing.
 */
static int rsa_prepare_rn(mbedtls_rsa_context *rsa)
{
	mbedtls_mpi rr;
	size_t bits, i, target;
	int ret;
	if (rsa->RN.p != NULL)
		return 0;
	bits = mbedtls_mpi_bitlen(&rsa->N);
	if (bits < 2)
		return MBEDTLS_ERR_RSA_BAD_INPUT_DATA;
	target = 2 * rsa->N.n * sizeof(mbedtls_mpi_uint) * 8;     /* R = 2^(limbs * bits per limb) */
	mbedtls_mpi_init(&rr);
	MBEDTLS_MPI_CHK(mbedtls_mpi_grow(&rr, rsa->N.n + 1));
	MBEDTLS_MPI_CHK(mbedtls_mpi_set_bit(&rr, bits - 1, 1));  /* 2^(bits-1) < N */
	for (i = bits - 1; i < target; i++) {
		MBEDTLS_MPI_CHK(mbedtls_mpi_shift_l(&rr, 1));
		if (mbedtls_mpi_cmp_mpi(&rr, &rsa->N) >= 0)
			MBEDTLS_MPI_CHK(mbedtls_mpi_sub_abs(&rr, &rr, &rsa->N));
	}
	rsa->RN = rr;
	return 0;
cleanup:
	mbedtls_mpi_free(&rr);
	return ret;
}

static mbedtls_rsa_context *rsa_key(xsMachine *the, int private)
{
	securesocket_pk *key = securesocket_pk_get(the, &xsArg(0));
	if (key->kind != SECURESOCKET_PK_RSA)
		crypto_type("not an RSA key");
	if (private && !key->has_private)
		crypto_type("not a private key");
	return key->rsa;
}

/* The signature check on plain C arguments (rsa_verify converts its arguments, then calls this;
   so does fuzz/fuzz_verify.c): 1 valid, 0 not, -1 out of memory. md: the message hash, also
   MGF1's with pss; saltLength: bytes or MBEDTLS_RSA_SALT_LEN_ANY. */
static int rsa_verify_digest(mbedtls_rsa_context *rsa, int pss, mbedtls_md_type_t md, int saltLength,
	const unsigned char *digest, const unsigned char *sig, size_t size)
{
	int ret;
	if (size != mbedtls_rsa_get_len(rsa))
		return 0;
	ret = rsa_prepare_rn(rsa);
	if (ret != 0)
		return securesocket_no_memory(ret) ? -1 : 0;
	if (pss)
		ret = mbedtls_rsa_rsassa_pss_verify_ext(rsa, NULL, NULL, MBEDTLS_RSA_PUBLIC, md, 0, digest,
			md, saltLength, sig);
	else
		ret = mbedtls_rsa_rsassa_pkcs1_v15_verify(rsa, NULL, NULL, MBEDTLS_RSA_PUBLIC, md, 0, digest,
			sig);
	if (securesocket_no_memory(ret))
		return -1;
	return ret == 0;
}

static void rsa_verify(xsMachine *the, int pss)
{
	mbedtls_rsa_context *rsa;
	unsigned char digest[MBEDTLS_MD_MAX_SIZE];
	mbedtls_md_type_t md, mgf = MBEDTLS_MD_NONE;
	int prehashed, saltLength = 0, ret;
	void *sig;
	xsUnsignedValue size;

	(void)rsa_key(the, 0);
	md = securesocket_pk_md(the, xsmcToInteger(xsArg(1)));
	prehashed = xsmcToBoolean(xsArg(3));
	if (pss) {
		saltLength = xsmcToInteger(xsArg(5));
		mgf = securesocket_pk_md(the, xsmcToInteger(xsArg(6)));
		if (mgf != md)
			crypto_throw("unsupported MGF1 hash");
		if (saltLength < 0)
			saltLength = MBEDTLS_RSA_SALT_LEN_ANY;
	}
	(void)securesocket_pk_digest(the, md, &xsArg(2), prehashed, digest);
	rsa = rsa_key(the, 0);  /* again: the conversions above could have run code that closed it */
	xsmcGetBufferReadable(xsArg(4), &sig, &size);
	/* no XS call from here: sig stays put */
	ret = rsa_verify_digest(rsa, pss, md, saltLength, digest, sig, size);
	if (ret < 0)
		crypto_throw("out of memory");
	xsmcSetBoolean(xsResult, ret);
}

static void rsa_sign(xsMachine *the, int pss)
{
	mbedtls_rsa_context *rsa;
	unsigned char digest[MBEDTLS_MD_MAX_SIZE];
	mbedtls_md_type_t md;
	int prehashed, saltLength = 0, ret;
	void *out;
	xsUnsignedValue count;

	(void)rsa_key(the, 1);
	md = securesocket_pk_md(the, xsmcToInteger(xsArg(1)));
	prehashed = xsmcToBoolean(xsArg(3));
	if (pss) {
		saltLength = xsmcToInteger(xsArg(4));
		if (saltLength < 0)
			crypto_range("bad salt length");
	}
	(void)securesocket_pk_digest(the, md, &xsArg(2), prehashed, digest);
	rsa = rsa_key(the, 1);  /* again: the conversions above could have run code that closed it */
	xsmcSetArrayBuffer(xsResult, NULL, (xsIntegerValue)mbedtls_rsa_get_len(rsa));
	xsmcGetBufferWritable(xsResult, &out, &count);
	/* no XS call from here: out stays put */
	if (pss) {
		mbedtls_rsa_set_padding(rsa, MBEDTLS_RSA_PKCS_V21, md);
		ret = mbedtls_rsa_rsassa_pss_sign_ext(rsa, securesocket_random, NULL, md, 0, digest, saltLength, out);
		mbedtls_rsa_set_padding(rsa, MBEDTLS_RSA_PKCS_V15, MBEDTLS_MD_NONE);
	}
	else
		ret = mbedtls_rsa_rsassa_pkcs1_v15_sign(rsa, securesocket_random, NULL, MBEDTLS_RSA_PRIVATE, md, 0,
			digest, out);
	securesocket_wipe(digest, sizeof(digest));
	if (ret) {
		/* a private operation that failed half way (out of memory) can leave the blinding pair
		   Vi, Vf out of step, and every later one would fail its own check: drop them, the next
		   private operation makes a new pair */
		mbedtls_mpi_free(&rsa->Vi);
		mbedtls_mpi_free(&rsa->Vf);
		securesocket_wipe(out, count);
		xsmcSetUndefined(xsResult);
		if (securesocket_no_memory(ret))
			crypto_throw("out of memory");
		if (ret == MBEDTLS_ERR_RSA_BAD_INPUT_DATA)
			crypto_range("bad salt length");
		/* MBEDTLS_ERR_RSA_VERIFY_FAILED: mbedtls_rsa_private's check of its result failed. Besides
		   a fault, the one known cause is an allocation failure that mbedtls 2.28 ignores (the
		   final mbedtls_mpi_copy in mbedtls_mpi_exp_mod); nothing wrong was output */
		crypto_throw("sign failed");
	}
}

void xs_rsa_verify_pkcs1(xsMachine *the)
{
	rsa_verify(the, 0);
}

void xs_rsa_verify_pss(xsMachine *the)
{
	rsa_verify(the, 1);
}

void xs_rsa_sign_pkcs1(xsMachine *the)
{
	rsa_sign(the, 0);
}

void xs_rsa_sign_pss(xsMachine *the)
{
	rsa_sign(the, 1);
}
