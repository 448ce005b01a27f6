/*
 * The device profile's chain verifier (native/x509_chain.h has the policy), and its host functions
 * (modules/securesocket/verify-device.ts is their JS side):
 *
 *   xs_x509_chain_start(options, time, name) -> the state (an ArrayBuffer), or "<reason> <message>"
 *   xs_x509_chain_add(state, bytes, offset, length, roots, name) -> undefined, for the first
 *       certificate (the leaf) an ArrayBuffer of X509_FIELDS + 2 uint32: its located fields (native/x509.h,
 *       offsets from its start) then its subject's commonName's value range (0 0: none), from which
 *       verify-device.ts makes its summary; or "<reason> <message>"
 *   xs_x509_chain_finish(state) -> undefined, or "<reason> <message>"
 *
 * The state lives in an ArrayBuffer the JS holds (XS chunk heap, dropped at finish, close or a
 * failure); an RSA signature check gets its workspace as rsa.c's does (an ArrayBuffer made for the
 * call, SECURESOCKET_RSA_PUBLIC_WORDS of the key's size, garbage once the call returns).
 */
#include <string.h>
#include "x509_chain.h"
#include "x509_identity.h"
#include "pk_key.h"
#include "rsa_public.h"
#include "mbedtls/sha256.h"

#define KEY_ID 0x80

#define KEY_USAGE_DIGITAL_SIGNATURE 1
#define KEY_USAGE_KEY_CERT_SIGN (1 << 5)

enum { SIG_ECDSA = 1, SIG_RSA = 2 };

/* the names of the reasons X509_R_MALFORMED .. X509_R_DEPTH_EXCEEDED, in order */
static const char REASONS[] =
	"malformed\0" "expired\0" "notYetValid\0" "nameMismatch\0" "unknownIssuer\0" "notCA\0" "pathLength\0" "badSignature\0"
	"keyUsage\0" "extendedKeyUsage\0" "nameConstraints\0" "weakKey\0" "weakAlgorithm\0" "unsupportedAlgorithm\0"
	"unsupportedCritical\0" "clockNotSet\0" "depthExceeded\0";

const char *x509_chain_reason(int reason)
{
	return x509_nth(REASONS, (unsigned)reason - 1, X509_R_COUNT - 1, "malformed");
}

/* ---- messages ---- */

static void chain_append(char *to, const char *text)
{
	size_t at = strlen(to);
	while (*text && (at + 1 < X509_CHAIN_MESSAGE))
		to[at++] = *text++;
	to[at] = 0;
}

/* "x509: " who [" " depth] [" 'CN=" name "'"] " " text */
static void say(x509_chain *c, const char *who, int depth, const char *name, const char *text)
{
	char number[5], *digit = number + sizeof(number) - 1;
	strcpy(c->message, "x509: ");
	chain_append(c->message, who);
	if (depth >= 0) {
		*digit = 0;
		do
			*--digit = (char)('0' + depth % 10);
		while (depth /= 10);
		*--digit = ' ';
		chain_append(c->message, digit);
	}
	if (name && *name) {
		chain_append(c->message, " 'CN=");
		chain_append(c->message, name);
		chain_append(c->message, "'");
	}
	chain_append(c->message, " ");
	chain_append(c->message, text);
}

/* a failure: sticky */
static int chain_fail(x509_chain *c, int reason, const char *who, int depth, const char *name, const char *text)
{
	say(c, who, depth, name, text);
	c->failed = 1;
	c->reason = (uint8_t)reason;
	return reason;
}

/* a name mismatch: identity.c's message as it is, then `after` */
static int name_mismatch(x509_chain *c, const char *text, const char *after)
{
	strcpy(c->message, text);
	chain_append(c->message, after);
	c->failed = 1;
	return c->reason = X509_R_NAME_MISMATCH;
}

/* why the top is not anchored (yet): the failure at finish unless a later certificate links it */
static void pend(x509_chain *c, int reason, const char *who, int depth, const char *name, const char *text)
{
	say(c, who, depth, name, text);
	c->reason = (uint8_t)reason;
}

int x509_chain_common_name_value(const uint8_t *der, size_t start, size_t end, x509_element *value)
{
	static const uint8_t CN[] = { 0x55, 0x04, 0x03 };
	x509_reader r = { der, start, end }, rdn, atv;
	x509_element e, type;
	if (x509_der_expect(&r, &e, SEQUENCE))
		return 0;
	r = x509_der_inside(&r, &e);
	while ((r.at < r.end) && !x509_der_expect(&r, &e, SET)) {
		rdn = x509_der_inside(&r, &e);
		while ((rdn.at < rdn.end) && !x509_der_expect(&rdn, &e, SEQUENCE)) {
			atv = x509_der_inside(&rdn, &e);
			if (x509_der_expect(&atv, &type, OID) || x509_der_next(&atv, value))
				return 0;
			if ((type.end - type.content == sizeof(CN)) && !memcmp(der + type.content, CN, sizeof(CN)))
				return 1;
		}
	}
	return 0;
}

void x509_chain_common_name(const uint8_t *der, size_t start, size_t end, char *out)
{
	x509_element value;
	size_t i, n = 0;
	if (x509_chain_common_name_value(der, start, end, &value))
		for (i = value.content; (i < value.end) && (n + 1 < X509_CHAIN_NAME); i++)
			out[n++] = ((der[i] >= 0x20) && (der[i] < 0x7f) && (der[i] != '\'')) ? (char)der[i] : '?';
	out[n] = 0;
}

/* ---- what a certificate is ---- */

static int64_t seconds(const uint32_t *f, unsigned at)
{
	return (int64_t)(((uint64_t)f[at] << 32) | f[at + 1]);
}

static void sha256(const uint8_t *data, size_t length, uint8_t out[32])
{
	mbedtls_sha256_ret(data, length, out, 0);
}

/* the keyIdentifier of an authorityKeyIdentifier (extnValue contents at f[at]) or the OCTET STRING of a
   subjectKeyIdentifier: its range, 0 when absent */
static int key_id(const uint8_t *der, const uint32_t *f, unsigned at, size_t *start, size_t *end)
{
	x509_reader r = { der, f[at], f[at + 1] };
	x509_element e;
	if (f[at + 1] == 0)
		return 0;
	if (at == X509_AUTHORITY_KEY_ID) {
		if (x509_der_expect(&r, &e, SEQUENCE) || x509_der_ended(&r))
			return -1;
		r = x509_der_inside(&r, &e);
		if ((r.at >= r.end) || (der[r.at] != KEY_ID))
			return 0;
		if (x509_der_next(&r, &e))
			return -1;
	}
	else if (x509_der_expect(&r, &e, OCTET_STRING) || x509_der_ended(&r))
		return -1;
	*start = e.content;
	*end = e.end;
	return 1;
}

/*
 * The signature algorithms (x509/algorithms.ts's table with the device profile's x509/no-pss): an OID's
 * content (its length first), then what it is: SIG_ECDSA or SIG_RSA with the hash, or a refusal. RSA's
 * parameters must be NULL or absent (RFC 4055 5), ECDSA's absent (RFC 5758 3.2).
 */
enum { WEAK = 3, PSS = 4 };
static const uint8_t ALGORITHMS[][12] = {
	{ 9, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, SIG_RSA, MBEDTLS_MD_SHA256 },   /* sha256WithRSAEncryption */
	{ 9, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c, SIG_RSA, MBEDTLS_MD_SHA384 },
	{ 9, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d, SIG_RSA, MBEDTLS_MD_SHA512 },
	{ 8, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, SIG_ECDSA, MBEDTLS_MD_SHA256 },        /* ecdsa-with-SHA256 */
	{ 8, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03, SIG_ECDSA, MBEDTLS_MD_SHA384 },
	{ 8, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04, SIG_ECDSA, MBEDTLS_MD_SHA512 },
	{ 9, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a, PSS },                          /* RSASSA-PSS */
	{ 9, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05, WEAK },                         /* sha1WithRSAEncryption */
	{ 9, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x04, WEAK },                         /* md5WithRSAEncryption */
	{ 9, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x03, WEAK },                         /* md4 */
	{ 9, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x02, WEAK },                         /* md2 */
	{ 5, 0x2b, 0x0e, 0x03, 0x02, 0x1d, WEAK },                                                 /* OIW sha1WithRSA */
	{ 7, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01, WEAK },                                     /* ecdsa-with-SHA1 */
	{ 7, 0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x03, WEAK },                                     /* dsa-with-sha1 */
};

/* The signature algorithm (the TBS signature field, der[start .. end)): X509_R_OK with *kind, *md, else the reason and *text. */
static int signature_algorithm(const uint8_t *der, size_t start, size_t end, uint8_t *kind, uint8_t *md, const char **text)
{
	x509_reader r = { der, start, end }, a;
	x509_element e, oid, parameters;
	size_t i, n;
	int null = -1;   /* no parameters */
	*text = "has a malformed signature algorithm";
	if (x509_der_expect(&r, &e, SEQUENCE))
		return X509_R_MALFORMED;
	a = x509_der_inside(&r, &e);
	if (x509_der_expect(&a, &oid, OID) || x509_der_oid(&a, &oid))
		return X509_R_MALFORMED;
	if (a.at < a.end) {
		if (x509_der_next(&a, &parameters) || x509_der_ended(&a))
			return X509_R_MALFORMED;
		null = (parameters.tag == NULL_TAG) && (parameters.end == parameters.content);
	}
	n = oid.end - oid.content;
	for (i = 0; i < sizeof(ALGORITHMS) / sizeof(ALGORITHMS[0]); i++) {
		const uint8_t *known = ALGORITHMS[i];
		if ((n != known[0]) || memcmp(der + oid.content, known + 1, n))
			continue;
		if (known[n + 1] == PSS) {
			*text = "is signed with RSASSA-PSS, not in this build";
			return X509_R_UNSUPPORTED_ALGORITHM;
		}
		if ((known[n + 1] == SIG_ECDSA) ? (null >= 0) : (null == 0))
			return X509_R_MALFORMED;
		if (known[n + 1] == WEAK) {
			*text = "is signed with MD5 or SHA-1 (weak)";
			return X509_R_WEAK_ALGORITHM;
		}
		*kind = known[n + 1];
		*md = known[n + 2];
		return X509_R_OK;
	}
	*text = "has an unsupported signature algorithm";
	return X509_R_UNSUPPORTED_ALGORITHM;
}

/* path.ts checkCertificate: no defect (signature algorithm, unknown critical extension), valid at c->time: X509_R_OK, or the reason and *text */
static int check_certificate(const x509_chain *c, const uint8_t *der, const uint32_t *f, uint8_t *kind, uint8_t *md, const char **text)
{
	int reason = signature_algorithm(der, f[X509_TBS_ALGORITHM], f[X509_TBS_ALGORITHM_END], kind, md, text);
	if (reason)
		return reason;
	if (f[X509_FLAGS] & X509_UNKNOWN_CRITICAL) {
		*text = "has an unknown critical extension";
		return X509_R_UNSUPPORTED_CRITICAL;
	}
	if (c->time < seconds(f, X509_NOT_BEFORE_HIGH)) {
		*text = "is not valid yet";
		return X509_R_NOT_YET_VALID;
	}
	if (c->time > seconds(f, X509_NOT_AFTER_HIGH)) {
		*text = "has expired";
		return X509_R_EXPIRED;
	}
	return X509_R_OK;
}

/* the key of a SubjectPublicKeyInfo: PK_OK, else the reason and *text */
static int parse_key(const uint8_t *spki, size_t length, securesocket_pk **key, const char **text)
{
	int error = securesocket_pk_spki(spki, length, key);
	switch (error) {
	case PK_OK: return X509_R_OK;
	case PK_TOO_SMALL: *text = "has an RSA key under 2048 bits"; return X509_R_WEAK_KEY;
	case PK_BAD_KEY: case PK_BAD_POINT: *text = "has a malformed key"; return X509_R_MALFORMED;
	case PK_NO_MEMORY: *text = "has a key: out of memory"; return X509_R_MALFORMED;
	default: *text = "has an unsupported key"; return X509_R_UNSUPPORTED_ALGORITHM;
	}
}

/*
 * The top's signature against the key spki (its issuer's, whose role, depth and name say whom in
 * messages): X509_R_OK, or the failure (a bad key is the issuer's, a bad signature the top's).
 */
static int verify_top(x509_chain *c, const uint8_t *spki, size_t length, const char *who, int depth, const char *name,
	uint32_t *work, size_t words, int pending)
{
	securesocket_pk *key = NULL;
	const char *text;
	int reason = parse_key(spki, length, &key, &text), valid = 0;
	if (reason == X509_R_OK) {
		const mbedtls_md_info_t *info = mbedtls_md_info_from_type((mbedtls_md_type_t)c->md);
		size_t dlen = mbedtls_md_get_size(info);
		if ((c->kind == SIG_ECDSA) && (key->kind == SECURESOCKET_PK_EC))
			valid = securesocket_ecdsa_verify(key, c->digest, dlen, c->signature, c->signatureLength);
		else if ((c->kind == SIG_RSA) && (key->kind == SECURESOCKET_PK_RSA) && (c->signatureLength <= X509_CHAIN_SIGNATURE) &&
			(words >= SECURESOCKET_RSA_PUBLIC_WORDS(securesocket_pk_nlen(key))))
			valid = securesocket_rsa_verify_digest(key, 0, (mbedtls_md_type_t)c->md, 0, c->digest, c->signature,
				c->signatureLength, work, words);
		else if ((key->kind != SECURESOCKET_PK_EC) && (key->kind != SECURESOCKET_PK_RSA)) {
			reason = X509_R_UNSUPPORTED_ALGORITHM;
			text = "has an unsupported key";
		}
		securesocket_pk_free(key);
	}
	if (reason == X509_R_OK && valid != 1) {
		reason = X509_R_BAD_SIGNATURE;
		text = (valid < 0) ? "has a signature: out of memory" : "has a bad signature";
		who = "certificate";
		depth = c->depth - 1;
		name = c->topName;
	}
	if (reason == X509_R_OK)
		return X509_R_OK;
	if (pending) {
		pend(c, reason, who, depth, name, text);
		return reason;
	}
	return chain_fail(c, reason, who, depth, name, text);
}

/*
 * path.ts checkIssuer: the checks on an issuer (a CA certificate, or with `root` a trust anchor) of the
 * top. 0, or the reason and *text.
 */
static int check_issuer(const x509_chain *c, uint32_t flags, uint32_t version, uint32_t pathLength, uint32_t keyUsage,
	int nameConstraints, int root, const char **text)
{
	if (root ? ((flags & X509_HAS_BASIC_CONSTRAINTS) && !(flags & X509_CA)) : (!(flags & X509_CA) || (version < 3))) {
		*text = "is not a CA";
		return X509_R_NOT_CA;
	}
	if ((flags & X509_HAS_KEY_USAGE) && !(keyUsage & KEY_USAGE_KEY_CERT_SIGN)) {
		*text = "lacks keyCertSign";
		return X509_R_KEY_USAGE;
	}
	if ((flags & X509_HAS_PATH_LENGTH) && (c->below > pathLength)) {
		*text = "has its pathLenConstraint exceeded";
		return X509_R_PATH_LENGTH;
	}
	if ((flags & X509_HAS_EXT_KEY_USAGE) && !(flags & X509_ANY_EXT_KEY_USAGE) &&
		!(flags & ((c->options & X509_CHAIN_CLIENT_AUTH) ? X509_CLIENT_AUTH : X509_SERVER_AUTH))) {
		*text = "has an extKeyUsage without this use";
		return X509_R_EXT_KEY_USAGE;
	}
	if (nameConstraints) {
		*text = "has name constraints, not in this build";
		return X509_R_NAME_CONSTRAINTS;
	}
	return X509_R_OK;
}

/* ---- trust anchors ---- */

/* where a lookup of anchors by name is: the app's roots, then the CA store */
typedef struct {
	size_t root;
	uint32_t cursor;
} anchor_cursor;

/* two byte strings are the same */
static int same(const uint8_t *a, size_t aLength, const uint8_t *b, size_t bLength)
{
	return (aLength == bLength) && !memcmp(a, b, aLength);
}

/*
 * The next anchor whose subject is the Name der[start .. end), an app's root read as a CA store's is
 * (x509_anchor: pointers into its bytes): 1 with *a, 0 when there are no more, -1 when a root or the
 * store is malformed (*error says which).
 */
static int next_anchor(const x509_chain_roots *roots, unsigned options, const uint8_t *der, size_t start, size_t end,
	anchor_cursor *at, x509_anchor *a, const char **error, uint32_t *missing)
{
	uint32_t f[X509_FIELDS];
	int found;
	for (; roots && (at->root < roots->count); at->root++) {
		size_t size, id = 0, idEnd = 0;
		const uint8_t *root = roots->get(roots->context, at->root, &size);
		if ((root == NULL) || x509_locate(root, size, f) || (key_id(root, f, X509_SUBJECT_KEY_ID, &id, &idEnd) < 0)) {
			*error = "x509: a root (secure.certificate) is malformed";
			return -1;
		}
		if (!same(root + f[X509_SUBJECT], f[X509_SUBJECT_END] - f[X509_SUBJECT], der + start, end - start))
			continue;
		memset(a, 0, sizeof(*a));
		a->subject = root + f[X509_SUBJECT];
		a->subjectLength = f[X509_SUBJECT_END] - f[X509_SUBJECT];
		a->spki = root + f[X509_SPKI];
		a->spkiLength = f[X509_SPKI_END] - f[X509_SPKI];
		a->keyId = root + id;
		a->keyIdLength = idEnd - id;
		a->nameConstraints = f[X509_NAME_CONSTRAINTS_END] ? root : NULL;
		a->flags = f[X509_FLAGS];
		a->pathLength = f[X509_PATH_LENGTH];
		a->keyUsage = f[X509_KEY_USAGE];
		at->root++;
		return 1;
	}
	if (!roots || !roots->store || !(options & X509_CHAIN_STORE))
		return 0;
	while ((found = x509_anchor_next(roots->store, der + start, end - start, NULL, 0, &at->cursor, a, error)) > 0) {
		if (found == X509_ANCHOR_MISSING) {
			char name[X509_ANCHOR_RESOURCE_NAME];
			size_t size;
			const uint8_t *record;
			uint32_t id = a->id;
			x509_anchor_resource_name(id, name);
			record = roots->record ? roots->record(roots->context, name, &size) : NULL;
			if (record == NULL) {
				*missing = id;
				continue;
			}
			found = x509_anchor_record(record, size, der + start, end - start, a, error);
			if (found == X509_ANCHOR_DONE)
				continue;
			if (found < 0)
				break;
		}
		return 1;
	}
	return found;
}

/* a malformed root or store: -1 */
static int failed(x509_chain *c, const char *error)
{
	c->message[0] = 0;
	chain_append(c->message, error);
	c->failed = 1;
	c->reason = X509_R_MALFORMED;
	return -1;
}

/* the anchor's key identifier equals the top's authority key identifier (or one of them is absent) */
static int anchor_key_id(const x509_chain *c, const x509_anchor *a)
{
	uint8_t hash[32];
	if (!c->hasKeyId || (a->keyIdLength == 0))
		return 1;
	sha256(a->keyId, a->keyIdLength, hash);
	return !memcmp(hash, c->keyId, 32);
}

/*
 * path.ts tryAnchors for the top (der, f: the certificate just added, at depth c->depth - 1): is it an
 * anchor itself, or issued by one? 1 anchored, 0 not (c->reason, c->message say why when an anchor
 * was refused), -1 failed (a malformed root).
 */
static int try_anchors(x509_chain *c, const uint8_t *der, const uint32_t *f, const x509_chain_roots *roots,
	uint32_t *work, size_t words)
{
	x509_anchor a;
	anchor_cursor at = { 0, 0 };
	char name[X509_CHAIN_NAME];
	int found;
	const char *text, *error = "";
	uint32_t missing = 0;
	while ((found = next_anchor(roots, c->options, der, f[X509_SUBJECT], f[X509_SUBJECT_END], &at, &a, &error, &missing)) > 0)
		if (same(a.spki, a.spkiLength, der + f[X509_SPKI], f[X509_SPKI_END] - f[X509_SPKI]))
			return c->anchored = 1;
	if (found < 0)
		return failed(c, error);
	at.root = 0;
	at.cursor = 0;
	while ((found = next_anchor(roots, c->options, der, f[X509_ISSUER], f[X509_ISSUER_END], &at, &a, &error, &missing)) > 0) {
		int reason;
		if (!anchor_key_id(c, &a))
			continue;
		reason = check_issuer(c, a.flags, 3, a.pathLength, a.keyUsage, a.nameConstraints != NULL, 1, &text);
		x509_chain_common_name(a.subject, 0, a.subjectLength, name);
		if (reason)
			pend(c, reason, "the trusted root", -1, name, text);
		else if (verify_top(c, a.spki, a.spkiLength, "the trusted root", -1, name, work, words, 1) == X509_R_OK)
			return c->anchored = 1;
	}
	c->missing = missing;
	return (found < 0) ? failed(c, error) : 0;
}

/* ---- the machine ---- */

int x509_chain_start(x509_chain *c, int64_t time, unsigned options, const char *name, size_t nameLength)
{
	const char *text;
	memset(c, 0, sizeof(*c));
	c->time = time;
	c->options = (uint8_t)options;
	if ((options & X509_CHAIN_CLOCK) && (options & X509_CHAIN_VERIFY) && (time < 1577836800))   /* before 2020: the clock is not set (x509/stream.ts) */
		return chain_fail(c, X509_R_CLOCK_NOT_SET, "the device clock is not set:", -1, NULL, "set it (SNTP) or pass secure.time");
	if (name && (options & X509_CHAIN_VERIFY) && (text = x509_identity_valid(name, nameLength)))
		return name_mismatch(c, text, "");
	return X509_R_OK;
}

/* the workspace an RSA check needs for a key of about `length` bytes of SubjectPublicKeyInfo */
static size_t rsa_words(size_t length)
{
	return SECURESOCKET_RSA_PUBLIC_WORDS(length < SECURESOCKET_RSA_PUBLIC_MAX_BYTES ? length : SECURESOCKET_RSA_PUBLIC_MAX_BYTES);
}

size_t x509_chain_work(const x509_chain *c, const uint8_t *der, size_t size, const x509_chain_roots *roots)
{
	uint32_t f[X509_FIELDS];
	size_t words = 0;
	uint8_t kind = 0, md;
	const char *text;
	x509_anchor a;
	anchor_cursor at = { 0, 0 };
	uint32_t missing;
	if (c->failed || c->anchored || !(c->options & X509_CHAIN_VERIFY) || x509_locate(der, size, f))
		return 0;
	if (c->depth && (c->kind == SIG_RSA))   /* this certificate's key checks the top's signature */
		words = rsa_words(f[X509_SPKI_END] - f[X509_SPKI]);
	if (signature_algorithm(der, f[X509_TBS_ALGORITHM], f[X509_TBS_ALGORITHM_END], &kind, &md, &text) || (kind != SIG_RSA))
		return words;
	/* an anchor's key may check this certificate's signature */
	while (next_anchor(roots, c->options, der, f[X509_ISSUER], f[X509_ISSUER_END], &at, &a, &text, &missing) > 0)
		if (rsa_words(a.spkiLength) > words)
			words = rsa_words(a.spkiLength);
	return words;
}

/* the leaf's checks (path.ts checkCertificate when verifying, then checkLeaf) */
static int check_leaf(x509_chain *c, const uint8_t *der, const uint32_t *f, const char *name, size_t nameLength, const char *cn,
	uint8_t *kind, uint8_t *md)
{
	securesocket_pk *key = NULL;
	const char *text;
	int reason = (c->options & X509_CHAIN_VERIFY) ? check_certificate(c, der, f, kind, md, &text) : X509_R_OK;
	if (reason == X509_R_OK)
		reason = parse_key(der + f[X509_SPKI], f[X509_SPKI_END] - f[X509_SPKI], &key, &text);
	if (reason == X509_R_OK) {
		securesocket_pk_free(key);
		if (!(c->options & X509_CHAIN_VERIFY))
			return X509_R_OK;
		if (name && (text = x509_identity_check(f[X509_SUBJECT_ALT_NAME_END] ? der + f[X509_SUBJECT_ALT_NAME] : NULL,
				f[X509_SUBJECT_ALT_NAME_END] - f[X509_SUBJECT_ALT_NAME], name, nameLength)))
			return name_mismatch(c, text, " (certificate 0)");
		if ((f[X509_FLAGS] & X509_HAS_KEY_USAGE) && !(f[X509_KEY_USAGE] & KEY_USAGE_DIGITAL_SIGNATURE)) {
			reason = X509_R_KEY_USAGE;
			text = "lacks digitalSignature";
		}
		else if ((f[X509_FLAGS] & X509_HAS_EXT_KEY_USAGE) &&
			!(f[X509_FLAGS] & ((c->options & X509_CHAIN_CLIENT_AUTH) ? X509_CLIENT_AUTH : X509_SERVER_AUTH))) {
			reason = X509_R_EXT_KEY_USAGE;
			text = "has an extKeyUsage without this use";
		}
		else
			return X509_R_OK;
	}
	return chain_fail(c, reason, "certificate", 0, cn, text);
}

/* keeps of the certificate what its issuer checks: the TBS digest, the signature, the issuer name and key id */
static int keep_top(x509_chain *c, const uint8_t *der, const uint32_t *f, uint8_t kind, uint8_t md, const char *cn)
{
	size_t start, end, length = f[X509_SIGNATURE_END] - f[X509_SIGNATURE];
	int id = key_id(der, f, X509_AUTHORITY_KEY_ID, &start, &end);
	if (id < 0)
		return chain_fail(c, X509_R_MALFORMED, "certificate", c->depth, cn, "has a malformed key identifier");
	c->kind = kind;
	c->md = md;
	c->hasKeyId = (uint8_t)id;
	if (id)
		sha256(der + start, end - start, c->keyId);
	mbedtls_md(mbedtls_md_info_from_type((mbedtls_md_type_t)md), der + f[X509_TBS], f[X509_TBS_END] - f[X509_TBS], c->digest);
	sha256(der + f[X509_ISSUER], f[X509_ISSUER_END] - f[X509_ISSUER], c->issuer);
	c->signatureLength = (uint16_t)(length > X509_CHAIN_SIGNATURE ? X509_CHAIN_SIGNATURE + 1 : length);
	memcpy(c->signature, der + f[X509_SIGNATURE], length > X509_CHAIN_SIGNATURE ? X509_CHAIN_SIGNATURE : length);
	c->selfIssued = (f[X509_FLAGS] & X509_SELF_ISSUED) != 0;
	x509_chain_common_name(der, f[X509_ISSUER], f[X509_ISSUER_END], c->issuerName);
	strcpy(c->topName, cn);
	return X509_R_OK;
}

/* a certificate after the leaf, before the path is anchored: it must issue the top (path.ts mayIssue, link) */
static int link_top(x509_chain *c, const uint8_t *der, const uint32_t *f, const char *cn, uint8_t *kind, uint8_t *md,
	uint32_t *work, size_t words)
{
	uint8_t hash[32];
	size_t start, end;
	const char *text = "did not issue the one before it: the chain must be in order";
	int depth = c->depth, reason = X509_R_UNKNOWN_ISSUER, id = key_id(der, f, X509_SUBJECT_KEY_ID, &start, &end);
	sha256(der + f[X509_SUBJECT], f[X509_SUBJECT_END] - f[X509_SUBJECT], hash);
	if (id < 0) {
		reason = X509_R_MALFORMED;
		text = "has a malformed key identifier";
	}
	else if (memcmp(hash, c->issuer, 32))
		;   /* another issuer's name */
	else if (id && c->hasKeyId && (sha256(der + start, end - start, hash), memcmp(hash, c->keyId, 32)))
		;   /* another key of that name */
	else if (depth >= X509_CHAIN_MAX_DEPTH) {
		reason = X509_R_DEPTH_EXCEEDED;
		text = "makes the path too long";
	}
	else if (!(reason = check_certificate(c, der, f, kind, md, &text)) &&
		!(reason = check_issuer(c, f[X509_FLAGS], f[X509_VERSION], f[X509_PATH_LENGTH], f[X509_KEY_USAGE], f[X509_NAME_CONSTRAINTS_END] != 0, 0, &text)))
		return verify_top(c, der + f[X509_SPKI], f[X509_SPKI_END] - f[X509_SPKI], "certificate", depth, cn, work, words, 0);
	return chain_fail(c, reason, "certificate", depth, cn, text);
}

int x509_chain_add(x509_chain *c, const uint8_t *der, size_t size, const x509_chain_roots *roots,
	const char *name, size_t nameLength, uint32_t *work, size_t words, uint32_t *f)
{
	char cn[X509_CHAIN_NAME];
	uint8_t kind = 0, md = 0;
	int depth = c->depth, reason, error;
	if (c->failed)
		return c->reason;
	error = x509_locate(der, size, f);
	if (error) {
		say(c, "certificate", depth, NULL, x509_field_name(f[X509_ERROR_FIELD]));
		chain_append(c->message, ": ");
		chain_append(c->message, x509_error_text(error));
		c->failed = 1;
		return c->reason = X509_R_MALFORMED;
	}
	if (c->anchored || ((depth > 0) && !(c->options & X509_CHAIN_VERIFY))) {
		if (c->depth < 255)
			c->depth++;
		return X509_R_OK;
	}
	x509_chain_common_name(der, f[X509_SUBJECT], f[X509_SUBJECT_END], cn);
	if (depth == 0) {
		if ((reason = check_leaf(c, der, f, name, nameLength, cn, &kind, &md)))
			return reason;
		if (!(c->options & X509_CHAIN_VERIFY)) {
			c->depth++;
			return X509_R_OK;
		}
	}
	else {
		if ((reason = link_top(c, der, f, cn, &kind, &md, work, words)))
			return reason;
		if (!(f[X509_FLAGS] & X509_SELF_ISSUED))
			c->below++;
		c->reason = X509_R_OK;   /* linked: what kept the top from an anchor no longer matters */
	}
	if ((reason = keep_top(c, der, f, kind, md, cn)))
		return reason;
	c->depth++;
	if (!(c->options & X509_CHAIN_VERIFY))
		return X509_R_OK;
	return (try_anchors(c, der, f, roots, work, words) < 0) ? c->reason : X509_R_OK;
}

int x509_chain_finish(x509_chain *c)
{
	if (c->failed)
		return c->reason;
	if (c->depth == 0)
		return chain_fail(c, X509_R_MALFORMED, "no certificate", -1, NULL, "");
	if (c->anchored || !(c->options & X509_CHAIN_VERIFY))
		return X509_R_OK;
	if (c->reason) {
		c->failed = 1;
		return c->reason;
	}
	chain_fail(c, X509_R_UNKNOWN_ISSUER, c->selfIssued ? "unknown issuer: self-signed certificate" : "unknown issuer of certificate",
		c->depth - 1, c->topName, "");
	if (!c->selfIssued) {
		if (c->issuerName[0]) {
			chain_append(c->message, "(issuer 'CN=");
			chain_append(c->message, c->issuerName);
			chain_append(c->message, "')");
		}
		if (c->missing) {
			char name[X509_ANCHOR_RESOURCE_NAME];
			x509_anchor_resource_name(c->missing, name);
			chain_append(c->message, ": add ");
			chain_append(c->message, name);
			chain_append(c->message, " to the resources");
		}
		else
			chain_append(c->message, ": add its root");
	}
	return c->reason;
}

#ifndef X509_NO_HOST
#include "crypto_common.h"

/* the state, aligned, in the ArrayBuffer argument i */
static x509_chain *chain_state(xsMachine *the, int i)
{
	void *data;
	xsUnsignedValue size;
	xsmcGetBufferWritable(xsArg(i), &data, &size);
	if (size < sizeof(x509_chain) + 8)
		securesocket_throw(the, "TypeError", "x509: not a chain state");
	return (x509_chain *)(((uintptr_t)data + 7) & ~(uintptr_t)7);
}

/* "<reason> <message>" of c as the result */
static void chain_failure(xsMachine *the, const x509_chain *c)
{
	char text[24 + X509_CHAIN_MESSAGE];
	strcpy(text, x509_chain_reason(c->reason));
	strcat(text, " ");
	strcat(text, c->message);
	xsmcSetString(xsResult, text);
}

/* argument i when it is a string, else NULL */
static const char *string_argument(xsMachine *the, int i)
{
	int type = xsmcTypeOf(xsArg(i));
	return ((type == xsStringType) || (type == xsStringXType)) ? xsmcToString(xsArg(i)) : NULL;
}

/* a resource's bytes in C (host/resource.c; on a device, the SDK's, over flash) */
extern const void *mcGetResource(xsMachine *the, const char *path, size_t *size);

static const uint8_t *root_bytes(void *context, size_t i, size_t *size)
{
	xsMachine *the = context;
	void *data;
	xsUnsignedValue count;
	xsmcGetIndex(xsVar(0), xsArg(4), (xsIntegerValue)i);
	if (xsmcTypeOf(xsVar(0)) != xsReferenceType)
		return NULL;
	xsmcGetBufferReadable(xsVar(0), &data, &count);
	*size = count;
	return data;
}

static const uint8_t *record_bytes(void *context, const char *name, size_t *size)
{
	return mcGetResource(context, name, size);
}

/* the anchors: the roots argument (an array of DER buffers, or undefined) and the CA store resources */
static void chain_roots(xsMachine *the, x509_chain_roots *roots, x509_anchor_store *store)
{
	roots->get = root_bytes;
	roots->record = record_bytes;
	roots->context = the;
	roots->count = 0;
	roots->store = NULL;
	if (xsmcTypeOf(xsArg(4)) == xsReferenceType) {
		xsmcGet(xsVar(0), xsArg(4), xsID("length"));
		roots->count = (size_t)xsmcToInteger(xsVar(0));
	}
	store->index = mcGetResource(the, "ca-index.bin", &store->indexLength);
	if (store->index == NULL)
		return;
	store->roots = mcGetResource(the, "ca-roots.bin", &store->rootsLength);
	if (store->roots == NULL)
		store->rootsLength = 0;
	roots->store = store;
}

void xs_x509_chain_start(xsMachine *the)
{
	unsigned options = (unsigned)xsmcToInteger(xsArg(0));
	double time = xsmcToNumber(xsArg(1));
	const char *name;
	xsmcSetArrayBuffer(xsResult, NULL, sizeof(x509_chain) + 8);
	name = string_argument(the, 2);
	{
		void *data;
		xsUnsignedValue size;
		x509_chain *c;
		xsmcGetBufferWritable(xsResult, &data, &size);
		c = (x509_chain *)(((uintptr_t)data + 7) & ~(uintptr_t)7);
		if (x509_chain_start(c, (int64_t)time, options, name, name ? strlen(name) : 0))
			chain_failure(the, c);
	}
}

void xs_x509_chain_add(xsMachine *the)
{
	uint32_t f[X509_FIELDS + 2];
	x509_chain_roots roots;
	x509_anchor_store store;
	const uint8_t *der;
	const char *name;
	x509_chain *c;
	size_t length, words;
	uint32_t *work = NULL;
	int depth, reason;
	xsmcVars(2);
	chain_roots(the, &roots, &store);
	der = securesocket_input(the, 1, &length);
	words = x509_chain_work(chain_state(the, 0), der, length, &roots);
	if (words) {
		/* the workspace, held by xsVar(1) for the call; then every pointer again (XS may have moved them) */
		void *buffer;
		xsUnsignedValue count;
		xsmcSetArrayBuffer(xsVar(1), NULL, (xsIntegerValue)((words + 1) * sizeof(uint32_t)));
		xsmcGetBufferWritable(xsVar(1), &buffer, &count);
		work = (uint32_t *)(((uintptr_t)buffer + 3) & ~(uintptr_t)3);
		der = securesocket_input(the, 1, &length);
	}
	name = string_argument(the, 5);
	/* no allocation from here until the result: der, name, the roots and the state stay put */
	c = chain_state(the, 0);
	depth = c->depth;
	reason = x509_chain_add(c, der, length, &roots, name, name ? strlen(name) : 0, work, words, f);
	if (reason) {
		chain_failure(the, c);
		return;
	}
	if (depth == 0) {
		/* the leaf: its fields, then its subject's commonName's value range (0 0: none), for verify-device.ts's summary */
		x509_element value;
		f[X509_FIELDS] = f[X509_FIELDS + 1] = 0;
		if (x509_chain_common_name_value(der, f[X509_SUBJECT], f[X509_SUBJECT_END], &value)) {
			f[X509_FIELDS] = (uint32_t)value.content;
			f[X509_FIELDS + 1] = (uint32_t)value.end;
		}
		xsmcSetArrayBuffer(xsResult, f, sizeof(f));
	}
}

void xs_x509_chain_finish(xsMachine *the)
{
	x509_chain *c = chain_state(the, 0);
	if (x509_chain_finish(c))
		chain_failure(the, c);
}
#endif
