// "Resource": the SDK's Resource, over the files manifest.json lists in "resources".
// the native called as a method (under a symbol), not through construct.call(this): call() enters the
// interpreter again from C (a frame of the C stack a device's native Resource does not spend)
const CONSTRUCT = Symbol("construct");

export default class Resource extends Native("xs_resource_destructor") {
	constructor(path) {
		super();
		this[CONSTRUCT](String(path));
	}
	slice(begin, end) {
		return new Uint8Array(this).slice(begin, end).buffer;
	}
	static exists = native("xs_resource_exists");
}
Object.defineProperty(Resource.prototype, CONSTRUCT, { value: native("xs_resource_construct") });
