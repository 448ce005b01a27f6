/*
 * libFuzzer harness: the server identity check (native/x509_identity.c) on hostile names and
 * subjectAltNames.
 *
 * Input: the fault header (fuzz.h; the check allocates nothing), a flags byte (bit 0: the certificate
 * has no subjectAltName), the name's length (one byte), the name, then the subjectAltName (the rest).
 * Name and subjectAltName are heap blocks of exactly their size (AddressSanitizer sees any read past).
 * Every result is NULL or a message starting "x509: "; a name refused by x509_identity_valid is
 * refused by x509_identity_check with the same message; a match needs a subjectAltName; the result
 * does not depend on the ASCII case of the name; a DNS name (valid, not an IPv4 literal, no trailing
 * dot) gives the same result with one trailing dot; and a second run gives the same result.
 */
#define X509_NO_HOST
#include "fuzz.h"
#include "../native/x509_der.c"
#include "../native/x509_identity.c"

static int is_message(const char *m)
{
	return (m == NULL) || (strncmp(m, "x509: ", 6) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_input in;
	unsigned flags, n;
	size_t nameLength, sanLength, i;
	char *name, *other;
	uint8_t *san, ipv4[4];
	const char *valid, *checked;

	fuzz_begin(&in, data, size);
	flags = fuzz_byte(&in);
	n = fuzz_byte(&in);
	name = (char *)fuzz_bytes(&in, n, &nameLength);
	san = fuzz_rest(&in, &sanLength);
	valid = x509_identity_valid(name, nameLength);
	checked = x509_identity_check((flags & 1) ? NULL : san, (flags & 1) ? 0 : sanLength, name, nameLength);
	fuzz_check(is_message(valid) && is_message(checked));
	fuzz_check(!valid || (checked == valid));
	fuzz_check(checked || (!valid && !(flags & 1)));
	fuzz_check(x509_identity_check((flags & 1) ? NULL : san, (flags & 1) ? 0 : sanLength, name, nameLength) == checked);
	/* the same name in the other ASCII case, one byte longer with a trailing dot */
	other = malloc(nameLength + 1);
	if (!other)
		abort();
	for (i = 0; i < nameLength; i++) {
		int c = (uint8_t)name[i];
		other[i] = (char)((((c | 32) >= 'a') && ((c | 32) <= 'z')) ? c ^ 32 : c);
	}
	fuzz_check(x509_identity_check((flags & 1) ? NULL : san, (flags & 1) ? 0 : sanLength, other, nameLength) == checked);
	if (!valid && nameLength && (name[nameLength - 1] != '.') && !memchr(name, ':', nameLength) && (name[0] != '[') &&
		!parse_ipv4(name, nameLength, ipv4)) {
		other[nameLength] = '.';
		fuzz_check(x509_identity_check((flags & 1) ? NULL : san, (flags & 1) ? 0 : sanLength, other, nameLength + 1) == checked);
	}
	free(other);
	free(name);
	free(san);
	return 0;
}
