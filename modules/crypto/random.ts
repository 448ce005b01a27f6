/*
 * Random bytes from the platform's source (getrandom/getentropy on a PC, the hardware RNG on
 * ESP32 and ESP8266), and constant-time comparison.
 */

type RandomNative = {
	(this: unknown, length: number): ArrayBuffer;
	(this: unknown, buffer: BufferLike, offset?: number, length?: number): BufferLike;
};
type EqualNative = (this: unknown, a: BufferLike, b: BufferLike) => boolean;

const random = native<RandomNative>("xs_crypto_random");
const equalBytes = native<EqualNative>("xs_crypto_equal");

/** A new ArrayBuffer of `length` random bytes. */
export function randomBytes(length: number): ArrayBuffer {
	return random(length);
}

/**
 * Fills `buffer` (or its `length` bytes from `offset`) with random bytes, in place.
 * Returns `buffer`.
 */
export function fillRandom<T extends BufferLike>(buffer: T, offset?: number, length?: number): T {
	random(buffer, offset, length);
	return buffer;
}

/**
 * True when `a` and `b` have the same length and the same bytes. The time taken depends on the
 * length only, never on the contents (use it for MACs, tags, Finished messages).
 */
export function equal(a: BufferLike, b: BufferLike): boolean {
	return equalBytes(a, b);
}
