// "debug": the SDK's Debug.gc([enable]).
export default class Debug {
	static gc = native("xs_debug_gc");
}
