// Module resolution through the modules fixture manifest. Prints one JSON line.
import alpha, { viaRelative, viaParent } from "alpha";
import beta from "beta";
import one from "pre/one";
import two from "pre/sub/two";
import special from "pre/special";
import gamma from "gamma";
import delta from "delta";
import Timer from "timer";
import { helper } from "../../fixtures/modules/lib/helper";

trace(JSON.stringify({
	alpha, viaRelative, viaParent, beta, one, two, special, gamma, delta,
	builtinTimer: typeof Timer.set,
	relativeFromMain: helper(),
}) + "\n");
