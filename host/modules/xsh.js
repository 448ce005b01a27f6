// "xsh": host-only services for tests, tools and examples (not part of a Moddable build).
export const argv = native("xs_xsh_argv")();
export const readText = native("xs_xsh_readText");
export const readFile = native("xs_xsh_readFile");
export const exists = native("xs_xsh_exists");
export const getenv = native("xs_xsh_getenv");
export const exit = native("xs_xsh_exit");
export const now = native("xs_xsh_now");
// chunkRoom(bytes): XS may use at most `bytes` of chunks above what is live now (after a collection)
export const chunkRoom = native("xs_xsh_chunkRoom");
// slotRoom(count): at most `count` slots above what is live now (after a collection) in use at any moment
// (Infinity: no cap); returns the live count
export const slotRoom = native("xs_xsh_slotRoom");
