// "sample": "live" of bench/xs/handshake.js and bench/xs/server.js: what is live (collected first)
// after each engine trace line, above the base, kept in arrays made beforehand (the sampler's own
// allocations, but for each step's name, stay out of the figures).
import Debug from "debug";

/** get(key): an Instrumentation figure; base(): the baseline {chunks, slots} */
export function liveSampler(get, base) {
	const at = new Float64Array(512), steps = new Array(256).fill("");
	let n = 0;
	return {
		trace(line) {
			if (n >= steps.length)
				return;
			steps[n] = line.slice(0, 48);
			Debug.gc();
			const b = base();
			at[2 * n] = get("chunks") - b.chunks;
			at[2 * n++ + 1] = get("slots") - b.slots;
		},
		samples() {
			return steps.slice(0, n).map((step, i) => ({ step, chunks: at[2 * i], slots: at[2 * i + 1] }));
		},
	};
}
