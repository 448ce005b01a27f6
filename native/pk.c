/*
 * SecureSocket crypto core: public and private keys from DER.
 *
 *   SubjectPublicKeyInfo (RFC 5280): rsaEncryption (parameters NULL), id-ecPublicKey with the
 *     namedCurve secp256r1 or secp384r1 and an uncompressed point, id-X25519 (RFC 8410).
 *     Parsed here, strictly: DER only (definite minimal lengths, minimal non-negative INTEGERs,
 *     no trailing bytes, at any depth, including the RSAPublicKey inside the BIT STRING).
 *   RSAPublicKey (PKCS#1), with the same rules.
 *   Private keys: PKCS#8 PrivateKeyInfo (RSA, EC), SEC1 ECPrivateKey, PKCS#1 RSAPrivateKey,
 *     unencrypted, parsed here with the same rules (so errors say why a key is refused, and the
 *     build needs neither mbedtls' pk, pk_wrap nor pkparse modules). RSA CRT values are
 *     recomputed from p, q, d; an EC private key without its public point gets it computed with
 *     a blinded multiplication.
 *
 * A key is the host data of a Key object (modules/crypto/keys.ts): a securesocket_pk. EC keys keep
 * only their bytes (point, scalar) and load the curve for each operation: the curves' constants
 * are in flash, so a loaded group costs no heap, and an idle key costs 100 to 200 bytes.
 *
 *   xs_pk_init(format, der)   this: a new Key; format 0 SPKI, 1 RSAPublicKey, 2 private key; sets the
 *       Key's type ("rsa", "ec", "x25519"), bits, curve ("secp256r1", "secp384r1", "x25519", undefined
 *       for RSA) and isPrivate
 *   xs_pk_public() -> ArrayBuffer (EC point, X25519 u)
 *   xs_pk_matches(key) -> boolean (same public key)
 *   xs_pk_close()                                xs_pk_destructor(data)
 *
 * SECURESOCKET_NO_PRIVATE_KEYS (the device profile, manifest_device.json) leaves private key parsing
 * out: format 2 then throws "crypto: private keys are not in this build".
 */
#include "crypto_common.h"
#include "pk_key.h"

#include "mbedtls/bignum.h"
#include "mbedtls/rsa_internal.h"

#include <string.h>

static void pk_throw(xsMachine *the, int error)
{
	switch (error) {
	case PK_UNSUPPORTED_KEY: crypto_throw("unsupported key type"); break;
	case PK_UNSUPPORTED_CURVE: crypto_throw("unsupported curve"); break;
	case PK_BAD_POINT: crypto_throw("bad point"); break;
	case PK_POINT_FORMAT: crypto_throw("unsupported point format"); break;
	case PK_TOO_SMALL: crypto_throw("key too small"); break;
	case PK_TOO_LARGE: crypto_throw("key too large"); break;
	case PK_NO_MEMORY: crypto_throw("out of memory"); break;
	default: crypto_throw("bad key"); break;
	}
}

/* ---- DER ---- */

/* One element at *pp: its first identifier octet (high tag numbers are checked and passed over;
   no structure we read uses them), its content. Definite, minimal lengths only. 0 when well formed. */
static int der_element(const unsigned char **pp, const unsigned char *end, int *tag,
	const unsigned char **content, size_t *length)
{
	const unsigned char *p = *pp;
	size_t len;
	if (p >= end)
		return -1;
	*tag = *p++;
	if ((*tag & 0x1F) == 0x1F) {
		unsigned long number = 0;
		int count = 0;
		do {
			if ((p >= end) || (count == 4) || ((count == 0) && (*p == 0x80)))
				return -1;
			number = (number << 7) | (*p & 0x7F);
			count++;
		} while (*p++ & 0x80);
		if (number < 31)
			return -1;
	}
	if (p >= end)
		return -1;
	len = *p++;
	if (len & 0x80) {
		size_t count = len & 0x7F;
		if ((count == 0) || (count > 4) || (count > (size_t)(end - p)) || (*p == 0))
			return -1;           /* indefinite, too long, or a leading zero octet */
		len = 0;
		while (count--)
			len = (len << 8) | *p++;
		if (len < 0x80)
			return -1;           /* the short form was required */
	}
	if (len > (size_t)(end - p))
		return -1;
	*content = p;
	*length = len;
	*pp = p + len;
	return 0;
}

/* Every element in [p, end) and, recursively, in constructed ones, is DER. Beyond the framing:
   universal types that DER keeps primitive are primitive; BOOLEAN, NULL, OBJECT IDENTIFIER,
   BIT STRING are well formed; INTEGERs are minimal and not negative (no key structure holds a
   negative integer). */
static int der_strict(const unsigned char *p, const unsigned char *end, int depth)
{
	while (p < end) {
		int tag;
		const unsigned char *c;
		size_t n, i;
		if (der_element(&p, end, &tag, &c, &n))
			return -1;
		if (tag & 0x20) {
			if (((tag & 0xC0) == 0) && (tag != 0x30) && (tag != 0x31))
				return -1;       /* constructed string or other universal type */
			if ((depth <= 0) || der_strict(c, c + n, depth - 1))
				return -1;
			continue;
		}
		switch (tag) {
		case 0x01: /* BOOLEAN */
			if ((n != 1) || ((c[0] != 0) && (c[0] != 0xFF)))
				return -1;
			break;
		case 0x02: /* INTEGER */
			if ((n == 0) || (c[0] & 0x80) || ((n > 1) && (c[0] == 0) && !(c[1] & 0x80)))
				return -1;
			break;
		case 0x03: /* BIT STRING */
			if ((n == 0) || (c[0] > 7) || ((n == 1) && c[0]))
				return -1;
			if ((n > 1) && (c[n - 1] & ((1 << c[0]) - 1)))
				return -1;       /* unused bits must be zero */
			break;
		case 0x05: /* NULL */
			if (n != 0)
				return -1;
			break;
		case 0x06: /* OBJECT IDENTIFIER */
			if ((n == 0) || (c[n - 1] & 0x80))
				return -1;
			for (i = 0; i < n; i++) {
				if ((c[i] == 0x80) && ((i == 0) || !(c[i - 1] & 0x80)))
					return -1;   /* a sub-identifier with a leading 0x80 */
			}
			break;
		default:
			break;
		}
	}
	return 0;
}

/* exactly one DER element spans [der, der + size) */
static int der_single(const unsigned char *der, size_t size, int *tag, const unsigned char **content,
	size_t *length)
{
	const unsigned char *p = der;
	if (der_element(&p, der + size, tag, content, length) || (p != der + size))
		return -1;
	return der_strict(der, der + size, 12);
}

static const unsigned char oid_rsa_encryption[] = { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01 };
static const unsigned char oid_ec_public_key[] = { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01 };
static const unsigned char oid_secp256r1[] = { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07 };
static const unsigned char oid_secp384r1[] = { 0x2B, 0x81, 0x04, 0x00, 0x22 };
static const unsigned char oid_x25519[] = { 0x2B, 0x65, 0x6E };

#define OID_IS(c, n, oid) (((n) == sizeof(oid)) && (memcmp((c), (oid), sizeof(oid)) == 0))

/* ---- keys ---- */

static securesocket_pk *pk_alloc(size_t extra)
{
	return mbedtls_calloc(1, sizeof(securesocket_pk) + extra);
}

void securesocket_pk_free(securesocket_pk *key)
{
	if (key == NULL)
		return;
	if (key->rsa) {
		mbedtls_rsa_free(key->rsa);
		mbedtls_free(key->rsa);
	}
	securesocket_wipe(key, sizeof(securesocket_pk) + key->qlen + key->dlen +
		((key->kind == SECURESOCKET_PK_RSA) ? securesocket_pk_nlen(key) : 0));
	mbedtls_free(key);
}

/* a new RSA key: n (nlen bytes, the first not zero) and e (elen <= 4 bytes) copied into it; with
   has_private, an initialized (empty) mbedtls context too. NULL when out of memory. */
static securesocket_pk *pk_rsa_alloc(unsigned bits, const unsigned char *n, size_t nlen,
	const unsigned char *e, size_t elen, int has_private)
{
	securesocket_pk *key = pk_alloc(nlen);
	size_t i;
	if (key == NULL)
		return NULL;
	key->kind = SECURESOCKET_PK_RSA;
	key->has_private = (unsigned char)has_private;
	key->bits = (unsigned short)bits;
	memcpy(key->data, n, nlen);
	for (i = 0; i < elen; i++)
		key->e = (key->e << 8) | e[i];
	if (has_private) {
		key->rsa = mbedtls_calloc(1, sizeof(mbedtls_rsa_context));
		if (key->rsa == NULL) {
			securesocket_pk_free(key);
			return NULL;
		}
		mbedtls_rsa_init(key->rsa, MBEDTLS_RSA_PKCS_V15, 0);
	}
	return key;
}

static int rsa_bits_check(size_t bits)
{
	if (bits < SECURESOCKET_RSA_MIN_BITS)
		return PK_TOO_SMALL;
	if (bits > SECURESOCKET_RSA_MAX_BITS)
		return PK_TOO_LARGE;
	return PK_OK;
}

/* RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } */
static int pk_rsa_public(const unsigned char *der, size_t size, securesocket_pk **out)
{
	const unsigned char *p, *end, *n, *e;
	size_t len, nlen, elen, bits;
	int tag, error;
	securesocket_pk *key;

	if (der_single(der, size, &tag, &p, &len) || (tag != 0x30))
		return PK_BAD_KEY;
	end = p + len;
	if (der_element(&p, end, &tag, &n, &nlen) || (tag != 0x02))
		return PK_BAD_KEY;
	if (der_element(&p, end, &tag, &e, &elen) || (tag != 0x02) || (p != end))
		return PK_BAD_KEY;
	if (n[0] == 0) {
		n++;
		nlen--;
	}
	if (e[0] == 0) {
		e++;
		elen--;
	}
	if ((nlen == 0) || (elen == 0))
		return PK_BAD_KEY;
	for (bits = 8 * nlen; !(n[0] & (1 << ((bits - 1) & 7))); bits--)
		;
	error = rsa_bits_check(bits);
	if (error)
		return error;
	/* e: odd, at least 3, at most 32 bits (larger exponents only slow verification down);
	   n: odd (with e < n, mbedtls_rsa_check_pubkey's rules) */
	if ((elen > 4) || !(e[elen - 1] & 1) || ((elen == 1) && (e[0] < 3)) || !(n[nlen - 1] & 1))
		return PK_BAD_KEY;

	key = pk_rsa_alloc(bits, n, nlen, e, elen, 0);
	if (key == NULL)
		return PK_NO_MEMORY;
	*out = key;
	return PK_OK;
}

/* the point is on the curve (and not the point at infinity) */
static int pk_ec_check_point(mbedtls_ecp_group_id gid, const unsigned char *q, size_t qlen)
{
	mbedtls_ecp_group grp;
	mbedtls_ecp_point Q;
	int ret;
	mbedtls_ecp_group_init(&grp);
	mbedtls_ecp_point_init(&Q);
	ret = mbedtls_ecp_group_load(&grp, gid);
	if (ret == 0)
		ret = mbedtls_ecp_point_read_binary(&grp, &Q, q, qlen);
	if (ret == 0)
		ret = mbedtls_ecp_check_pubkey(&grp, &Q);
	mbedtls_ecp_point_free(&Q);
	mbedtls_ecp_group_free(&grp);
	if (ret)
		return securesocket_no_memory(ret) ? PK_NO_MEMORY : PK_BAD_POINT;
	return PK_OK;
}

static int pk_ec_public(mbedtls_ecp_group_id gid, const unsigned char *q, size_t qlen,
	securesocket_pk **out)
{
	size_t plen = (gid == MBEDTLS_ECP_DP_SECP384R1) ? 48 : 32;
	securesocket_pk *key;
	int error;
	if ((qlen == 1 + plen) && ((q[0] == 0x02) || (q[0] == 0x03)))
		return PK_POINT_FORMAT;  /* compressed: valid in SPKI, not supported (nor used by TLS 1.3) */
	if ((qlen != 1 + 2 * plen) || (q[0] != 0x04))
		return PK_BAD_POINT;
	error = pk_ec_check_point(gid, q, qlen);
	if (error)
		return error;
	key = pk_alloc(qlen);
	if (key == NULL)
		return PK_NO_MEMORY;
	key->kind = SECURESOCKET_PK_EC;
	key->bits = (unsigned short)(8 * plen);
	key->gid = gid;
	key->qlen = (unsigned char)qlen;
	memcpy(key->data, q, qlen);
	*out = key;
	return PK_OK;
}

/* SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
   AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL } */
int securesocket_pk_spki(const unsigned char *der, size_t size, securesocket_pk **out)
{
	const unsigned char *p, *end, *alg, *algEnd, *oid, *params = NULL, *bits;
	size_t len, oidLen, paramsLen = 0, bitsLen;
	int tag, paramsTag = -1;

	if (der_single(der, size, &tag, &p, &len) || (tag != 0x30))
		return PK_BAD_KEY;
	end = p + len;
	if (der_element(&p, end, &tag, &alg, &len) || (tag != 0x30))
		return PK_BAD_KEY;
	algEnd = alg + len;
	if (der_element(&p, end, &tag, &bits, &bitsLen) || (tag != 0x03) || (p != end))
		return PK_BAD_KEY;
	if ((bitsLen < 2) || (bits[0] != 0))
		return PK_BAD_KEY;       /* keys are whole octets */
	bits++;
	bitsLen--;

	if (der_element(&alg, algEnd, &tag, &oid, &oidLen) || (tag != 0x06))
		return PK_BAD_KEY;
	if (alg < algEnd) {
		if (der_element(&alg, algEnd, &paramsTag, &params, &paramsLen) || (alg != algEnd))
			return PK_BAD_KEY;
	}

	if (OID_IS(oid, oidLen, oid_rsa_encryption)) {
		if ((paramsTag != 0x05) || paramsLen)
			return PK_BAD_KEY;   /* RFC 3279 2.3.1: parameters MUST be NULL */
		return pk_rsa_public(bits, bitsLen, out);
	}
	if (OID_IS(oid, oidLen, oid_ec_public_key)) {
		mbedtls_ecp_group_id gid;
		if (paramsTag == 0x30)
			return PK_UNSUPPORTED_CURVE;    /* specifiedCurve: forbidden by RFC 5480 */
		if (paramsTag != 0x06)
			return PK_BAD_KEY;
		if (OID_IS(params, paramsLen, oid_secp256r1))
			gid = MBEDTLS_ECP_DP_SECP256R1;
		else if (OID_IS(params, paramsLen, oid_secp384r1))
			gid = MBEDTLS_ECP_DP_SECP384R1;
		else
			return PK_UNSUPPORTED_CURVE;
		return pk_ec_public(gid, bits, bitsLen, out);
	}
	if (OID_IS(oid, oidLen, oid_x25519)) {
		securesocket_pk *key;
		if (paramsTag != -1)
			return PK_BAD_KEY;   /* RFC 8410 3: parameters MUST be absent */
		if (bitsLen != 32)
			return PK_BAD_POINT;
		key = pk_alloc(32);
		if (key == NULL)
			return PK_NO_MEMORY;
		key->kind = SECURESOCKET_PK_X25519;
		key->bits = 255;
		key->gid = MBEDTLS_ECP_DP_CURVE25519;
		key->qlen = 32;
		memcpy(key->data, bits, 32);
		*out = key;
		return PK_OK;
	}
	return PK_UNSUPPORTED_KEY;
}

#ifndef SECURESOCKET_NO_PRIVATE_KEYS
/* the curve of EC parameters (namedCurve OID): MBEDTLS_ECP_DP_NONE when not one of ours */
static mbedtls_ecp_group_id pk_curve(int tag, const unsigned char *oid, size_t len)
{
	if (tag == 0x06) {
		if (OID_IS(oid, len, oid_secp256r1))
			return MBEDTLS_ECP_DP_SECP256R1;
		if (OID_IS(oid, len, oid_secp384r1))
			return MBEDTLS_ECP_DP_SECP384R1;
	}
	return MBEDTLS_ECP_DP_NONE;          /* other named curves, specifiedCurve, implicitCurve */
}

/* a positive INTEGER's magnitude (DER is minimal: at most one leading zero octet) */
static void pk_unsigned(const unsigned char **v, size_t *len)
{
	if ((*len > 1) && ((*v)[0] == 0)) {
		(*v)++;
		(*len)--;
	}
}

/* RSAPrivateKey ::= SEQUENCE { version INTEGER (0), modulus, publicExponent, privateExponent,
   prime1, prime2, exponent1, exponent2, coefficient }. The CRT values are computed again from
   p, q and d rather than trusted. */
static int pk_rsa_private(const unsigned char *der, size_t size, securesocket_pk **out)
{
	const unsigned char *p, *end, *v[9];
	size_t len, vlen[9], bits;
	int tag, i, ret, error;
	securesocket_pk *key;

	if (der_single(der, size, &tag, &p, &len) || (tag != 0x30))
		return PK_BAD_KEY;
	end = p + len;
	for (i = 0; i < 9; i++) {
		if (der_element(&p, end, &tag, &v[i], &vlen[i]) || (tag != 0x02))
			return PK_BAD_KEY;
		pk_unsigned(&v[i], &vlen[i]);
	}
	if ((vlen[0] != 1) || (v[0][0] != 0))
		return (v[0][0] == 1) ? PK_UNSUPPORTED_KEY : PK_BAD_KEY;   /* 1: multi-prime */
	if (p != end)
		return PK_BAD_KEY;
	for (bits = 8 * vlen[1]; (bits > 0) && !(v[1][0] & (1 << ((bits - 1) & 7))); bits--)
		;
	error = rsa_bits_check(bits);
	if (error)
		return error;
	if ((vlen[2] > 4) || !(v[2][vlen[2] - 1] & 1) || ((vlen[2] == 1) && (v[2][0] < 3)) || !(v[1][vlen[1] - 1] & 1))
		return PK_BAD_KEY;          /* e as for public keys; n odd */

	key = pk_rsa_alloc(bits, v[1], vlen[1], v[2], vlen[2], 1);
	if (key == NULL)
		return PK_NO_MEMORY;
	/* N, P, Q, D, E */
	ret = mbedtls_rsa_import_raw(key->rsa, v[1], vlen[1], v[4], vlen[4], v[5], vlen[5], v[3], vlen[3],
		v[2], vlen[2]);
	if (ret == 0)      /* 1 < p, q; p * q = n; 1 < d, e < n; d * e = 1 mod (p-1) and (q-1); unlike
	                      mbedtls_rsa_check_privkey, keeps the MPI error in the code, so out-of-memory
	                      is told apart */
		ret = mbedtls_rsa_validate_params(&key->rsa->N, &key->rsa->P, &key->rsa->Q, &key->rsa->D,
			&key->rsa->E, NULL, NULL);
	if (ret == 0)      /* DP, DQ, QP (what mbedtls_rsa_complete would do here, without linking its
	                      deductions for other parameter sets) */
		ret = mbedtls_rsa_deduce_crt(&key->rsa->P, &key->rsa->Q, &key->rsa->D, &key->rsa->DP,
			&key->rsa->DQ, &key->rsa->QP);
	if (ret) {
		securesocket_pk_free(key);
		return securesocket_no_memory(ret) ? PK_NO_MEMORY : PK_BAD_KEY;
	}
	*out = key;
	return PK_OK;
}

/* d (plen bytes) valid for gid, Q = the stored public point when it is a good uncompressed one,
   else d * G (blinded), into key->data */
static int pk_ec_keypair(securesocket_pk *key, const unsigned char *q, size_t qlen)
{
	mbedtls_ecp_group grp;
	mbedtls_ecp_point Q;
	mbedtls_mpi d;
	size_t olen;
	int ret;
	mbedtls_ecp_group_init(&grp);
	mbedtls_ecp_point_init(&Q);
	mbedtls_mpi_init(&d);
	ret = mbedtls_ecp_group_load(&grp, key->gid);
	if (ret == 0)
		ret = mbedtls_mpi_read_binary(&d, key->data + key->qlen, key->dlen);
	if (ret == 0)
		ret = mbedtls_ecp_check_privkey(&grp, &d);
	if (ret == 0) {
		if (q && (qlen == key->qlen) && (q[0] == 0x04) && (mbedtls_ecp_point_read_binary(&grp, &Q, q, qlen) == 0) &&
			(mbedtls_ecp_check_pubkey(&grp, &Q) == 0))
			memcpy(key->data, q, qlen);
		else {
			ret = mbedtls_ecp_mul(&grp, &Q, &d, &grp.G, securesocket_random, NULL);
			if (ret == 0)
				ret = mbedtls_ecp_point_write_binary(&grp, &Q, MBEDTLS_ECP_PF_UNCOMPRESSED, &olen, key->data,
					key->qlen);
		}
	}
	mbedtls_mpi_free(&d);
	mbedtls_ecp_point_free(&Q);
	mbedtls_ecp_group_free(&grp);
	if (ret)
		return securesocket_no_memory(ret) ? PK_NO_MEMORY : PK_BAD_KEY;
	return PK_OK;
}

/* ECPrivateKey ::= SEQUENCE { version INTEGER (1), privateKey OCTET STRING,
   parameters [0] ECParameters OPTIONAL, publicKey [1] BIT STRING OPTIONAL } (SEC 1 C.4).
   gid: the curve PKCS#8 named, or MBEDTLS_ECP_DP_NONE (then [0] must name it). */
static int pk_ec_private(mbedtls_ecp_group_id gid, const unsigned char *der, size_t size, securesocket_pk **out)
{
	const unsigned char *p, *end, *c, *d, *q = NULL;
	size_t len, n, dlen, qlen = 0, plen;
	int tag, error;
	securesocket_pk *key;

	if (der_single(der, size, &tag, &p, &len) || (tag != 0x30))
		return PK_BAD_KEY;
	end = p + len;
	if (der_element(&p, end, &tag, &c, &n) || (tag != 0x02) || (n != 1) || (c[0] != 1))
		return PK_BAD_KEY;
	if (der_element(&p, end, &tag, &d, &dlen) || (tag != 0x04))
		return PK_BAD_KEY;
	if ((p < end) && (*p == 0xA0)) {
		const unsigned char *params;
		size_t paramsLen;
		mbedtls_ecp_group_id named;
		int paramsTag;
		if (der_element(&p, end, &tag, &c, &n) || der_element(&c, c + n, &paramsTag, &params, &paramsLen) ||
			(params + paramsLen != p))
			return PK_BAD_KEY;
		named = pk_curve(paramsTag, params, paramsLen);
		if (named == MBEDTLS_ECP_DP_NONE)
			return PK_UNSUPPORTED_CURVE;
		if ((gid != MBEDTLS_ECP_DP_NONE) && (gid != named))
			return PK_BAD_KEY;
		gid = named;
	}
	if ((p < end) && (*p == 0xA1)) {
		if (der_element(&p, end, &tag, &c, &n) || der_element(&c, c + n, &tag, &q, &qlen) || (tag != 0x03) ||
			(q + qlen != p) || (qlen < 2) || (q[0] != 0))
			return PK_BAD_KEY;
		q++;
		qlen--;
	}
	if ((p != end) || (gid == MBEDTLS_ECP_DP_NONE))
		return PK_BAD_KEY;
	plen = (gid == MBEDTLS_ECP_DP_SECP384R1) ? 48 : 32;
	while ((dlen > 0) && (*d == 0)) {
		d++;
		dlen--;
	}
	if ((dlen == 0) || (dlen > plen))
		return PK_BAD_KEY;

	key = pk_alloc(3 * plen + 1);
	if (key == NULL)
		return PK_NO_MEMORY;
	key->kind = SECURESOCKET_PK_EC;
	key->has_private = 1;
	key->bits = (unsigned short)(8 * plen);
	key->gid = gid;
	key->qlen = (unsigned char)(2 * plen + 1);
	key->dlen = (unsigned char)plen;
	memcpy(key->data + key->qlen + plen - dlen, d, dlen);
	error = pk_ec_keypair(key, q, qlen);
	if (error) {
		securesocket_pk_free(key);
		return error;
	}
	*out = key;
	return PK_OK;
}

/* Private keys, unencrypted:
     PrivateKeyInfo ::= SEQUENCE { version INTEGER, AlgorithmIdentifier, privateKey OCTET STRING,
       attributes [0] OPTIONAL, publicKey [1] OPTIONAL }                  (PKCS#8, RFC 5958)
     EncryptedPrivateKeyInfo ::= SEQUENCE { AlgorithmIdentifier, OCTET STRING }   refused
     ECPrivateKey (SEC 1), RSAPrivateKey (PKCS#1) */
static int pk_private(const unsigned char *der, size_t size, securesocket_pk **out)
{
	const unsigned char *p, *end, *version, *c, *alg, *algEnd, *oid, *params = NULL, *inner;
	size_t len, versionLen, n, algLen, oidLen, paramsLen = 0, innerLen;
	int tag, paramsTag = -1;

	if (der_single(der, size, &tag, &p, &len) || (tag != 0x30))
		return PK_BAD_KEY;
	end = p + len;
	if (der_element(&p, end, &tag, &version, &versionLen))
		return PK_BAD_KEY;
	if (tag == 0x30) {
		if (der_element(&p, end, &tag, &c, &n) || (tag != 0x04))
			return PK_BAD_KEY;       /* not a private key (a SubjectPublicKeyInfo?) */
		return PK_UNSUPPORTED_KEY;   /* encrypted */
	}
	if ((tag != 0x02) || der_element(&p, end, &tag, &alg, &algLen))
		return PK_BAD_KEY;
	if (tag == 0x02)
		return pk_rsa_private(der, size, out);
	if (tag == 0x04)
		return pk_ec_private(MBEDTLS_ECP_DP_NONE, der, size, out);
	if (tag != 0x30)
		return PK_BAD_KEY;
	/* PKCS#8: version 0 (v1) or 1 (v2, with an optional public key we do not need) */
	if ((versionLen != 1) || (version[0] > 1) || der_element(&p, end, &tag, &inner, &innerLen) || (tag != 0x04))
		return PK_BAD_KEY;
	while (p < end) {
		if (der_element(&p, end, &tag, &c, &n) || ((tag != 0xA0) && (tag != 0x81) && (tag != 0xA1)))
			return PK_BAD_KEY;
	}
	algEnd = alg + algLen;
	if (der_element(&alg, algEnd, &tag, &oid, &oidLen) || (tag != 0x06))
		return PK_BAD_KEY;
	if ((alg < algEnd) && (der_element(&alg, algEnd, &paramsTag, &params, &paramsLen) || (alg != algEnd)))
		return PK_BAD_KEY;
	if (OID_IS(oid, oidLen, oid_rsa_encryption)) {
		if ((paramsTag != -1) && ((paramsTag != 0x05) || paramsLen))
			return PK_BAD_KEY;
		return pk_rsa_private(inner, innerLen, out);
	}
	if (OID_IS(oid, oidLen, oid_ec_public_key)) {
		mbedtls_ecp_group_id gid = pk_curve(paramsTag, params, paramsLen);
		if (paramsTag == -1)
			return PK_BAD_KEY;
		if (gid == MBEDTLS_ECP_DP_NONE)
			return PK_UNSUPPORTED_CURVE;
		return pk_ec_private(gid, inner, innerLen, out);
	}
	return PK_UNSUPPORTED_KEY;
}
#endif

/* ---- shared with ecdsa.c, rsa.c ---- */

securesocket_pk *securesocket_pk_get(xsMachine *the, xsSlot *slot)
{
	securesocket_pk *key = xsmcGetHostDataValidate(*slot, (void *)xs_pk_destructor);
	if (key == NULL)
		crypto_throw("closed");
	return key;
}

mbedtls_md_type_t securesocket_pk_md(xsMachine *the, xsIntegerValue hash)
{
	mbedtls_md_type_t md = MBEDTLS_MD_NONE;
	switch (hash) {
	case 2: md = MBEDTLS_MD_SHA1; break;
	case 3: md = MBEDTLS_MD_SHA224; break;
	case 4: md = MBEDTLS_MD_SHA256; break;
	case 5: md = MBEDTLS_MD_SHA384; break;
	case 6: md = MBEDTLS_MD_SHA512; break;
	default: break;
	}
	if ((md == MBEDTLS_MD_NONE) || (mbedtls_md_info_from_type(md) == NULL))
		crypto_throw("unsupported hash");
	return md;
}

size_t securesocket_pk_digest(xsMachine *the, mbedtls_md_type_t md, xsSlot *data, int prehashed,
	unsigned char *out)
{
	const mbedtls_md_info_t *info = mbedtls_md_info_from_type(md);
	void *bytes;
	xsUnsignedValue count;
	size_t size;
	if (info == NULL)
		crypto_throw("unsupported hash");
	size = mbedtls_md_get_size(info);
	xsmcGetBufferReadable(*data, &bytes, &count);
	if (prehashed) {
		if (count != size)
			crypto_range("bad digest length");
		memcpy(out, bytes, size);
	}
	else if (mbedtls_md(info, bytes, count, out) != 0)
		crypto_throw("hash failed");
	return size;
}

/* ---- host functions ---- */

void xs_pk_destructor(void *data)
{
	securesocket_pk_free(data);
}

/* Key.type by kind (SECURESOCKET_PK_RSA 1, EC 2, X25519 3) */
static const char *const pk_types[3] = { "rsa", "ec", "x25519" };

void xs_pk_init(xsMachine *the)
{
	xsIntegerValue format = xsmcToInteger(xsArg(0));
	void *der;
	xsUnsignedValue size;
	securesocket_pk *key = NULL;
	int error;
	if (xsmcGetHostData(xsThis) != NULL)
		crypto_throw("key already initialized");
	xsmcGetBufferReadable(xsArg(1), &der, &size);
	if (size == 0)
		crypto_throw("bad key");
	/* from here to xsmcSetHostData, no XS call: der stays where it is */
	switch (format) {
	case 0: error = securesocket_pk_spki(der, size, &key); break;
	case 1: error = pk_rsa_public(der, size, &key); break;
#ifdef SECURESOCKET_NO_PRIVATE_KEYS
	case 2: crypto_throw("private keys are not in this build"); return;
#else
	case 2: error = pk_private(der, size, &key); break;
#endif
	default: crypto_range("bad key format"); return;
	}
	if (error)
		pk_throw(the, error);
	xsmcSetHostData(xsThis, key);
	/* the Key's properties, in the order JS defined them: type, bits, curve, isPrivate */
	xsmcVars(1);
	fxStringX(the, &xsVar(0), (xsStringValue)pk_types[key->kind - 1]);
	xsmcSet(xsThis, xsID("type"), xsVar(0));
	xsmcSetInteger(xsVar(0), key->bits);
	xsmcSet(xsThis, xsID("bits"), xsVar(0));
	xsmcSetUndefined(xsVar(0));
	if (key->kind != SECURESOCKET_PK_RSA)
		fxStringX(the, &xsVar(0), (xsStringValue)(key->gid == MBEDTLS_ECP_DP_SECP256R1 ? "secp256r1" :
			key->gid == MBEDTLS_ECP_DP_SECP384R1 ? "secp384r1" : "x25519"));
	xsmcSet(xsThis, xsID("curve"), xsVar(0));
	xsmcSetBoolean(xsVar(0), key->has_private);
	xsmcSet(xsThis, xsID("isPrivate"), xsVar(0));
}

void xs_pk_public(xsMachine *the)
{
	securesocket_pk *key = securesocket_pk_get(the, &xsThis);
	if (key->kind == SECURESOCKET_PK_RSA)
		crypto_type("not an EC key");
	xsmcSetArrayBuffer(xsResult, key->data, key->qlen);
}

void xs_pk_matches(xsMachine *the)
{
	securesocket_pk *a = securesocket_pk_get(the, &xsThis);
	securesocket_pk *b;
	int same = 0;
	if (xsmcArgc < 1)
		crypto_type("missing key");
	b = securesocket_pk_get(the, &xsArg(0));
	if (a->kind == b->kind) {
		if (a->kind == SECURESOCKET_PK_RSA)
			same = (a->bits == b->bits) && (a->e == b->e) &&
				(memcmp(a->data, b->data, securesocket_pk_nlen(a)) == 0);
		else
			same = (a->gid == b->gid) && (a->qlen == b->qlen) && (memcmp(a->data, b->data, a->qlen) == 0);
	}
	xsmcSetBoolean(xsResult, same);
}

void xs_pk_close(xsMachine *the)
{
	securesocket_pk *key = xsmcGetHostDataValidate(xsThis, (void *)xs_pk_destructor);
	if (key) {
		xsmcSetHostData(xsThis, NULL);
		securesocket_pk_free(key);
	}
}
