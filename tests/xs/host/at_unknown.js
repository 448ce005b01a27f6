// `@` with a name the host does not have: the module must fail to load.
function missing() @ "xs_no_such_host_function";
trace("loaded\n");
missing();
