/*
 * The device profile's certificate chain verifier (manifest_device.json; docs/X509.md "The device
 * verifier"): one state machine in C that checks a TLS peer's chain as its certificates arrive,
 * leaf first, each against the one before it, in the order sent (RFC 8446 4.4.2: each certificate
 * certifies the one before it). The policy is modules/x509/path.ts's (RFC 5280 6.1 as the Web PKI
 * uses it), cut to what a chain in order needs:
 *   - every certificate before the path is anchored: located (x509_locate: strict DER), valid at
 *     `time`, its signature algorithm one we accept (x509/algorithms.ts: no MD5, SHA-1, SHA-224,
 *     RSASSA-PSS in this build), no unknown critical extension;
 *   - the leaf: its key usable (RSA >= 2048 bits, P-256, P-384), the reference name in its
 *     subjectAltName (native/x509_identity.h, RFC 9525), keyUsage digitalSignature and extKeyUsage
 *     serverAuth (clientAuth) when present;
 *   - each next certificate must have issued the one before it (subject == issuer bytes, key
 *     identifiers equal when both present): else the chain is refused as out of order; it must be a
 *     v3 CA, keyCertSign when it has keyUsage, within its pathLenConstraint, serverAuth (or any) when
 *     it has extKeyUsage, no nameConstraints (not in this build), and its key must verify the
 *     signature of the one before it (whose TBS digest and signature are all that is kept of it);
 *   - after each certificate: is it a trust anchor itself (same subject and key), or did an anchor
 *     issue it (the same issuer checks on the anchor, which may carry no basicConstraints, and its
 *     key verifies)? Anchors: the app's roots (DER, read through x509_chain_roots) and, with
 *     X509_CHAIN_STORE, the CA store (native/x509_anchor.h). Once anchored, later certificates are
 *     only located.
 * What is kept between certificates is this fixed struct (no heap, no recursion); a failure is
 * sticky, with its reason (an X509Error code, x509_chain_reason) and a message naming the
 * certificate by its depth (0: the leaf).
 */
#ifndef SECURESOCKET_X509_CHAIN_H
#define SECURESOCKET_X509_CHAIN_H

#include <stddef.h>
#include <stdint.h>
#include "x509.h"
#include "x509_anchor.h"

/* options */
enum { X509_CHAIN_VERIFY = 1, X509_CHAIN_CLIENT_AUTH = 2, X509_CHAIN_STORE = 4, X509_CHAIN_CLOCK = 8 };

/* reasons: modules/x509/errors.ts's codes (x509_chain_reason names them) */
enum {
	X509_R_OK, X509_R_MALFORMED, X509_R_EXPIRED, X509_R_NOT_YET_VALID, X509_R_NAME_MISMATCH, X509_R_UNKNOWN_ISSUER,
	X509_R_NOT_CA, X509_R_PATH_LENGTH, X509_R_BAD_SIGNATURE, X509_R_KEY_USAGE, X509_R_EXT_KEY_USAGE,
	X509_R_NAME_CONSTRAINTS, X509_R_WEAK_KEY, X509_R_WEAK_ALGORITHM, X509_R_UNSUPPORTED_ALGORITHM,
	X509_R_UNSUPPORTED_CRITICAL, X509_R_CLOCK_NOT_SET, X509_R_DEPTH_EXCEEDED,
	X509_R_COUNT
};

/* the longest path before an anchor (path.ts's default maxDepth) */
#define X509_CHAIN_MAX_DEPTH 8
#define X509_CHAIN_MESSAGE 256
#define X509_CHAIN_NAME 48
/* the longest signature kept (RSA-4096) */
#define X509_CHAIN_SIGNATURE 512

/* the trust anchors: the app's roots (root i's DER through get, NULL when it is not bytes), and the CA
   store (store NULL: none; record: the bytes of the resource "ca_<id>.bin" of a root the store's index
   knows when ca-roots.bin is not in the build, NULL when that is not there either) */
typedef struct {
	const uint8_t *(*get)(void *context, size_t i, size_t *size);
	const uint8_t *(*record)(void *context, const char *name, size_t *size);
	void *context;
	size_t count;
	const x509_anchor_store *store;
} x509_chain_roots;

typedef struct {
	int64_t time;                     /* seconds since 1970 to check validity at */
	uint8_t options;                  /* X509_CHAIN_* */
	uint8_t depth;                    /* certificates added (saturates at 255) */
	uint8_t anchored, failed;
	uint8_t reason;                   /* the failure's, or (not failed) why the top could not be anchored so far */
	uint8_t below;                    /* non-self-issued certificates above the leaf in the path (pathLenConstraint) */
	uint8_t kind, md;                 /* the top's signature algorithm (its issuer verifies it) */
	uint8_t hasKeyId, selfIssued;     /* the top's authorityKeyIdentifier keyIdentifier is in keyId; the top is self-issued */
	uint16_t signatureLength;
	uint32_t missing;                 /* the CA store id of a root named like the top's issuer that the build lacks (0: none) */
	uint8_t digest[64];               /* the top's TBS digest */
	uint8_t issuer[32];               /* SHA-256 of the top's issuer Name */
	uint8_t keyId[32];                /* SHA-256 of the top's authority key identifier */
	char issuerName[X509_CHAIN_NAME]; /* the top's issuer and subject commonName, for messages */
	char topName[X509_CHAIN_NAME];
	char message[X509_CHAIN_MESSAGE]; /* the failure's (or the pending reason's) message, "x509: ..." */
	uint8_t signature[X509_CHAIN_SIGNATURE];
} x509_chain;

/* a new chain: the time to check validity at (X509_CHAIN_CLOCK: the device clock's, which must be set);
   name: the reference identity (NULL: none). X509_R_OK, or a failure */
int x509_chain_start(x509_chain *c, int64_t time, unsigned options, const char *name, size_t nameLength);
/* the workspace words x509_chain_add needs for this certificate (RSA signature checks), 0 for none */
size_t x509_chain_work(const x509_chain *c, const uint8_t *der, size_t size, const x509_chain_roots *roots);
/* the next certificate, der[0 .. size) (whole); f gets its located fields (X509_FIELDS); work: words of
   workspace (x509_chain_work). X509_R_OK, or the (sticky) failure */
int x509_chain_add(x509_chain *c, const uint8_t *der, size_t size, const x509_chain_roots *roots,
	const char *name, size_t nameLength, uint32_t *work, size_t words, uint32_t *f);
/* the chain is complete: X509_R_OK when it is anchored (or not verified), else the failure */
int x509_chain_finish(x509_chain *c);
/* the X509Error code of a reason ("expired", ...) */
const char *x509_chain_reason(int reason);
/* the value of the first commonName of the Name der[start .. end) into *value: 1, 0 when none */
int x509_chain_common_name_value(const uint8_t *der, size_t start, size_t end, x509_element *value);
/* the commonName of the Name der[start .. end) into out (printable ASCII, cut to X509_CHAIN_NAME - 1), "" when none */
void x509_chain_common_name(const uint8_t *der, size_t start, size_t end, char *out);

#endif
