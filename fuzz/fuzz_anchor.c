/*
 * libFuzzer harness: the trust-anchor lookup (native/x509_anchor.c) on hostile CA stores.
 *
 * Input: the fault header (fuzz.h; the lookup allocates nothing but mbedtls's SHA-256, which does not
 * allocate either), flags (bit 0: no ca-roots.bin; bit 1: a key id follows), the index's length (u16),
 * the index, the name's length (u16), the name, the key id (2 bytes, with bit 1), then ca-roots.bin (the
 * rest). Each is a heap block of exactly its size (AddressSanitizer sees any read past it).
 * The lookup must end (at most one result per index entry), every result must be FOUND, MISSING, DONE or
 * ERROR with a message starting "x509: "; a FOUND anchor's pointers lie inside ca-roots.bin, its subject is
 * the name, its SPKI and key id inside its record; the same root read alone (x509_anchor_record) is FOUND
 * with the same fields; and the rest read as one record never reads out of it.
 */
#define X509_NO_HOST
#include "fuzz.h"
#include "../native/x509_der.c"
#include "../native/x509_time.c"
#include "../native/x509_extensions.c"
#include "../native/x509_identity.c"
#include "../native/x509_anchor.c"

static int inside(const uint8_t *p, size_t n, const uint8_t *from, size_t length)
{
	return (p >= from) && (n <= length) && ((size_t)(p - from) <= length - n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_input in;
	unsigned flags, count = 0;
	size_t indexLength, nameLength, keyLength = 0, rootsLength;
	uint8_t *index, *name, *key = NULL, *roots;
	x509_anchor_store store;
	x509_anchor a, alone;
	const char *error = NULL;
	uint32_t cursor = 0;
	int found;
	char resource[X509_ANCHOR_RESOURCE_NAME];

	fuzz_begin(&in, data, size);
	flags = fuzz_byte(&in);
	index = fuzz_bytes(&in, fuzz_u16(&in), &indexLength);
	name = fuzz_bytes(&in, fuzz_u16(&in), &nameLength);
	if (flags & 2)
		key = fuzz_bytes(&in, 2, &keyLength);
	roots = fuzz_rest(&in, &rootsLength);
	store.index = index;
	store.indexLength = indexLength;
	store.roots = (flags & 1) ? NULL : roots;
	store.rootsLength = (flags & 1) ? 0 : rootsLength;
	while ((found = x509_anchor_next(&store, name, nameLength, key, keyLength, &cursor, &a, &error)) > 0) {
		fuzz_check(++count <= indexLength / 16);
		x509_anchor_resource_name(a.id, resource);
		fuzz_check((strlen(resource) == 15) && !memcmp(resource, "ca_", 3));
		if (found == X509_ANCHOR_MISSING) {
			fuzz_check(flags & 1);
			continue;
		}
		fuzz_check((found == X509_ANCHOR_FOUND) && !(flags & 1));
		fuzz_check(inside(a.record, a.recordLength, roots, rootsLength));
		fuzz_check((a.subjectLength == nameLength) && !memcmp(a.subject, name, nameLength));
		fuzz_check(inside(a.subject, a.subjectLength, a.record, a.recordLength));
		fuzz_check(inside(a.spki, a.spkiLength, a.record, a.recordLength));
		fuzz_check(!a.keyId || inside(a.keyId, a.keyIdLength, a.record, a.recordLength));
		fuzz_check(!a.nameConstraints || inside(a.nameConstraints, a.nameConstraintsLength, a.record, a.recordLength));
		fuzz_check(x509_anchor_record(a.record, a.recordLength, name, nameLength, &alone, &error) == X509_ANCHOR_FOUND);
		fuzz_check((alone.spki == a.spki) && (alone.flags == a.flags) && (alone.notAfter == a.notAfter));
	}
	fuzz_check((found == X509_ANCHOR_DONE) || ((found == X509_ANCHOR_ERROR) && error && !strncmp(error, "x509: ", 6)));
	/* the rest as one record (a ca_<id>.bin) */
	found = x509_anchor_record(roots, rootsLength, NULL, 0, &a, &error);
	fuzz_check((found == X509_ANCHOR_FOUND) || ((found == X509_ANCHOR_ERROR) && !strncmp(error, "x509: ", 6)));
	fuzz_check((found != X509_ANCHOR_FOUND) || (inside(a.subject, a.subjectLength, roots, rootsLength) &&
		inside(a.spki, a.spkiLength, roots, rootsLength)));
	free(index);
	free(name);
	free(key);
	free(roots);
	return 0;
}
