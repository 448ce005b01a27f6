/*
 * What SecureSocket, the Listener and the ECMA-419 adapter use of either side of the engine
 * (TLSClient in client.ts, TLSServer in server.ts). Sans-IO: bytes in with receive() (or put
 * straight into the record buffer: inbox, received()), records
 * out with takeOutput(); the engine never touches a socket or a timer.
 */
import type { TLSError } from "./alert";
import type { ByteSource } from "./record";

export type EngineState = "start" | "handshake" | "connected" | "closed" | "error";

export interface ConnectionDescription {
	version: string;
	suite: string | undefined;
	group: string | undefined;
	alpn: string | undefined;
	resumed: boolean;
}

export interface TLSEngine {
	readonly state: EngineState;
	/** the hooks it was given: SecureSocket traces its own failures with the same trace */
	readonly options: { readonly trace?: (line: string) => void };
	/** the sticky error */
	readonly error: TLSError | undefined;
	readonly version: number;
	readonly group: number;
	readonly alpn: string | undefined;
	readonly resumed: boolean;
	/** the peer sent close_notify */
	readonly peerClosed: boolean;
	/** how many certificates the peer sent, and their bytes (the chain itself is not kept) */
	readonly peerCertificateCount: number;
	readonly peerCertificateBytes: number;
	/** what the certificate check kept of the peer's leaf (CertificateSink.leaf), once checked */
	readonly peerCertificate: unknown;
	/** client: queues the ClientHello; server: arms it for the ClientHello (no output) */
	start(): void;
	/** takes bytes from the network; returns how many it used (it stops while plaintext waits) */
	receive(bytes: Uint8Array): number;
	/** where the next bytes from the network go without a copy (the record buffer): up to
	    inboxRoom bytes at inbox[inboxOffset], then received(n); never past the end of a record */
	readonly inbox: Uint8Array;
	readonly inboxOffset: number;
	readonly inboxRoom: number;
	received(n: number): void;
	/** reads from `source` straight into the record buffer until a record of application data is
	    in, the handshake is not done, or the source has no more; returns the bytes read */
	pull(source: ByteSource): number;
	/** the next chunk of bytes to send, or undefined */
	takeOutput(): Uint8Array | undefined;
	readonly outputLength: number;
	readonly available: number;
	readonly plaintextPending: boolean;
	peek(): Uint8Array | undefined;
	read(max?: number): Uint8Array | undefined;
	/** copies up to `max` plaintext bytes into `target` from its start; returns how many */
	readInto(target: ArrayBuffer | ArrayBufferView, max: number): number;
	/** protects application data (at most one record's worth); returns the bytes taken */
	write(data: Uint8Array): number;
	readonly maxRecordPayload: number;
	readonly recordBufferSize: number;
	/** TLS 1.3: sends KeyUpdate (requesting the peer's too by default) */
	updateKeys(requestPeer?: boolean): void;
	close(): void;
	dispose(): void;
	describe(): ConnectionDescription;
}
