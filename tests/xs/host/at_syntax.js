// The XS `@` syntax in a plain JS module: host functions and host object classes by name.
// Needs the modules fixture manifest (its "blob.bin" resource).
function hostNow() @ "xs_xsh_now";
function construct(name) @ "xs_resource_construct";

class HostResource @ "xs_resource_destructor" {
	constructor(name) {
		construct.call(this, name);
	}
	get bytes() {
		return new Uint8Array(this);
	}
}
class PlainResource {
	constructor(name) {
		construct.call(this, name);
	}
}

const out = {};
out.hostNowType = typeof hostNow();
out.hostNowPositive = hostNow() > 0;
const resource = new HostResource("blob.bin");
out.instanceofHostResource = resource instanceof HostResource;
out.length = resource.bytes.length;
out.first = Array.from(resource.bytes.slice(0, 4));
try {
	new PlainResource("blob.bin");
	out.plain = "constructed";
}
catch (e) {
	out.plain = e.constructor.name;
}
trace(JSON.stringify(out) + "\n");
