/*
 * bench-crypto: the calls our natives make (mbedtls's, and our own X25519 and P-256 verify), from plain C, as the baseline for
 * `npm run bench:crypto`. Reads "name hex" lines (prepared by bench/crypto.mjs) from a file and
 * prints one JSON object: AEAD throughput on 16 KB records, and for X25519, P-256 ECDHE,
 * ECDSA P-256 verify and RSA-2048 verify: time per operation, native heap peak, C stack peak.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <time.h>
#include <sys/random.h>
#include "mbedtls/platform.h"
#include "mbedtls/gcm.h"
#include "mbedtls/chachapoly.h"
#include "mbedtls/ecdh.h"
#include "mbedtls/ecdsa.h"
#include "mbedtls/rsa.h"
#include "mbedtls/sha256.h"
#include "x25519.h"
#include "ec_verify.h"
#include "mbedtls/asn1.h"

static size_t heapCurrent, heapPeak;
typedef union { size_t size; long double a; void *b; } header;
static void *countedCalloc(size_t n, size_t size)
{
	header *h = calloc(1, sizeof(header) + n * size);
	if (!h) return NULL;
	h->size = n * size;
	heapCurrent += h->size;
	if (heapPeak < heapCurrent) heapPeak = heapCurrent;
	return h + 1;
}
static void countedFree(void *p)
{
	header *h;
	if (!p) return;
	h = (header *)p - 1;
	heapCurrent -= h->size;
	free(h);
}

static int rng(void *ctx, unsigned char *out, size_t len)
{
	(void)ctx;
	while (len) {
		ssize_t n = getrandom(out, len, 0);
		if (n < 0) return -1;
		out += n;
		len -= (size_t)n;
	}
	return 0;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* C stack: paint below the caller, run, find the deepest changed byte */
#define PAINT (64 * 1024)
static unsigned char *paintLow, *paintTop;
#pragma GCC diagnostic ignored "-Wdangling-pointer"
static __attribute__((noinline)) void paint(void)
{
	volatile unsigned char area[PAINT];
	size_t i;
	for (i = 0; i < PAINT; i++) area[i] = 0x5A;
	paintLow = (unsigned char *)(uintptr_t)&area[0];
	paintTop = (unsigned char *)(uintptr_t)&area[PAINT - 1];
}
static size_t stackUsed(void)
{
	unsigned char *p = paintLow;
	while (p < paintTop && *p == 0x5A) p++;
	return (size_t)(paintTop - p);
}

static unsigned char inputs[16][1024];
static size_t inputLengths[16];
static const char *inputNames[16];
static int inputCount;
static const unsigned char *input(const char *name, size_t *length)
{
	int i;
	for (i = 0; i < inputCount; i++)
		if (!strcmp(inputNames[i], name)) { *length = inputLengths[i]; return inputs[i]; }
	fprintf(stderr, "bench-crypto: missing input %s\n", name);
	exit(1);
}

static int hexValue(int c) { return c <= '9' ? c - '0' : (c | 32) - 'a' + 10; }

typedef int (*operation)(void);
static const unsigned char *opA, *opB, *opC;
static size_t opALength, opBLength, opCLength;

static int ecdhe(mbedtls_ecp_group_id id)
{
	mbedtls_ecp_group grp;
	mbedtls_mpi d, z;
	mbedtls_ecp_point Q, Qp;
	int ret;
	mbedtls_ecp_group_init(&grp);
	mbedtls_mpi_init(&d);
	mbedtls_mpi_init(&z);
	mbedtls_ecp_point_init(&Q);
	mbedtls_ecp_point_init(&Qp);
	ret = mbedtls_ecp_group_load(&grp, id);
	if (!ret) ret = mbedtls_ecdh_gen_public(&grp, &d, &Q, rng, NULL);
	if (!ret) ret = mbedtls_ecp_point_read_binary(&grp, &Qp, opA, opALength);
	if (!ret) ret = mbedtls_ecp_check_pubkey(&grp, &Qp);
	if (!ret) ret = mbedtls_ecdh_compute_shared(&grp, &z, &Qp, &d, rng, NULL);
	mbedtls_ecp_point_free(&Qp);
	mbedtls_ecp_point_free(&Q);
	mbedtls_mpi_free(&z);
	mbedtls_mpi_free(&d);
	mbedtls_ecp_group_free(&grp);
	return ret;
}
/* X25519: a key pair and a shared secret, as xs_ecdh_init and xs_ecdh_shared (native/x25519.c) */
static int opX25519(void)
{
	static const unsigned char base[32] = { 9 };
	unsigned char d[32], pub[32], z[32];
	rng(NULL, d, sizeof(d));
	securesocket_x25519(pub, d, base);
	return securesocket_x25519(z, d, opA);
}
static int opP256(void) { return ecdhe(MBEDTLS_ECP_DP_SECP256R1); }

/* ECDSA P-256 verify, as xs_ecdsa_verify: SHA-256, the DER signature's r and s, our native/ec_verify.c */
static int opEcdsaVerify(void)
{
	unsigned char hash[32], *p = (unsigned char *)opB, *end = p + opBLength, *r;
	size_t len, rlen;
	mbedtls_sha256_ret(opC, opCLength, hash, 0);
	if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) ||
		mbedtls_asn1_get_tag(&p, end, &rlen, MBEDTLS_ASN1_INTEGER))
		return -1;
	r = p;
	p += rlen;
	if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_INTEGER))
		return -1;
	return securesocket_p256_verify(opA, hash, sizeof(hash), r, rlen, p, len) ? 0 : -1;
}

static const unsigned char *rsaE;
static size_t rsaELength;
static int opRsaVerify(void)
{
	mbedtls_rsa_context ctx;
	unsigned char hash[32];
	int ret;
	mbedtls_sha256_ret(opC, opCLength, hash, 0);
	mbedtls_rsa_init(&ctx, MBEDTLS_RSA_PKCS_V15, 0);
	ret = mbedtls_rsa_import_raw(&ctx, opA, opALength, NULL, 0, NULL, 0, NULL, 0, rsaE, rsaELength);
	if (!ret) ret = mbedtls_rsa_complete(&ctx);
	if (!ret) ret = mbedtls_rsa_pkcs1_verify(&ctx, NULL, NULL, MBEDTLS_RSA_PUBLIC, MBEDTLS_MD_SHA256, 32, hash, opB);
	mbedtls_rsa_free(&ctx);
	return ret;
}

static void measure(const char *name, operation op, int first)
{
	double start, elapsed;
	int count = 0, ret;
	size_t stack;
	heapCurrent = heapPeak = 0;
	paint();
	ret = op();
	stack = stackUsed();
	if (ret) { fprintf(stderr, "bench-crypto: %s failed: -0x%04x\n", name, (unsigned)-ret); exit(1); }
	start = now();
	do { op(); count++; elapsed = now() - start; } while (elapsed < 300 && count < 2000);
	printf("%s\"%s\":{\"ms\":%.4f,\"heapPeak\":%zu,\"stackPeak\":%zu}", first ? "" : ",", name, elapsed / count, heapPeak, stack);
}

int main(int argc, char *argv[])
{
	static unsigned char record[16384], tag[16], key[32], nonce[12];
	FILE *f;
	char line[4096];
	double start, elapsed;
	long bytes;
	size_t n;
	if (argc < 2) { fprintf(stderr, "usage: bench-crypto <inputs>\n"); return 2; }
	mbedtls_platform_set_calloc_free(countedCalloc, countedFree);
	f = fopen(argv[1], "r");
	if (!f) { perror(argv[1]); return 1; }
	while (fgets(line, sizeof(line), f) && inputCount < 16) {
		char *space = strchr(line, ' '), *p;
		size_t i = 0;
		if (!space) continue;
		*space = 0;
		inputNames[inputCount] = strdup(line);
		for (p = space + 1; p[0] && p[1] && p[0] != '\n' && i < sizeof(inputs[0]); p += 2)
			inputs[inputCount][i++] = (unsigned char)(hexValue(p[0]) * 16 + hexValue(p[1]));
		inputLengths[inputCount++] = i;
	}
	fclose(f);
	rng(NULL, key, sizeof(key));
	printf("{\"aead\":{");
	{
		mbedtls_gcm_context gcm;
		mbedtls_gcm_init(&gcm);
		mbedtls_gcm_setkey(&gcm, MBEDTLS_CIPHER_ID_AES, key, 128);
		bytes = 0;
		start = now();
		do {
			mbedtls_gcm_crypt_and_tag(&gcm, MBEDTLS_GCM_ENCRYPT, sizeof(record), nonce, 12, nonce, 5, record, record, 16, tag);
			bytes += sizeof(record);
			elapsed = now() - start;
		} while (elapsed < 1000);
		mbedtls_gcm_free(&gcm);
		printf("\"AES-128-GCM\":%.2f", bytes / elapsed / 1000.0);
	}
	{
		mbedtls_chachapoly_context cp;
		mbedtls_chachapoly_init(&cp);
		mbedtls_chachapoly_setkey(&cp, key);
		bytes = 0;
		start = now();
		do {
			mbedtls_chachapoly_encrypt_and_tag(&cp, sizeof(record), nonce, nonce, 5, record, record, tag);
			bytes += sizeof(record);
			elapsed = now() - start;
		} while (elapsed < 1000);
		mbedtls_chachapoly_free(&cp);
		printf(",\"ChaCha20-Poly1305\":%.2f", bytes / elapsed / 1000.0);
	}
	printf("},\"unit\":\"MB/s\",\"ops\":{");
	opA = input("x25519_public", &opALength);
	measure("X25519", opX25519, 1);
	opA = input("p256_public", &opALength);
	measure("P-256 ECDHE", opP256, 0);
	opA = input("ecdsa_public", &opALength);
	opB = input("ecdsa_signature", &opBLength);
	opC = input("message", &opCLength);
	measure("ECDSA P-256 verify", opEcdsaVerify, 0);
	opA = input("rsa_n", &opALength);
	rsaE = input("rsa_e", &rsaELength);
	opB = input("rsa_signature", &opBLength);
	opC = input("message", &opCLength);
	measure("RSA-2048 verify", opRsaVerify, 0);
	printf("}}\n");
	(void)n;
	return 0;
}
