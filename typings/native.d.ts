/*
 * The standard-syntax host bindings that the Moddable SDK's xsc compiles and that our host (xsh)
 * provides as globals: `native("xs_name")` returns the C host function `xs_name`;
 * `class C extends Native("xs_c_destructor")` gives instances that are host objects whose host data
 * is freed by `xs_c_destructor` when they are collected.
 */
type NativeFunction = (this: unknown, ...args: never[]) => unknown;
declare function native<F extends NativeFunction = (...args: unknown[]) => unknown>(name: string): F;
declare function Native(destructor: string): { new (): object };
