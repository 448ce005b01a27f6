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
 * Verification is ours and uses no native heap: the public operation (native/rsa_public.c) works
 * in an ArrayBuffer made here for the call (XS chunk heap, SECURESOCKET_RSA_PUBLIC_WORDS(nlen)
 * words: 1 KB for RSA-2048, 2 KB for RSA-4096, garbage once the call returns), and the
 * encodings are checked on its output (RFC 8017 9.1.2 EMSA-PSS-VERIFY, 9.2 EMSA-PKCS1-v1_5). A
 * signature whose length is not the modulus length, or whose value is not below the modulus, is
 * false.
 *
 * PKCS#1 v1.5 compares the whole encoded message with the one it expects, DigestInfo with the
 * NULL parameters (RFC 8017 9.2 note 1), in constant-time style, so no BER, missing-NULL or
 * padding variant passes.
 *
 * PSS: MGF1 must use the message hash ("crypto: unsupported MGF1 hash" otherwise; TLS never mixes
 * them). With saltLength -1 the salt is whatever follows the 0x01 separator.
 *
 * Signing is mbedtls's (the private key's context, blinded, with mbedtls's CRT).
 */
#include "crypto_common.h"
#include "pk_key.h"

#include "rsa_public.h"
#include "mbedtls/rsa.h"

#include <string.h>

/* RFC 8017 9.2 EMSA-PKCS1-v1_5, compared: em (k bytes) must equal 00 01 FF..FF 00 DigestInfo,
   DigestInfo = SEQUENCE { SEQUENCE { hash OID, NULL }, OCTET STRING digest } (9.2 note 1), with
   at least 8 FF. The expected encoding is made in `expected` (k bytes), then the two are compared
   whole, in constant time. */
static int rsa_pkcs1_check(const unsigned char *em, size_t k, mbedtls_md_type_t md,
	const unsigned char *digest, size_t hlen, unsigned char *expected)
{
	/* SHA-2 (2.16.840.1.101.3.4.2.x): the lengths and the OID's last arc are filled in below */
	static const unsigned char sha2[] = { 0x30, 0x00, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
		0x65, 0x03, 0x04, 0x02, 0x00, 0x05, 0x00, 0x04, 0x00 };
	unsigned char *info;
	unsigned char arc;
	switch (md) {
	case MBEDTLS_MD_SHA224: arc = 4; break;
	case MBEDTLS_MD_SHA256: arc = 1; break;
	case MBEDTLS_MD_SHA384: arc = 2; break;
	case MBEDTLS_MD_SHA512: arc = 3; break;
	default: return 0;     /* SHA-1 (builds with MBEDTLS_SHA1_C): not for RSA signatures here */
	}
	if (k < sizeof(sha2) + hlen + 11)
		return 0;
	memset(expected, 0xFF, k);
	expected[0] = 0x00;
	expected[1] = 0x01;
	info = expected + k - hlen - sizeof(sha2);
	info[-1] = 0x00;
	memcpy(info, sha2, sizeof(sha2));
	info[1] = (unsigned char)(sizeof(sha2) - 2 + hlen);
	info[14] = arc;
	info[18] = (unsigned char)hlen;
	memcpy(info + sizeof(sha2), digest, hlen);
	return securesocket_equal(em, expected, k);
}

/* RFC 8017 9.1.2 EMSA-PSS-VERIFY on em (k bytes, the public operation's output; emBits =
   modBits - 1), in place; scratch: room for M' (8 + hlen + k bytes). Public data only. */
static int rsa_pss_check(unsigned char *em, size_t k, size_t modBits, mbedtls_md_type_t md,
	const unsigned char *digest, int saltLength, unsigned char *scratch)
{
	const mbedtls_md_info_t *info = mbedtls_md_info_from_type(md);
	unsigned char block[MBEDTLS_MD_MAX_SIZE + 4], hash[MBEDTLS_MD_MAX_SIZE];
	size_t emBits = modBits - 1, emLen = (emBits + 7) / 8, hlen = mbedtls_md_get_size(info), dbLen, i, slen;
	unsigned char top = (unsigned char)(0xFF >> (8 * emLen - emBits));
	if (emLen < k) {              /* modBits = 8k - 7: I2OSP to emLen octets needs a leading zero */
		if (*em++ != 0)
			return 0;
	}
	if ((emLen < hlen + 2) || (em[emLen - 1] != 0xBC) || (em[0] & ~top))
		return 0;                 /* steps 3, 4, 6 */
	dbLen = emLen - hlen - 1;
	/* steps 7, 8: DB = maskedDB xor MGF1(H, dbLen); the counter stays below 256 (dbLen < 512) */
	memcpy(block, em + dbLen, hlen);
	memset(block + hlen, 0, 4);
	for (i = 0; i < dbLen; i++) {
		if ((i % hlen) == 0) {
			if (mbedtls_md(info, block, hlen + 4, hash) != 0)
				return 0;
			block[hlen + 3]++;
		}
		em[i] ^= hash[i % hlen];
	}
	em[0] &= top;                 /* step 9 */
	/* step 10: PS zeros, then 0x01 */
	for (i = 0; (i < dbLen) && (em[i] == 0); i++)
		;
	slen = dbLen - i - 1;
	if ((i == dbLen) || (em[i] != 0x01) || ((saltLength >= 0) && (slen != (size_t)saltLength)))
		return 0;
	/* steps 12 to 14: H' = Hash(0^8 || mHash || salt) */
	memset(scratch, 0, 8);
	memcpy(scratch + 8, digest, hlen);
	memcpy(scratch + 8 + hlen, em + dbLen - slen, slen);
	return (mbedtls_md(info, scratch, 8 + hlen + slen, hash) == 0) && (memcmp(hash, em + dbLen, hlen) == 0);
}

/* The signature check on plain C arguments (rsa_verify converts its arguments, then calls this;
   so does fuzz/fuzz_verify.c): 1 valid, 0 not. md: the message hash, also MGF1's with pss;
   saltLength: bytes or -1 (any). work: SECURESOCKET_RSA_PUBLIC_WORDS(modulus bytes) words. */
int securesocket_rsa_verify_digest(const securesocket_pk *key, int pss, mbedtls_md_type_t md, int saltLength,
	const unsigned char *digest, const unsigned char *sig, size_t size, uint32_t *work, size_t words)
{
	size_t k = securesocket_pk_nlen(key);
	const unsigned char *em;
	const mbedtls_md_info_t *info = mbedtls_md_info_from_type(md);
	/* the output is work's first k bytes; after its 4 * ceil(k / 4), 12 * ceil(k / 4) + 8 bytes
	   are free: room for the expected encoding (k) or M' (8 + hlen + salt < 8 + k) */
	unsigned char *scratch = (unsigned char *)(work + (k + 3) / 4);
	if ((size != k) || (info == NULL) ||
		(securesocket_rsa_public(key->data, k, key->e, sig, work, words, &em) != SECURESOCKET_RSA_PUBLIC_OK))
		return 0;
	if (pss)
		return rsa_pss_check((unsigned char *)work, k, key->bits, md, digest, saltLength, scratch);
	return rsa_pkcs1_check(em, k, md, digest, mbedtls_md_get_size(info), scratch);
}

static securesocket_pk *rsa_key(xsMachine *the, int private)
{
	securesocket_pk *key = securesocket_pk_get(the, &xsArg(0));
	if (key->kind != SECURESOCKET_PK_RSA)
		crypto_type("not an RSA key");
	if (private && !key->has_private)
		crypto_type("not a private key");
	return key;
}

static void rsa_verify(xsMachine *the, int pss)
{
	securesocket_pk *key;
	unsigned char digest[MBEDTLS_MD_MAX_SIZE];
	mbedtls_md_type_t md, mgf = MBEDTLS_MD_NONE;
	int prehashed, saltLength = 0, ret = 0;
	void *sig, *buffer;
	xsUnsignedValue size, count;
	size_t words;

	(void)rsa_key(the, 0);
	md = securesocket_pk_md(the, xsmcToInteger(xsArg(1)));
	prehashed = xsmcToBoolean(xsArg(3));
	if (pss) {
		saltLength = xsmcToInteger(xsArg(5));
		mgf = securesocket_pk_md(the, xsmcToInteger(xsArg(6)));
		if (mgf != md)
			crypto_throw("unsupported MGF1 hash");
		if (saltLength < 0)
			saltLength = -1;
	}
	(void)securesocket_pk_digest(the, md, &xsArg(2), prehashed, digest);
	key = rsa_key(the, 0);  /* again: the conversions above could have run code that closed it */
	words = SECURESOCKET_RSA_PUBLIC_WORDS(securesocket_pk_nlen(key));
	xsmcGetBufferReadable(xsArg(4), &sig, &size);
	if (size == securesocket_pk_nlen(key)) {
		/* the workspace, held by xsResult until the verdict replaces it; one word more for its
		   alignment */
		xsmcSetArrayBuffer(xsResult, NULL, (xsIntegerValue)((words + 1) * sizeof(uint32_t)));
		key = rsa_key(the, 0);
		xsmcGetBufferWritable(xsResult, &buffer, &count);
		xsmcGetBufferReadable(xsArg(4), &sig, &size);
		/* no XS call from here: sig and the workspace stay put */
		ret = securesocket_rsa_verify_digest(key, pss, md, saltLength, digest, sig, size,
			(uint32_t *)(((uintptr_t)buffer + 3) & ~(uintptr_t)3), words);
	}
	xsmcSetBoolean(xsResult, ret);
}

#ifndef SECURESOCKET_NO_SIGN
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
	rsa = rsa_key(the, 1)->rsa;  /* again: the conversions above could have run code that closed it */
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
#else
/* SECURESOCKET_NO_SIGN: the device profile (manifest_device.json) signs nothing */
static void rsa_sign(xsMachine *the, int pss)
{
	(void)pss;
	crypto_throw("signing is not in this build");
}
#endif

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
