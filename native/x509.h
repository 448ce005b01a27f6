/*
 * The X.509 field locator (docs/X509.md, "The locator in C"): a strict DER walk of one whole
 * certificate (RFC 5280 4.1) that returns its fields as offsets into the certificate's bytes, for
 * the JS to read in place. No allocation, no copy, a bounded stack (no recursion), every length
 * checked against its container before use. What the files do:
 *   x509_der.c          one DER header (X.690 10.1: definite, shortest length, low tag number) and the
 *                       primitives the walk checks: INTEGER, BOOLEAN, OBJECT IDENTIFIER, BIT STRING
 *   x509_time.c         UTCTime / GeneralizedTime (RFC 5280 4.1.2.5) as seconds since 1970
 *   x509_extensions.c   the extensions (RFC 5280 4.2): unique, basicConstraints, keyUsage and
 *                       extKeyUsage parsed, subjectAltName, key identifiers, nameConstraints located,
 *                       the first unknown critical one noted
 *   x509_certificate.c  the Certificate and TBSCertificate walk, the error messages and the host
 *                       function xs_x509_locate
 * Every failure is an X509_E_* code and the offset where it was found; the binding turns it into
 * "x509: <certificate>: <field>: <what is wrong>".
 */
#ifndef SECURESOCKET_X509_H
#define SECURESOCKET_X509_H

#include <stddef.h>
#include <stdint.h>

/* what the locator writes (uint32 each); ranges are [start, end) offsets into the certificate */
enum {
	X509_TBS, X509_TBS_END,                 /* the TBSCertificate element, header included */
	X509_VERSION,                           /* 1, 2 or 3 */
	X509_SERIAL, X509_SERIAL_END,           /* the serialNumber INTEGER's content */
	X509_TBS_ALGORITHM, X509_TBS_ALGORITHM_END, /* the TBS signature AlgorithmIdentifier, header included */
	X509_ISSUER, X509_ISSUER_END,           /* Name, header included */
	X509_NOT_BEFORE_HIGH, X509_NOT_BEFORE_LOW, /* seconds since 1970, signed 64-bit: high word (two's complement), low word */
	X509_NOT_AFTER_HIGH, X509_NOT_AFTER_LOW,
	X509_SUBJECT, X509_SUBJECT_END,         /* Name, header included */
	X509_SPKI, X509_SPKI_END,               /* SubjectPublicKeyInfo, header included */
	X509_KEY_ALGORITHM, X509_KEY_ALGORITHM_END, /* its algorithm OID's content */
	X509_EXTENSIONS,                        /* how many */
	X509_FLAGS,                             /* X509_HAS_* and X509_CA... */
	X509_PATH_LENGTH,                       /* basicConstraints pathLenConstraint (X509_HAS_PATH_LENGTH) */
	X509_KEY_USAGE,                         /* keyUsage bits, bit n = 1 << n (X509_HAS_KEY_USAGE) */
	X509_EXT_KEY_USAGE, X509_EXT_KEY_USAGE_END, /* extKeyUsage's extnValue content */
	X509_SUBJECT_ALT_NAME, X509_SUBJECT_ALT_NAME_END, /* extnValue contents, 0 0 when absent */
	X509_AUTHORITY_KEY_ID, X509_AUTHORITY_KEY_ID_END,
	X509_SUBJECT_KEY_ID, X509_SUBJECT_KEY_ID_END,
	X509_NAME_CONSTRAINTS, X509_NAME_CONSTRAINTS_END,
	X509_CRITICAL, X509_CRITICAL_END,       /* the first unknown critical extension's OID content */
	X509_ALGORITHM, X509_ALGORITHM_END,     /* the Certificate's signatureAlgorithm, header included */
	X509_SIGNATURE, X509_SIGNATURE_END,     /* the signature's bytes (after the unused-bit count) */
	X509_ERROR_AT,                          /* on failure: where the field (or extension) that failed starts */
	X509_ERROR_FIELD,                       /* on failure: that field, X509_IN_* */
	X509_FIELDS
};

/* X509_FLAGS */
enum {
	X509_HAS_BASIC_CONSTRAINTS = 1, X509_CA = 2, X509_HAS_PATH_LENGTH = 4, X509_HAS_KEY_USAGE = 8,
	X509_HAS_EXT_KEY_USAGE = 16, X509_SERVER_AUTH = 32, X509_CLIENT_AUTH = 64, X509_ANY_EXT_KEY_USAGE = 128,
	X509_UNKNOWN_CRITICAL = 256, X509_SELF_ISSUED = 512
};

/* failures */
enum {
	X509_OK = 0,
	X509_E_HIGH_TAG, X509_E_INDEFINITE, X509_E_LENGTH_LARGE, X509_E_LENGTH_FORM, X509_E_TRUNCATED,
	X509_E_MISSING, X509_E_UNEXPECTED, X509_E_TRAILING, X509_E_TOO_LARGE,
	X509_E_INTEGER_EMPTY, X509_E_INTEGER_FORM, X509_E_NEGATIVE, X509_E_INTEGER_LARGE,
	X509_E_BOOLEAN, X509_E_OID_EMPTY, X509_E_OID_TRUNCATED, X509_E_OID_FORM,
	X509_E_BITS_EMPTY, X509_E_BITS_COUNT, X509_E_BITS_NOT_ZERO,
	X509_E_VERSION_DEFAULT, X509_E_VERSION_UNKNOWN, X509_E_UID_VERSION, X509_E_EXTENSIONS_VERSION,
	X509_E_MISSING_FIELDS, X509_E_EMPTY, X509_E_DUPLICATE, X509_E_TOO_MANY, X509_E_CRITICAL_FALSE, X509_E_CA_FALSE,
	X509_E_TIME_FORM, X509_E_TIME_DIGITS, X509_E_TIME_ZONE, X509_E_TIME_RANGE, X509_E_KEY_USAGE_BITS,
	X509_E_ALGORITHM_MISMATCH, X509_E_SIGNATURE_BITS,
	X509_E_COUNT
};

/* the field a failure is in (X509_ERROR_FIELD): names for messages */
enum {
	X509_IN_CERTIFICATE, X509_IN_TBS, X509_IN_VERSION, X509_IN_SERIAL, X509_IN_TBS_ALGORITHM, X509_IN_ISSUER,
	X509_IN_VALIDITY, X509_IN_NOT_BEFORE, X509_IN_NOT_AFTER, X509_IN_SUBJECT, X509_IN_SPKI, X509_IN_UNIQUE_ID,
	X509_IN_EXTENSIONS, X509_IN_EXTENSION, X509_IN_BASIC_CONSTRAINTS, X509_IN_KEY_USAGE, X509_IN_EXT_KEY_USAGE,
	X509_IN_SUBJECT_ALT_NAME, X509_IN_NAME_CONSTRAINTS, X509_IN_AUTHORITY_KEY_ID, X509_IN_SUBJECT_KEY_ID,
	X509_IN_ALGORITHM, X509_IN_SIGNATURE,
	X509_IN_COUNT
};

/* A cursor over der[at .. end) */
typedef struct {
	const uint8_t *der;
	size_t at, end;
} x509_reader;

/* one element: its tag, where it starts, where its content starts and ends */
typedef struct {
	unsigned tag;
	size_t start, content, end;
} x509_element;

/* x509_der.c: each returns X509_OK or an X509_E_* code */
int x509_der_next(x509_reader *r, x509_element *e);
int x509_der_expect(x509_reader *r, x509_element *e, unsigned tag);
/* a reader over an element's content */
x509_reader x509_der_inside(const x509_reader *r, const x509_element *e);
int x509_der_ended(const x509_reader *r);
/* the universal tags (X.690 8.1.2: class universal, and constructed for SEQUENCE and SET) the x509_*.c
   files read; context-specific tags stay with the file that reads them */
#define BOOLEAN 0x01
#define INTEGER 0x02
#define BIT_STRING 0x03
#define OCTET_STRING 0x04
#define NULL_TAG 0x05
#define OID 0x06
#define SEQUENCE 0x30
#define SET 0x31

/* content checks: INTEGER minimal (X.690 8.3.2); a non-negative INTEGER of at most 31 bits into *value;
   BOOLEAN 00/FF into *value; an OID with minimal subidentifiers (8.19); a BIT STRING's unused-bit count
   (0..7, 0 when empty, unused bits zero) into *unused */
int x509_der_integer(const x509_reader *r, const x509_element *e);
int x509_der_small(const x509_reader *r, const x509_element *e, uint32_t *value);
int x509_der_boolean(const x509_reader *r, const x509_element *e, int *value);
int x509_der_oid(const x509_reader *r, const x509_element *e);
int x509_der_bits(const x509_reader *r, const x509_element *e, unsigned *unused);
/* are the two ranges of der the same bytes? */
int x509_der_same(const uint8_t *der, size_t a, size_t aEnd, size_t b, size_t bEnd);

/* x509_time.c: the next element of r, a UTCTime or GeneralizedTime, as seconds since 1970 */
int x509_time(x509_reader *r, int64_t *seconds);

/* the field being read from `at` on: where a failure is said to be */
#define x509_reading(out, field, at) ((out)[X509_ERROR_FIELD] = (field), (out)[X509_ERROR_AT] = (uint32_t)(at))

/* x509_extensions.c: the [3] element's content (Extensions), into out */
int x509_extensions(x509_reader *r, uint32_t *out);

/* x509_certificate.c: the whole certificate der[0 .. size); out has X509_FIELDS entries */
int x509_locate(const uint8_t *der, size_t size, uint32_t *out);
/* the message of a failure (without the "x509: <certificate>: " prefix) and the field's name */
const char *x509_error_text(int error);
const char *x509_field_name(unsigned field);
/* the string n of a list of `count` NUL-terminated strings one after the other, `otherwise` when n >= count */
const char *x509_nth(const char *list, unsigned n, unsigned count, const char *otherwise);

#endif
