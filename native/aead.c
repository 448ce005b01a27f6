/*
 * SecureSocket crypto core: AEAD ciphers, in place on the caller's buffers.
 *
 *   kind 1: AES-GCM (16-, 24- or 32-byte key; any nonce of 1 byte or more, 12 in TLS): ours
 *       (native/aesgcm_x86.c) on x86-64 hosts whose CPU has AES-NI and PCLMULQDQ, mbedtls's elsewhere;
 *       SECURESOCKET_AES_GCM=mbedtls in the environment forces mbedtls's (read once, for tests)
 *   kind 2: ChaCha20-Poly1305 (RFC 8439: 32-byte key, 12-byte nonce), ours: native/chachapoly.c; not in a
 *       build with SECURESOCKET_NO_CHACHAPOLY (the device profile, manifest_device.json: its engine offers
 *       only the AES-GCM suites), where init throws "crypto: ChaCha20-Poly1305 is not in this build"
 *   Tags are 16 bytes.
 *
 *   this.init(kind, key)
 *   this.seal(nonce, aad, buffer [, offset [, length]]) -> length + 16
 *       encrypts buffer[offset, offset + length) in place and writes the tag right after it
 *       (offset 0 and length what leaves 16 bytes at the end of the buffer when not given)
 *   this.open(nonce, aad, buffer [, offset [, length]]) -> length - 16
 *       buffer[offset, offset + length) is ciphertext then tag (length the rest of the buffer when
 *       not given); decrypts the ciphertext in place.
 *       A wrong tag throws "crypto: bad tag" and leaves zeros in place of the plaintext.
 *   this.start(nonce, aad)                           incremental open
 *   this.update(buffer [, offset [, length]])        decrypts any number of bytes in place
 *   this.finish(tag [, offset])                      checks the 16-byte tag: "crypto: bad tag".
 *       The plaintext given back by update() is not authentic until finish() returns.
 *   this.close()
 *   aad may be undefined or null (none). seal/open abandon an incremental open in progress.
 *
 *   TLS records (tls/record.ts's Protection, a subclass of AEAD), each under the next sequence number:
 *   this.init(kind, key, iv, mode)                   a record protection: 12-byte IV (TLS 1.2 AES-GCM:
 *       the 4-byte salt, then zeros), mode 1 TLS 1.3, 2 TLS 1.2 IV ^ sequence, 3 TLS 1.2 explicit
 *       nonce; the sequence number starts at 0
 *   this.sealRecord(record, at, length) -> length + 16
 *       record[at, at + 5) is the header, the plaintext (TLS 1.3: the inner plaintext) its `length`
 *       bytes after the header and, in mode 3, the 8-byte explicit nonce (written here); seals it
 *       in place, the tag after it
 *   this.openRecord(record, at, length) -> the plaintext's length
 *       record[at, at + 5) is the header, `length` bytes of body after it; opens it in place (the
 *       plaintext after the header and, in mode 3, the explicit nonce)
 *   this.startRecord(record)                         start() of the TLS 1.3 record whose header is record[0, 5)
 *   On an AEAD that is not a record protection (or startRecord under TLS 1.2): "crypto: bad record mode".
 *   After 2^64 - 1 records: Error "tls: sequence number exhausted" (RFC 8446 5.3, RFC 5246 6.1).
 *
 *   xs_aead_gcm_engine() -> "aesgcm_x86" or "mbedtls": the AES-GCM that init() picks (for tests)
 */
#include "crypto_common.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mbedtls/version.h"
#include "mbedtls/gcm.h"

#include "aesgcm_x86.h"
#include "chachapoly.h"

#define AEAD_AES_GCM 1
#define AEAD_CHACHA20_POLY1305 2

/* Whether kind 2 is built. Without it, init refuses kind 2, so no state of that kind ever exists: the
   ChaCha20-Poly1305 branches below are dead code the compiler drops, and chachapoly.c is not linked. */
#if defined(SECURESOCKET_NO_CHACHAPOLY)
#define CHACHAPOLY_BUILT 0
#else
#define CHACHAPOLY_BUILT 1
#endif
#define AEAD_AES_GCM_X86 3              /* kind 1 through native/aesgcm_x86.c (never given by JS) */
#define AEAD_TAG_SIZE 16

/* TLS record protections (tls/record.ts's Protection), their per-record nonce and additional data */
#define RECORD_TLS13 1                  /* nonce IV ^ sequence, additional data the header (RFC 8446 5.2, 5.3) */
#define RECORD_TLS12 2                  /* nonce IV ^ sequence (ChaCha20-Poly1305, RFC 7905), additional data
                                           sequence || type || version || plaintext length (RFC 5246 6.2.3.3) */
#define RECORD_TLS12_EXPLICIT 3         /* AES-GCM: nonce salt || explicit nonce, the sequence number sent
                                           before the ciphertext (RFC 5288 3); additional data as above */
#define RECORD_HEADER 5

#if MBEDTLS_VERSION_MAJOR != 2 || defined(MBEDTLS_GCM_ALT)
	/* the incremental GCM decryption below reads the counter block and the block cipher of
	   mbedtls 2.x's software GCM context (mbedtls 3 does partial blocks itself) */
	#error "aead.c: written for mbedtls 2.28 without MBEDTLS_GCM_ALT"
#endif

typedef struct {
	int kind;
	int started;                    /* an incremental open is in progress */
	int mode;                       /* a TLS record protection: RECORD_* below (0: none) */
	uint8_t sequence[8];            /* its next record's sequence number, big-endian */
	uint8_t iv[12];                 /* its IV (TLS 1.2 AES-GCM: the 4-byte salt, then zeros) */
	size_t pending;                 /* GCM: bytes of the current partial block already decrypted */
	uint8_t block[16];              /* GCM: their ciphertext, hashed once the block is complete */
	uint8_t stream[16];             /* GCM: the key stream of that block */
} aead_head;

typedef struct {
	aead_head h;
	mbedtls_gcm_context gcm;
} aead_gcm;

typedef struct {
	aead_head h;
	chachapoly_context chachapoly;
} aead_chachapoly;

#if defined(AESGCM_X86)
typedef struct {
	aead_head h;
	aesgcm_context gcm;
} aead_aesgcm;

#define AESGCM(head) (&((aead_aesgcm *)(head))->gcm)

/* AES-GCM through native/aesgcm_x86.c: when the CPU has it, unless the environment says mbedtls */
static int aead_gcm_ours(void)
{
	static int ours = -1;
	if (ours < 0) {
		const char *force = getenv("SECURESOCKET_AES_GCM");
		ours = aesgcm_x86_available() && !((force != NULL) && (strcmp(force, "mbedtls") == 0));
	}
	return ours;
}
#endif

static void aead_free(aead_head *head)
{
	if (head == NULL)
		return;
	if (head->kind == AEAD_AES_GCM) {
		mbedtls_gcm_free(&((aead_gcm *)head)->gcm);           /* zeroizes, frees the AES context */
		securesocket_wipe(head, sizeof(aead_gcm));
	}
#if defined(AESGCM_X86)
	else if (head->kind == AEAD_AES_GCM_X86) {
		aesgcm_free(AESGCM(head));
		securesocket_wipe(head, sizeof(aead_aesgcm));
	}
#endif
	else
		securesocket_wipe(head, sizeof(aead_chachapoly));
	mbedtls_free(head);
}

void xs_aead_destructor(void *data)
{
	aead_free((aead_head *)data);
}

static aead_head *aead_get(xsMachine *the)
{
	aead_head *head = xsmcGetHostDataValidate(xsThis, (void *)xs_aead_destructor);
	if (head == NULL)
		crypto_throw("closed");
	return head;
}

static void aead_error(xsMachine *the, int ret)
{
	if ((ret == MBEDTLS_ERR_GCM_AUTH_FAILED) || (ret == CHACHAPOLY_BAD_TAG))
		crypto_throw("bad tag");
	if (ret == MBEDTLS_ERR_GCM_BAD_INPUT)
		crypto_range("bad input");
#if defined(AESGCM_X86)
	if (ret == AESGCM_BAD_TAG)
		crypto_throw("bad tag");
	if (ret == AESGCM_BAD_INPUT)
		crypto_range("bad input");
#endif
	crypto_throw("aead failed");
}

static int aead_has(xsMachine *the, int i)
{
	return (xsmcArgc > i) && (xsmcTypeOf(xsArg(i)) != xsUndefinedType);
}

/* argument i must be a number (so that reading it runs no JavaScript that could move buffers) */
static xsIntegerValue aead_integer(xsMachine *the, int i, const char *message)
{
	int type = (xsmcArgc > i) ? xsmcTypeOf(xsArg(i)) : xsUndefinedType;
	if ((type != xsIntegerType) && (type != xsNumberType))
		securesocket_throw(the, "TypeError", message);
	return xsmcToInteger(xsArg(i));
}

static const uint8_t *aead_nonce(xsMachine *the, aead_head *head, int i, size_t *size)
{
	void *data;
	xsUnsignedValue count;
	if (xsmcArgc <= i)
		crypto_type("missing nonce");
	xsmcGetBufferReadable(xsArg(i), &data, &count);
	if (head->kind != AEAD_CHACHA20_POLY1305) {
		if (count < 1)
			crypto_range("bad nonce size");
	}
	else if (count != 12)
		crypto_range("bad nonce size");
	*size = count;
	return (const uint8_t *)data;
}

/* the region [offset, offset + length) of the writable buffer argument i: offset is argument i + 1 (0 when
   missing or undefined), length argument i + 2 (when missing or undefined: what leaves `room` bytes at the
   end); `room` more bytes must fit after the region */
static uint8_t *aead_region(xsMachine *the, int i, size_t room, size_t *size)
{
	xsIntegerValue offset = aead_has(the, i + 1) ? aead_integer(the, i + 1, "crypto: bad offset") : 0;
	int given = aead_has(the, i + 2);
	xsIntegerValue length = given ? aead_integer(the, i + 2, "crypto: bad length") : 0;
	void *data;
	xsUnsignedValue count;
	if (xsmcArgc <= i)
		crypto_type("missing buffer");
	xsmcGetBufferWritable(xsArg(i), &data, &count);
	if ((offset < 0) || ((xsUnsignedValue)offset > count))
		crypto_range("bad offset");
	count -= (xsUnsignedValue)offset;
	if (!given && (count >= room))
		length = (xsIntegerValue)(count - room);
	if (length < 0)
		crypto_range("bad length");
	if ((size_t)length + room > (size_t)count)
		crypto_range("buffer too short");
	*size = (size_t)length;
	return (uint8_t *)data + offset;
}

/*
 * The operations on plain C arguments (the xs_ functions below check and convert their arguments,
 * then call these; the libFuzzer harnesses in fuzz/ call them directly). Key, nonce and lengths
 * are already checked. They return 0 or an mbedtls error.
 */

/* a context for kind with key, or NULL when an allocation fails; ours: AES-GCM through
   native/aesgcm_x86.c (the caller checked that the CPU has it) */
static aead_head *aead_new_engine(int kind, const uint8_t *key, size_t keyLength, int ours)
{
	aead_head *head;
	int ret;
#if defined(AESGCM_X86)
	if ((kind == AEAD_AES_GCM) && ours) {
		aead_aesgcm *state = mbedtls_calloc(1, sizeof(aead_aesgcm));
		if (state == NULL)
			return NULL;
		state->h.kind = AEAD_AES_GCM_X86;
		aesgcm_setkey(&state->gcm, key, keyLength);
		return &state->h;
	}
#else
	(void)ours;
#endif
	if (kind == AEAD_AES_GCM) {
		aead_gcm *state = mbedtls_calloc(1, sizeof(aead_gcm));
		if (state == NULL)
			return NULL;
		state->h.kind = AEAD_AES_GCM;
		mbedtls_gcm_init(&state->gcm);
		ret = mbedtls_gcm_setkey(&state->gcm, MBEDTLS_CIPHER_ID_AES, key, (unsigned int)keyLength * 8);
		head = &state->h;
	}
	else {
		aead_chachapoly *state = mbedtls_calloc(1, sizeof(aead_chachapoly));
		if (state == NULL)
			return NULL;
		state->h.kind = AEAD_CHACHA20_POLY1305;
		if (CHACHAPOLY_BUILT)
			chachapoly_setkey(&state->chachapoly, key);
		ret = 0;
		head = &state->h;
	}
	if (ret != 0) {
		aead_free(head);
		return NULL;
	}
	return head;
}

static aead_head *aead_new(int kind, const uint8_t *key, size_t keyLength)
{
#if defined(AESGCM_X86)
	return aead_new_engine(kind, key, keyLength, aead_gcm_ours());
#else
	return aead_new_engine(kind, key, keyLength, 0);
#endif
}

static void aead_abandon(aead_head *head)
{
	head->started = 0;
	head->pending = 0;
	securesocket_wipe(head->block, sizeof(head->block));
	securesocket_wipe(head->stream, sizeof(head->stream));
}

/* encrypts data[0, length) in place, the tag at data + length */
static int aead_seal_raw(aead_head *head, const uint8_t *nonce, size_t nonceLength, const uint8_t *aad,
	size_t aadLength, uint8_t *data, size_t length)
{
	aead_abandon(head);
#if defined(AESGCM_X86)
	if (head->kind == AEAD_AES_GCM_X86)
		return aesgcm_seal(AESGCM(head), nonce, nonceLength, aad, aadLength, data, length, data + length);
#endif
	if (head->kind == AEAD_AES_GCM)
		return mbedtls_gcm_crypt_and_tag(&((aead_gcm *)head)->gcm, MBEDTLS_GCM_ENCRYPT, length,
			nonce, nonceLength, aad, aadLength, data, data, AEAD_TAG_SIZE, data + length);
	if (CHACHAPOLY_BUILT)
		chachapoly_seal(&((aead_chachapoly *)head)->chachapoly, nonce, aad, aadLength, data, length, data + length);
	return 0;
}

/* decrypts data[0, textLength) in place, the tag at data + textLength */
static int aead_open_raw(aead_head *head, const uint8_t *nonce, size_t nonceLength, const uint8_t *aad,
	size_t aadLength, uint8_t *data, size_t textLength)
{
	aead_abandon(head);
	/* all three check the tag in constant time and zero the output when it is wrong */
#if defined(AESGCM_X86)
	if (head->kind == AEAD_AES_GCM_X86)
		return aesgcm_open(AESGCM(head), nonce, nonceLength, aad, aadLength, data, textLength, data + textLength);
#endif
	if (head->kind == AEAD_AES_GCM)
		return mbedtls_gcm_auth_decrypt(&((aead_gcm *)head)->gcm, textLength, nonce, nonceLength,
			aad, aadLength, data + textLength, AEAD_TAG_SIZE, data, data);
	return CHACHAPOLY_BUILT ? chachapoly_open(&((aead_chachapoly *)head)->chachapoly, nonce, aad, aadLength, data,
		textLength, data + textLength) : CHACHAPOLY_BAD_TAG;
}

void xs_aead_init(xsMachine *the)
{
	xsIntegerValue kind = aead_integer(the, 0, "crypto: bad algorithm"), mode = 0;
	aead_head *head;
	void *key, *iv = NULL;
	xsUnsignedValue keyLength, ivLength;

	if ((kind != AEAD_AES_GCM) && (kind != AEAD_CHACHA20_POLY1305))
		crypto_range("unsupported algorithm");
	if ((kind == AEAD_CHACHA20_POLY1305) && !CHACHAPOLY_BUILT)
		crypto_range("ChaCha20-Poly1305 is not in this build");
	if (xsmcArgc < 2)
		crypto_type("missing key");
	xsmcGetBufferReadable(xsArg(1), &key, &keyLength);
	if (kind == AEAD_AES_GCM) {
		if ((keyLength != 16) && (keyLength != 24) && (keyLength != 32))
			crypto_range("bad key size");
	}
	else if (keyLength != 32)
		crypto_range("bad key size");

	head = xsmcGetHostDataValidate(xsThis, (void *)xs_aead_destructor);
	if (head != NULL) {
		xsmcSetHostData(xsThis, NULL);
		aead_free(head);
	}
	if (aead_has(the, 3)) {                     /* a TLS record protection */
		mode = aead_integer(the, 3, "crypto: bad record mode");
		if ((mode < RECORD_TLS13) || (mode > RECORD_TLS12_EXPLICIT))
			crypto_range("bad record mode");
		xsmcGetBufferReadable(xsArg(2), &iv, &ivLength);
		if (ivLength != 12)
			crypto_range("bad nonce size");
	}
	/* nothing below calls XS until the host data is set: key and iv stay put */
	head = aead_new((int)kind, (const uint8_t *)key, (size_t)keyLength);
	if (head == NULL)
		crypto_throw("out of memory");          /* setkey fails only when allocation does */
	if (mode) {
		memcpy(head->iv, iv, 12);
		head->mode = (int)mode;                 /* the sequence number is 0 (calloc) */
	}
	xsmcSetHostData(xsThis, head);
}

/* an incremental open */
static int aead_start_raw(aead_head *head, const uint8_t *nonce, size_t nonceLength, const uint8_t *aad,
	size_t aadLength)
{
	int ret;
	aead_abandon(head);
#if defined(AESGCM_X86)
	if (head->kind == AEAD_AES_GCM_X86) {
		aesgcm_start(AESGCM(head), nonce, nonceLength, aad, aadLength);
		ret = 0;
	}
	else
#endif
	if (head->kind == AEAD_AES_GCM)
		ret = mbedtls_gcm_starts(&((aead_gcm *)head)->gcm, MBEDTLS_GCM_DECRYPT, nonce, nonceLength, aad, aadLength);
	else {
		if (CHACHAPOLY_BUILT)
			chachapoly_start(&((aead_chachapoly *)head)->chachapoly, nonce, aad, aadLength);
		ret = 0;
	}
	if (ret == 0)
		head->started = 1;
	return ret;
}

/* the next record's nonce and additional data (its sequence number in aad[0, 8); the rest is the
   caller's), the sequence number moved on; explicit: mode 3's explicit nonce as received */
static void record_next(xsMachine *the, aead_head *head, const uint8_t *explicit, uint8_t nonce[12], uint8_t aad[13])
{
	int i;
	memcpy(aad, head->sequence, 8);
	for (i = 7; (i >= 0) && (++head->sequence[i] == 0); i--)
		;
	if (i < 0) {                        /* this one would be 2^64 - 1: no more (never wraps) */
		head->mode = 0;
		securesocket_throw(the, "Error", "tls: sequence number exhausted");
	}
	memcpy(nonce, head->iv, 12);
	if (head->mode == RECORD_TLS12_EXPLICIT)
		memcpy(nonce + 4, explicit ? explicit : aad, 8);
	else {
		for (i = 0; i < 8; i++)
			nonce[4 + i] ^= aad[i];
	}
}

/*
 * mbedtls 2.28's GCM decrypts whole 16-byte blocks until the last call. Here a chunk may end
 * inside a block: its bytes are decrypted at once with the key stream of that block (computed
 * as mbedtls_gcm_update does: the next inc32 of the counter block, through the context's block
 * cipher) and kept until the block is complete, when they go through mbedtls_gcm_update for
 * the hash (its output, the same plaintext, is discarded).
 */
static int aead_gcm_update(aead_gcm *state, uint8_t *data, size_t length)
{
	aead_head *head = &state->h;
	uint8_t scratch[16];
	size_t i, n;
	int ret;

	if (head->pending > 0) {
		n = 16 - head->pending;
		if (n > length)
			n = length;
		for (i = 0; i < n; i++) {
			head->block[head->pending + i] = data[i];
			data[i] ^= head->stream[head->pending + i];
		}
		head->pending += n;
		data += n;
		length -= n;
		if (head->pending < 16)
			return 0;
		ret = mbedtls_gcm_update(&state->gcm, 16, head->block, scratch);
		securesocket_wipe(scratch, sizeof(scratch));
		head->pending = 0;
		if (ret != 0)
			return ret;
	}
	n = length & ~(size_t)15;
	if (n > 0) {
		ret = mbedtls_gcm_update(&state->gcm, n, data, data);
		if (ret != 0)
			return ret;
		data += n;
		length -= n;
	}
	if (length > 0) {
		uint8_t counter[16];
		size_t olen = 0;
		memcpy(counter, state->gcm.y, 16);
		for (i = 16; i > 12; i--) {
			if (++counter[i - 1] != 0)
				break;
		}
		ret = mbedtls_cipher_update(&state->gcm.cipher_ctx, counter, 16, head->stream, &olen);
		if (ret != 0)
			return ret;
		for (i = 0; i < length; i++) {
			head->block[i] = data[i];
			data[i] ^= head->stream[i];
		}
		head->pending = length;
	}
	return 0;
}

/* decrypts length (> 0) more bytes in place; an error abandons the open */
static int aead_update_raw(aead_head *head, uint8_t *data, size_t length)
{
	int ret;
#if defined(AESGCM_X86)
	if (head->kind == AEAD_AES_GCM_X86)
		ret = aesgcm_update(AESGCM(head), data, length, 0);
	else
#endif
	if (head->kind == AEAD_AES_GCM)
		ret = aead_gcm_update((aead_gcm *)head, data, length);
	else {
		if (CHACHAPOLY_BUILT)
			chachapoly_update(&((aead_chachapoly *)head)->chachapoly, data, length, 0);
		ret = 0;
	}
	if (ret != 0)
		aead_abandon(head);
	return ret;
}

/* ends the incremental open: 0 when tag (16 bytes) is right, MBEDTLS_ERR_GCM_AUTH_FAILED when not */
static int aead_finish_raw(aead_head *head, const uint8_t *tag)
{
	uint8_t computed[AEAD_TAG_SIZE];
	int ret;
#if defined(AESGCM_X86)
	if (head->kind == AEAD_AES_GCM_X86) {
		aesgcm_finish(AESGCM(head), computed);
		ret = 0;
	}
	else
#endif
	if (head->kind == AEAD_AES_GCM) {
		aead_gcm *state = (aead_gcm *)head;
		ret = 0;
		if (head->pending > 0) {
			uint8_t scratch[16];
			ret = mbedtls_gcm_update(&state->gcm, head->pending, head->block, scratch);
			securesocket_wipe(scratch, sizeof(scratch));
		}
		if (ret == 0)
			ret = mbedtls_gcm_finish(&state->gcm, computed, AEAD_TAG_SIZE);
	}
	else {
		if (CHACHAPOLY_BUILT)
			chachapoly_finish(&((aead_chachapoly *)head)->chachapoly, computed);
		ret = 0;
	}
	aead_abandon(head);
	if (ret != 0) {
		securesocket_wipe(computed, sizeof(computed));
		return ret;
	}
	/* the incremental open gave its plaintext to the caller chunk by chunk: nothing to wipe here */
	return securesocket_tag_check(computed, tag, NULL, 0) ? 0 : MBEDTLS_ERR_GCM_AUTH_FAILED;
}

#define OP_SEAL 0
#define OP_OPEN 1
#define OP_START 2
#define OP_UPDATE 3
#define OP_FINISH 4

/*
 * seal, open, start (an incremental open): given the nonce and additional data (arguments 0 and 1,
 * the buffer from argument 2), or (record) those of the TLS record at argument 0: its header, then
 * its body; update and finish of an incremental open (the buffer or tag: argument 0). One body for
 * the eight natives below.
 */
static void aead_crypt(xsMachine *the, int op, int record)
{
	aead_head *head = aead_get(the);
	const uint8_t *nonce = NULL, *aad = NULL;
	size_t nonceLength = 12, aadLength = 0, length = 0, text, explicit = 0;
	uint8_t *data = NULL, recordNonce[12], recordAad[13];
	int ret;

	if (record) {
		explicit = (head->mode == RECORD_TLS12_EXPLICIT) ? 8 : 0;
		data = aead_region(the, 0, (op == OP_SEAL) ? RECORD_HEADER + explicit + AEAD_TAG_SIZE : RECORD_HEADER, &length);
		if ((head->mode == 0) || ((op == OP_START) && (head->mode != RECORD_TLS13)))
			crypto_throw("bad record mode");      /* not a record protection, or start() not under TLS 1.3 */
	}
	else if (op >= OP_UPDATE) {
		if (xsmcArgc < 1)
			securesocket_throw(the, "TypeError", (op == OP_UPDATE) ? "crypto: missing buffer" : "crypto: missing tag");
		if (!head->started)
			crypto_throw("not started");
		/* finish: the 16-byte tag from the offset (argument 1) */
		data = aead_region(the, 0, (op == OP_FINISH) ? AEAD_TAG_SIZE : 0, &length);
	}
	else {
		nonce = aead_nonce(the, head, 0, &nonceLength);
		aad = securesocket_optional(the, 1, &aadLength);
		if (op != OP_START)
			data = aead_region(the, 2, (op == OP_SEAL) ? AEAD_TAG_SIZE : 0, &length);
	}
	text = length;
	if (op == OP_OPEN) {
		if (length < explicit + AEAD_TAG_SIZE)
			crypto_range("ciphertext too short");
		text = length - explicit - AEAD_TAG_SIZE;
	}
	if (record) {
		record_next(the, head, (op == OP_OPEN) ? data + RECORD_HEADER : NULL, recordNonce, recordAad);
		if (explicit && (op == OP_SEAL))
			memcpy(data + RECORD_HEADER, recordAad, 8);
		memcpy(recordAad + 8, data, 3);
		recordAad[11] = (uint8_t)(text >> 8);
		recordAad[12] = (uint8_t)text;
		nonce = recordNonce;
		aad = (head->mode == RECORD_TLS13) ? data : recordAad;
		aadLength = (head->mode == RECORD_TLS13) ? RECORD_HEADER : 13;
		data += RECORD_HEADER + explicit;
	}
	if (op == OP_SEAL)
		ret = aead_seal_raw(head, nonce, nonceLength, aad, aadLength, data, text);
	else if (op == OP_OPEN)
		ret = aead_open_raw(head, nonce, nonceLength, aad, aadLength, data, text);
	else if (op == OP_START)
		ret = aead_start_raw(head, nonce, nonceLength, aad, aadLength);
	else if (op == OP_UPDATE)
		ret = length ? aead_update_raw(head, data, length) : 0;
	else
		ret = aead_finish_raw(head, data);
	if (ret != 0)
		aead_error(the, ret);
	if (op < OP_START)
		xsmcSetInteger(xsResult, (xsIntegerValue)((op == OP_SEAL) ? text + AEAD_TAG_SIZE : text));
}

void xs_aead_seal(xsMachine *the)
{
	aead_crypt(the, OP_SEAL, 0);
}

void xs_aead_open(xsMachine *the)
{
	aead_crypt(the, OP_OPEN, 0);
}

void xs_aead_start(xsMachine *the)
{
	aead_crypt(the, OP_START, 0);
}

void xs_aead_seal_record(xsMachine *the)
{
	aead_crypt(the, OP_SEAL, 1);
}

void xs_aead_open_record(xsMachine *the)
{
	aead_crypt(the, OP_OPEN, 1);
}

void xs_aead_start_record(xsMachine *the)
{
	aead_crypt(the, OP_START, 1);
}

void xs_aead_update(xsMachine *the)
{
	aead_crypt(the, OP_UPDATE, 0);
}

void xs_aead_finish(xsMachine *the)
{
	aead_crypt(the, OP_FINISH, 0);
}

void xs_aead_close(xsMachine *the)
{
	aead_head *head = xsmcGetHostDataValidate(xsThis, (void *)xs_aead_destructor);
	if (head != NULL) {
		xsmcSetHostData(xsThis, NULL);
		aead_free(head);
	}
}

void xs_aead_gcm_engine(xsMachine *the)
{
#if defined(AESGCM_X86)
	if (aead_gcm_ours()) {
		xsmcSetString(xsResult, "aesgcm_x86");
		return;
	}
#endif
	xsmcSetString(xsResult, "mbedtls");
}
