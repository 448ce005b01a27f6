// An exception thrown and caught: the program's stdout must carry only what it traces.
try {
	JSON.parse("{ not json");
}
catch {
}
try {
	native("xs_no_such_function");
}
catch {
}
trace("clean\n");
