// "instrumentation": the SDK's Instrumentation plus peaks since resetPeaks().
export default class Instrumentation {
	static get = native("xs_instrumentation_get");
	static map = native("xs_instrumentation_map");
	static name = native("xs_instrumentation_name");
	static resetPeaks = native("xs_instrumentation_resetPeaks");
}
