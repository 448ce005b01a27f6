/*
 * libFuzzer harness: the X.509 field locator (native/x509_der.c, x509_time.c, x509_extensions.c,
 * x509_certificate.c) on hostile certificates.
 *
 * Input: the fault header (fuzz.h; the locator allocates nothing, so it only shifts the input); the
 * rest is the certificate, copied to a heap block of exactly its size (AddressSanitizer sees any
 * read past it). The result must be X509_OK or a known X509_E_* code with a known field; on
 * success every range must lie inside the certificate and in the order of RFC 5280 4.1 (the TBS
 * fields inside the TBS, extension values inside the TBS, the signature last and ending the
 * certificate), the version 1-3, the times well ordered as numbers (any order as times), the flags
 * consistent; every shorter prefix tried must be refused (a certificate is exactly its bytes);
 * and a second run gives the same fields (nothing depends on state).
 */
#define X509_NO_HOST
#include "fuzz.h"
#include "../native/x509_der.c"
#include "../native/x509_time.c"
#include "../native/x509_extensions.c"
#include "../native/x509_certificate.c"

static void check_range(const uint32_t *f, unsigned at, uint32_t from, uint32_t to)
{
	fuzz_check(f[at] <= f[at + 1]);
	if (f[at + 1] != 0) {
		fuzz_check(f[at] >= from);
		fuzz_check(f[at + 1] <= to);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_input in;
	uint32_t f[X509_FIELDS], again[X509_FIELDS];
	uint8_t *der;
	size_t length;
	int error;

	fuzz_begin(&in, data, size);
	der = fuzz_rest(&in, &length);
	error = x509_locate(der, length, f);
	fuzz_check((error >= X509_OK) && (error < X509_E_COUNT));
	fuzz_check(x509_error_text(error) != NULL);
	if (error) {
		fuzz_check(f[X509_ERROR_FIELD] < X509_IN_COUNT);
		fuzz_check(f[X509_ERROR_AT] <= length);
	}
	else {
		uint32_t tbs = f[X509_TBS], tbsEnd = f[X509_TBS_END];
		unsigned i;
		fuzz_check((tbs < tbsEnd) && (tbsEnd <= length));
		fuzz_check((f[X509_VERSION] >= 1) && (f[X509_VERSION] <= 3));
		fuzz_check(f[X509_SERIAL] < f[X509_SERIAL_END]);
		for (i = X509_SERIAL; i <= X509_SUBJECT_END; i++)
			if ((i < X509_NOT_BEFORE_HIGH) || (i > X509_NOT_AFTER_LOW))
				fuzz_check((f[i] > tbs) && (f[i] <= tbsEnd));
		check_range(f, X509_SERIAL, tbs, tbsEnd);
		check_range(f, X509_TBS_ALGORITHM, f[X509_SERIAL_END], tbsEnd);
		check_range(f, X509_ISSUER, f[X509_TBS_ALGORITHM_END], tbsEnd);
		check_range(f, X509_SUBJECT, f[X509_ISSUER_END], tbsEnd);
		check_range(f, X509_SPKI, f[X509_SUBJECT_END], tbsEnd);
		check_range(f, X509_KEY_ALGORITHM, f[X509_SPKI], f[X509_SPKI_END]);
		for (i = X509_EXT_KEY_USAGE; i <= X509_CRITICAL; i += 2)
			check_range(f, i, f[X509_SPKI_END], tbsEnd);
		fuzz_check((f[X509_EXTENSIONS] <= 48) && ((f[X509_VERSION] == 3) || (f[X509_EXTENSIONS] == 0)));
		fuzz_check(!(f[X509_FLAGS] & (X509_CA | X509_HAS_PATH_LENGTH)) || (f[X509_FLAGS] & X509_HAS_BASIC_CONSTRAINTS));
		fuzz_check(!(f[X509_FLAGS] & (X509_SERVER_AUTH | X509_CLIENT_AUTH | X509_ANY_EXT_KEY_USAGE)) || (f[X509_FLAGS] & X509_HAS_EXT_KEY_USAGE));
		fuzz_check((f[X509_KEY_USAGE] >> 9) == 0);
		fuzz_check(f[X509_PATH_LENGTH] <= 0x7fffffffu);
		fuzz_check(!(f[X509_FLAGS] & X509_UNKNOWN_CRITICAL) == !f[X509_CRITICAL_END]);
		fuzz_check((int32_t)f[X509_NOT_BEFORE_HIGH] >= -15 && (int32_t)f[X509_NOT_BEFORE_HIGH] <= 60);
		fuzz_check((int32_t)f[X509_NOT_AFTER_HIGH] >= -15 && (int32_t)f[X509_NOT_AFTER_HIGH] <= 60);
		fuzz_check((tbsEnd <= f[X509_ALGORITHM]) && (f[X509_ALGORITHM] < f[X509_ALGORITHM_END]));
		fuzz_check(x509_der_same(der, f[X509_ALGORITHM], f[X509_ALGORITHM_END], f[X509_TBS_ALGORITHM], f[X509_TBS_ALGORITHM_END]));
		fuzz_check((f[X509_ALGORITHM_END] < f[X509_SIGNATURE]) && (f[X509_SIGNATURE] <= f[X509_SIGNATURE_END]));
		fuzz_check(f[X509_SIGNATURE_END] == length);
		/* the certificate is exactly its bytes: its prefixes are refused */
		fuzz_check(x509_locate(der, length - 1, again) != X509_OK);
		fuzz_check(x509_locate(der, tbsEnd, again) != X509_OK);
	}
	fuzz_check(x509_locate(der, length, again) == error);
	fuzz_check(error || (memcmp(f, again, sizeof(f)) == 0));
	free(der);
	return 0;
}
