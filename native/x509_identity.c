/*
 * Server identity check (native/x509_identity.h): modules/x509/name.ts's rules (RFC 9525) in C, over
 * the subjectAltName's bytes in place (its DER read with native/x509_der.c) and the reference name's
 * bytes, compared ASCII case-insensitively without a copy. The name is classified as name.ts's
 * parseServerName does: an IP literal (parseIP: IPv4, or IPv6 with or without brackets), else a host
 * name (one trailing dot dropped, host characters, labels of 1 to 63, 253 in all).
 */
#include <string.h>
#include "x509.h"
#include "x509_identity.h"

#define DNS_NAME 0x82
#define IP_ADDRESS 0x87
#define DIRECTORY_NAME 0xa4

static const char NOT_ASCII[] = "x509: the server name is not ASCII (IDNA names as A-labels)";
static const char NOT_HOST[] = "x509: the server name is not a host name or IP address";
static const char MALFORMED[] = "x509: subjectAltName: malformed";
static const char NO_SAN[] = "x509: no subjectAltName (the CN is not used: RFC 9525)";
static const char NOT_FOR_NAME[] = "x509: the certificate is not valid for the server name";
#ifdef SECURESOCKET_NO_IPV6
static const char NO_IPV6[] = "x509: the server name is IPv6, not in this build (manifest_device.json)";
#endif

/* registry second-level labels of country-code TLDs (name.ts REGISTRY_LABELS), each followed by a space */
static const char REGISTRY_LABELS[] = "ac co com edu gen go gob gov govt gv in ind info int lg ltd "
	"me mil ne net nhs nic nom or org plc police sch web ";

/* a reference identity: a DNS name (name[0 .. length), not lowercased) or an address (4 or 16 bytes) */
typedef struct {
	const char *name;
	size_t length;      /* 0 for an address */
	uint8_t address[16];
	size_t addressLength;
} reference;

static int lower(int c)
{
	return ((c >= 'A') && (c <= 'Z')) ? c + 32 : c;
}

/* do a[0 .. n) and b[0 .. n) hold the same text, ASCII case aside? */
static int same_text(const char *a, const char *b, size_t n)
{
	while (n--)
		if (lower((uint8_t)*a++) != lower((uint8_t)*b++))
			return 0;
	return 1;
}

/* name.ts parseIPv4: four decimal numbers 0-255 without leading zeros, into out[0 .. 4) */
static int parse_ipv4(const char *text, size_t n, uint8_t *out)
{
	unsigned part = 0, digits = 0, value = 0;
	size_t i;
	for (i = 0; i <= n; i++) {
		int c = (i < n) ? (uint8_t)text[i] : '.';
		if (c == '.') {
			if ((digits == 0) || (part == 4) || (value > 255))
				return 0;
			out[part++] = (uint8_t)value;
			digits = value = 0;
		}
		else if ((c < '0') || (c > '9') || (digits == 3) || ((digits == 1) && (value == 0)))
			return 0;
		else {
			value = value * 10 + (unsigned)(c - '0');
			digits++;
		}
	}
	return part == 4;
}

#ifndef SECURESOCKET_NO_IPV6
/* ipv6.ts parseGroups: text[0 .. n) as groups of 1 to 4 hex digits separated by ':' ("" is none), appended
   to groups[*count] (8 at most here: more is never an address) */
static int parse_groups(const char *text, size_t n, uint16_t *groups, unsigned *count)
{
	unsigned digits = 0, value = 0;
	size_t i;
	if (n == 0)
		return 1;
	for (i = 0; i <= n; i++) {
		int c = (i < n) ? lower((uint8_t)text[i]) : ':';
		if (c == ':') {
			if ((digits == 0) || (*count == 8))
				return 0;
			groups[(*count)++] = (uint16_t)value;
			digits = value = 0;
		}
		else if ((digits == 4) || !(((c >= '0') && (c <= '9')) || ((c >= 'a') && (c <= 'f'))))
			return 0;
		else {
			value = value * 16 + (unsigned)((c <= '9') ? c - '0' : c - 'a' + 10);
			digits++;
		}
	}
	return 1;
}

/* the position of "::" in text[from .. n), or n */
static size_t find_pair(const char *text, size_t from, size_t n)
{
	for (; from + 1 < n; from++)
		if ((text[from] == ':') && (text[from + 1] == ':'))
			return from;
	return n;
}

/* ipv6.ts parseIPv6 (RFC 4291 2.2: "::" once at most, an IPv4 tail allowed) into out[0 .. 16). The tail is
   rewritten as two groups, as ipv6.ts does, in a copy: a longer text than 64 is never an address. */
static int parse_ipv6(const char *text, size_t n, uint8_t *out)
{
	char body[72];
	uint16_t head[8], rest[8];
	unsigned heads = 0, rests = 0, i;
	size_t last = n, pair;
	if (n > 64)
		return 0;
	memcpy(body, text, n);
	while (last > 0 && text[last - 1] != ':')
		last--;
	if (last == 0)
		return 0;
	if (memchr(text + last, '.', n - last)) {
		uint8_t tail[4];
		static const char HEX[] = "0123456789abcdef";
		if (!parse_ipv4(text + last, n - last, tail))
			return 0;
		n = last;
		for (i = 0; i < 4; i++) {
			body[n++] = HEX[tail[i] >> 4];
			body[n++] = HEX[tail[i] & 15];
			if (i == 1)
				body[n++] = ':';
		}
	}
	pair = find_pair(body, 0, n);
	if (pair < n) {
		if ((find_pair(body, pair + 1, n) < n) || !parse_groups(body, pair, head, &heads) ||
			!parse_groups(body + pair + 2, n - pair - 2, rest, &rests) || (heads + rests > 7))
			return 0;
	}
	else if (!parse_groups(body, n, head, &heads) || (heads != 8))
		return 0;
	memset(out, 0, 16);
	for (i = 0; i < heads; i++) {
		out[2 * i] = (uint8_t)(head[i] >> 8);
		out[2 * i + 1] = (uint8_t)head[i];
	}
	for (i = 0; i < rests; i++) {
		out[16 - 2 * (rests - i)] = (uint8_t)(rest[i] >> 8);
		out[17 - 2 * (rests - i)] = (uint8_t)rest[i];
	}
	return 1;
}
#endif

/* name.ts parseServerName into *ref: NULL, or why the name cannot be a reference identity */
static const char *parse_name(const char *name, size_t n, reference *ref)
{
	size_t i, label = 0;
	int bracketed = (n >= 2) && (name[0] == '[') && (name[n - 1] == ']');
	ref->name = name;
	ref->length = 0;
	if (bracketed || memchr(name, ':', n)) {
#ifdef SECURESOCKET_NO_IPV6
		return NO_IPV6;
#else
		if (parse_ipv6(name + bracketed, n - 2 * (size_t)bracketed, ref->address)) {
			ref->addressLength = 16;
			return NULL;
		}
#endif
	}
	else if (parse_ipv4(name, n, ref->address)) {
		ref->addressLength = 4;
		return NULL;
	}
	for (i = 0; i < n; i++)
		if ((uint8_t)name[i] > 0x7f)
			return NOT_ASCII;
	if ((n > 0) && (name[n - 1] == '.'))
		n--;
	if ((n == 0) || (n > 253))
		return NOT_HOST;
	for (i = 0; i <= n; i++) {
		int c = (i < n) ? lower((uint8_t)name[i]) : '.';
		if (c == '.') {
			if (label == 0)
				return NOT_HOST;
			label = 0;
		}
		else if (!(((c >= 'a') && (c <= 'z')) || ((c >= '0') && (c <= '9')) || (c == '-') || (c == '_')) || (++label > 63))
			return NOT_HOST;
	}
	ref->length = n;
	return NULL;
}

const char *x509_identity_valid(const char *name, size_t nameLength)
{
	reference ref;
	return parse_name(name, nameLength, &ref);
}

/* name.ts wildcardAllowedOver: may a wildcard stand before the labels p[0 .. n)? */
static int wildcard_allowed(const char *p, size_t n)
{
	size_t i, labels = 1, label = 0, first = 0;
	const char *r;
	for (i = 0; i <= n; i++) {
		if ((i == n) || (p[i] == '.')) {
			if (label == 0)
				return 0;
			if (labels == 1)
				first = label;
			labels += (i < n);
			label = 0;
		}
		else if (p[i] == '*')
			return 0;
		else
			label++;
	}
	if (labels < 2)
		return 0;
	if ((labels == 2) && (n - first - 1 == 2))
		for (r = REGISTRY_LABELS; *r; r = strchr(r, ' ') + 1)
			if ((strchr(r, ' ') - r == (ptrdiff_t)first) && same_text(r, p, first))
				return 0;
	return 1;
}

/* name.ts matchesDNSName: the dNSName p[0 .. n) against the DNS reference name */
static int matches_dns(const char *p, size_t n, const reference *ref)
{
	const char *dot;
	size_t first;
	if (!memchr(p, '*', n))
		return (n == ref->length) && same_text(p, ref->name, n);
	if ((n < 2) || (p[0] != '*') || (p[1] != '.') || !wildcard_allowed(p + 2, n - 2))
		return 0;
	dot = memchr(ref->name, '.', ref->length);
	if (!dot)
		return 0;
	first = (size_t)(dot - ref->name);
	if ((first >= 4) && same_text(ref->name, "xn--", 4))
		return 0;
	return (ref->length - first - 1 == n - 2) && same_text(dot + 1, p + 2, n - 2);
}

/* are der[e.content .. e.end) IA5 (bytes up to 0x7f)? */
static int ia5(const x509_reader *r, const x509_element *e)
{
	size_t i;
	for (i = e->content; i < e->end; i++)
		if (r->der[i] > 0x7f)
			return 0;
	return 1;
}

int x509_name_valid(const uint8_t *der, size_t length)
{
	x509_reader r = { der, 0, length }, rdns, set, pair;
	x509_element e, rdn, attribute;
	if (x509_der_expect(&r, &e, SEQUENCE) || x509_der_ended(&r))
		return 0;
	for (rdns = x509_der_inside(&r, &e); rdns.at < rdns.end;) {
		if (x509_der_expect(&rdns, &rdn, SET) || (rdn.content == rdn.end))
			return 0;
		for (set = x509_der_inside(&rdns, &rdn); set.at < set.end;) {
			if (x509_der_expect(&set, &attribute, SEQUENCE))
				return 0;
			pair = x509_der_inside(&set, &attribute);
			if (x509_der_expect(&pair, &e, OID) || x509_der_oid(&pair, &e) || x509_der_next(&pair, &e) || x509_der_ended(&pair))
				return 0;
		}
	}
	return 1;
}

const char *x509_identity_check(const uint8_t *san, size_t sanLength, const char *name, size_t nameLength)
{
	reference ref;
	x509_reader r = { san, 0, sanLength }, names;
	x509_element e;
	const char *error = parse_name(name, nameLength, &ref);
	int matched = 0;
	if (error)
		return error;
	if (!san)
		return NO_SAN;
	/* the whole GeneralNames is read (x509/extensions.ts parseSubjectAltName): a malformed one is refused,
	   whether or not a name before the fault matched */
	if (x509_der_expect(&r, &e, SEQUENCE) || x509_der_ended(&r) || (e.content == e.end))
		return MALFORMED;
	for (names = x509_der_inside(&r, &e); names.at < names.end;) {
		unsigned tag = san[names.at], number = tag & 0x1f;
		if (((tag & 0xc0) != 0x80) || (number > 8) || x509_der_next(&names, &e))
			return MALFORMED;
		if (tag == DNS_NAME) {
			if (!ia5(&names, &e))
				return MALFORMED;
			matched |= ref.length && matches_dns((const char *)san + e.content, e.end - e.content, &ref);
		}
		else if (tag == IP_ADDRESS) {
			if ((e.end - e.content != 4) && (e.end - e.content != 16))
				return MALFORMED;
			matched |= !ref.length && (e.end - e.content == ref.addressLength) &&
				!memcmp(san + e.content, ref.address, ref.addressLength);
		}
		else if ((tag == DIRECTORY_NAME) && !x509_name_valid(san + e.content, e.end - e.content))
			return MALFORMED;
		/* the other forms, unread: rfc822Name, uniformResourceIdentifier (IA5) and registeredID primitive,
		   the rest constructed (so a constructed dNSName or iPAddress passes unread, as in extensions.ts) */
		else if (((tag & 0x20) != (((number == 1) || (number == 6) || (number == 8)) ? 0 : 0x20)) ||
			(((number == 1) || (number == 6)) && !ia5(&names, &e)))
			return MALFORMED;
	}
	return matched ? NULL : NOT_FOR_NAME;
}

#ifndef X509_NO_HOST
#include "crypto_common.h"

/*
 * For tests: xs_x509_identity(san | undefined, name) -> undefined (it matches) or the message of
 * x509_identity_check; xs_x509_identity_valid(name) -> undefined or the message of x509_identity_valid.
 * san is the subjectAltName extnValue's contents (a buffer or view); name a string (its UTF-8 bytes).
 */
void xs_x509_identity(xsMachine *the)
{
	size_t sanLength;
	const uint8_t *san = securesocket_optional(the, 0, &sanLength);
	const char *name = xsmcToString(xsArg(1));
	const char *message = x509_identity_check(san, sanLength, name, strlen(name));
	if (message)
		xsmcSetString(xsResult, (char *)message);
}

void xs_x509_identity_valid(xsMachine *the)
{
	const char *name = xsmcToString(xsArg(0));
	const char *message = x509_identity_valid(name, strlen(name));
	if (message)
		xsmcSetString(xsResult, (char *)message);
}
#endif
