/*
 * Certificate times for the X.509 locator (native/x509.h), RFC 5280 4.1.2.5: UTCTime "YYMMDDHHMMSSZ"
 * (YY 50-99 is 19YY, 00-49 is 20YY) and GeneralizedTime "YYYYMMDDHHMMSSZ", exactly those forms
 * (seconds present, no fractions, no offsets, Z), any year of GeneralizedTime (as x509/time.ts), as
 * seconds since 1970-01-01T00:00:00Z of the proleptic Gregorian calendar.
 */
#include "x509.h"

#define UTC_TIME 0x17
#define GENERALIZED_TIME 0x18

/* count decimal digits at p into *value */
static int digits(const uint8_t *p, unsigned count, unsigned *value)
{
	*value = 0;
	while (count--) {
		if ((*p < '0') || (*p > '9'))
			return X509_E_TIME_DIGITS;
		*value = *value * 10 + (unsigned)(*p++ - '0');
	}
	return X509_OK;
}

static unsigned days_in_month(unsigned year, unsigned month)
{
	if (month == 2)
		return ((year % 4 == 0) && ((year % 100 != 0) || (year % 400 == 0))) ? 29 : 28;
	return ((month == 4) || (month == 6) || (month == 9) || (month == 11)) ? 30 : 31;
}

/* days since 1970-01-01 of a date (month 1-12; year 0-9999, so y >= -1 below) */
static int32_t days_from_civil(unsigned year, unsigned month, unsigned day)
{
	int32_t y = (int32_t)year - (month <= 2);
	int32_t era = (y >= 0 ? y : y - 399) / 400;
	int32_t yoe = y - era * 400;
	int32_t doy = (int32_t)((153 * ((month + 9) % 12) + 2) / 5 + day - 1);
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

int x509_time(x509_reader *r, int64_t *seconds)
{
	static const uint8_t LARGEST[5] = { 12, 31, 23, 59, 59 };
	x509_element e;
	const uint8_t *p;
	unsigned year, v[5], i, n;   /* v: month, day, hour, minute, second */
	int error = x509_der_next(r, &e);
	if (error)
		return error;
	p = r->der + e.content;
	n = (unsigned)(e.end - e.content);
	if (e.tag == UTC_TIME) {
		if (n != 13)
			return X509_E_TIME_FORM;
		if ((error = digits(p, 2, &year)))
			return error;
		year += (year >= 50) ? 1900 : 2000;
		p += 2;
	}
	else if (e.tag == GENERALIZED_TIME) {
		if (n != 15)
			return X509_E_TIME_FORM;
		if ((error = digits(p, 4, &year)))
			return error;
		p += 4;
	}
	else
		return X509_E_UNEXPECTED;
	if (p[10] != 'Z')
		return X509_E_TIME_ZONE;
	for (i = 0; i < 5; i++)
		if ((error = digits(p + 2 * i, 2, &v[i])))
			return error;
	for (i = 0; i < 5; i++)
		if (v[i] > LARGEST[i])
			return X509_E_TIME_RANGE;
	if ((v[0] < 1) || (v[1] < 1) || (v[1] > days_in_month(year, v[0])))
		return X509_E_TIME_RANGE;
	*seconds = (int64_t)days_from_civil(year, v[0], v[1]) * 86400 + (int64_t)(v[2] * 3600 + v[3] * 60 + v[4]);
	return X509_OK;
}
