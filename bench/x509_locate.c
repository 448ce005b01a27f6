/*
 * A measuring prototype, not part of the build (bench/notes.md, "The way to 64 KB of bytecode"): what moving
 * X.509's DER walk into C would cost in ESP8266 .text, with the identity check on the SAN and the checks of
 * one path link and of the leaf (the parts of x509/name.ts and x509/path.ts that are not messages). `bash bench/esp8266-profile.sh --add bench/x509_locate.c`
 * links it with the C core; `cc -DLOCATE_TEST -o /tmp/locate bench/x509_locate.c && /tmp/locate cert.der ...`
 * runs it on DER certificates on the host. Not reviewed as production code: no streaming (the certificate
 * whole in memory), error codes without messages.
 *
 * A strict DER walk of one whole X.509 certificate
 * (RFC 5280 4.1) that locates its fields as offsets for the JS to read, BearSSL-style: no allocation,
 * no copies. Checks: DER headers (definite, shortest lengths, low tag numbers), the Certificate and
 * TBSCertificate structure, version v3 (or absent), times (UTCTime/GeneralizedTime, 'Z', seconds),
 * extensions (unique, critical BOOLEAN DER, known ones parsed: basicConstraints, keyUsage,
 * extKeyUsage; SAN, AKI, SKI, nameConstraints located), unknown critical extensions flagged.
 *   xs_x509_locate(certificate: ArrayBuffer|view, out: Uint32Array(32)) -> error code (0 ok)
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#ifndef LOCATE_TEST
#include "xsmc.h"
#endif

enum { F_TBS, F_TBS_END, F_VERSION, F_SERIAL, F_SERIAL_LEN, F_TBSALG, F_TBSALG_LEN, F_ISSUER, F_ISSUER_LEN,
	F_NOT_BEFORE, F_NOT_AFTER, F_SUBJECT, F_SUBJECT_LEN, F_SPKI, F_SPKI_LEN, F_EXTENSIONS, F_FLAGS, F_PATHLEN,
	F_KEYUSAGE, F_SAN, F_SAN_LEN, F_AKI, F_AKI_LEN, F_SKI, F_SKI_LEN, F_NC, F_NC_LEN, F_ALG, F_ALG_LEN,
	F_SIG, F_SIG_LEN, F_COUNT };
enum { FL_BC = 1, FL_CA = 2, FL_PATHLEN = 4, FL_KU = 8, FL_EKU = 16, FL_SERVER_AUTH = 32, FL_ANY_EKU = 64,
	FL_UNKNOWN_CRITICAL = 128, FL_NC = 256, FL_POLICIES = 512 };
enum { OK = 0, E_DER, E_STRUCTURE, E_VERSION, E_TIME, E_EXTENSION, E_DUPLICATE };

typedef struct { const uint8_t *base; size_t at, end; } reader;
typedef struct { int tag; size_t start, content, end; } element;

/* one DER header at r->at: definite, shortest length form, low tag number; the element within r */
static int next(reader *r, element *e)
{
	size_t at = r->at, len;
	if (r->end - at < 2) return E_DER;
	e->start = at;
	e->tag = r->base[at++];
	if ((e->tag & 0x1f) == 0x1f) return E_DER;
	len = r->base[at++];
	if (len & 0x80) {
		unsigned n = len & 0x7f;
		if (n == 0 || n > 3 || r->end - at < n || r->base[at] == 0) return E_DER;
		for (len = 0; n--; ) len = (len << 8) | r->base[at++];
		if (len < 0x80) return E_DER;
	}
	if (r->end - at < len) return E_DER;
	e->content = at;
	e->end = at + len;
	r->at = e->end;
	return OK;
}

static int expect(reader *r, element *e, int tag)
{
	int error = next(r, e);
	return error ? error : e->tag == tag ? OK : E_STRUCTURE;
}

static reader inside(const reader *r, const element *e)
{
	reader in = { r->base, e->content, e->end };
	return in;
}

static int digits(const uint8_t *p, int n, int *out)
{
	int v = 0;
	while (n--) {
		if (*p < '0' || *p > '9') return E_TIME;
		v = v * 10 + (*p++ - '0');
	}
	*out = v;
	return OK;
}

/* seconds since 1970 of a UTCTime or GeneralizedTime "...YYMMDDHHMMSSZ" (saturates at 2^32 - 1) */
static int readTime(reader *r, uint32_t *out)
{
	static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	element e;
	int error = next(r, &e), year, month, day, hour, minute, second, leap;
	const uint8_t *p = r->base + e.content;
	size_t len = e.end - e.content;
	if (error) return error;
	if (e.tag == 0x17 && len == 13) {
		if (digits(p, 2, &year)) return E_TIME;
		year += year < 50 ? 2000 : 1900;
		p += 2;
	}
	else if (e.tag == 0x18 && len == 15) {
		if (digits(p, 4, &year)) return E_TIME;
		p += 4;
	}
	else return E_TIME;
	if (digits(p, 2, &month) || digits(p + 2, 2, &day) || digits(p + 4, 2, &hour) || digits(p + 6, 2, &minute)
		|| digits(p + 8, 2, &second) || p[10] != 'Z')
		return E_TIME;
	leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	if (month < 1 || month > 12 || day < 1 || day > days[month - 1] + (month == 2 && leap) || hour > 23 || minute > 59 || second > 59)
		return E_TIME;
	{
		/* days from civil (proleptic Gregorian) */
		int y = year - (month <= 2), era = y / 400, yoe = y - era * 400;
		int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
		int64_t d = (int64_t)era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
		int64_t s = d * 86400 + hour * 3600 + minute * 60 + second;
		*out = s < 0 ? 0 : s > 0xffffffffLL ? 0xffffffffU : (uint32_t)s;
	}
	return OK;
}

static const uint8_t ID_CE[] = { 0x55, 0x1d };
static const uint8_t SERVER_AUTH[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01 };
static const uint8_t ANY_EKU[] = { 0x55, 0x1d, 0x25, 0x00 };

static int oidIs(const reader *r, const element *e, const uint8_t *oid, size_t len)
{
	return e->tag == 0x06 && e->end - e->content == len && memcmp(r->base + e->content, oid, len) == 0;
}

/* one Extension: SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } */
static int extension(reader *r, uint32_t *out, uint32_t *seen)
{
	element seq, id, value, e;
	reader x, v;
	int error, critical = 0, which = -1;
	if ((error = expect(r, &seq, 0x30))) return error;
	x = inside(r, &seq);
	if ((error = expect(&x, &id, 0x06)) || (error = next(&x, &value))) return error;
	if (value.tag == 0x01) {
		if (value.end - value.content != 1 || x.base[value.content] != 0xff) return E_DER; /* DEFAULT FALSE is absent */
		critical = 1;
		if ((error = expect(&x, &value, 0x04))) return error;
	}
	else if (value.tag != 0x04) return E_STRUCTURE;
	if (x.at != x.end) return E_STRUCTURE;
	if (id.end - id.content == 3 && memcmp(x.base + id.content, ID_CE, 2) == 0) which = x.base[id.content + 2];
	if (which >= 0 && which < 64) {
		uint64_t bit = (uint64_t)1 << which;
		if (*seen & (uint32_t)bit) return E_DUPLICATE; /* ids 14..37 fit in 32 bits */
		*seen |= (uint32_t)bit;
	}
	v = inside(&x, &value);
	switch (which) {
	case 14: out[F_SKI] = value.content; out[F_SKI_LEN] = value.end - value.content; break;
	case 17: out[F_SAN] = value.content; out[F_SAN_LEN] = value.end - value.content; break;
	case 35: out[F_AKI] = value.content; out[F_AKI_LEN] = value.end - value.content; break;
	case 30: out[F_NC] = value.content; out[F_NC_LEN] = value.end - value.content; out[F_FLAGS] |= FL_NC; break;
	case 32: out[F_FLAGS] |= FL_POLICIES; break;
	case 19: /* BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL } */
		if ((error = expect(&v, &seq, 0x30))) return error;
		out[F_FLAGS] |= FL_BC;
		v = inside(&v, &seq);
		if (v.at < v.end) {
			if ((error = next(&v, &e))) return error;
			if (e.tag == 0x01) {
				if (e.end - e.content != 1 || v.base[e.content] != 0xff) return E_EXTENSION;
				out[F_FLAGS] |= FL_CA;
				if (v.at < v.end && (error = next(&v, &e))) return error;
				else if (e.tag == 0x01) break;
			}
			if (e.tag != 0x02 || e.end - e.content > 2 || v.base[e.content] & 0x80
				|| (e.end - e.content == 2 && v.base[e.content] == 0 && !(v.base[e.content + 1] & 0x80)))
				return E_EXTENSION;
			out[F_FLAGS] |= FL_PATHLEN;
			out[F_PATHLEN] = e.end - e.content == 1 ? v.base[e.content] : (v.base[e.content] << 8) | v.base[e.content + 1];
			if (v.at != v.end) return E_EXTENSION;
		}
		break;
	case 15: /* KeyUsage ::= BIT STRING: unused bits count, unused bits zero */
		if ((error = expect(&v, &e, 0x03))) return error;
		{
			size_t len = e.end - e.content;
			unsigned unused = len ? v.base[e.content] : 8, bits = 0;
			/* as the JS verifier does (der.ts unusedBitCount): trailing zero bytes accepted, roots have them */
			if (len < 2 || unused > 7 || (v.base[e.end - 1] & ((1u << unused) - 1))) return E_EXTENSION;
			bits = v.base[e.content + 1] << 8 | (len >= 3 ? v.base[e.content + 2] : 0);
			out[F_KEYUSAGE] = bits;
			out[F_FLAGS] |= FL_KU;
		}
		break;
	case 37: /* ExtKeyUsage ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId */
		if ((error = expect(&v, &seq, 0x30))) return error;
		out[F_FLAGS] |= FL_EKU;
		v = inside(&v, &seq);
		if (v.at == v.end) return E_EXTENSION;
		while (v.at < v.end) {
			if ((error = expect(&v, &e, 0x06))) return error;
			if (oidIs(&v, &e, SERVER_AUTH, sizeof(SERVER_AUTH))) out[F_FLAGS] |= FL_SERVER_AUTH;
			else if (oidIs(&v, &e, ANY_EKU, sizeof(ANY_EKU))) out[F_FLAGS] |= FL_ANY_EKU;
		}
		break;
	case 36: case 54: break; /* policy constraints, inhibitAnyPolicy: understood as "no policy checking" */
	default:
		if (critical) out[F_FLAGS] |= FL_UNKNOWN_CRITICAL;
	}
	if (which == 19 || which == 15 || which == 37) {
		if (v.at != v.end) return E_EXTENSION;
	}
	return OK;
}

int x509_locate(const uint8_t *der, size_t size, uint32_t *out)
{
	reader r = { der, 0, size }, c, t;
	element e;
	uint32_t seen = 0;
	int error;
	memset(out, 0, F_COUNT * sizeof(*out));
	if ((error = expect(&r, &e, 0x30))) return error;
	if (r.at != r.end) return E_STRUCTURE;
	c = inside(&r, &e);
	if ((error = expect(&c, &e, 0x30))) return error;
	out[F_TBS] = e.start; out[F_TBS_END] = e.end;
	t = inside(&c, &e);
	if ((error = next(&t, &e))) return error;
	if (e.tag == 0xa0) {
		reader v = inside(&t, &e);
		element n;
		if ((error = expect(&v, &n, 0x02))) return error;
		if (n.end - n.content != 1 || der[n.content] != 2 || v.at != v.end) return E_VERSION;
		out[F_VERSION] = 3;
		if ((error = next(&t, &e))) return error;
	}
	else out[F_VERSION] = 1;
	if (e.tag != 0x02 || e.end == e.content) return E_STRUCTURE;
	out[F_SERIAL] = e.content; out[F_SERIAL_LEN] = e.end - e.content;
	if ((error = expect(&t, &e, 0x30))) return error;
	out[F_TBSALG] = e.start; out[F_TBSALG_LEN] = e.end - e.start;
	if ((error = expect(&t, &e, 0x30))) return error;
	out[F_ISSUER] = e.start; out[F_ISSUER_LEN] = e.end - e.start;
	if ((error = expect(&t, &e, 0x30))) return error;
	{
		reader v = inside(&t, &e);
		if ((error = readTime(&v, &out[F_NOT_BEFORE])) || (error = readTime(&v, &out[F_NOT_AFTER]))) return error;
		if (v.at != v.end) return E_TIME;
	}
	if ((error = expect(&t, &e, 0x30))) return error;
	out[F_SUBJECT] = e.start; out[F_SUBJECT_LEN] = e.end - e.start;
	if ((error = expect(&t, &e, 0x30))) return error;
	out[F_SPKI] = e.start; out[F_SPKI_LEN] = e.end - e.start;
	while (t.at < t.end) {
		if ((error = next(&t, &e))) return error;
		if (e.tag == 0x81 || e.tag == 0x82) { if (out[F_VERSION] == 1) return E_VERSION; continue; } /* unique ids */
		if (e.tag != 0xa3 || out[F_VERSION] != 3 || t.at != t.end) return E_STRUCTURE;
		{
			reader x = inside(&t, &e), list;
			element s;
			if ((error = expect(&x, &s, 0x30)) || x.at != x.end || s.end == s.content) return error ? error : E_STRUCTURE;
			list = inside(&x, &s);
			while (list.at < list.end) {
				if ((error = extension(&list, out, &seen))) return error;
				out[F_EXTENSIONS]++;
			}
		}
	}
	if ((error = expect(&c, &e, 0x30))) return error;
	out[F_ALG] = e.start; out[F_ALG_LEN] = e.end - e.start;
	if (out[F_ALG_LEN] != out[F_TBSALG_LEN] || memcmp(der + out[F_ALG], der + out[F_TBSALG], out[F_ALG_LEN])) return E_STRUCTURE;
	if ((error = expect(&c, &e, 0x03))) return error;
	if (e.end == e.content || der[e.content] != 0) return E_STRUCTURE;
	out[F_SIG] = e.content + 1; out[F_SIG_LEN] = e.end - e.content - 1;
	return c.at == c.end ? OK : E_STRUCTURE;
}

/*
 * The server identity check on the located SAN (RFC 9525; as x509/name.ts): reference is the lowercase
 * DNS name or the IPv4/IPv6 address bytes the client connected to (isIP). A dNSName matches exactly
 * (ASCII case-insensitive) or as "*." over at least two labels with the first label not an A-label;
 * an iPAddress matches byte for byte. Returns 1 on a match, 0 on none, -1 on a malformed SAN.
 */
static int lowerEqual(const uint8_t *a, const uint8_t *b, size_t n)
{
	while (n--) {
		uint8_t x = *a++, y = *b++;
		if (x >= 'A' && x <= 'Z') x += 32;
		if (x != y) return 0;
	}
	return 1;
}

static int dnsMatches(const uint8_t *p, size_t n, const uint8_t *ref, size_t refLen)
{
	size_t i, dots = 0, first;
	for (i = 0; i < n; i++) {
		if (p[i] < 0x21 || p[i] > 0x7e) return -1; /* IA5, printable, no spaces */
		if (p[i] == '.') dots++;
	}
	if (n >= 2 && p[0] == '*' && p[1] == '.') {
		if (dots < 2 || memchr(p + 1, '*', n - 1)) return 0;
		for (first = 0; first < refLen && ref[first] != '.'; first++) ;
		if (first == 0 || first == refLen || (first >= 4 && memcmp(ref, "xn--", 4) == 0)) return 0;
		return refLen - first == n - 1 && lowerEqual(p + 1, ref + first, n - 1);
	}
	return memchr(p, '*', n) ? 0 : n == refLen && lowerEqual(p, ref, n);
}

int x509_identity(const uint8_t *der, const uint32_t *fields, const uint8_t *ref, size_t refLen, int isIP)
{
	reader r = { der, fields[F_SAN], fields[F_SAN] + fields[F_SAN_LEN] }, list;
	element e;
	int found = 0;
	if (!fields[F_SAN_LEN] || expect(&r, &e, 0x30) || r.at != r.end || e.end == e.content) return -1;
	list = inside(&r, &e);
	while (list.at < list.end) {
		if (next(&list, &e)) return -1;
		if (e.tag == 0x82 && !isIP) {
			int m = dnsMatches(der + e.content, e.end - e.content, ref, refLen);
			if (m < 0) return -1;
			found |= m;
		}
		else if (e.tag == 0x87 && isIP) {
			size_t n = e.end - e.content;
			if (n != 4 && n != 16) return -1;
			found |= n == refLen && memcmp(der + e.content, ref, n) == 0;
		}
	}
	return found;
}

/*
 * One link of the path (RFC 5280 6.1.3, 6.1.4) on two located certificates: the issuer's subject is the
 * child's issuer (raw DER compare), both valid at `now`, the issuer a CA (basicConstraints cA, its pathLen
 * not exceeded by `below` CAs under it, keyCertSign if keyUsage present), no unknown critical extension,
 * no name constraints (refused, fail-closed). The signature check is the crypto core's (not counted here).
 */
enum { L_OK = 0, L_NAME, L_TIME, L_NOT_CA, L_PATHLEN, L_KEY_USAGE, L_CRITICAL, L_CONSTRAINTS };
int x509_link(const uint8_t *child, const uint32_t *c, const uint8_t *issuer, const uint32_t *i, uint32_t now, unsigned below)
{
	if (c[F_ISSUER_LEN] != i[F_SUBJECT_LEN] || memcmp(child + c[F_ISSUER], issuer + i[F_SUBJECT], c[F_ISSUER_LEN])) return L_NAME;
	if (now < c[F_NOT_BEFORE] || now > c[F_NOT_AFTER] || now < i[F_NOT_BEFORE] || now > i[F_NOT_AFTER]) return L_TIME;
	if (!(i[F_FLAGS] & FL_CA)) return L_NOT_CA;
	if ((i[F_FLAGS] & FL_PATHLEN) && below > i[F_PATHLEN]) return L_PATHLEN;
	if ((i[F_FLAGS] & FL_KU) && !(i[F_KEYUSAGE] & 0x0400)) return L_KEY_USAGE;
	if ((c[F_FLAGS] | i[F_FLAGS]) & FL_UNKNOWN_CRITICAL) return L_CRITICAL;
	if (i[F_FLAGS] & FL_NC) return L_CONSTRAINTS;
	return L_OK;
}

/* the leaf's own checks: serverAuth (or anyExtendedKeyUsage) if extKeyUsage is present, digitalSignature
   if keyUsage is present (TLS 1.3 signs with the leaf's key), no unknown critical extension */
int x509_leaf(const uint32_t *c)
{
	if ((c[F_FLAGS] & FL_EKU) && !(c[F_FLAGS] & (FL_SERVER_AUTH | FL_ANY_EKU))) return L_KEY_USAGE;
	if ((c[F_FLAGS] & FL_KU) && !(c[F_KEYUSAGE] & 0x8000)) return L_KEY_USAGE;
	return (c[F_FLAGS] & FL_UNKNOWN_CRITICAL) ? L_CRITICAL : L_OK;
}

#ifndef LOCATE_TEST
void xs_x509_locate(xsMachine *the)
{
	void *der, *out;
	xsUnsignedValue size, outSize;
	xsmcGetBufferReadable(xsArg(0), &der, &size);
	xsmcGetBufferWritable(xsArg(1), &out, &outSize);
	if (outSize < F_COUNT * sizeof(uint32_t)) xsRangeError("x509: locate needs 32 slots");
	xsmcSetInteger(xsResult, x509_locate(der, size, out));
}

/* xs_x509_identity(certificate, fields, reference bytes, isIP) -> 1 match, 0 none, -1 malformed */
void xs_x509_identity(xsMachine *the)
{
	void *der, *fields, *ref;
	xsUnsignedValue size, fieldsSize, refSize;
	xsmcGetBufferReadable(xsArg(0), &der, &size);
	xsmcGetBufferReadable(xsArg(1), &fields, &fieldsSize);
	xsmcGetBufferReadable(xsArg(2), &ref, &refSize);
	if (fieldsSize < F_COUNT * sizeof(uint32_t) || ((uint32_t *)fields)[F_SAN] + ((uint32_t *)fields)[F_SAN_LEN] > size) xsRangeError("x509: bad fields");
	xsmcSetInteger(xsResult, x509_identity(der, fields, ref, refSize, xsmcTest(xsArg(3))));
}

/* xs_x509_link(child, childFields, issuer, issuerFields, now, below) -> L_* code; xs_x509_leaf(fields) */
void xs_x509_link(xsMachine *the)
{
	void *c, *cf, *i, *iff;
	xsUnsignedValue n;
	xsmcGetBufferReadable(xsArg(0), &c, &n);
	xsmcGetBufferReadable(xsArg(1), &cf, &n);
	xsmcGetBufferReadable(xsArg(2), &i, &n);
	xsmcGetBufferReadable(xsArg(3), &iff, &n);
	xsmcSetInteger(xsResult, x509_link(c, cf, i, iff, (uint32_t)xsmcToNumber(xsArg(4)), (unsigned)xsmcToInteger(xsArg(5))));
}

void xs_x509_leaf(xsMachine *the)
{
	void *f;
	xsUnsignedValue n;
	xsmcGetBufferReadable(xsArg(0), &f, &n);
	xsmcSetInteger(xsResult, x509_leaf(f));
}
#endif

#ifdef LOCATE_TEST
#include <stdio.h>
int main(int argc, char **argv)
{
	static uint8_t der[65536];
	uint32_t out[F_COUNT];
	for (int i = 1; i < argc; i++) {
		char *host = strchr(argv[i], '=');
		FILE *f;
		if (host) *host++ = 0;
		f = fopen(argv[i], "rb");
		size_t n = f ? fread(der, 1, sizeof(der), f) : 0;
		int error;
		if (f) fclose(f);
		error = x509_locate(der, n, out);
		printf("%s: error %d, v%u, validity %u..%u, %u extensions, flags 0x%x, pathLen %u, keyUsage 0x%x, SAN %u+%u, signature %u+%u\n",
			argv[i], error, out[F_VERSION], out[F_NOT_BEFORE], out[F_NOT_AFTER], out[F_EXTENSIONS], out[F_FLAGS], out[F_PATHLEN],
			out[F_KEYUSAGE], out[F_SAN], out[F_SAN_LEN], out[F_SIG], out[F_SIG_LEN]);
		if (host && !error)
			printf("  identity %s: %d, leaf %d, self-link %d\n", host, x509_identity(der, out, (const uint8_t *)host, strlen(host), 0),
				x509_leaf(out), x509_link(der, out, der, out, out[F_NOT_BEFORE] + 1, 0));
	}
	return 0;
}
#endif
