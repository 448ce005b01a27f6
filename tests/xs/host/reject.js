// An unhandled promise rejection. argv: <mode>: "direct" (Promise.reject) or "async" (an async function throws)
import { argv } from "xsh";
trace("started\n");
if (argv[1] === "async") {
	async function failLater() {
		await null;
		throw new Error("rejected in an async function");
	}
	failLater();
}
else
	Promise.reject(new Error("rejected directly"));
