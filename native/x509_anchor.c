/*
 * Trust-anchor lookup (native/x509_anchor.h): castore.ts's find and anchor.ts's parseAnchorRecord in C,
 * over the CA store's resources in place. The index is searched by the name's hash (binary search for the
 * first entry, then the run of equal hashes); each candidate's record is read with the locator's DER
 * reader (native/x509_der.c, x509_time.c, x509_extensions.c) and kept when its subject is the name.
 */
#include <string.h>
#include "mbedtls/sha256.h"
#include "x509.h"
#include "x509_anchor.h"
#include "x509_identity.h"

#define RECORD_EXTENSIONS 0xa0   /* [0] EXPLICIT Extensions */
#define INDEX_ENTRY 16          /* an index entry's size */

static const char BAD_INDEX[] = "x509: ca-index.bin is malformed";
static const char BAD_BUNDLE[] = "x509: ca-roots.bin is malformed";
static const char BAD_RECORD[] = "x509: CA store record malformed";

static uint32_t u32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static int fail(const char **error, const char *message)
{
	*error = message;
	return X509_ANCHOR_ERROR;
}

int x509_anchor_record(const uint8_t *record, size_t recordLength, const uint8_t *name, size_t nameLength,
	x509_anchor *anchor, const char **error)
{
	x509_reader outer = { record, 0, recordLength }, seq, in;
	x509_element e;
	uint32_t version, out[X509_FIELDS];
	memset(out, 0, sizeof(out));
	anchor->record = record;
	anchor->recordLength = recordLength;
	if (x509_der_expect(&outer, &e, SEQUENCE) || x509_der_ended(&outer))
		return fail(error, BAD_RECORD);
	seq = x509_der_inside(&outer, &e);
	if (x509_der_expect(&seq, &e, INTEGER) || x509_der_small(&seq, &e, &version) || (version != 1) ||
		x509_der_expect(&seq, &e, INTEGER) || x509_der_integer(&seq, &e) || x509_der_expect(&seq, &e, SEQUENCE))
		return fail(error, BAD_RECORD);
	anchor->subject = record + e.start;
	anchor->subjectLength = e.end - e.start;
	if (!x509_name_valid(anchor->subject, anchor->subjectLength))
		return fail(error, BAD_RECORD);
	if (x509_der_expect(&seq, &e, SEQUENCE))
		return fail(error, BAD_RECORD);
	in = x509_der_inside(&seq, &e);
	if (x509_time(&in, &anchor->notBefore) || x509_time(&in, &anchor->notAfter) || x509_der_ended(&in) ||
		x509_der_expect(&seq, &e, SEQUENCE))
		return fail(error, BAD_RECORD);
	anchor->spki = record + e.start;
	anchor->spkiLength = e.end - e.start;
	if (x509_der_expect(&seq, &e, OCTET_STRING))
		return fail(error, BAD_RECORD);
	anchor->keyIdLength = e.end - e.content;
	anchor->keyId = anchor->keyIdLength ? record + e.content : NULL;
	if ((seq.at < seq.end) && (record[seq.at] == RECORD_EXTENSIONS)) {
		if (x509_der_next(&seq, &e))
			return fail(error, BAD_RECORD);
		in = x509_der_inside(&seq, &e);
		if (x509_extensions(&in, out))
			return fail(error, BAD_RECORD);
	}
	if (x509_der_ended(&seq))
		return fail(error, BAD_RECORD);
	/* anchor.ts reads the four constraining extensions and ignores the others */
	anchor->flags = out[X509_FLAGS] & ~(uint32_t)X509_UNKNOWN_CRITICAL;
	anchor->pathLength = out[X509_PATH_LENGTH];
	anchor->keyUsage = out[X509_KEY_USAGE];
	anchor->nameConstraintsLength = out[X509_NAME_CONSTRAINTS_END] - out[X509_NAME_CONSTRAINTS];
	anchor->nameConstraints = anchor->nameConstraintsLength ? record + out[X509_NAME_CONSTRAINTS] : NULL;
	if (name && ((anchor->subjectLength != nameLength) || memcmp(anchor->subject, name, nameLength)))
		return X509_ANCHOR_DONE;
	return X509_ANCHOR_FOUND;
}

int x509_anchor_next(const x509_anchor_store *store, const uint8_t *name, size_t nameLength,
	const uint8_t *keyId, size_t keyIdLength, uint32_t *cursor, x509_anchor *anchor, const char **error)
{
	const uint8_t *index = store->index, *entry;
	size_t count, low, high, middle, i;
	uint32_t key, offset, length, prefix;
	uint8_t hash[32];
	int found;
	if ((store->indexLength < 8) || memcmp(index, "X5CI\1", 5))
		return fail(error, BAD_INDEX);
	count = ((size_t)index[6] << 8) | index[7];
	if (store->indexLength != 8 + count * INDEX_ENTRY)
		return fail(error, BAD_INDEX);
	if (store->roots && ((store->rootsLength < 8) || memcmp(store->roots, "X5CR\1", 5)))
		return fail(error, BAD_BUNDLE);
	if (*cursor == 0) {
		/* the name hash: the first entry whose hash is >= it */
		if (mbedtls_sha256_ret(name, nameLength, hash, 0))
			return fail(error, BAD_INDEX);   /* (mbedtls's SHA-256 does not fail) */
		key = u32(hash);
		for (low = 0, high = count; low < high;) {
			middle = (low + high) / 2;
			if (u32(index + 8 + middle * INDEX_ENTRY) < key)
				low = middle + 1;
			else
				high = middle;
		}
		i = low;
	}
	else {
		/* the entry after the one returned last (*cursor - 2), whose hash is the name's */
		i = *cursor - 1;
		if ((i < 1) || (i > count))
			return X509_ANCHOR_DONE;
		key = u32(index + 8 + (i - 1) * INDEX_ENTRY);
	}
	prefix = ((keyId != NULL) && (keyIdLength >= 2)) ? ((uint32_t)keyId[0] << 8) | keyId[1] : 0x10000;
	for (; i < count; i++) {
		entry = index + 8 + i * INDEX_ENTRY;
		if (u32(entry) != key)
			break;
		length = ((uint32_t)entry[14] << 8) | entry[15];
		if ((prefix < 0x10000) && length && (length != prefix))
			continue;
		anchor->id = u32(entry + 4);
		*cursor = (uint32_t)i + 2;
		if (!store->roots)
			return X509_ANCHOR_MISSING;
		offset = u32(entry + 8);
		length = ((uint32_t)entry[12] << 8) | entry[13];
		if ((offset > store->rootsLength) || (length > store->rootsLength - offset))
			return fail(error, BAD_BUNDLE);
		found = x509_anchor_record(store->roots + offset, length, name, nameLength, anchor, error);
		if (found != X509_ANCHOR_DONE)
			return found;
	}
	*cursor = (uint32_t)count + 2;
	return X509_ANCHOR_DONE;
}

void x509_anchor_resource_name(uint32_t id, char *name)
{
	static const char HEX[] = "0123456789abcdef";
	int i;
	memcpy(name, "ca_", 3);
	for (i = 0; i < 8; i++)
		name[3 + i] = HEX[(id >> (28 - 4 * i)) & 15];
	memcpy(name + 11, ".bin", 5);
}

#ifndef X509_NO_HOST
#include "crypto_common.h"

/* the host functions' out: a Uint32Array of X509_ANCHOR_OUT entries (its ArrayBuffer) */
#define X509_ANCHOR_OUT 20
static uint32_t *out_of(xsMachine *the, int argument)
{
	void *buffer;
	xsUnsignedValue size;
	xsmcGetBufferWritable(xsArg(argument), &buffer, &size);
	if ((size < X509_ANCHOR_OUT * sizeof(uint32_t)) || ((uintptr_t)buffer & 3))
		securesocket_throw(the, "RangeError", "x509: the anchor's out must be an ArrayBuffer of 80 bytes");
	return (uint32_t *)buffer;
}

/* the result: the error message, or found, with the anchor into out[1 ..] (its pointers as offsets from base) */
static void put(xsMachine *the, int found, const char *error, const x509_anchor *a, const uint8_t *base, uint32_t *out)
{
	if (found == X509_ANCHOR_ERROR) {
		xsmcSetString(xsResult, (char *)error);
		return;
	}
	xsmcSetInteger(xsResult, found);
	out[1] = a->id;
	if (found != X509_ANCHOR_FOUND)
		return;
	out[2] = (uint32_t)(a->record - base);
	out[3] = (uint32_t)a->recordLength;
	out[4] = (uint32_t)(a->subject - base);
	out[5] = (uint32_t)a->subjectLength;
	out[6] = (uint32_t)(a->spki - base);
	out[7] = (uint32_t)a->spkiLength;
	out[8] = a->keyId ? (uint32_t)(a->keyId - base) : 0;
	out[9] = (uint32_t)a->keyIdLength;
	out[10] = a->nameConstraints ? (uint32_t)(a->nameConstraints - base) : 0;
	out[11] = (uint32_t)a->nameConstraintsLength;
	out[12] = a->flags;
	out[13] = a->pathLength;
	out[14] = a->keyUsage;
	out[15] = (uint32_t)((uint64_t)a->notBefore >> 32);
	out[16] = (uint32_t)a->notBefore;
	out[17] = (uint32_t)((uint64_t)a->notAfter >> 32);
	out[18] = (uint32_t)a->notAfter;
}

/*
 * For tests: xs_x509_anchor(index | undefined, roots, name | undefined, keyId | undefined, out)
 *   with an index: x509_anchor_next -> 0 (done), 1 (found), 2 (missing: only out[1], the id, is set), or the
 *     error message; out[0] is the cursor (0 to start, kept between calls); roots undefined: no ca-roots.bin
 *   without: x509_anchor_record of the record `roots` (name undefined: any) -> 0 (another name), 1 (found),
 *     or the error message
 * out[1 ..]: id, record, its length, subject, its length, spki, its length, keyId, its length,
 * nameConstraints, its length (offsets from the start of roots), flags, pathLength, keyUsage,
 * notBefore (high, low words), notAfter (high, low).
 */
void xs_x509_anchor(xsMachine *the)
{
	x509_anchor_store store;
	x509_anchor anchor;
	const uint8_t *name, *keyId;
	size_t nameLength, keyIdLength;
	const char *error = NULL;
	uint32_t *out;
	int found;
	store.index = securesocket_optional(the, 0, &store.indexLength);
	store.roots = securesocket_optional(the, 1, &store.rootsLength);
	name = securesocket_optional(the, 2, &nameLength);
	keyId = securesocket_optional(the, 3, &keyIdLength);
	out = out_of(the, 4);
	anchor.id = 0;
	if (store.index)
		found = x509_anchor_next(&store, name ? name : (const uint8_t *)"", nameLength, keyId, keyIdLength, out, &anchor, &error);
	else
		found = x509_anchor_record(store.roots, store.rootsLength, name, nameLength, &anchor, &error);
	put(the, found, error, &anchor, store.roots, out);
}
#endif
