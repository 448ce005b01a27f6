/*
 * The extensions of a certificate for the X.509 locator (native/x509.h), RFC 5280 4.1 and 4.2:
 *   Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension
 *   Extension ::= SEQUENCE { extnID OBJECT IDENTIFIER, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
 * Each id appears once (compared byte for byte with every one before it, 48 extensions at most);
 * critical is absent or TRUE (DER leaves the DEFAULT out). basicConstraints (4.2.1.9), keyUsage
 * (4.2.1.3) and extKeyUsage (4.2.1.12) are parsed into flags; subjectAltName, the key identifiers
 * and nameConstraints are located for the JS, which parses them. certificatePolicies is accepted
 * critical unread (no policy is required, as x509/extensions.ts says); the first other unknown
 * critical extension is noted (X509_UNKNOWN_CRITICAL, its id located): it makes the certificate
 * unusable in a path, not malformed. The value size limits are x509/extensions.ts's.
 */
#include <string.h>
#include "x509.h"

#define MAX_EXTENSIONS 48
#define MAX_ID 32

/* id-ce 2.5.29.n is 55 1D n; the ones known here, with their largest accepted value */
enum { SUBJECT_KEY_ID = 14, KEY_USAGE = 15, SUBJECT_ALT_NAME = 17, BASIC_CONSTRAINTS = 19, NAME_CONSTRAINTS = 30,
	CERTIFICATE_POLICIES = 32, AUTHORITY_KEY_ID = 35, EXT_KEY_USAGE = 37 };

static const uint8_t SERVER_AUTH[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01 };   /* 1.3.6.1.5.5.7.3.1 */
static const uint8_t CLIENT_AUTH[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02 };   /* 1.3.6.1.5.5.7.3.2 */
static const uint8_t ANY_EXT_KEY_USAGE[] = { 0x55, 0x1d, 0x25, 0x00 };                      /* 2.5.29.37.0 */

static int is(const x509_reader *r, const x509_element *e, const uint8_t *oid, size_t length)
{
	return (e->end - e->content == length) && (memcmp(r->der + e->content, oid, length) == 0);
}

/* the id-ce number of an extension id, or 0 for any other id */
static unsigned id_ce(const x509_reader *r, const x509_element *id)
{
	const uint8_t *p = r->der + id->content;
	return ((id->end - id->content == 3) && (p[0] == 0x55) && (p[1] == 0x1d) && (p[2] < 0x80)) ? p[2] : 0;
}

/* the known extensions: their id-ce number, their field (for messages), where their value is located
   (0: not located, parsed), their largest accepted value */
static const struct {
	uint8_t which, field, at;
	uint16_t limit;
} KNOWN[] = {
	{ BASIC_CONSTRAINTS, X509_IN_BASIC_CONSTRAINTS, 0, 16 },
	{ KEY_USAGE, X509_IN_KEY_USAGE, 0, 8 },
	{ EXT_KEY_USAGE, X509_IN_EXT_KEY_USAGE, X509_EXT_KEY_USAGE, 512 },
	{ SUBJECT_ALT_NAME, X509_IN_SUBJECT_ALT_NAME, X509_SUBJECT_ALT_NAME, 8192 },
	{ NAME_CONSTRAINTS, X509_IN_NAME_CONSTRAINTS, X509_NAME_CONSTRAINTS, 4096 },
	{ AUTHORITY_KEY_ID, X509_IN_AUTHORITY_KEY_ID, X509_AUTHORITY_KEY_ID, 512 },
	{ SUBJECT_KEY_ID, X509_IN_SUBJECT_KEY_ID, X509_SUBJECT_KEY_ID, 72 },
};
#define KNOWN_COUNT (sizeof(KNOWN) / sizeof(KNOWN[0]))

/* BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL } */
static int basic_constraints(x509_reader *v, uint32_t *out)
{
	x509_element e;
	x509_reader s;
	int error, ca;
	if ((error = x509_der_expect(v, &e, SEQUENCE)))
		return error;
	s = x509_der_inside(v, &e);
	out[X509_FLAGS] |= X509_HAS_BASIC_CONSTRAINTS;
	if ((s.at < s.end) && (s.der[s.at] == BOOLEAN)) {
		if ((error = x509_der_next(&s, &e)) || (error = x509_der_boolean(&s, &e, &ca)))
			return error;
		if (!ca)
			return X509_E_CA_FALSE;
		out[X509_FLAGS] |= X509_CA;
	}
	if ((s.at < s.end) && (s.der[s.at] == INTEGER)) {
		if ((error = x509_der_next(&s, &e)) || (error = x509_der_small(&s, &e, &out[X509_PATH_LENGTH])))
			return error;
		out[X509_FLAGS] |= X509_HAS_PATH_LENGTH;
	}
	return x509_der_ended(&s);
}

/* KeyUsage ::= BIT STRING: bit n (of the first two bytes, nine defined) is 1 << n */
static int key_usage(x509_reader *v, uint32_t *out)
{
	x509_element e;
	unsigned unused, n;
	uint32_t bits = 0;
	int error;
	if ((error = x509_der_expect(v, &e, BIT_STRING)) || (error = x509_der_bits(v, &e, &unused)))
		return error;
	if (e.end - e.content > 3)
		return X509_E_KEY_USAGE_BITS;
	for (n = 0; n < (unsigned)(e.end - e.content - 1) * 8; n++)
		if (v->der[e.content + 1 + (n >> 3)] & (0x80 >> (n & 7)))
			bits |= (uint32_t)1 << n;
	if (bits >> 9)
		return X509_E_KEY_USAGE_BITS;
	out[X509_KEY_USAGE] = bits;
	out[X509_FLAGS] |= X509_HAS_KEY_USAGE;
	return X509_OK;
}

/* ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId (OIDs) */
static int ext_key_usage(x509_reader *v, uint32_t *out)
{
	x509_element e;
	x509_reader s;
	int error;
	if ((error = x509_der_expect(v, &e, SEQUENCE)))
		return error;
	s = x509_der_inside(v, &e);
	if (s.at == s.end)
		return X509_E_EMPTY;
	out[X509_FLAGS] |= X509_HAS_EXT_KEY_USAGE;
	while (s.at < s.end) {
		if ((error = x509_der_expect(&s, &e, OID)) || (error = x509_der_oid(&s, &e)))
			return error;
		if (is(&s, &e, SERVER_AUTH, sizeof(SERVER_AUTH)))
			out[X509_FLAGS] |= X509_SERVER_AUTH;
		else if (is(&s, &e, CLIENT_AUTH, sizeof(CLIENT_AUTH)))
			out[X509_FLAGS] |= X509_CLIENT_AUTH;
		else if (is(&s, &e, ANY_EXT_KEY_USAGE, sizeof(ANY_EXT_KEY_USAGE)))
			out[X509_FLAGS] |= X509_ANY_EXT_KEY_USAGE;
	}
	return X509_OK;
}

/* is the id of this extension (at `id`) the id of one before it in list[start .. id.start)? */
static int seen_before(const x509_reader *list, size_t start, const x509_element *id)
{
	x509_reader r = *list;
	x509_element e, first;
	r.at = start;
	r.end = id->start;
	while (r.at < r.end) {
		x509_reader x;
		/* these were all read before: no error is possible */
		if (x509_der_next(&r, &e))
			return 0;
		x = x509_der_inside(&r, &e);
		if (x509_der_next(&x, &first))
			return 0;
		if (x509_der_same(r.der, first.content, first.end, id->content, id->end))
			return 1;
	}
	return 0;
}

/* one Extension of list; `start` is where the list's first one starts */
static int extension(x509_reader *list, size_t start, uint32_t *out)
{
	x509_element e, id, value;
	x509_reader x, v;
	unsigned which, k;
	int error, critical = 0;
	x509_reading(out, X509_IN_EXTENSION, list->at);
	if ((error = x509_der_expect(list, &e, SEQUENCE)))
		return error;
	x = x509_der_inside(list, &e);
	if ((error = x509_der_expect(&x, &id, OID)))
		return error;
	if (id.end - id.content > MAX_ID)
		return X509_E_TOO_LARGE;
	if ((error = x509_der_oid(&x, &id)))
		return error;
	if (seen_before(list, start, &id))
		return X509_E_DUPLICATE;
	if ((x.at < x.end) && (x.der[x.at] == BOOLEAN)) {
		if ((error = x509_der_next(&x, &value)))
			return error;
		if (value.end - value.content > 1)
			return X509_E_TOO_LARGE;
		if ((error = x509_der_boolean(&x, &value, &critical)))
			return error;
		if (!critical)
			return X509_E_CRITICAL_FALSE;
	}
	if ((error = x509_der_expect(&x, &value, OCTET_STRING)) || (error = x509_der_ended(&x)))
		return error;
	which = id_ce(&x, &id);
	for (k = 0; (k < KNOWN_COUNT) && (KNOWN[k].which != which); k++)
		;
	if (k == KNOWN_COUNT) {
		if (critical && (which != CERTIFICATE_POLICIES) && !(out[X509_FLAGS] & X509_UNKNOWN_CRITICAL)) {
			out[X509_FLAGS] |= X509_UNKNOWN_CRITICAL;
			out[X509_CRITICAL] = (uint32_t)id.content;
			out[X509_CRITICAL_END] = (uint32_t)id.end;
		}
		return X509_OK;
	}
	x509_reading(out, KNOWN[k].field, e.start);
	if (value.end - value.content > KNOWN[k].limit)
		return X509_E_TOO_LARGE;
	if (KNOWN[k].at) {
		/* subjectAltName, the key identifiers, nameConstraints: located (parsed by whoever uses them); extKeyUsage also parsed */
		out[KNOWN[k].at] = (uint32_t)value.content;
		out[KNOWN[k].at + 1] = (uint32_t)value.end;
	}
	v = x509_der_inside(&x, &value);
	if (which == BASIC_CONSTRAINTS)
		error = basic_constraints(&v, out);
	else if (which == KEY_USAGE)
		error = key_usage(&v, out);
	else if (which == EXT_KEY_USAGE)
		error = ext_key_usage(&v, out);
	else
		return X509_OK;
	return error ? error : x509_der_ended(&v);
}

int x509_extensions(x509_reader *r, uint32_t *out)
{
	x509_element e;
	x509_reader list;
	size_t start;
	int error;
	x509_reading(out, X509_IN_EXTENSIONS, r->at);
	if ((error = x509_der_expect(r, &e, SEQUENCE)) || (error = x509_der_ended(r)))
		return error;
	list = x509_der_inside(r, &e);
	if (list.at == list.end)
		return X509_E_EMPTY;
	for (start = list.at; list.at < list.end; out[X509_EXTENSIONS]++) {
		if (out[X509_EXTENSIONS] >= MAX_EXTENSIONS)
			return X509_E_TOO_MANY;
		if ((error = extension(&list, start, out)))
			return error;
	}
	return X509_OK;
}
