/*
 * libFuzzer harness: the device profile's chain verifier (native/x509_chain.c) on hostile chains and roots.
 *
 * Input: the fault header (fuzz.h: the key parsing and P-384 checks allocate through mbedtls); a flags byte
 * (bit 0: verify, bit 1: clientAuth, bit 2: a reference name, bits 4-5: how many of the certificates that
 * follow are roots (0 to 3)); the time as a u16 of days since 2020; then certificates, each a u16 length and
 * its bytes (a heap block of exactly that size each, so AddressSanitizer sees any read past it), the roots
 * first, then the chain, leaf first. Every certificate is added with the workspace x509_chain_work asks for
 * (a heap block of exactly that many words), then the chain is finished. Checks: every result is a known
 * reason; a failure is sticky (every later add and the finish give the same reason and message); a
 * failure's message starts "x509: " and ends inside the state; depth counts the certificates added; the
 * state is the same size whatever happens (nothing outside it is written: ASan); a finished chain with no
 * failure is anchored or unverified.
 */
#define X509_NO_HOST
#include "fuzz.h"
#include "../native/x509_der.c"
#include "../native/x509_time.c"
#include "../native/x509_extensions.c"
#include "../native/x509_certificate.c"
#include "../native/x509_identity.c"
#include "../native/x509_anchor.c"
#include "../native/pk.c"
#include "../native/ecdsa.c"
#include "../native/rsa.c"
#include "../native/x509_chain.c"

#define MAX_CERTIFICATES 12

typedef struct {
	uint8_t *der[3];
	size_t size[3];
} fuzz_roots;

static const uint8_t *fuzz_root(void *context, size_t i, size_t *size)
{
	fuzz_roots *roots = context;
	*size = roots->size[i];
	return roots->der[i];
}

static void check_failure(const x509_chain *c, int reason)
{
	fuzz_check((reason > X509_R_OK) && (reason < X509_R_COUNT));
	fuzz_check(c->failed && (c->reason == reason));
	fuzz_check(memchr(c->message, 0, sizeof(c->message)) != NULL);
	fuzz_check(strncmp(c->message, "x509: ", 6) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char NAME[] = "leaf.example.com";
	fuzz_input in;
	fuzz_roots roots;
	x509_chain_roots anchors;
	x509_chain *c;
	uint32_t f[X509_FIELDS];
	unsigned flags, options, count, i, added = 0;
	int64_t time;
	int reason, failed = 0;
	char message[X509_CHAIN_MESSAGE];

	fuzz_begin(&in, data, size);
	flags = fuzz_byte(&in);
	time = 1577836800 + (int64_t)fuzz_u16(&in) * 86400;
	options = flags & 3;
	count = (flags >> 4) & 3;
	for (i = 0; i < count; i++)
		roots.der[i] = fuzz_bytes(&in, fuzz_u16(&in), &roots.size[i]);
	anchors.get = fuzz_root;
	anchors.record = NULL;
	anchors.context = &roots;
	anchors.count = count;
	anchors.store = NULL;
	c = malloc(sizeof(x509_chain));
	if (c == NULL)
		abort();
	reason = x509_chain_start(c, time, options, (flags & 4) ? NAME : NULL, (flags & 4) ? sizeof(NAME) - 1 : 0);
	fuzz_check(reason == X509_R_OK);
	while ((in.p < in.end) && (added < MAX_CERTIFICATES)) {
		size_t length, words;
		uint8_t *der = fuzz_bytes(&in, fuzz_u16(&in), &length);
		uint32_t *work;
		words = x509_chain_work(c, der, length, &anchors);
		fuzz_check(words <= SECURESOCKET_RSA_PUBLIC_WORDS(SECURESOCKET_RSA_PUBLIC_MAX_BYTES));
		work = malloc(words ? words * sizeof(uint32_t) : 1);
		if (work == NULL)
			abort();
		reason = x509_chain_add(c, der, length, &anchors, (flags & 4) ? NAME : NULL, (flags & 4) ? sizeof(NAME) - 1 : 0, work, words, f);
		free(work);
		free(der);
		added++;
		if (failed) {
			/* sticky: the same failure, the same message */
			fuzz_check(reason == failed);
			fuzz_check(strcmp(message, c->message) == 0);
		}
		else if (reason) {
			check_failure(c, reason);
			failed = reason;
			strcpy(message, c->message);
		}
		else
			fuzz_check(c->depth == added);
	}
	reason = x509_chain_finish(c);
	if (failed) {
		fuzz_check(reason == failed);
		fuzz_check(strcmp(message, c->message) == 0);
	}
	else if (reason)
		check_failure(c, reason);
	else
		fuzz_check(c->anchored || !(options & X509_CHAIN_VERIFY));
	free(c);
	for (i = 0; i < count; i++)
		free(roots.der[i]);
	return 0;
}
