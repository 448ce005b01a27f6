/*
 * libFuzzer harness: key parsing (native/pk.c) from hostile DER.
 *
 * Input: the fault header (fuzz.h), a format byte (mod 3: 0 SubjectPublicKeyInfo, 1 RSAPublicKey,
 * 2 a private key: PKCS#8, SEC1 or PKCS#1), the DER. The parsers xs_pk_init calls run on it;
 * a key they accept must be coherent (kind, sizes, the point on the curve), and out of memory may
 * only be reported when an allocation was made to fail.
 */
#include "fuzz.h"
#include "../native/pk.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_input in;
	securesocket_pk *key = NULL;
	uint8_t *der;
	size_t length;
	int format, error;

	fuzz_begin(&in, data, size);
	format = (int)(fuzz_byte(&in) % 3);
	der = fuzz_rest(&in, &length);
	if (length == 0) {          /* xs_pk_init refuses an empty buffer before parsing */
		free(der);
		return 0;
	}
	switch (format) {
	case 0: error = securesocket_pk_spki(der, length, &key); break;
	case 1: error = pk_rsa_public(der, length, &key); break;
	default: error = pk_private(der, length, &key); break;
	}
	fuzz_check((error != PK_NO_MEMORY) || fuzz_failed);
	if (error == PK_OK) {
		fuzz_check(key != NULL);
		switch (key->kind) {
		case SECURESOCKET_PK_RSA:
			fuzz_check((key->bits >= SECURESOCKET_RSA_MIN_BITS) && (key->bits <= SECURESOCKET_RSA_MAX_BITS));
			/* the modulus kept: bits long, odd; e odd and >= 3; an mbedtls context for private keys only */
			fuzz_check((key->data[0] >> ((key->bits - 1) % 8)) == 1);
			fuzz_check(key->data[securesocket_pk_nlen(key) - 1] & 1);
			fuzz_check((key->e & 1) && (key->e >= 3));
			fuzz_check(key->has_private == (format == 2));
			fuzz_check((key->rsa != NULL) == key->has_private);
			if (key->has_private)
				fuzz_check(mbedtls_rsa_get_len(key->rsa) == securesocket_pk_nlen(key));
			break;
		case SECURESOCKET_PK_EC:
			fuzz_check((key->bits == 256) || (key->bits == 384));
			fuzz_check((key->qlen == 1 + 2 * (key->bits / 8)) && (key->data[0] == 0x04));
			fuzz_check(key->dlen == (key->has_private ? key->bits / 8 : 0));
			/* the point the key keeps (given or computed) is on the curve */
			error = pk_ec_check_point(key->gid, key->data, key->qlen);
			fuzz_check((error == PK_OK) || ((error == PK_NO_MEMORY) && fuzz_failed));
			break;
		case SECURESOCKET_PK_X25519:
			fuzz_check((format == 0) && (key->qlen == 32) && !key->has_private);
			break;
		default:
			fuzz_check(!"unknown key kind");
		}
		securesocket_pk_free(key);
	}
	else
		fuzz_check(key == NULL);
	free(der);
	return 0;
}
