/*
 * Random bytes from the platform's source (getrandom/getentropy on a PC, the hardware RNG on
 * ESP32 and ESP8266), and constant-time comparison. The functions are the natives themselves
 * (native/random.c: they check their arguments): no JS wrapper (bench/notes.md, about 33 bytes of
 * bytecode per function).
 */

/** the native behind randomBytes() and fillRandom(): random(n) makes a new buffer, random(buffer, ...) fills it and returns it */
const random = native<(this: unknown, what: number | BufferLike, offset?: number, length?: number) => ArrayBuffer | BufferLike>("xs_crypto_random");

/** A new ArrayBuffer of `length` random bytes. */
export const randomBytes = random as (length: number) => ArrayBuffer;

/**
 * Fills `buffer` (or its `length` bytes from `offset`) with random bytes, in place.
 * Returns `buffer`.
 */
export const fillRandom = random as <T extends BufferLike>(buffer: T, offset?: number, length?: number) => T;

/**
 * True when `a` and `b` have the same length and the same bytes. The time taken depends on the
 * length only, never on the contents (use it for MACs, tags, Finished messages).
 */
export const equal = native<(this: unknown, a: BufferLike, b: BufferLike) => boolean>("xs_crypto_equal");
