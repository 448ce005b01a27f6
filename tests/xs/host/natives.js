// native() and Native(): host functions by name and base classes for host objects. Prints one JSON line.
import { now } from "xsh";

const log = (o) => trace(JSON.stringify(o) + "\n");
const attempt = (f) => {
	try {
		f();
		return { ok: true };
	}
	catch (e) {
		return { error: e.constructor.name, message: e.message };
	}
};
const out = {};

// native()
const hostNow = native("xs_xsh_now");
out.nativeType = typeof hostNow;
const a = hostNow(), b = now();
out.nowType = typeof a;
out.nowClose = Math.abs(a - b) < 1000;
out.nowMonotonic = hostNow() >= a;
out.unknownNative = attempt(() => native("xs_no_such_function"));
out.destructorAsNative = attempt(() => native("xs_timer_destructor"));

// Native()
const Base = Native("xs_timer_destructor");
out.baseType = typeof Base;
class Thing extends Base {
	field = 21;
	#secret = "hidden";
	static kind = "thing";
	constructor(extra) {
		super();
		this.extra = extra;
	}
	double() { return this.field * 2; }
	get secret() { return this.#secret; }
}
class SubThing extends Thing {
	double() { return super.double() + 1; }
}
const thing = new Thing("x"), sub = new SubThing("y");
out.instanceofThing = thing instanceof Thing;
out.instanceofBase = thing instanceof Base;
out.protoIsThing = Object.getPrototypeOf(thing) === Thing.prototype;
out.field = thing.field;
out.method = thing.double();
out.privateField = thing.secret;
out.staticField = Thing.kind;
out.extra = thing.extra;
out.subInstanceof = sub instanceof SubThing && sub instanceof Thing && sub instanceof Base;
out.subMethod = sub.double();
out.subExtra = sub.extra;
out.plainBase = new Base() instanceof Base;
// a host function that checks the destructor sees a host object of its kind (with no data yet)
out.hostCheck = attempt(() => native("xs_timer_clear")(thing));
out.otherKind = attempt(() => native("xs_socket_close").call(thing));
// ... and refuse what is no host object at all with the same TypeError
out.plainTimer = attempt(() => native("xs_timer_clear")({}));
out.plainSocket = attempt(() => native("xs_socket_close").call({}));
out.unknownNativeClass = attempt(() => Native("xs_no_such_destructor"));
out.functionAsNativeClass = attempt(() => Native("xs_xsh_now"));
out.callWithoutNew = attempt(() => Base());
log(out);
