// An exception thrown from a timer callback (line 5).
import Timer from "timer";
trace("started\n");
Timer.set(() => {
	throw new TypeError("failure in a timer");
}, 10);
Timer.set(() => trace("not reached\n"), 500);
