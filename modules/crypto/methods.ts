/*
 * The natives of a host-object class as methods of its prototype: the public methods themselves
 * (typed by an interface of the same name as the class), and the ones that are not part of its API
 * under symbols of the class's module:
 *
 *   const INIT = Symbol("init");
 *   export interface Hash { update(data: HashInput): this; }     // the native returns `this`
 *   export class Hash extends Native("xs_sha_destructor") {
 *       declare private readonly [INIT]: InitNative;
 *       constructor(algorithm) { super(); this[INIT](hashBits(algorithm)); }
 *   }
 *   hostMethods(Hash, INIT, native("xs_sha_init"), "update", native("xs_sha_update"));
 *
 * A native so called checks its arguments and its `this` itself (a host object of its class: XS
 * throws otherwise); there is no JS wrapper (about 33 bytes of bytecode per function, whatever its body).
 * Called as a method, a host function runs in its caller's interpreter frame. `f.call(this, ...)`
 * would run it through Function.prototype.call, itself a host function that enters the
 * interpreter again: one more interpreter frame (fxRunID, about 1.7 KB of C stack on x86-64,
 * 0.45 KB in a 32-bit build) beneath every native call, mbedtls's frames included (docs/HOST.md).
 */

/** Defines each key, host function pair (flat: no array per pair) on `target.prototype` (not enumerable, not writable). */
export function hostMethods(target: { prototype: object }, ...methods: ReadonlyArray<string | symbol | ((this: never, ...args: never[]) => unknown)>): void {
	for (let i = 0; i < methods.length; i += 2)
		Object.defineProperty(target.prototype, methods[i] as string | symbol, { value: methods[i + 1] });
}
