/*
 * The natives of a host-object class as methods of its prototype, under symbols of the class's
 * module (not part of its API):
 *
 *   const UPDATE = Symbol("update");
 *   class Hash extends Native("xs_sha_destructor") {
 *       declare private readonly [UPDATE]: UpdateNative;
 *       update(data) { this[UPDATE](data); return this; }
 *   }
 *   hostMethods(Hash, [[UPDATE, native("xs_sha_update")]]);
 *
 * Called as a method, a host function runs in its caller's interpreter frame. `f.call(this, ...)`
 * would run it through Function.prototype.call, itself a host function that enters the
 * interpreter again: one more interpreter frame (fxRunID, about 1.7 KB of C stack on x86-64,
 * 0.45 KB in a 32-bit build) beneath every native call, mbedtls's frames included (docs/HOST.md).
 */

/** Defines each [key, host function] on `target.prototype` (not enumerable, not writable). */
export function hostMethods(target: { prototype: object }, methods: ReadonlyArray<readonly [symbol, (this: never, ...args: never[]) => unknown]>): void {
	for (let i = 0; i < methods.length; i++)
		Object.defineProperty(target.prototype, methods[i][0], { value: methods[i][1] });
}
