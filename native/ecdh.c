/*
 * SecureSocket crypto core: (EC)DHE for TLS key_share / ECDHE key exchange: X25519 (RFC 7748),
 * secp256r1 and secp384r1 (SEC 1, RFC 8446 4.2.8.2).
 *
 * Groups are TLS NamedGroup codes: 29 x25519, 23 secp256r1, 24 secp384r1.
 * Public values are raw: X25519 32 bytes (little-endian u); NIST curves the uncompressed point
 * 04 || X || Y (65 or 97 bytes). Shared secrets: X25519 32 bytes; NIST the x-coordinate, as
 * many bytes as the field (RFC 8446 7.4.2).
 * Private scalars (for tests and static keys): X25519 32 bytes as RFC 7748 (clamped on use);
 * NIST big-endian, leading zero bytes allowed, 1 <= d < n.
 *
 *   xs_ecdh_init(group [, private]) -> ArrayBuffer   this: a new ECDHKey; keeps the private key,
 *                                                    returns the public value
 *   xs_ecdh_shared(peer) -> ArrayBuffer              this: an ECDHKey
 *   xs_ecdh_compute(group, private, peer) -> ArrayBuffer   stateless, for vectors
 *   xs_ecdh_close()                                  frees the key now
 *   xs_ecdh_destructor(data)
 *
 * The peer's value is checked before use: right length; NIST points uncompressed ("crypto:
 * unsupported point format" for compressed ones), coordinates below p, on the curve
 * ("crypto: bad point"). X25519 is our own code (native/x25519.c, constant time, no heap): it
 * accepts every 32-byte value (RFC 7748 5: the top bit is masked, non-canonical u are reduced);
 * the small-order ones make the all-zero shared secret, which throws "crypto: zero shared secret"
 * (RFC 8446 7.4.2, RFC 7748 6.1).
 *
 * Memory: an ECDHKey holds 40 to 56 bytes of native heap; for the NIST curves, the curve is loaded
 * (constants in flash) for each operation and freed at once.
 */
#include "crypto_common.h"
#include "pk_key.h"
#include "x25519.h"

#include "mbedtls/ecdh.h"
#include "mbedtls/ecp.h"

#include <string.h>

void xs_ecdh_destructor(void *data);

enum {
	ECDH_OK = 0,
	ECDH_BAD_KEY,
	ECDH_BAD_POINT,
	ECDH_POINT_FORMAT,
	ECDH_ZERO,
	ECDH_NO_MEMORY,
	ECDH_FAILED
};

typedef struct {
	mbedtls_ecp_group_id gid;
	unsigned char dlen;
	unsigned char d[48];        /* X25519: as given (clamped on use); NIST: big-endian, dlen bytes */
} ecdh_key;

static void ecdh_throw(xsMachine *the, int error)
{
	switch (error) {
	case ECDH_BAD_KEY: crypto_throw("bad key"); break;
	case ECDH_BAD_POINT: crypto_throw("bad point"); break;
	case ECDH_POINT_FORMAT: crypto_throw("unsupported point format"); break;
	case ECDH_ZERO: crypto_throw("zero shared secret"); break;
	case ECDH_NO_MEMORY: crypto_throw("out of memory"); break;
	default: crypto_throw("key exchange failed"); break;
	}
}

static mbedtls_ecp_group_id ecdh_group(xsMachine *the, xsIntegerValue group)
{
	switch (group) {
	case 29: return MBEDTLS_ECP_DP_CURVE25519;
	case 23: return MBEDTLS_ECP_DP_SECP256R1;
	case 24: return MBEDTLS_ECP_DP_SECP384R1;
	default: crypto_throw("unsupported curve"); break;
	}
	return MBEDTLS_ECP_DP_NONE;
}

/* field size in bytes: the length of a scalar, a coordinate, a shared secret */
static size_t ecdh_plen(mbedtls_ecp_group_id gid)
{
	return (gid == MBEDTLS_ECP_DP_SECP384R1) ? 48 : 32;
}

static size_t ecdh_public_len(mbedtls_ecp_group_id gid)
{
	return (gid == MBEDTLS_ECP_DP_CURVE25519) ? 32 : 1 + 2 * ecdh_plen(gid);
}

/* NIST curves: loads the curve and the private scalar into kp */
static int ecdh_private(mbedtls_ecp_keypair *kp, mbedtls_ecp_group_id gid, const unsigned char *d,
	size_t len)
{
	int ret;
	while ((len > 0) && (*d == 0)) {
		d++;
		len--;
	}
	if (len > ecdh_plen(gid))
		return ECDH_BAD_KEY;
	ret = mbedtls_ecp_read_key(gid, kp, d, len);   /* checks 1 <= d < n */
	if (ret)
		return securesocket_no_memory(ret) ? ECDH_NO_MEMORY : ECDH_BAD_KEY;
	return ECDH_OK;
}

/* NIST curves: the peer's point, uncompressed, on the curve */
static int ecdh_peer(const mbedtls_ecp_group *grp, mbedtls_ecp_point *Q, const unsigned char *q,
	size_t len)
{
	size_t plen = ecdh_plen(grp->id);
	int ret;
	if ((len == 1 + plen) && ((q[0] == 0x02) || (q[0] == 0x03)))
		return ECDH_POINT_FORMAT;
	if ((len != 1 + 2 * plen) || (q[0] != 0x04))
		return ECDH_BAD_POINT;
	ret = mbedtls_ecp_point_read_binary(grp, Q, q, len);
	if (ret == 0)
		ret = mbedtls_ecp_check_pubkey(grp, Q);
	if (ret)
		return securesocket_no_memory(ret) ? ECDH_NO_MEMORY : ECDH_BAD_POINT;
	return ECDH_OK;
}

/* X25519 (native/x25519.c): the shared secret of private d and the peer's u, into out (32 bytes) */
static int ecdh_x25519(const unsigned char *d, size_t dlen, const unsigned char *peer, size_t peerLen,
	unsigned char *out)
{
	if (dlen != 32)
		return ECDH_BAD_KEY;
	if (peerLen != 32)
		return ECDH_BAD_POINT;
	if (securesocket_x25519(out, d, peer) == 0)
		return ECDH_OK;
	securesocket_wipe(out, 32);
	return ECDH_ZERO;   /* a small-order u: the all-zero secret (RFC 7748 6.1, RFC 8446 7.4.2) */
}

/* an X25519 key pair: key->d is d when given (32 bytes), else random (clamped on each use) */
static int ecdh_x25519_keypair(const unsigned char *d, size_t dlen, ecdh_key *key, unsigned char *pub,
	size_t *publen)
{
	static const unsigned char base[32] = { 9 };   /* u = 9, RFC 7748 4.1 */
	key->gid = MBEDTLS_ECP_DP_CURVE25519;
	key->dlen = 32;
	if (d) {
		if (dlen != 32)
			return ECDH_BAD_KEY;
		memcpy(key->d, d, 32);
	}
	else if (securesocket_random(NULL, key->d, 32))
		return ECDH_FAILED;
	securesocket_x25519(pub, key->d, base);   /* never zero: the base point has order 8 * prime */
	*publen = 32;
	return ECDH_OK;
}

/* the shared secret of private d (bytes) and the peer's public value, into out (48 bytes) */
static int ecdh_compute(mbedtls_ecp_group_id gid, const unsigned char *d, size_t dlen,
	const unsigned char *peer, size_t peerLen, unsigned char *out)
{
	mbedtls_ecp_keypair kp;
	mbedtls_ecp_point Q;
	mbedtls_mpi z;
	size_t plen = ecdh_plen(gid);
	int error, ret;

	if (gid == MBEDTLS_ECP_DP_CURVE25519)
		return ecdh_x25519(d, dlen, peer, peerLen, out);
	mbedtls_ecp_keypair_init(&kp);
	mbedtls_ecp_point_init(&Q);
	mbedtls_mpi_init(&z);
	error = ecdh_private(&kp, gid, d, dlen);
	if (error == ECDH_OK)
		error = ecdh_peer(&kp.grp, &Q, peer, peerLen);
	if (error == ECDH_OK) {
		ret = mbedtls_ecdh_compute_shared(&kp.grp, &z, &Q, &kp.d, securesocket_random, NULL);
		if (ret == 0)
			ret = mbedtls_mpi_write_binary(&z, out, plen);
		if (ret)
			error = securesocket_no_memory(ret) ? ECDH_NO_MEMORY : ECDH_FAILED;
	}
	mbedtls_mpi_free(&z);
	mbedtls_ecp_point_free(&Q);
	mbedtls_ecp_keypair_free(&kp);
	/* on the NIST curves x = 0 is an ordinary point (and a valid secret): no zero check here */
	if (error)
		securesocket_wipe(out, plen);
	return error;
}

/* a key pair: from the private scalar d when given, else a new one; fills key and pub */
static int ecdh_keypair(mbedtls_ecp_group_id gid, const unsigned char *d, size_t dlen, ecdh_key *key,
	unsigned char *pub, size_t *publen)
{
	mbedtls_ecp_keypair kp;
	size_t plen = ecdh_plen(gid);
	int error = ECDH_OK, ret;

	if (gid == MBEDTLS_ECP_DP_CURVE25519)
		return ecdh_x25519_keypair(d, dlen, key, pub, publen);
	mbedtls_ecp_keypair_init(&kp);
	if (d) {
		error = ecdh_private(&kp, gid, d, dlen);
		ret = error ? 0 : mbedtls_ecp_mul(&kp.grp, &kp.Q, &kp.d, &kp.grp.G, securesocket_random, NULL);
	}
	else
		ret = mbedtls_ecp_gen_key(gid, &kp, securesocket_random, NULL);
	if ((error == ECDH_OK) && (ret == 0))
		ret = mbedtls_mpi_write_binary(&kp.d, key->d, plen);
	if ((error == ECDH_OK) && (ret == 0))
		ret = mbedtls_ecp_point_write_binary(&kp.grp, &kp.Q, MBEDTLS_ECP_PF_UNCOMPRESSED, publen, pub,
			ecdh_public_len(gid));
	if ((error == ECDH_OK) && ret)
		error = securesocket_no_memory(ret) ? ECDH_NO_MEMORY : ECDH_FAILED;
	mbedtls_ecp_keypair_free(&kp);
	key->gid = gid;
	key->dlen = (unsigned char)plen;
	return error;
}

static ecdh_key *ecdh_this(xsMachine *the)
{
	ecdh_key *key = xsmcGetHostDataValidate(xsThis, (void *)xs_ecdh_destructor);
	if (key == NULL)
		crypto_throw("closed");
	return key;
}

void xs_ecdh_destructor(void *data)
{
	if (data) {
		securesocket_wipe(data, sizeof(ecdh_key));
		mbedtls_free(data);
	}
}

void xs_ecdh_init(xsMachine *the)
{
	mbedtls_ecp_group_id gid = ecdh_group(the, xsmcToInteger(xsArg(0)));
	unsigned char pub[97];
	size_t publen = 0;
	void *d = NULL;
	xsUnsignedValue dlen = 0;
	ecdh_key *key;
	int error;

	if (xsmcGetHostData(xsThis) != NULL)
		crypto_throw("key already initialized");
	if ((xsmcArgc > 1) && (xsmcTypeOf(xsArg(1)) != xsUndefinedType))
		xsmcGetBufferReadable(xsArg(1), &d, &dlen);
	/* no XS call until xsmcSetHostData: d stays put */
	key = mbedtls_calloc(1, sizeof(ecdh_key));
	if (key == NULL)
		crypto_throw("out of memory");
	error = ecdh_keypair(gid, d, dlen, key, pub, &publen);
	if (error) {
		xs_ecdh_destructor(key);
		ecdh_throw(the, error);
	}
	xsmcSetHostData(xsThis, key);
	xsmcSetArrayBuffer(xsResult, pub, (xsIntegerValue)publen);
}

/*
 * xsResult = the shared secret of gid, our private scalar (key->d, or the buffer in xsArg(dArg)
 * when key is NULL) and the peer's public value in xsArg(peerArg); throws on a bad value
 */
static void ecdh_answer(xsMachine *the, mbedtls_ecp_group_id gid, const ecdh_key *key, xsIntegerValue dArg,
	xsIntegerValue peerArg)
{
	unsigned char out[48];
	size_t plen = ecdh_plen(gid);
	const void *d;
	void *buffer, *peer, *result;
	xsUnsignedValue dlen, peerLen, count;
	int error;

	xsmcSetArrayBuffer(xsResult, NULL, (xsIntegerValue)plen);
	if (key) {
		d = key->d;
		dlen = (xsUnsignedValue)key->dlen;
	}
	else {
		xsmcGetBufferReadable(xsArg(dArg), &buffer, &dlen);
		d = buffer;
	}
	xsmcGetBufferReadable(xsArg(peerArg), &peer, &peerLen);
	/* no XS call from here until the copy: d, peer and result stay put */
	error = ecdh_compute(gid, d, dlen, peer, peerLen, out);
	if (error) {
		xsmcSetUndefined(xsResult);
		ecdh_throw(the, error);
	}
	xsmcGetBufferWritable(xsResult, &result, &count);
	memcpy(result, out, plen);
	securesocket_wipe(out, sizeof(out));
}

void xs_ecdh_shared(xsMachine *the)
{
	ecdh_key *key = ecdh_this(the);
	ecdh_answer(the, key->gid, key, 0, 0);
}

void xs_ecdh_compute(xsMachine *the)
{
	ecdh_answer(the, ecdh_group(the, xsmcToInteger(xsArg(0))), NULL, 1, 2);
}

void xs_ecdh_close(xsMachine *the)
{
	ecdh_key *key = xsmcGetHostDataValidate(xsThis, (void *)xs_ecdh_destructor);
	if (key) {
		xsmcSetHostData(xsThis, NULL);
		xs_ecdh_destructor(key);
	}
}
