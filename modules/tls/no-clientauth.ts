/*
 * "tls/clientauth" in a build without client certificates (manifest_device.json: its C core loads no private
 * key, so no client key can be given): no scheme fits, so both clients answer a CertificateRequest with an
 * empty Certificate (a server that requires one refuses: certificate_required). Same exports as clientauth.ts,
 * without their parameters (nothing here reads them).
 */

/** no scheme: the client sends an empty Certificate */
export function chooseScheme(): number | undefined {
	return undefined;
}

/** never called without a scheme */
export function certificateVerifyBody(): Uint8Array {
	throw new Error("tls: client certificates are not in this build");
}
