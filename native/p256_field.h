/*
 * SecureSocket crypto core: integers modulo secp256r1's p (the field) and n (the group order), the
 * arithmetic native/ec_verify.c (verification) and native/ec_sign.c (signing) share.
 *
 * Little-endian limbs (4 of 64 bits where the compiler has a 128-bit product, else 8 of 32 bits: a
 * 32-bit core needs only 32 x 32 -> 64-bit products), in Montgomery form (a R mod m, R = 2^256),
 * multiplied by CIOS Montgomery multiplication: one routine for both moduli. Additions and
 * subtractions reduce by one conditional subtraction or addition computed with masks; results are
 * always fully reduced (below m). The inverse mod n by Fermat (a^(n - 2)), bit by bit: small, for the
 * verification; the signer has its own addition chains (native/ec_sign.c), and only it inverts mod p.
 *
 * Timing: p256_mod_add, _sub, _mul, _reduce_once, p256_scalar_inv and p256_fe_load, _store have no
 * branch and no memory index that depends on the values (p256_scalar_inv branches on the bits of the
 * public exponent n - 2 only): usable with secrets. p256_fe_less and p256_fe_is_zero are for public values.
 */
#ifndef SECURESOCKET_P256_FIELD_H
#define SECURESOCKET_P256_FIELD_H

#include <stddef.h>
#include <stdint.h>

/* limbs: 64 bits where the compiler has a 128-bit product (x86-64 hosts), else 32 bits (ESP8266,
   ESP32, 32-bit hosts); constants are written as 32-bit halves for both */
#if defined(__SIZEOF_INT128__)
typedef uint64_t p256_limb;
__extension__ typedef unsigned __int128 p256_dlimb;
#define P256_LIMB_BITS 64
#define P256_W(hi, lo) ((((uint64_t)(hi)) << 32) | (lo))
#define P256_MINV(m64, m32) (m64)
#else
typedef uint32_t p256_limb;
typedef uint64_t p256_dlimb;
#define P256_LIMB_BITS 32
#define P256_W(hi, lo) (lo), (hi)
#define P256_MINV(m64, m32) (m32)
#endif
#define P256_L (256 / P256_LIMB_BITS)

typedef p256_limb p256_fe[P256_L];

#define P256_BIT(a, i) ((int)(((a)[(i) / P256_LIMB_BITS] >> ((i) % P256_LIMB_BITS)) & 1))

typedef struct {
	const p256_limb *m;       /* the modulus */
	const p256_limb *rr;      /* R^2 mod m */
	p256_limb minv;           /* -m^-1 mod 2^P256_LIMB_BITS */
} p256_mod;

/* SEC 2 2.4.2: p and n; 1 and the curve's b in Montgomery form mod p (R mod p, b R mod p) */
extern const p256_limb p256_p[P256_L], p256_n[P256_L];
extern const p256_limb p256_one[P256_L], p256_b_mont[P256_L];
extern const p256_mod p256_mod_p, p256_mod_n;
#define P256_MP (&p256_mod_p)
#define P256_MN (&p256_mod_n)

/* 1 when a = 0 (public values) */
int p256_fe_is_zero(const p256_fe a);
/* 1 when a < b as integers (public values: returns at the first differing limb) */
int p256_fe_less(const p256_fe a, const p256_fe b);
/* r = t - m when top (a carry above the limbs) is set or t >= m, else t */
void p256_mod_reduce_once(p256_fe r, const p256_limb *t, p256_limb top, const p256_limb *m);
/* r = a + b, a - b (inputs below m) */
void p256_mod_add(p256_fe r, const p256_fe a, const p256_fe b, const p256_mod *m);
void p256_mod_sub(p256_fe r, const p256_fe a, const p256_fe b, const p256_mod *m);
/* r = a b R^-1 mod m; r may be a or b */
void p256_mod_mul(p256_fe r, const p256_fe a, const p256_fe b, const p256_mod *m);
/* r = 1 / a mod n by Fermat (Montgomery in, Montgomery out; 0 for 0) */
void p256_scalar_inv(p256_fe r, const p256_fe a);
/* big-endian bytes (len <= 32) to limbs; limbs to 32 big-endian bytes */
void p256_fe_load(p256_fe r, const uint8_t *s, size_t len);
void p256_fe_store(uint8_t out[32], const p256_fe a);

#endif
