/*
 * libFuzzer harness: signature verification (native/ecdsa.c, native/rsa.c) with hostile keys,
 * signatures and hashes.
 *
 * Input: the fault header (fuzz.h); a selector byte: bits 0-1 the algorithm (0 ECDSA,
 * 1 RSASSA-PKCS1-v1_5, 2 RSASSA-PSS, 3 ECDSA), bits 2-3 the hash (3 + n: SHA-224, SHA-256, SHA-384,
 * SHA-512), bit 4 prehashed (the message is the digest), bit 5 PSS salt length "any", bit 6 compare
 * with mbedtls (P-256 ECDSA and RSA: slow under the sanitizers, so not on every input); a PSS salt
 * length byte; a 16-bit length and the key (SubjectPublicKeyInfo, parsed by pk.c); a 16-bit length
 * and the message; the rest is the signature. The key goes through securesocket_pk_spki as in xs_pk_init, the
 * digest as securesocket_pk_digest makes it, then the check xs_ecdsa_verify or rsa_verify runs.
 * The verdict must be 0 or 1 (-1, out of memory, only under an allocation fault); a valid one
 * must stay valid when the fault is gone (nothing is cached wrongly in the key). P-256 ECDSA and
 * RSA verification are our own code (native/ec_verify.c; native/rsa_public.c and rsa.c's encoding
 * checks): with bit 6, the verdict must equal mbedtls's on the same signature (RSA: mbedtls_rsa's
 * PKCS#1 v1.5 and PSS verification, with a context made from the key's n and e here). RSA's
 * workspace is a heap block of exactly SECURESOCKET_RSA_PUBLIC_WORDS words, so AddressSanitizer
 * sees any access past it.
 */
#include "fuzz.h"
#include "../native/pk.c"
#include "../native/ecdsa.c"
#include "../native/rsa.c"

static mbedtls_md_type_t verify_md(unsigned code)
{
	switch (code) {
	case 3: return MBEDTLS_MD_SHA224;
	case 4: return MBEDTLS_MD_SHA256;
	case 5: return MBEDTLS_MD_SHA384;
	default: return MBEDTLS_MD_SHA512;
	}
}

static int verify_once(const securesocket_pk *key, int alg, mbedtls_md_type_t md, int salt,
	const unsigned char *digest, size_t dlen, const uint8_t *sig, size_t sigLength)
{
	if (key->kind == SECURESOCKET_PK_EC)
		return ((alg == 0) || (alg == 3)) ? securesocket_ecdsa_verify(key, digest, dlen, sig, sigLength) : 0;
	if ((key->kind == SECURESOCKET_PK_RSA) && ((alg == 1) || (alg == 2))) {
		size_t words = SECURESOCKET_RSA_PUBLIC_WORDS(securesocket_pk_nlen(key));
		uint32_t *work = malloc(words * sizeof(uint32_t));
		int result;
		if (work == NULL)
			abort();
		result = securesocket_rsa_verify_digest(key, alg == 2, md, salt, digest, sig, sigLength, work, words);
		free(work);
		return result;
	}
	return 0;
}

/* RSA: mbedtls's verdict on the same signature (1 valid, 0 not, -1 out of memory) */
static int rsa_verify_mbedtls(const securesocket_pk *key, int pss, mbedtls_md_type_t md, int salt,
	const unsigned char *digest, const uint8_t *sig, size_t sigLength)
{
	mbedtls_rsa_context rsa;
	unsigned char e[4];
	int ret;
	e[0] = (unsigned char)(key->e >> 24);
	e[1] = (unsigned char)(key->e >> 16);
	e[2] = (unsigned char)(key->e >> 8);
	e[3] = (unsigned char)key->e;
	mbedtls_rsa_init(&rsa, MBEDTLS_RSA_PKCS_V15, 0);
	ret = mbedtls_rsa_import_raw(&rsa, key->data, securesocket_pk_nlen(key), NULL, 0, NULL, 0, NULL, 0, e, 4);
	if (ret == 0)
		ret = mbedtls_rsa_complete(&rsa);
	if ((ret == 0) && (sigLength != mbedtls_rsa_get_len(&rsa)))
		ret = MBEDTLS_ERR_RSA_VERIFY_FAILED;
	else if ((ret == 0) && pss)
		ret = mbedtls_rsa_rsassa_pss_verify_ext(&rsa, NULL, NULL, MBEDTLS_RSA_PUBLIC, md, 0, digest, md,
			(salt < 0) ? MBEDTLS_RSA_SALT_LEN_ANY : salt, sig);
	else if (ret == 0)
		ret = mbedtls_rsa_rsassa_pkcs1_v15_verify(&rsa, NULL, NULL, MBEDTLS_RSA_PUBLIC, md, 0, digest, sig);
	mbedtls_rsa_free(&rsa);
	if (securesocket_no_memory(ret))
		return -1;
	return ret == 0;
}

/* P-256: our verification (native/ec_verify.c, which ecdsa_verify used) against mbedtls's on the
   same parsed signature: the same verdict */
static void verify_differential(const securesocket_pk *key, const unsigned char *digest, size_t dlen,
	const uint8_t *sig, size_t sigLength, int ours)
{
	const unsigned char *rb, *sb;
	size_t rlen, slen;
	int theirs;
	if (sig_parse(sig, sigLength, &rb, &rlen, &sb, &slen) || (rlen > 33) || (slen > 33))
		return;
	fuzz_fail_at = 0;
	theirs = ecdsa_verify_mbedtls(key, digest, dlen, rb, rlen, sb, slen);
	fuzz_check(theirs == ours);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_input in;
	securesocket_pk *key = NULL;
	unsigned char digest[MBEDTLS_MD_MAX_SIZE];
	const mbedtls_md_info_t *info;
	mbedtls_md_type_t md;
	uint8_t *der, *message, *sig;
	size_t derLength, messageLength, sigLength, dlen;
	unsigned selector;
	int alg, prehashed, salt, result;

	fuzz_begin(&in, data, size);
	selector = fuzz_byte(&in);
	alg = (int)(selector & 3);
	md = verify_md(3 + ((selector >> 2) & 3));
	prehashed = (selector >> 4) & 1;
	salt = (selector & 0x20) ? MBEDTLS_RSA_SALT_LEN_ANY : (int)fuzz_byte(&in);
	der = fuzz_bytes(&in, fuzz_u16(&in), &derLength);
	message = fuzz_bytes(&in, fuzz_u16(&in), &messageLength);
	sig = fuzz_rest(&in, &sigLength);

	info = mbedtls_md_info_from_type(md);
	fuzz_check(info != NULL);
	dlen = mbedtls_md_get_size(info);
	if (derLength && (securesocket_pk_spki(der, derLength, &key) == PK_OK) &&
		(!prehashed || (messageLength == dlen))) {
		int hashed = prehashed ? (memcpy(digest, message, dlen), 0) : mbedtls_md(info, message, messageLength, digest);
		if (hashed == 0) {
			result = verify_once(key, alg, md, salt, digest, dlen, sig, sigLength);
			fuzz_check((result == 0) || (result == 1) || ((result == -1) && fuzz_failed));
			if ((selector & 0x40) && (key->kind == SECURESOCKET_PK_EC) && (key->gid == MBEDTLS_ECP_DP_SECP256R1) &&
				((alg == 0) || (alg == 3)))
				verify_differential(key, digest, dlen, sig, sigLength, result);
			if ((selector & 0x40) && (key->kind == SECURESOCKET_PK_RSA) && ((alg == 1) || (alg == 2)) && !fuzz_failed) {
				fuzz_fail_at = 0;
				fuzz_check(rsa_verify_mbedtls(key, alg == 2, md, salt, digest, sig, sigLength) == result);
			}
			if (fuzz_failed) {
				/* the same check without the fault: a fault may only have turned a verdict into -1 */
				int again;
				fuzz_fail_at = 0;
				again = verify_once(key, alg, md, salt, digest, dlen, sig, sigLength);
				fuzz_check((again == 0) || (again == 1));
				fuzz_check((result == -1) || (result == again));
			}
		}
	}
	securesocket_pk_free(key);
	free(sig);
	free(message);
	free(der);
	return 0;
}
