/*
 * The CA store: roots looked up by name from resources that tools/ca-build.mjs writes
 * (docs/X509.md, "CA store"):
 *
 *   ca-index.bin    every root the store was built from, sorted by name hash:
 *                   "X5CI", version 1, 0, count (u16), then per root 16 bytes:
 *                   nameHash (u32: the first 4 bytes of SHA-256 of the subject's DER),
 *                   id (u32: the first 4 bytes of SHA-256 of the root certificate),
 *                   offset (u32) and length (u16) of its record in ca-roots.bin,
 *                   keyIdPrefix (u16: the first 2 bytes of its subjectKeyIdentifier, 0 when none)
 *   ca-roots.bin    "X5CR", version 1, 0, 0, then the records (anchor.ts), at the index's offsets
 *   ca_<id>.bin     one record: what a pruned manifest lists instead of ca-roots.bin
 *
 * A root is used when its record is available: from ca-roots.bin when the manifest has it, else
 * from its own ca_<id>.bin. A root the index knows but this build lacks is reported as missing,
 * so that the unknownIssuer error can say which resource to add. Nothing is copied into RAM:
 * records are read in place from the resources (flash on a device).
 */
import Resource from "Resource";
import { digest } from "../crypto/hash";
import { malformed } from "./errors";
import { equalBytes } from "./der";
import { TrustAnchor, parseAnchorRecord } from "./anchor";

export const INDEX_RESOURCE = "ca-index.bin";
export const BUNDLE_RESOURCE = "ca-roots.bin";
const ENTRY_SIZE = 16;

function bytesOf(resource: Resource): Uint8Array {
	return new Uint8Array(resource as unknown as ArrayBuffer);
}

function u32(bytes: Uint8Array, at: number): number {
	return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}

function u16(bytes: Uint8Array, at: number): number {
	return (bytes[at] << 8) | bytes[at + 1];
}

function hex8(value: number): string {
	return value.toString(16).padStart(8, "0");
}

/** The resource name of a root's own record. */
export function recordResourceName(id: string): string {
	return `ca_${id}.bin`;
}

export interface StoreLookup {
	/** the roots with this subject name that this build has */
	readonly anchors: TrustAnchor[];
	/** ids of roots with this name that the index knows but this build does not have */
	readonly missing: string[];
}

export class CAStore {
	private readonly index: Uint8Array;
	private readonly count: number;
	private bundle: Uint8Array | undefined | null = null;

	private constructor(index: Uint8Array) {
		if (index.length < 8 || index[0] !== 0x58 || index[1] !== 0x35 || index[2] !== 0x43 || index[3] !== 0x49 || index[4] !== 1)
			throw malformed(`x509: ${INDEX_RESOURCE} is not a CA store index (version 1)`);
		this.index = index;
		this.count = u16(index, 6);
		if (index.length !== 8 + this.count * ENTRY_SIZE)
			throw malformed(`x509: ${INDEX_RESOURCE} has the wrong length`);
	}

	/** The store of this build's resources, or undefined when the manifest has no ca-index.bin. */
	static open(): CAStore | undefined {
		if (!Resource.exists(INDEX_RESOURCE))
			return undefined;
		return new CAStore(bytesOf(new Resource(INDEX_RESOURCE)));
	}

	/** how many roots the index knows */
	get size(): number {
		return this.count;
	}

	/**
	 * The roots whose subject is exactly `name` (a Name's DER). With `keyId` (the authority key
	 * identifier of the certificate they should have issued), roots whose key identifier cannot be
	 * that one are passed over without reading their record.
	 */
	find(name: Uint8Array, keyId?: Uint8Array): StoreLookup {
		const anchors: TrustAnchor[] = [];
		const missing: string[] = [];
		const hash = new Uint8Array(digest("SHA-256", name));
		const prefix = keyId !== undefined && keyId.length >= 2 ? (keyId[0] << 8) | keyId[1] : -1;
		const key = u32(hash, 0);
		const index = this.index;
		// the first entry whose name hash is >= key
		let low = 0, high = this.count;
		while (low < high) {
			const middle = (low + high) >> 1;
			if (u32(index, 8 + middle * ENTRY_SIZE) < key)
				low = middle + 1;
			else
				high = middle;
		}
		for (let i = low; i < this.count; i++) {
			const at = 8 + i * ENTRY_SIZE;
			if (u32(index, at) !== key)
				break;
			const rootPrefix = u16(index, at + 14);
			if (prefix >= 0 && rootPrefix !== 0 && rootPrefix !== prefix)
				continue;
			const id = hex8(u32(index, at + 4));
			const record = this.record(id, u32(index, at + 8), u16(index, at + 12));
			if (record === undefined) {
				missing.push(id);
				continue;
			}
			const anchor = parseAnchorRecord(record, id);
			if (equalBytes(anchor.subject.der, name))
				anchors.push(anchor);
		}
		return { anchors, missing };
	}

	private record(id: string, offset: number, length: number): Uint8Array | undefined {
		if (this.bundle === null) {
			this.bundle = undefined;
			if (Resource.exists(BUNDLE_RESOURCE)) {
				const bundle = bytesOf(new Resource(BUNDLE_RESOURCE));
				if (bundle.length < 8 || bundle[0] !== 0x58 || bundle[1] !== 0x35 || bundle[2] !== 0x43 || bundle[3] !== 0x52 || bundle[4] !== 1)
					throw malformed(`x509: ${BUNDLE_RESOURCE} is not a CA store bundle (version 1)`);
				this.bundle = bundle;
			}
		}
		if (this.bundle !== undefined) {
			if (offset + length > this.bundle.length)
				throw malformed(`x509: ${BUNDLE_RESOURCE} does not match ${INDEX_RESOURCE}`);
			return this.bundle.subarray(offset, offset + length);
		}
		const name = recordResourceName(id);
		if (!Resource.exists(name))
			return undefined;
		return bytesOf(new Resource(name));
	}
}
