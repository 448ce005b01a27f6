// An uncaught exception in the module body, thrown at line 5 from a function called at line 7.
trace("started\n");
const a = 1;
function fail() {
	throw new Error("top-level failure " + a);
}
fail();
trace("not reached\n");
