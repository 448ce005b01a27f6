/*
 * "tls/client12" in a build without TLS 1.2 (manifest_tls13.json): TLSClient is TLS 1.3 only, and a
 * client that allows TLS 1.2 is refused at once, with an error that says so (never a fallback).
 */
import { Version } from "./constants";
import { TLSClient } from "./client";
import type { ClientOptions } from "./options";

/** TLS 1.2 is not in this build */
export const TLS12_BUILT = false;

/** the engine for these options: TLS 1.3 only here */
export function newClient(options: ClientOptions): TLSClient {
	if (options.minVersion <= Version.TLS12)
		throw new RangeError("tls: TLS 1.2 is not in this build");
	return new TLSClient(options);
}
