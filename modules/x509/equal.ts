/*
 * Comparing public byte strings (names, keys, key identifiers; not secrets: crypto/random equal() is
 * constant-time): x509/der re-exports it, and the device profile (manifest_device.json), which has no
 * x509/der, maps "x509/der" here for the TLS engine's one import of it.
 */

/** true when a holds the same bytes as b[start .. end) (all of b by default) */
export function equalBytes(a: Uint8Array, b: Uint8Array, start = 0, end = b.length): boolean {
	if (a.length !== end - start)
		return false;
	for (let i = 0; i < a.length; i++)
		if (a[i] !== b[start + i])
			return false;
	return true;
}
