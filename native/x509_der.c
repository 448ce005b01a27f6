/*
 * The X.509 locator's DER reader (native/x509.h): one header at a time, checked as X.690 10.1 asks
 * (definite length in its shortest form, low tag numbers: all X.509 uses), each element required to
 * end inside its container; and the content checks of the primitives the walk reads.
 */
#include <string.h>
#include "x509.h"

/* the lengths accepted: three length bytes at most (2^24 - 1, a TLS handshake message) */
#define X509_LENGTH_BYTES 3

int x509_der_next(x509_reader *r, x509_element *e)
{
	size_t at = r->at, length;
	unsigned first, count;
	if (at >= r->end)
		return X509_E_MISSING;
	e->tag = r->der[at];
	if ((e->tag & 0x1f) == 0x1f)
		return X509_E_HIGH_TAG;
	if (r->end - at < 2)
		return X509_E_TRUNCATED;
	first = r->der[at + 1];
	at += 2;
	if (first == 0x80)
		return X509_E_INDEFINITE;
	if (first < 0x80)
		length = first;
	else {
		count = first & 0x7f;
		if (count > X509_LENGTH_BYTES)
			return X509_E_LENGTH_LARGE;
		if (r->end - at < count)
			return X509_E_TRUNCATED;
		if (r->der[at] == 0)
			return X509_E_LENGTH_FORM;
		for (length = 0; count > 0; count--)
			length = (length << 8) | r->der[at++];
		if (length < 0x80)
			return X509_E_LENGTH_FORM;
	}
	if (r->end - at < length)
		return X509_E_TRUNCATED;
	e->start = r->at;
	e->content = at;
	e->end = at + length;
	r->at = e->end;
	return X509_OK;
}

int x509_der_expect(x509_reader *r, x509_element *e, unsigned tag)
{
	if ((r->at < r->end) && (r->der[r->at] != tag))
		return ((r->der[r->at] & 0x1f) == 0x1f) ? X509_E_HIGH_TAG : X509_E_UNEXPECTED;
	return x509_der_next(r, e);
}

x509_reader x509_der_inside(const x509_reader *r, const x509_element *e)
{
	x509_reader in;
	in.der = r->der;
	in.at = e->content;
	in.end = e->end;
	return in;
}

int x509_der_ended(const x509_reader *r)
{
	return (r->at == r->end) ? X509_OK : X509_E_TRAILING;
}

int x509_der_integer(const x509_reader *r, const x509_element *e)
{
	const uint8_t *p = r->der + e->content;
	size_t n = e->end - e->content;
	if (n == 0)
		return X509_E_INTEGER_EMPTY;
	if ((n > 1) && (((p[0] == 0) && !(p[1] & 0x80)) || ((p[0] == 0xff) && (p[1] & 0x80))))
		return X509_E_INTEGER_FORM;
	return X509_OK;
}

int x509_der_small(const x509_reader *r, const x509_element *e, uint32_t *value)
{
	const uint8_t *p = r->der + e->content;
	size_t n = e->end - e->content, i;
	int error = x509_der_integer(r, e);
	if (error)
		return error;
	if (p[0] & 0x80)
		return X509_E_NEGATIVE;
	if (n > 4)
		return X509_E_INTEGER_LARGE;
	*value = 0;
	for (i = 0; i < n; i++)
		*value = (*value << 8) | p[i];
	return X509_OK;
}

int x509_der_boolean(const x509_reader *r, const x509_element *e, int *value)
{
	if ((e->end - e->content != 1) || ((r->der[e->content] != 0) && (r->der[e->content] != 0xff)))
		return X509_E_BOOLEAN;
	*value = (r->der[e->content] == 0xff);
	return X509_OK;
}

int x509_der_oid(const x509_reader *r, const x509_element *e)
{
	const uint8_t *p = r->der;
	size_t i;
	int first = 1;
	if (e->end == e->content)
		return X509_E_OID_EMPTY;
	if (p[e->end - 1] & 0x80)
		return X509_E_OID_TRUNCATED;
	for (i = e->content; i < e->end; i++) {
		if (first && (p[i] == 0x80))
			return X509_E_OID_FORM;
		first = !(p[i] & 0x80);
	}
	return X509_OK;
}

int x509_der_bits(const x509_reader *r, const x509_element *e, unsigned *unused)
{
	const uint8_t *p = r->der;
	if (e->end == e->content)
		return X509_E_BITS_EMPTY;
	*unused = p[e->content];
	if ((*unused > 7) || ((e->end - e->content == 1) && (*unused != 0)))
		return X509_E_BITS_COUNT;
	if (*unused && (p[e->end - 1] & ((1u << *unused) - 1)))
		return X509_E_BITS_NOT_ZERO;
	return X509_OK;
}

int x509_der_same(const uint8_t *der, size_t a, size_t aEnd, size_t b, size_t bEnd)
{
	return (aEnd - a == bEnd - b) && (memcmp(der + a, der + b, aEnd - a) == 0);
}
