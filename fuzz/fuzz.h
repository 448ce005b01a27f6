/*
 * What the libFuzzer harnesses share (docs/HOSTILE.md, "libFuzzer"): reading fields off the input,
 * and allocation faults.
 *
 * Every input starts with two bytes, big-endian: when the top bit is set, the allocation numbered
 * (value & 0x7FFF) + 1 during the run fails (mbedtls_calloc returns NULL), so the fuzzer walks the
 * natives' out-of-memory paths too; LeakSanitizer then checks they free what they took. The rest
 * is the harness's own layout. Fields past the end of the input read as zeros / empty.
 */
#ifndef SECURESOCKET_FUZZ_H
#define SECURESOCKET_FUZZ_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "mbedtls/platform.h"

typedef struct {
	const uint8_t *p, *end;
} fuzz_input;

static unsigned long fuzz_allocations, fuzz_fail_at, fuzz_failed;

static void *fuzz_calloc(size_t n, size_t size)
{
	if (++fuzz_allocations == fuzz_fail_at) {
		fuzz_failed++;
		return NULL;
	}
	return calloc(n, size);
}

static unsigned fuzz_byte(fuzz_input *in)
{
	return (in->p < in->end) ? *in->p++ : 0;
}

static unsigned fuzz_u16(fuzz_input *in)
{
	unsigned high = fuzz_byte(in);
	return (high << 8) | fuzz_byte(in);
}

/* the next n bytes (fewer at the end of the input) as a heap copy of exactly that size, so that
   AddressSanitizer sees a read past them; free with free() */
static uint8_t *fuzz_bytes(fuzz_input *in, size_t n, size_t *got)
{
	uint8_t *copy;
	if (n > (size_t)(in->end - in->p))
		n = (size_t)(in->end - in->p);
	copy = malloc(n ? n : 1);
	if (copy == NULL)
		abort();
	memcpy(copy, in->p, n);
	in->p += n;
	*got = n;
	return copy;
}

/* the rest of the input */
static uint8_t *fuzz_rest(fuzz_input *in, size_t *got)
{
	return fuzz_bytes(in, (size_t)(in->end - in->p), got);
}

/* reads the allocation-fault header and arms it */
static void fuzz_begin(fuzz_input *in, const uint8_t *data, size_t size)
{
	unsigned header;
	in->p = data;
	in->end = data + size;
	header = fuzz_u16(in);
	fuzz_allocations = 0;
	fuzz_failed = 0;
	fuzz_fail_at = (header & 0x8000) ? (header & 0x7FFF) + 1 : 0;
	mbedtls_platform_set_calloc_free(fuzz_calloc, free);
}

/* a broken invariant: a finding (libFuzzer reports the abort and saves the input) */
#define fuzz_check(condition) do { if (!(condition)) { \
	fprintf(stderr, "fuzz: %s:%d: check failed: %s\n", __FILE__, __LINE__, #condition); abort(); } } while (0)

#endif
