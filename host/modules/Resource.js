// "Resource": the SDK's Resource, over the files manifest.json lists in "resources".
const construct = native("xs_resource_construct");

export default class Resource extends Native("xs_resource_destructor") {
	constructor(path) {
		super();
		construct.call(this, String(path));
	}
	slice(begin, end) {
		return new Uint8Array(this).slice(begin, end).buffer;
	}
	static exists = native("xs_resource_exists");
}
