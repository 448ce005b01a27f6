/*
 * Trust-anchor lookup in C: the CA store (modules/x509/castore.ts, anchor.ts; docs/X509.md "CA store";
 * written by tools/ca-build.mjs) read in place, for the device profile's C chain verifier.
 * No heap, no recursion, no copy: every pointer returned points into the resources' bytes, and every
 * offset and length is checked against its resource before it is used.
 *
 *   ca-index.bin   "X5CI", version 1, 0, count (u16 big-endian), then `count` entries of 16 bytes,
 *                  sorted by nameHash: nameHash (u32: the first 4 bytes of SHA-256 of the subject's
 *                  DER), id (u32: the first 4 bytes of SHA-256 of the root certificate), offset (u32)
 *                  and length (u16) of its record in ca-roots.bin, keyIdPrefix (u16: the first 2 bytes
 *                  of its subjectKeyIdentifier, 0 when none)
 *   ca-roots.bin   "X5CR", version 1, 0, 0, then the records, at the index's offsets
 *   ca_<id>.bin    one record (id as 8 lowercase hex digits): what a pruned manifest lists instead of
 *                  ca-roots.bin
 *   a record       AnchorRecord ::= SEQUENCE { version INTEGER (1), serialNumber INTEGER, subject Name,
 *                    validity Validity, subjectPublicKeyInfo SubjectPublicKeyInfo,
 *                    keyIdentifier OCTET STRING (empty when none),
 *                    extensions [0] EXPLICIT Extensions OPTIONAL }   (basicConstraints, keyUsage,
 *                  extKeyUsage, nameConstraints only, as the root has them; read by x509_extensions)
 *
 * Getting a Resource's bytes in C:
 *   - our host (host/resource.c): `new Resource(name)` is a host buffer over the file's bytes; a host
 *     function given it as an argument reads it with xsmcGetBufferReadable(xsArg(i), &data, &size)
 *     (native/arguments.c securesocket_optional / securesocket_input do), valid while the Resource
 *     object lives (keep it referenced from JS for the verification's duration);
 *   - a Moddable device: the same (its Resource is a host buffer over the flash-mapped resource,
 *     petrified), or directly in C without any JS object:
 *       extern const void *mcGetResource(xsMachine *the, char *path, size_t *size);
 *     (modules/files/resource/Resource.c of the SDK), which returns NULL when the manifest lacks it.
 *     The bytes are in flash, valid for the program's life: no copy needed.
 *
 * Usage (all roots whose subject is exactly `name`, a Name's DER, header included):
 *   x509_anchor_store store = { index, indexLength, roots, rootsLength };   // roots NULL, 0 when the build
 *                                                                            // has no ca-roots.bin
 *   uint32_t cursor = 0; x509_anchor anchor; const char *error;
 *   int found;
 *   while ((found = x509_anchor_next(&store, name, nameLength, keyId, keyIdLength, &cursor, &anchor, &error)) > 0) {
 *     if (found == X509_ANCHOR_MISSING) {
 *       // the index knows a root with this name hash but ca-roots.bin is absent: open "ca_<anchor.id>.bin"
 *       // (8 lowercase hex digits: x509_anchor_resource_name) and read it with x509_anchor_record;
 *       // when that resource is absent too, report anchor.id as a missing root (castore.ts's "missing")
 *       continue;
 *     }
 *     ... X509_ANCHOR_FOUND: anchor.subject equals name; try anchor.spki ...
 *   }
 *   if (found < 0) fail with error ("x509: ca-index.bin ..." / "x509: CA store record <id>: ...")
 */
#ifndef SECURESOCKET_X509_ANCHOR_H
#define SECURESOCKET_X509_ANCHOR_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
	const uint8_t *index;       /* ca-index.bin's bytes */
	size_t indexLength;
	const uint8_t *roots;       /* ca-roots.bin's bytes, or NULL (0) when this build lists ca_<id>.bin files instead */
	size_t rootsLength;
} x509_anchor_store;

/* one root, read from its record in place (pointers into the record) */
typedef struct {
	uint32_t id;                    /* the index's id of the root (the first 4 bytes of SHA-256 of its certificate) */
	const uint8_t *record;          /* the whole record */
	size_t recordLength;
	const uint8_t *subject;         /* the subject Name, header included (equal to the name looked up when FOUND) */
	size_t subjectLength;
	const uint8_t *spki;            /* the SubjectPublicKeyInfo, header included */
	size_t spkiLength;
	const uint8_t *keyId;           /* the subjectKeyIdentifier's bytes (KeyIdentifier's content); NULL, 0 when none */
	size_t keyIdLength;
	const uint8_t *nameConstraints; /* the nameConstraints extnValue contents (NameConstraints, header included); NULL, 0 when
	                                   none; located, not parsed (as the locator does): whoever applies them parses them */
	size_t nameConstraintsLength;
	int64_t notBefore, notAfter;    /* its validity, seconds since 1970 (for the path's summary: a root's validity is not checked) */
	uint32_t flags;                 /* x509.h X509_FLAGS bits of its extensions: X509_HAS_BASIC_CONSTRAINTS, X509_CA,
	                                   X509_HAS_PATH_LENGTH, X509_HAS_KEY_USAGE, X509_HAS_EXT_KEY_USAGE, X509_SERVER_AUTH,
	                                   X509_CLIENT_AUTH, X509_ANY_EXT_KEY_USAGE (other extensions are ignored, as anchor.ts does) */
	uint32_t pathLength;            /* basicConstraints pathLenConstraint when X509_HAS_PATH_LENGTH */
	uint32_t keyUsage;              /* keyUsage bits (bit n = 1 << n) when X509_HAS_KEY_USAGE */
} x509_anchor;

/* what x509_anchor_next and x509_anchor_record return */
#define X509_ANCHOR_ERROR (-1)      /* *error says what (a static message starting "x509: ") */
#define X509_ANCHOR_DONE 0          /* no more roots with this name */
#define X509_ANCHOR_FOUND 1         /* *anchor is a root whose subject is exactly the name */
#define X509_ANCHOR_MISSING 2       /* only anchor->id is set: the store's ca-roots.bin is absent, open ca_<id>.bin */

/*
 * The next root of the store whose subject is exactly name[0 .. nameLength) (a Name's DER). *cursor is 0
 * for the first call and is kept between calls (opaque). With keyId (the authority key identifier of the
 * certificate the root should have issued; NULL, 0 for none), roots whose index keyIdPrefix cannot be it
 * are passed over without reading their record (as castore.ts's find). The name hash is SHA-256
 * (mbedtls) of the name. A store that does not match its format (bad magic or version, wrong length, a
 * record out of its resource, a record that is not an AnchorRecord) is X509_ANCHOR_ERROR, never a read
 * out of bounds. X509_ANCHOR_FOUND, X509_ANCHOR_MISSING, X509_ANCHOR_DONE or X509_ANCHOR_ERROR.
 */
int x509_anchor_next(const x509_anchor_store *store, const uint8_t *name, size_t nameLength,
	const uint8_t *keyId, size_t keyIdLength, uint32_t *cursor, x509_anchor *anchor, const char **error);

/*
 * One record (from ca_<id>.bin, or any record) into *anchor (its id field is left as it is), checked as
 * anchor.ts's parseAnchorRecord checks it: X509_ANCHOR_FOUND when its subject is exactly
 * name[0 .. nameLength), X509_ANCHOR_DONE when it is another name (name NULL: any name is FOUND),
 * X509_ANCHOR_ERROR when it is malformed.
 */
int x509_anchor_record(const uint8_t *record, size_t recordLength, const uint8_t *name, size_t nameLength,
	x509_anchor *anchor, const char **error);

/* "ca_<id>.bin" of an id, into name[X509_ANCHOR_RESOURCE_NAME] (NUL-terminated) */
#define X509_ANCHOR_RESOURCE_NAME 16
void x509_anchor_resource_name(uint32_t id, char *name);

#endif
