/*
 * The client side of the engine: TLS 1.3 (RFC 8446), sans I/O; TLSClient12 (client12.ts) adds TLS 1.2
 * (RFC 5246) for the builds that include it.
 *
 *   const client = newClient(options);     // client12.ts: TLSClient12 when TLS 1.2 is allowed
 *   client.start();                       // queues the ClientHello
 *   socketBytes -> client.receive(bytes)  // returns how many bytes it took (it stops while
 *                                         // application data waits to be read)
 *   client.takeOutput()                   // records to send (in one buffer), until undefined
 *   client.read(n) / client.write(bytes) / client.close()
 *
 * Errors are TLSError: thrown by receive()/write(), with the fatal alert already queued in the
 * output, and sticky: every later call throws the same error.
 * One method per expected handshake message, named after it, with the RFC section.
 */
import { ECDH } from "crypto/ecdh";
import { hashSize } from "crypto/hash";
import { Alert, fatal } from "./alert";
import { Reader, Writer, alloc, ascii, charCodeAt, copy, copyOf, sub } from "./bytes";
import { ContentType, HandshakeType, ExtensionType, Version, HRR_RANDOM } from "./constants";
import { type MessageStream } from "./handshake";
import { writeCertificateList } from "./certificates";
import { chooseScheme, certificateVerifyBody } from "tls/clientauth";   // by name: the device profile maps it to no-clientauth
import { MAX_PLAINTEXT } from "./record";
import { KeySchedule, expandLabel } from "./keyschedule";
import { suiteByCode } from "./suites";
import {
	TLSConnection, Flag, groupName, peerFailure, certificateVerifyContent, readSchemes, equalBytes, NO_SESSION_ID, handshakeMessage,
} from "./connection";
import type { EngineState } from "./engine";
import type { ClientOptions, Session } from "./options";


/** what a server must not send in EncryptedExtensions (RFC 8446 4.2) */
const NOT_IN_ENCRYPTED_EXTENSIONS = [ExtensionType.key_share, ExtensionType.supported_versions, ExtensionType.pre_shared_key,
	ExtensionType.psk_key_exchange_modes, ExtensionType.cookie, ExtensionType.signature_algorithms, ExtensionType.ec_point_formats,
	ExtensionType.extended_master_secret, ExtensionType.renegotiation_info, ExtensionType.session_ticket];

/** max_fragment_length's code for each length (RFC 6066 4) */
const MAX_FRAGMENT_CODES: { [length: number]: number } = { 512: 1, 1024: 2, 2048: 3, 4096: 4 };

/** the client engine's states (the same for both sides) */
export type ClientState = EngineState;

/** the handshake message the client expects next: numbers (a string literal in the code is its bytes
    each time it is written), named in errors by EXPECTED */
export const enum Expect {
	// in this order: streamsNow() takes ranges of it
	server_hello, encrypted_extensions, certificate_or_request, certificate, certificate_verify, finished,
	certificate12, server_key_exchange, hello_done_or_request, hello_done, new_session_ticket12, change_cipher_spec12, finished12,
	post_handshake,
}
const EXPECTED = "server_hello encrypted_extensions certificate_or_request certificate certificate_verify finished certificate12 server_key_exchange hello_done_or_request hello_done new_session_ticket12 change_cipher_spec12 finished12 post_handshake";
/** thrown from here and from TLSClient12 */
export const UNEXPECTED_CCS = "unexpected change_cipher_spec";

/** an extension type's bit in TLSClient.sentExtensions (the types we send are below 52, and renegotiation_info) */
function extensionBit(type: number): number {
	return type === ExtensionType.renegotiation_info ? 2 ** 52 : type < 52 ? 2 ** type : 0;
}

/** digits and dots, or a colon: not a regular expression, which XS compiles each time through a re-entry */
function isIPLiteral(name: string): boolean {
	const n = name.length;
	if (name.includes(":"))
		return true;
	for (let i = 0; i < n; i++) {
		const c = charCodeAt.call(name, i);
		if (c !== 0x2E && (c < 0x30 || c > 0x39))
			return false;
	}
	return n > 0;
}

export class TLSClient extends TLSConnection {
	declare readonly options: ClientOptions;
	/** the latest session the server gave (onSession is called with each) */
	declare session: Session | undefined;
	declare protected expect: Expect;
	// what only the ClientHello and the server's answer to it need is deleted once used (a property
	// costs an XS slot, undefined or not)
	/** the legacy session ID we sent (none: empty) */
	declare protected sessionId?: Uint8Array;
	/** our key shares, until the ServerHello */
	declare private shares?: { group: number, ecdh: ECDH }[];
	declare protected helloRetried?: boolean;
	declare private cookie: Uint8Array | undefined;
	declare private schedule: KeySchedule | undefined;
	declare private resumptionSecret: ArrayBuffer | undefined;
	declare protected certificateRequest: { context: Uint8Array, schemes: number[] } | undefined;
	declare private offeredPSK?: boolean;
	/** the sum of the extensionBit()s of our latest ClientHello's extensions, until the server's extensions are read */
	declare protected sentExtensions?: number;

	constructor(options: ClientOptions) {
		if (options.minVersion > options.maxVersion || options.minVersion < Version.TLS12 || options.maxVersion > Version.TLS13)
			throw new RangeError("tls: bad version range");
		if (options.minVersion === Version.TLS12 && new.target === TLSClient)
			throw new RangeError("tls: TLS 1.2 is TLSClient12's (tls/client12), not TLSClient's");
		let limit = MAX_PLAINTEXT;
		if (options.maxFragmentLength)
			limit = Math.min(limit, options.maxFragmentLength);
		if (options.recordSizeLimit)
			limit = Math.min(limit, options.recordSizeLimit - (options.maxVersion === Version.TLS13 ? 1 : 0));
		super(options, limit);
		this.expect = Expect.server_hello;
	}

	// ---- the application's side ----

	start(): void {
		if (this.state !== "start")
			throw new Error("tls: already started");
		this.state = "handshake";
		try {
			this.sendClientHello();
		}
		catch (e) {
			this.fail(e);
		}
	}

	/** frees keys and buffers */
	override dispose(): void {
		super.dispose();
		this.closeShares();
	}

	// ---- records ----

	// ---- streamed handshake records: the server's large records (connection.ts) ----
	// Under TLS 1.3 handshake keys, provisional bytes may feed EncryptedExtensions,
	// CertificateRequest and the Certificate message (which streams into the X.509 verifier):
	// they change nothing outside the engine. CertificateVerify, Finished and anything else wait for the tag.

	protected streamsNow(protectedRecord: boolean): boolean {
		const e = this.expect;
		if (protectedRecord)
			return this.version === Version.TLS13 && e >= Expect.encrypted_extensions && e <= Expect.finished;   // the TLS 1.3 flight (Expect's order)
		return e === Expect.server_hello || e >= Expect.certificate12 && e <= Expect.hello_done;          // TLS 1.2's
	}

	protected provisional(type: number | undefined): boolean {
		return type === HandshakeType.encrypted_extensions || type === HandshakeType.certificate_request || type === HandshakeType.certificate;
	}

	protected onChangeCipherSpec(content: Uint8Array): void {
		if (content.length !== 1 || content[0] !== 1)
			throw fatal(Alert.unexpected_message, "bad change_cipher_spec");
		if (this.version === Version.TLS12)
			return this.changeCipherSpec12();
		// TLS 1.3 middlebox compatibility (RFC 8446 D.4): ignored once, during the handshake
		if (this.state !== "handshake" || this.expect === Expect.server_hello && !this.helloRetried || !this.takeCompatibilityCCS())
			throw fatal(Alert.unexpected_message, UNEXPECTED_CCS);
		if (this.tracing) this.trace("ignored change_cipher_spec (compatibility mode)");
	}

	protected override recordVersion(type: ContentType): number {
		return type === ContentType.handshake && this.expect === Expect.server_hello && !this.helloRetried ? 0x0301 : Version.TLS12;
	}

	// ---- handshake dispatch ----

	protected onHandshakeMessage(type: number, body: Uint8Array, message: Uint8Array): void {
		const expect = this.expect;
		if (expect === Expect.post_handshake) {
			if (this.version === Version.TLS13) {
				if (type === HandshakeType.new_session_ticket)
					return this.newSessionTicket13(body);
				if (type === HandshakeType.key_update)
					return this.keyUpdate(body);
				if (type === HandshakeType.certificate_request)
					throw fatal(Alert.unexpected_message, "post-handshake authentication was not offered");
			}
			throw fatal(Alert.unexpected_message, `unexpected handshake message ${type} after the handshake`);
		}
		this.resetIgnored();
		switch (expect) {
			case Expect.server_hello:
				if (type !== HandshakeType.server_hello)
					break;
				return this.serverHello(body, message);
			case Expect.encrypted_extensions:
				if (type !== HandshakeType.encrypted_extensions)
					break;
				this.transcript.update(message);
				return this.encryptedExtensions(body);
			case Expect.certificate_or_request:
				if (type !== HandshakeType.certificate_request)
					break;
				this.transcript.update(message);
				return this.certificateRequest13(body);
			case Expect.certificate_verify:
				if (type !== HandshakeType.certificate_verify)
					break;
				// CertificateVerify (RFC 8446 4.4.3)
				this.checkCertificateVerify13(body, message, this.options.signatureAlgorithms, true);
				this.expect = Expect.finished;
				return;
			case Expect.finished:
				if (type !== HandshakeType.finished)
					break;
				return this.finished13(body, message);
		}
		throw fatal(Alert.unexpected_message, `unexpected handshake message ${type} (expected ${EXPECTED.split(" ")[expect]})`);
	}

	// ---- ClientHello (RFC 8446 4.1.2) ----

	private sendClientHello(): void {
		const o = this.options;
		const offer13 = o.maxVersion >= Version.TLS13, offer12 = o.minVersion <= Version.TLS12;
		if (!this.helloRetried) {
			this.random(this.clientRandom);
			if (offer13) {
				this.sessionId = alloc(32);    // middlebox compatibility mode (RFC 8446 D.4)
				this.random(this.sessionId);
			}
			if (offer12)
				this.helloSession12?.();
			if (offer13) {
				const count = Math.max(1, Math.min(o.shares ?? 1, o.groups.length));
				for (let i = 0; i < count; i++)
					this.addShare(o.groups[i]);
			}
		}
		const suites: number[] = [];   // an indexed loop, not filter(): an array callback re-enters XS from C
		for (let i = 0; i < o.suites.length; i++) {
			const s = suiteByCode(o.suites[i]);
			if (s !== undefined && (s.version === Version.TLS13 ? offer13 : offer12))
				suites.push(o.suites[i]);
		}
		if (!suites.length)
			throw fatal(Alert.handshake_failure, "no cipher suite for the versions allowed");
		const w = new Writer(512);
		w.u16(Version.TLS12).bytes(this.clientRandom);
		w.opaque(1, this.sessionId ?? NO_SESSION_ID);
		w.list16(suites);
		w.u8(1).u8(0);   // compression: null
		w.begin(2);
		// each extension: type, then its body in a block closed by the last end() (RFC 8446 4.2)
		this.sentExtensions = 0;
		const ext = (type: number): Writer => {
			this.sentExtensions! += extensionBit(type);
			return w.u16(type).begin(2);
		};
		const name = o.serverName;
		if (name && !isIPLiteral(name))
			ext(ExtensionType.server_name).begin(2).u8(0).opaque(2, ascii(name)).end().end();
		if (offer12)
			this.helloExtensions12?.(w, ext);
		ext(ExtensionType.supported_groups).list16(o.groups).end();
		ext(ExtensionType.signature_algorithms).list16(o.signatureAlgorithms).end();
		if (o.alpn && o.alpn.length) {
			ext(ExtensionType.application_layer_protocol_negotiation).begin(2);
			for (let i = 0; i < o.alpn.length; i++)
				w.opaque(1, ascii(o.alpn[i]));
			w.end().end();
		}
		if (o.maxFragmentLength) {
			ext(ExtensionType.max_fragment_length).u8(MAX_FRAGMENT_CODES[o.maxFragmentLength]).end();
		}
		if (o.recordSizeLimit)
			ext(ExtensionType.record_size_limit).u16(o.recordSizeLimit).end();
		if (offer13) {
			ext(ExtensionType.supported_versions).begin(1).u16(Version.TLS13);
			if (offer12)
				w.u16(Version.TLS12);
			w.end().end();
			if (this.cookie)
				ext(ExtensionType.cookie).opaque(2, this.cookie).end();
			ext(ExtensionType.key_share).begin(2);
			const shares = this.shares!;
			for (let i = 0; i < shares.length; i++)
				w.u16(shares[i].group).opaque(2, shares[i].ecdh.publicKey);
			w.end().end();
			ext(ExtensionType.psk_key_exchange_modes).u8(1).u8(1).end();   // psk_dhe_ke
		}
		// pre_shared_key must be last (RFC 8446 4.2.11)
		const session = o.session;
		let binderAt = -1, binderLength = 0;
		if (this.offeredPSK)
			this.offeredPSK = false;   // a second ClientHello (after HelloRetryRequest) offers again or not
		if (offer13 && session && session.version === Version.TLS13 && session.ticket && (!session.serverName || session.serverName === o.serverName)) {
			const suite = suiteByCode(session.suite);
			const ageMs = Date.now() - session.received;
			// after a HelloRetryRequest, only a PSK of the selected suite's hash (RFC 8446 4.1.4): the
			// binder hashes the transcript with the HelloRetryRequest, which exists for that hash only
			const fits = this.helloRetried ? this.suite!.hash === suite?.hash : suites.some((c) => suiteByCode(c)?.hash === suite?.hash);
			if (suite && fits && ageMs < session.lifetime * 1000) {
				binderLength = hashSize(suite.hash);
				ext(ExtensionType.pre_shared_key).begin(2).opaque(2, session.ticket).u32((ageMs + session.ticketAgeAdd) >>> 0).end();
				binderAt = w.length;
				w.begin(2).opaque(1, alloc(binderLength)).end().end();
				this.offeredPSK = true;
			}
		}
		w.end();
		const message = handshakeMessage(HandshakeType.client_hello, w.view());
		if (this.offeredPSK) {
			// binder = HMAC over the transcript up to and without the binders (RFC 8446 4.2.11.2)
			const suite = suiteByCode(session!.suite)!;
			const schedule = new KeySchedule(suite.hash, session!.secret);
			const binder = this.pskBinder(schedule, sub(message, 0, 4 + binderAt), !!this.helloRetried);
			copy(message, 4 + binderAt + 3, binder, 0, binder.byteLength);
			this.schedule = schedule;
		}
		this.transcript.update(message);
		this.sendRecord(ContentType.handshake, message);
		if (this.tracing) this.trace(`sent ClientHello: ${offer13 ? "TLS 1.3" : ""}${offer13 && offer12 ? " and " : ""}${offer12 ? "TLS 1.2" : ""}, ${suites.length} suites, key shares ${this.shares?.map((s) => groupName(s.group)).join(", ") || "none"}${this.offeredPSK ? ", a session ticket" : ""}`);
	}

	private closeShares(): void {
		const shares = this.shares;
		if (!shares)
			return;
		for (let i = 0; i < shares.length; i++)
			shares[i].ecdh.close();
		delete this.shares;
	}

	private addShare(group: number): void {
		const fixed = this.options.privateKeys?.[group];
		(this.shares ??= []).push({ group, ecdh: new ECDH(groupName(group), fixed) });
	}

	// ---- ServerHello (RFC 8446 4.1.3, RFC 5246 7.4.1.3) ----

	private serverHello(body: Uint8Array, message: Uint8Array): void {
		const r = new Reader(body, "ServerHello");
		const legacyVersion = r.u16();
		const random = r.bytes(32);
		const sessionId = r.opaque(1, 0, 32);
		const suiteCode = r.u16();
		const compression = r.u8();
		const extensions = this.readExtensions(r.remaining ? r.block(2, "ServerHello extensions") : undefined, "ServerHello");
		r.end();
		const isHRR = equalBytes(HRR_RANDOM, random);

		const supportedVersions = extensions.get(ExtensionType.supported_versions);
		let version: number;
		if (supportedVersions) {
			const v = new Reader(supportedVersions, "supported_versions");
			version = v.u16();
			v.end();
			if (version !== Version.TLS13 || this.options.maxVersion < Version.TLS13)
				throw fatal(Alert.illegal_parameter, `the server selected version 0x${version.toString(16)}, which we did not offer`);
		}
		else {
			version = legacyVersion;
			this.selected12(version, random);
		}
		if (legacyVersion !== Version.TLS12)
			throw fatal(Alert.illegal_parameter, "bad legacy_version in ServerHello");
		const suite = suiteByCode(suiteCode);
		if (!suite || suite.version !== version || !this.options.suites.includes(suiteCode))
			throw fatal(Alert.illegal_parameter, `the server selected cipher suite 0x${suiteCode.toString(16)}, which we did not offer`);
		if (compression !== 0)
			throw fatal(Alert.illegal_parameter, "the server selected compression");
		if (version === Version.TLS13) {
			if (!equalBytes(sessionId, this.sessionId ?? NO_SESSION_ID))
				throw fatal(Alert.illegal_parameter, "the server did not echo our session ID");
			if (this.suite && this.suite.code !== suite.code)
				throw fatal(Alert.illegal_parameter, "the cipher suite changed after HelloRetryRequest");
		}
		this.version = version;
		this.suite = suite;
		this.records.version = version;
		this.transcript.start(suite.hash);
		if (isHRR) {
			if (version !== Version.TLS13)
				throw fatal(Alert.illegal_parameter, "HelloRetryRequest for TLS 1.2");
			return this.helloRetryRequest(extensions, message);
		}
		this.transcript.update(message);
		copy(this.randomBytes!, 32, random, 0, 32);     // the server's random: the second half
		if (version === Version.TLS13) {
			delete this.sessionId;   // echoed: not needed again
			if (!this.options.keylog)
				delete this.randomBytes;   // only the key log's lines name the client random from here on
			return this.serverHello13(extensions);
		}
		return this.serverHello12(extensions, sessionId);
	}

	/** extensions of a server message: no duplicates, none we did not offer (`anyType`: any type, as in
	    CertificateRequest, whose unknown extensions are ignored: RFC 8446 4.3.2) */
	private readExtensions(block: Reader | undefined, where: string, anyType = false): Map<number, Uint8Array> {
		const map = new Map<number, Uint8Array>();
		while (block && block.remaining) {
			const type = block.u16();
			const data = block.opaque(2);
			if (map.has(type))
				throw fatal(Alert.illegal_parameter, `duplicate extension ${type} in ${where}`);
			const bit = extensionBit(type);
			if (!anyType && !(bit && Math.floor((this.sentExtensions ?? 0) / bit) % 2) && !(type === ExtensionType.cookie && where === "ServerHello"))
				throw fatal(Alert.unsupported_extension, `${where} has extension ${type}, which we did not offer`);
			map.set(type, data);
		}
		return map;
	}

	private helloRetryRequest(extensions: Map<number, Uint8Array>, message: Uint8Array): void {
		// RFC 8446 4.1.4
		if (this.helloRetried)
			throw fatal(Alert.unexpected_message, "a second HelloRetryRequest");
		this.helloRetried = true;
		const keyShare = extensions.get(ExtensionType.key_share);
		const cookie = extensions.get(ExtensionType.cookie);
		if (!keyShare && !cookie)
			throw fatal(Alert.illegal_parameter, "HelloRetryRequest that changes nothing");
		if (keyShare) {
			const r = new Reader(keyShare, "key_share");
			const group = r.u16();
			r.end();
			if (!this.options.groups.includes(group))
				throw fatal(Alert.illegal_parameter, `HelloRetryRequest for group 0x${group.toString(16)}, which we did not offer`);
			if (this.shares?.some((s) => s.group === group))
				throw fatal(Alert.illegal_parameter, "HelloRetryRequest for a group we already sent a share for");
			this.closeShares();
			this.addShare(group);
		}
		if (cookie) {
			const r = new Reader(cookie, "cookie");
			this.cookie = copyOf(r.opaque(2, 1));
			r.end();
		}
		this.transcript.replaceWithMessageHash();
		this.transcript.update(message);
		if (this.tracing) this.trace(`received HelloRetryRequest: ${this.suite!.name}${keyShare ? `, group ${groupName(this.shares![0].group)}` : ""}${cookie ? ", a cookie" : ""}`);
		this.sendCompatibilityCCS();
		this.sendClientHello();
	}

	private serverHello13(extensions: Map<number, Uint8Array>): void {
		const suite = this.suite!;
		const keyShare = extensions.get(ExtensionType.key_share);
		const psk = extensions.get(ExtensionType.pre_shared_key);
		if (!keyShare)
			throw fatal(Alert.missing_extension, "ServerHello without key_share (psk_ke is not offered)");
		const r = new Reader(keyShare, "key_share");
		const group = r.u16();
		const point = r.opaque(2, 1);
		r.end();
		let share: { group: number, ecdh: ECDH } | undefined;
		for (let i = 0; this.shares && !share && i < this.shares.length; i++)   // the first, as find() would
			if (this.shares[i].group === group)
				share = this.shares[i];
		if (!share)
			throw fatal(Alert.illegal_parameter, `the server's key share is for group 0x${group.toString(16)}, which we did not send`);
		let shared: ArrayBuffer;
		try {
			shared = share.ecdh.computeSecret(point);
		}
		catch (e) {
			throw peerFailure(Alert.illegal_parameter, "bad key share from the server", e);
		}
		this.group = group;
		this.closeShares();
		if (psk) {
			const p = new Reader(psk, "pre_shared_key");
			const selected = p.u16();
			p.end();
			const session = this.options.session;
			if (!this.offeredPSK || selected !== 0 || !session || suiteByCode(session.suite)?.hash !== suite.hash)
				throw fatal(Alert.illegal_parameter, "the server selected a PSK we did not offer");
			this.flags |= Flag.RESUMED;
			if (!this.schedule || this.schedule.hash !== suite.hash)
				this.schedule = new KeySchedule(suite.hash, session.secret);
		}
		else
			this.schedule = new KeySchedule(suite.hash);
		this.schedule.handshake(shared);
		const transcriptHash = this.transcript.current();
		this.writeSecret = this.schedule.derive("c hs traffic", transcriptHash);
		this.readSecret = this.schedule.derive("s hs traffic", transcriptHash);
		this.keylog("CLIENT_HANDSHAKE_TRAFFIC_SECRET", this.writeSecret);
		this.keylog("SERVER_HANDSHAKE_TRAFFIC_SECRET", this.readSecret);
		if (this.handshake.pending)
			throw fatal(Alert.unexpected_message, "handshake data after ServerHello in the same record");
		this.records.setRead(this.protection13(this.readSecret));
		if (this.tracing) this.trace(`received ServerHello: TLS 1.3, ${suite.name}, ${groupName(group)}${this.resumed ? ", resuming" : ""}`);
		this.expect = Expect.encrypted_extensions;
	}

	// ---- EncryptedExtensions (RFC 8446 4.3.1) ----

	private encryptedExtensions(body: Uint8Array): void {
		const what = "EncryptedExtensions";
		const r = new Reader(body, what);
		const extensions = this.readExtensions(r.block(2, what), what);
		r.end();
		for (let i = 0; i < NOT_IN_ENCRYPTED_EXTENSIONS.length; i++)
			if (extensions.has(NOT_IN_ENCRYPTED_EXTENSIONS[i]))
				throw fatal(Alert.illegal_parameter, `extension ${NOT_IN_ENCRYPTED_EXTENSIONS[i]} is not allowed in EncryptedExtensions`);
		this.commonServerExtensions(extensions);
		delete this.sentExtensions;   // the server's last extensions were read
		this.expect = this.resumed ? Expect.finished : Expect.certificate_or_request;
	}

	/** server_name, ALPN, max_fragment_length, record_size_limit: the same in 1.2 ServerHello and 1.3 EncryptedExtensions */
	protected commonServerExtensions(extensions: Map<number, Uint8Array>): void {
		const sni = extensions.get(ExtensionType.server_name);
		if (sni && sni.length)
			throw fatal(Alert.decode_error, "server_name acknowledgement must be empty");
		const alpn = extensions.get(ExtensionType.application_layer_protocol_negotiation);
		if (alpn) {
			const r = new Reader(alpn, "ALPN");
			const list = r.block(2, "ALPN");
			const name = String.fromArrayBuffer(copyOf(list.opaque(1, 1)).buffer as ArrayBuffer);
			list.end();
			r.end();
			if (!this.options.alpn?.includes(name))
				throw fatal(Alert.illegal_parameter, `the server selected protocol "${name}", which we did not offer`);
			this.alpn = name;
		}
		const mfl = extensions.get(ExtensionType.max_fragment_length);
		if (mfl) {
			if (mfl.length !== 1 || mfl[0] !== MAX_FRAGMENT_CODES[this.options.maxFragmentLength ?? 0])
				throw fatal(Alert.illegal_parameter, "max_fragment_length differs from ours");
			this.records.receiveLimit = this.options.maxFragmentLength!;
		}
		const rsl = extensions.get(ExtensionType.record_size_limit);
		if (rsl) {
			// the server's limit bounds what we send (RFC 8449 4); ours bounds what it sends
			this.peerRecordSizeLimit(rsl);
			if (this.options.recordSizeLimit)
				this.records.receiveLimit = this.options.recordSizeLimit - (this.version === Version.TLS13 ? 1 : 0);
		}
	}

	// ---- CertificateRequest (RFC 8446 4.3.2) ----

	private certificateRequest13(body: Uint8Array): void {
		const what = "CertificateRequest";
		const r = new Reader(body, what);
		const context = copyOf(r.opaque(1));
		const extensions = this.readExtensions(r.block(2, "CertificateRequest extensions"), what, true);
		r.end();
		const schemes = extensions.get(ExtensionType.signature_algorithms);
		if (!schemes)
			throw fatal(Alert.missing_extension, "CertificateRequest without signature_algorithms");
		this.certificateRequest = { context, schemes: readSchemes(schemes) };
		if (this.tracing) this.trace("received CertificateRequest");
		this.expect = Expect.certificate;
	}

	// ---- Certificate (RFC 8446 4.4.2, RFC 5246 7.4.2), streamed ----

	/** the handshake reader asks with each message header: the Certificate message is streamed */
	streamFor(type: number, length: number, header: Uint8Array): MessageStream | undefined {
		const expect = this.expect;
		if (type !== HandshakeType.certificate || !(expect === Expect.certificate_or_request || expect === Expect.certificate || expect === Expect.certificate12))
			return undefined;
		return this.streamCertificate(this.options.certificates(), expect !== Expect.certificate12, length, header, false);
	}

	protected certificateReceived(): void {
		this.expect = Expect.certificate_verify;
	}

	// ---- Finished (RFC 8446 4.4.4) ----

	private finished13(body: Uint8Array, message: Uint8Array): void {
		const schedule = this.schedule!;
		this.checkFinished(schedule.finished(this.readSecret!, this.transcript.current()), body, message, "server", true);
		// application secrets from the transcript through the server Finished (RFC 8446 7.1)
		schedule.master();
		const transcriptHash = this.transcript.current();
		const clientApp = schedule.derive("c ap traffic", transcriptHash);
		const serverApp = schedule.derive("s ap traffic", transcriptHash);
		this.keylog("CLIENT_TRAFFIC_SECRET_0", clientApp);
		this.keylog("SERVER_TRAFFIC_SECRET_0", serverApp);
		if (this.options.keylog)   // the exporter secret serves only the key log here
			this.keylog("EXPORTER_SECRET", schedule.derive("exp master", transcriptHash));
		this.records.setRead(this.protection13(serverApp));
		if (this.tracing) this.trace("received Finished: good");
		// our flight: [CCS], [Certificate, CertificateVerify], Finished
		this.sendCompatibilityCCS();
		this.records.setWrite(this.protection13(this.writeSecret!));
		if (this.certificateRequest)
			this.sendClientCertificate13();
		const verify = schedule.finished(this.writeSecret!, this.transcript.current());
		this.sendHandshake(HandshakeType.finished, new Uint8Array(verify));
		this.resumptionSecret = schedule.derive("res master", this.transcript.current());
		this.records.setWrite(this.protection13(clientApp));
		this.writeSecret = clientApp;
		this.readSecret = serverApp;
		this.records.refuseChangeCipherSpec = true;
		this.expect = Expect.post_handshake;
		this.schedule = undefined;
		this.handshakeDone();
		if (this.tracing) this.trace(`handshake done: TLS 1.3, ${this.suite!.name}, ${groupName(this.group)}${this.alpn ? `, ALPN ${this.alpn}` : ""}${this.resumed ? ", resumed" : ""}`);
	}

	private sendClientCertificate13(): void {
		const request = this.certificateRequest!;
		const o = this.options;
		const w = new Writer(1024);
		w.opaque(1, request.context);
		const key = o.clientKey;
		const scheme = key ? chooseScheme(key, o.signatureAlgorithms, request.schemes) : undefined;
		writeCertificateList(w, key && scheme !== undefined ? o.clientCertificates : undefined, true);
		this.sendHandshake(HandshakeType.certificate, w.view());
		if (key && scheme !== undefined && o.clientCertificates?.length) {
			const content = certificateVerifyContent(false, this.transcript.current());
			this.sendHandshake(HandshakeType.certificate_verify, certificateVerifyBody(scheme, key, content));
			if (this.tracing) this.trace(`sent Certificate and CertificateVerify (0x${scheme.toString(16)})`);
		}
		else
			if (this.tracing) this.trace("sent an empty Certificate (no client certificate for this request)");
	}

	// ---- post-handshake (RFC 8446 4.6) ----

	private newSessionTicket13(body: Uint8Array): void {
		const r = new Reader(body, "NewSessionTicket");
		const lifetime = r.u32();
		const ageAdd = r.u32();
		const nonce = r.opaque(1);
		const ticket = r.opaque(2, 1);
		r.block(2, "NewSessionTicket extensions");
		r.end();
		if (lifetime > 604800)
			throw fatal(Alert.illegal_parameter, "ticket lifetime over 7 days");
		const suite = this.suite!;
		this.session = undefined;     // the one before is replaced: never two live at once
		const secret = expandLabel(suite.hash, this.resumptionSecret!, "resumption", nonce);
		const session: Session = {
			version: Version.TLS13, suite: suite.code, serverName: this.options.serverName, secret,
			ticket: copyOf(ticket).buffer as ArrayBuffer, id: undefined, ticketAgeAdd: ageAdd, received: Date.now(),
			lifetime, alpn: this.alpn, extendedMasterSecret: false,
		};
		if (this.tracing) this.trace(`received NewSessionTicket: lifetime ${lifetime} s`);
		this.session = session;
		this.options.onSession?.(session);
	}

	// ---- TLS 1.2: TLSClient12 (client12.ts) ----

	/** TLS 1.2's ClientHello: the session ID to resume with (TLSClient12) */
	protected helloSession12?(): void;

	/** TLS 1.2's ClientHello extensions, each begun by ext() (TLSClient12) */
	protected helloExtensions12?(w: Writer, ext: (type: number) => Writer): void;

	/** a ServerHello without supported_versions: the server selects `version`, TLS 1.2 or lower (RFC 8446 4.1.3) */
	protected selected12(version: number, _random: Uint8Array): void {
		throw fatal(Alert.protocol_version, `the server wants ${version === Version.TLS12 ? "TLS 1.2" : `version 0x${version.toString(16)}`}, below our minimum`);
	}

	/** the server selected TLS 1.2 (which serverHello() allows only when minVersion does) */
	protected serverHello12(_extensions: Map<number, Uint8Array>, _sessionId: Uint8Array): void {
		throw fatal(Alert.protocol_version, "TLS 1.2 is not in this build");
	}

	/** a ChangeCipherSpec under TLS 1.2 */
	protected changeCipherSpec12(): void {
		throw fatal(Alert.unexpected_message, UNEXPECTED_CCS);
	}
}
