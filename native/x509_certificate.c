/*
 * The X.509 locator's walk of one whole certificate (native/x509.h), RFC 5280 4.1:
 *   Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm AlgorithmIdentifier, signatureValue BIT STRING }
 *   TBSCertificate ::= SEQUENCE { version [0] EXPLICIT DEFAULT v1, serialNumber INTEGER, signature
 *     AlgorithmIdentifier, issuer Name, validity Validity, subject Name, subjectPublicKeyInfo,
 *     issuerUniqueID [1] IMPLICIT OPTIONAL (v2, v3), subjectUniqueID [2] IMPLICIT OPTIONAL (v2, v3),
 *     extensions [3] EXPLICIT OPTIONAL (v3) }
 * Fields in that order, each exactly filling its container, the Certificate exactly the bytes given;
 * the size limits of x509/certificate.ts (a field larger than a verifier needs is refused); the two
 * signature algorithm fields the same bytes (4.1.1.2); the signature whole bytes. Names, algorithm
 * parameters and the located extensions are left to the JS. And the host function:
 *
 *   xs_x509_locate(what, bytes, offset, length, fields) -> undefined, or the message of what is wrong
 *
 * bytes[offset .. offset + length) is the certificate (a buffer or a view; not copied), fields the
 * ArrayBuffer of a Uint32Array of X509_FIELDS (or more) entries that gets the offsets (from the
 * certificate's start; XS reads no other typed array as bytes),
 * and `what` names the certificate in the message: "x509: <what>: <field>: <problem>".
 */
#include <string.h>
#include "x509.h"

#define VERSION 0xa0
#define ISSUER_UNIQUE_ID 0x81
#define SUBJECT_UNIQUE_ID 0x82
#define EXTENSIONS 0xa3

/* the largest contents accepted (x509/certificate.ts's limits) */
#define LIMIT_VERSION 5
#define LIMIT_SERIAL 21
#define LIMIT_ALGORITHM 96
#define LIMIT_NAME 1024
#define LIMIT_VALIDITY 40
#define LIMIT_SPKI 1100
#define LIMIT_SIGNATURE 1040

/* the next element of r, which must be `tag` (a content of `limit` bytes at most), read as `field` */
static int field(x509_reader *r, x509_element *e, unsigned tag, size_t limit, unsigned in, uint32_t *out)
{
	int error;
	x509_reading(out, in, r->at);
	if ((error = x509_der_expect(r, e, tag)))
		return (error == X509_E_MISSING) ? X509_E_MISSING_FIELDS : error;
	return (e->end - e->content > limit) ? X509_E_TOO_LARGE : X509_OK;
}

static void put(uint32_t *out, unsigned at, const x509_element *e)
{
	out[at] = (uint32_t)e->start;
	out[at + 1] = (uint32_t)e->end;
}

static int version(x509_reader *t, uint32_t *out)
{
	x509_element e;
	x509_reader v;
	uint32_t number;
	int error;
	out[X509_VERSION] = 1;
	if ((t->at >= t->end) || (t->der[t->at] != VERSION))
		return X509_OK;
	if ((error = field(t, &e, VERSION, LIMIT_VERSION, X509_IN_VERSION, out)))
		return error;
	v = x509_der_inside(t, &e);
	if ((error = x509_der_expect(&v, &e, INTEGER)) || (error = x509_der_small(&v, &e, &number)) || (error = x509_der_ended(&v)))
		return error;
	if (number == 0)
		return X509_E_VERSION_DEFAULT;
	if (number > 2)
		return X509_E_VERSION_UNKNOWN;
	out[X509_VERSION] = number + 1;
	return X509_OK;
}

static int validity(x509_reader *t, uint32_t *out)
{
	x509_element e;
	x509_reader v;
	int64_t seconds;
	int error;
	if ((error = field(t, &e, SEQUENCE, LIMIT_VALIDITY, X509_IN_VALIDITY, out)))
		return error;
	v = x509_der_inside(t, &e);
	x509_reading(out, X509_IN_NOT_BEFORE, v.at);
	if ((error = x509_time(&v, &seconds)))
		return error;
	out[X509_NOT_BEFORE_HIGH] = (uint32_t)((uint64_t)seconds >> 32);
	out[X509_NOT_BEFORE_LOW] = (uint32_t)seconds;
	x509_reading(out, X509_IN_NOT_AFTER, v.at);
	if ((error = x509_time(&v, &seconds)))
		return error;
	out[X509_NOT_AFTER_HIGH] = (uint32_t)((uint64_t)seconds >> 32);
	out[X509_NOT_AFTER_LOW] = (uint32_t)seconds;
	x509_reading(out, X509_IN_VALIDITY, e.start);
	return x509_der_ended(&v);
}

/* SubjectPublicKeyInfo ::= SEQUENCE { algorithm SEQUENCE { OID, parameters ANY OPTIONAL }, subjectPublicKey BIT STRING }:
   its outline (the crypto core checks the key) */
static int public_key_info(x509_reader *t, uint32_t *out)
{
	x509_element e, a;
	x509_reader s, alg;
	unsigned unused;
	int error;
	if ((error = field(t, &e, SEQUENCE, LIMIT_SPKI, X509_IN_SPKI, out)))
		return error;
	put(out, X509_SPKI, &e);
	s = x509_der_inside(t, &e);
	if ((error = x509_der_expect(&s, &a, SEQUENCE)))
		return error;
	alg = x509_der_inside(&s, &a);
	if ((error = x509_der_expect(&alg, &e, OID)) || (error = x509_der_oid(&alg, &e)))
		return error;
	out[X509_KEY_ALGORITHM] = (uint32_t)e.content;
	out[X509_KEY_ALGORITHM_END] = (uint32_t)e.end;
	if ((alg.at < alg.end) && (error = x509_der_next(&alg, &e)))
		return error;
	if ((error = x509_der_ended(&alg)) || (error = x509_der_expect(&s, &e, BIT_STRING)) || (error = x509_der_bits(&s, &e, &unused)))
		return error;
	return x509_der_ended(&s);
}

/* the optional fields after subjectPublicKeyInfo */
static int optional_fields(x509_reader *t, uint32_t *out)
{
	x509_element e;
	x509_reader x;
	unsigned last = 0;
	int error;
	while (t->at < t->end) {
		x509_reading(out, X509_IN_UNIQUE_ID, t->at);
		if ((error = x509_der_next(t, &e)))
			return error;
		if ((e.tag == ISSUER_UNIQUE_ID) && (last < ISSUER_UNIQUE_ID)) {
			if (out[X509_VERSION] < 2)
				return X509_E_UID_VERSION;
		}
		else if ((e.tag == SUBJECT_UNIQUE_ID) && (last < SUBJECT_UNIQUE_ID)) {
			if (out[X509_VERSION] < 2)
				return X509_E_UID_VERSION;
		}
		else if ((e.tag == EXTENSIONS) && (last < EXTENSIONS)) {
			x509_reading(out, X509_IN_EXTENSIONS, e.start);
			if (out[X509_VERSION] < 3)
				return X509_E_EXTENSIONS_VERSION;
			x = x509_der_inside(t, &e);
			if ((error = x509_extensions(&x, out)))
				return error;
		}
		else {
			t->at = e.start;
			x509_reading(out, X509_IN_TBS, e.start);
			return X509_E_UNEXPECTED;
		}
		last = e.tag;
	}
	return X509_OK;
}

static int tbs_certificate(x509_reader *c, uint32_t *out)
{
	x509_element e;
	x509_reader t;
	int error;
	if ((error = field(c, &e, SEQUENCE, (size_t)-1, X509_IN_TBS, out)))
		return error;
	put(out, X509_TBS, &e);
	t = x509_der_inside(c, &e);
	if ((error = version(&t, out)))
		return error;
	if ((error = field(&t, &e, INTEGER, LIMIT_SERIAL, X509_IN_SERIAL, out)) || (error = x509_der_integer(&t, &e)))
		return error;
	out[X509_SERIAL] = (uint32_t)e.content;
	out[X509_SERIAL_END] = (uint32_t)e.end;
	if ((error = field(&t, &e, SEQUENCE, LIMIT_ALGORITHM, X509_IN_TBS_ALGORITHM, out)))
		return error;
	put(out, X509_TBS_ALGORITHM, &e);
	if ((error = field(&t, &e, SEQUENCE, LIMIT_NAME, X509_IN_ISSUER, out)))
		return error;
	put(out, X509_ISSUER, &e);
	if ((error = validity(&t, out)) || (error = field(&t, &e, SEQUENCE, LIMIT_NAME, X509_IN_SUBJECT, out)))
		return error;
	put(out, X509_SUBJECT, &e);
	if (x509_der_same(t.der, out[X509_ISSUER], out[X509_ISSUER_END], out[X509_SUBJECT], out[X509_SUBJECT_END]))
		out[X509_FLAGS] |= X509_SELF_ISSUED;
	if ((error = public_key_info(&t, out)))
		return error;
	return optional_fields(&t, out);
}

int x509_locate(const uint8_t *der, size_t size, uint32_t *out)
{
	x509_reader r, c;
	x509_element e;
	unsigned unused;
	int error;
	memset(out, 0, X509_FIELDS * sizeof(*out));
	r.der = der;
	r.at = 0;
	r.end = size;
	if ((error = field(&r, &e, SEQUENCE, (size_t)-1, X509_IN_CERTIFICATE, out)) || (error = x509_der_ended(&r)))
		return error;
	c = x509_der_inside(&r, &e);
	if ((error = tbs_certificate(&c, out)))
		return error;
	if ((error = field(&c, &e, SEQUENCE, LIMIT_ALGORITHM, X509_IN_ALGORITHM, out)))
		return error;
	put(out, X509_ALGORITHM, &e);
	if (!x509_der_same(der, e.start, e.end, out[X509_TBS_ALGORITHM], out[X509_TBS_ALGORITHM_END]))
		return X509_E_ALGORITHM_MISMATCH;
	if ((error = field(&c, &e, BIT_STRING, LIMIT_SIGNATURE, X509_IN_SIGNATURE, out)) || (error = x509_der_bits(&c, &e, &unused)))
		return error;
	if (unused != 0)
		return X509_E_SIGNATURE_BITS;
	out[X509_SIGNATURE] = (uint32_t)e.content + 1;
	out[X509_SIGNATURE_END] = (uint32_t)e.end;
	x509_reading(out, X509_IN_CERTIFICATE, c.at);
	return x509_der_ended(&c);
}

#ifndef SECURESOCKET_NO_X509_TEXTS
/* the messages of X509_E_HIGH_TAG .. X509_E_SIGNATURE_BITS, in order (x509_nth) */
static const char TEXTS[] =
	"high tag numbers are not used in X.509\0"
	"indefinite length (BER, not DER)\0"
	"length too large\0"
	"length not in its shortest form\0"
	"element runs past the end of its container\0"
	"missing\0"
	"unexpected element\0"
	"unexpected bytes at the end\0"
	"larger than this verifier accepts\0"
	"empty INTEGER\0"
	"INTEGER not in its shortest form\0"
	"negative\0"
	"INTEGER too large\0"
	"BOOLEAN not 00 or FF\0"
	"empty OBJECT IDENTIFIER\0"
	"OBJECT IDENTIFIER truncated\0"
	"OBJECT IDENTIFIER not in its shortest form\0"
	"empty BIT STRING\0"
	"bad unused-bit count\0"
	"unused bits not zero\0"
	"version 1 encoded although it is the DEFAULT\0"
	"unknown version\0"
	"a unique identifier in a version 1 certificate\0"
	"extensions in a version 1 or 2 certificate\0"
	"fields missing\0"
	"empty (RFC 5280: SIZE (1..MAX))\0"
	"appears twice (RFC 5280 4.2)\0"
	"more than 48 extensions\0"
	"critical FALSE encoded although it is the DEFAULT\0"
	"cA FALSE encoded although it is the DEFAULT\0"
	"time not in the form YYMMDDHHMMSSZ (UTCTime) or YYYYMMDDHHMMSSZ (GeneralizedTime)\0"
	"not a DER time\0"
	"time not in UTC (Z)\0"
	"time out of range\0"
	"more bits than RFC 5280 defines\0"
	"signatureAlgorithm differs from the TBS signature field (RFC 5280 4.1.1.2)\0"
	"signature not made of whole bytes\0";

#endif

/* the names of the fields X509_IN_CERTIFICATE .. X509_IN_SIGNATURE, in order */
static const char FIELD_NAMES[] =
	"Certificate\0" "tbsCertificate\0" "version\0" "serialNumber\0" "signature\0" "issuer\0"
	"validity\0" "notBefore\0" "notAfter\0" "subject\0" "subjectPublicKeyInfo\0"
	"unique identifier\0" "extensions\0" "extension\0" "basicConstraints\0" "keyUsage\0"
	"extKeyUsage\0" "subjectAltName\0" "nameConstraints\0" "authorityKeyIdentifier\0"
	"subjectKeyIdentifier\0" "signatureAlgorithm\0" "signatureValue\0";

const char *x509_nth(const char *list, unsigned n, unsigned count, const char *otherwise)
{
	if (n >= count)
		return otherwise;
	while (n--)
		list += strlen(list) + 1;
	return list;
}

const char *x509_error_text(int error)
{
#ifdef SECURESOCKET_NO_X509_TEXTS
	/* the device profile (manifest_device.json): one text for every DER or structure error; the field is still named */
	(void)error;
	return "malformed";
#else
	return x509_nth(TEXTS, (unsigned)error - 1, X509_E_COUNT - 1, "unknown error");
#endif
}

const char *x509_field_name(unsigned field)
{
	return x509_nth(FIELD_NAMES, field, X509_IN_COUNT, "certificate");
}

#ifndef X509_NO_HOST
#include "crypto_common.h"

/* "x509: " what ": " field ": " text, cut to the buffer */
static void append(char *to, size_t size, size_t *at, const char *text)
{
	while (*text && (*at + 1 < size))
		to[(*at)++] = *text++;
	to[*at] = 0;
}

void xs_x509_locate(xsMachine *the)
{
	char message[160];
	const char *name;
	size_t length, at = 0;
	const uint8_t *der;
	void *fields;
	xsUnsignedValue fieldsSize;
	int error;
	if (xsmcArgc < 5)
		securesocket_throw(the, "TypeError", "x509: locate needs what, bytes, offset, length and fields");
	der = securesocket_input(the, 1, &length);
	xsmcGetBufferWritable(xsArg(4), &fields, &fieldsSize);
	if ((fieldsSize < X509_FIELDS * sizeof(uint32_t)) || ((uintptr_t)fields & (sizeof(uint32_t) - 1)))
		securesocket_throw(the, "RangeError", "x509: locate's fields must be an ArrayBuffer of 4 * X509_FIELDS bytes");
	error = x509_locate(der, length, (uint32_t *)fields);
	if (error == X509_OK)
		return;
	name = x509_field_name(((uint32_t *)fields)[X509_ERROR_FIELD]);   /* (read before XS may allocate) */
	append(message, sizeof(message), &at, "x509: ");
	append(message, sizeof(message), &at, xsmcToString(xsArg(0)));
	append(message, sizeof(message), &at, ": ");
	append(message, sizeof(message), &at, name);
	append(message, sizeof(message), &at, ": ");
	append(message, sizeof(message), &at, x509_error_text(error));
	xsmcSetString(xsResult, message);
}
#endif
