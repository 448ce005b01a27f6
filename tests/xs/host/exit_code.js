// xsh.exit(code) leaves at once with that code, from the module body or from a timer.
// argv: <code> [later]
import { argv, exit } from "xsh";
import Timer from "timer";
const code = Number(argv[1]);
trace("before\n");
if (argv[2] === "later") {
	Timer.repeat(() => trace("tick\n"), 5);
	Timer.set(() => {
		exit(code);
		trace("not reached\n");
	}, 30);
}
else {
	exit(code);
	trace("not reached\n");
}
