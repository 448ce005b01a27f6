/*
 * The extensions of a ClientHello as the server reads them (server.ts): offsets into the message's bytes.
 * Apart from bytes.ts because only the server side uses it (the client's manifests leave it out).
 */
/**
 * A message's extensions (RFC 8446 4.2) as offsets into its bytes: get() makes a view only when
 * asked (a Map of views would hold a few slots per extension for as long as the message is used).
 */
export class Extensions {
	private at = new Uint16Array(48);   // type, start, end of each extension's data in `bytes` (a message of at most 64 KB)
	private length = 0;
	constructor(private readonly bytes: Uint8Array) {}
	/** `data`: a view into `bytes` */
	add(type: number, data: Uint8Array): void {
		if (this.length === this.at.length) {
			const at = new Uint16Array(2 * this.length);
			at.set(this.at);
			this.at = at;
		}
		const start = data.byteOffset - this.bytes.byteOffset;
		this.at[this.length++] = type;
		this.at[this.length++] = start;
		this.at[this.length++] = start + data.length;
	}
	get size(): number {
		return this.length / 3;
	}
	private find(type: number): number {
		for (let i = 0; i < this.length; i += 3)
			if (this.at[i] === type)
				return i;
		return -1;
	}
	has(type: number): boolean {
		return this.find(type) >= 0;
	}
	get(type: number): Uint8Array | undefined {
		const i = this.find(type);
		return i < 0 ? undefined : this.bytes.subarray(this.at[i + 1], this.at[i + 2]);
	}
}
