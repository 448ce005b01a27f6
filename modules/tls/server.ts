/*
 * The server side of the engine: TLS 1.3 (RFC 8446) and TLS 1.2 (RFC 5246), sans I/O.
 *
 *   const server = new TLSServer(options);
 *   server.start();                        // arms it for the ClientHello (no output)
 *   socketBytes -> server.receive(bytes)   // returns how many bytes it took
 *   server.takeOutput()                    // records to send (in one buffer), until undefined
 *   server.read(n) / server.write(bytes) / server.close()
 *
 * Errors are TLSError: thrown by receive()/write(), with the fatal alert already queued in the
 * output, and sticky (connection.ts). One method per expected client message, with its RFC section.
 *
 * Choices: the server's preference picks the version, suite, group, signature scheme and ALPN
 * protocol. TLS 1.2 needs the extended master secret (RFC 7627) and secure renegotiation
 * (RFC 5746) and never renegotiates. Tickets are sealed by the server for itself (tickets.ts).
 * 0-RTT data is not accepted (no early_data in our tickets, so clients do not send it).
 */
import { groupOfCurve, type Key } from "crypto/keys";
import { ECDH } from "crypto/ecdh";
import { equal } from "crypto/random";
import { schemeInfo, signScheme } from "crypto/signature";
import { Alert, fatal } from "./alert";
import { alloc, Reader, Writer, ascii, copy, copyOf, byteArray } from "./bytes";
import { ClientHello } from "./extensions";
import { ContentType, HandshakeType, ExtensionType, Version, HRR_RANDOM } from "./constants";
import { MAX_PLAINTEXT } from "./record";
import type { MessageStream } from "./handshake";
import { writeCertificateList } from "./certificates";
import { KeySchedule, expandLabel } from "./keyschedule";
import { suiteByCode, type CipherSuite } from "./suites";
import { prf12, protection12, verifyData12, checkPointFormats, DOWNGRADE_12 } from "./prf";
import {
	TLSConnection, Flag, groupName, peerFailure, certificateVerifyContent, readSchemes, hex, equalBytes, NO_SESSION_ID,
} from "./connection";
import { ticketSealer, processTicketKey, put, type TicketSealer, type TicketState } from "./tickets";
import type { ServerOptions, ServerCredentials } from "./options";

export type { ServerOptions, ServerCredentials } from "./options";

const TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00FF;                         // RFC 5746 3.3
const TLS_FALLBACK_SCSV = 0x5600;                                         // RFC 7507
const PSK_DHE_KE = 1;                                                      // RFC 8446 4.2.9
const MAX_TICKET_LIFETIME = 604800;                                        // 7 days (RFC 8446 4.6.1)
// TLSServer.bits
const CLIENT_AUTHENTICATED = 1, REQUESTED_CERTIFICATE = 2, SEND_TICKET12 = 4;

type Expect =
	| "client_hello" | "client_hello2" | "flight13" | "flight12"
	| "certificate" | "certificate_verify" | "finished"
	| "certificate12" | "client_key_exchange" | "certificate_verify12" | "change_cipher_spec12" | "finished12"
	| "post_handshake";

/** a pre_shared_key offer (RFC 8446 4.2.11) */
interface PSKOffer {
	identities: { identity: Uint8Array, age: number }[];
	binders: Uint8Array[];
}

export class TLSServer extends TLSConnection {
	declare readonly options: ServerOptions;
	/** the server_name the client sent (RFC 6066 3) */
	declare serverName: string | undefined;

	private expect: Expect = "client_hello";
	/** the credentials selectCredentials (SNI) chose for this connection, if any */
	declare private chosen?: ServerCredentials;
	/** the client's legacy session ID, until our ServerHello echoed it (none: an empty one) */
	declare private sessionId?: Uint8Array;
	declare private schedule?: KeySchedule;
	declare private clientHandshakeSecret?: ArrayBuffer;
	declare private clientApplicationSecret?: ArrayBuffer;
	declare private ecdh?: ECDH;
	/** CLIENT_AUTHENTICATED, REQUESTED_CERTIFICATE, SEND_TICKET12: one number, not a property each */
	private bits = 0;
	declare private firstHello: { suite: number, group: number } | undefined;   // what HelloRetryRequest asked
	/** the scheme we sign with (TLS 1.3: from the ClientHello to our CertificateVerify) */
	declare private signatureScheme?: number;
	/** TLS 1.3: the PSK identity we resume with, for our ServerHello */
	declare private pskIndex?: number;
	/** the record limit our hello's extensions answer: record_size_limit's value, or -code of max_fragment_length */
	declare private replyLimit?: number;

	constructor(options: ServerOptions) {
		if (options.minVersion > options.maxVersion || options.minVersion < Version.TLS12 || options.maxVersion > Version.TLS13)
			throw new RangeError("tls: bad version range");
		if ((options.clientAuthentication ?? "none") !== "none" && !options.clientCertificates)
			throw new RangeError("tls: client authentication needs clientCertificates");
		if (options.recordSizeLimit !== undefined && (options.recordSizeLimit < 64 || options.recordSizeLimit > MAX_PLAINTEXT + 1))
			throw new RangeError("tls: recordSizeLimit must be 64 to 16385");
		super(options, MAX_PLAINTEXT);
		if (options.tickets !== false)
			ticketSealer(options.ticketKey ?? processTicketKey());   // a bad key is refused here; the sealer is kept by key
	}

	/** our ticket sealer (one per ticket key: tickets.ts), unless tickets are off; not a property of each connection */
	private get sealer(): TicketSealer | undefined {
		const o = this.options;
		return o.tickets === false ? undefined : ticketSealer(o.ticketKey ?? processTicketKey());
	}

	start(): void {
		if (this.state !== "start")
			throw new Error("tls: already started");
		this.state = "handshake";
	}

	/** the credentials in use: the default ones unless SNI chose others (no property each connection for the default) */
	private get credentials(): ServerCredentials {
		return this.chosen ?? this.options.credentials;
	}

	/** the key of the credentials in use (the default ones until the ClientHello chose) */
	protected get chosenKey(): Key {
		return this.credentials.key;
	}

	override dispose(): void {
		super.dispose();
		this.ecdh?.close();
		this.ecdh = undefined;
	}

	// ---- dispatch ----

	protected onHandshakeMessage(type: number, body: Uint8Array, message: Uint8Array): void {
		if (this.state === "start")
			throw fatal(Alert.unexpected_message, "the server was not started");
		const expect = this.expect;
		if (expect === "post_handshake")
			return this.postHandshake(type, body);
		this.resetIgnored();
		// the client message each state expects (the client's Certificate streams: streamFor)
		switch (expect) {
			case "client_hello":
				if (type === HandshakeType.client_hello) {
					this.clientHello(body, message);
					return this.sendFlight();
				}
				break;
			case "client_hello2":
				if (type === HandshakeType.client_hello) {
					this.secondClientHello(body, message);
					return this.sendFlight();
				}
				break;
			case "certificate_verify":
				if (type === HandshakeType.certificate_verify)
					return this.certificateVerify13(body, message);
				break;
			case "finished":
				if (type === HandshakeType.finished)
					return this.finished13(body, message);
				break;
			case "client_key_exchange":
				if (type === HandshakeType.client_key_exchange)
					return this.clientKeyExchange12(body, message);
				break;
			case "certificate_verify12":
				if (type === HandshakeType.certificate_verify)
					return this.certificateVerify12(body, message);
				break;
			case "finished12":
				if (type === HandshakeType.finished)
					return this.finished12(body, message);
				break;
		}
		throw fatal(Alert.unexpected_message, `unexpected handshake message ${type} (expected ${expect})`);
	}

	/** after the handshake: KeyUpdate (1.3); a renegotiating ClientHello (1.2) is refused (RFC 5746 4.4) */
	private postHandshake(type: number, body: Uint8Array): void {
		if (this.version === Version.TLS13 && type === HandshakeType.key_update)
			return this.keyUpdate(body);
		if (this.version === Version.TLS12 && type === HandshakeType.client_hello) {
			this.ignore("renegotiation attempts");
			this.sendAlert(Alert.no_renegotiation, 1);
			if (this.tracing) this.trace("refused renegotiation (no_renegotiation warning)");
			return;
		}
		throw fatal(Alert.unexpected_message, `unexpected handshake message ${type} after the handshake`);
	}

	protected onChangeCipherSpec(content: Uint8Array): void {
		if (content.length !== 1 || content[0] !== 1)
			throw fatal(Alert.unexpected_message, "bad change_cipher_spec");
		if (this.version === Version.TLS12) {
			// RFC 5246 7.1: switches the client's write keys, only right before its Finished
			if (this.expect !== "change_cipher_spec12")
				throw fatal(Alert.unexpected_message, "unexpected change_cipher_spec");
			if (this.handshake.pending)
				throw fatal(Alert.unexpected_message, "change_cipher_spec inside a handshake message");
			this.records.setRead(protection12(this.suite!, this.masterSecret!, this.randoms, true));
			this.expect = "finished12";
			return;
		}
		// TLS 1.3 middlebox compatibility (RFC 8446 D.4): once, after our first flight, during the handshake
		if (this.version !== Version.TLS13 || this.state !== "handshake" || this.expect === "client_hello" || !this.takeCompatibilityCCS())
			throw fatal(Alert.unexpected_message, "unexpected change_cipher_spec");
		if (this.tracing) this.trace("ignored change_cipher_spec (compatibility mode)");
	}

	// ---- the client's Certificate, streamed into the verifier (connection.ts) ----

	protected streamsNow(protectedRecord: boolean): boolean {
		return protectedRecord ? this.version === Version.TLS13 && this.expect === "certificate" : this.expect === "certificate12";
	}

	protected provisional(type: number | undefined): boolean {
		return type === HandshakeType.certificate;
	}

	streamFor(type: number, length: number, header: Uint8Array): MessageStream | undefined {
		const expect = this.expect;
		if (expect !== "certificate" && expect !== "certificate12")
			return undefined;
		if (type !== HandshakeType.certificate)
			throw fatal(Alert.unexpected_message, `unexpected handshake message ${type} (expected the client's Certificate)`);
		const tls13 = expect === "certificate";
		return this.streamCertificate(this.options.clientCertificates!(), tls13, length, header, true);
	}

	/** the client's Certificate came (RFC 8446 4.4.2.4, RFC 5246 7.4.6) */
	protected certificateReceived(): void {
		const tls13 = this.version === Version.TLS13;
		if (!this.peerKey) {
			if (this.options.clientAuthentication === "require")
				throw tls13 ? fatal(Alert.certificate_required, "the client sent no certificate")
					: fatal(Alert.handshake_failure, "the client sent no certificate");
			if (this.tracing) this.trace("received an empty client Certificate");
			this.expect = tls13 ? "finished" : "client_key_exchange";
			return;
		}
		this.expect = tls13 ? "certificate_verify" : "client_key_exchange";
	}

	// ---- ClientHello (RFC 8446 4.1.2, RFC 5246 7.4.1.2) ----

	private clientHello(body: Uint8Array, message: Uint8Array): void {
		const hello = new ClientHello(body);
		const version = this.chooseVersion(hello);
		this.version = version;
		this.records.version = version;
		this.clientRandom.set(hello.random);
		const sessionId = hello.sessionId;
		if (sessionId.length)
			this.sessionId = copyOf(sessionId);
		const sni = hello.get(ExtensionType.server_name);
		const name = sni ? parseServerName(sni) : undefined;
		if (name !== undefined)
			this.serverName = name;
		const chosen = this.options.selectCredentials?.(name);
		if (chosen)
			this.chosen = chosen;
		if (this.tracing) this.trace(`received ClientHello: ${hello.suiteCount} suites, ${hello.size} extensions${this.serverName ? `, server_name ${this.serverName}` : ""}`);
		if (version === Version.TLS13)
			return this.clientHello13(hello, message, false);
		return this.clientHello12(hello, message);
	}

	/** the ClientHello after our HelloRetryRequest (RFC 8446 4.1.2): the same, with the share we asked for */
	private secondClientHello(body: Uint8Array, message: Uint8Array): void {
		const hello = new ClientHello(body);
		if (this.chooseVersion(hello) !== Version.TLS13)
			throw fatal(Alert.illegal_parameter, "the second ClientHello does not offer TLS 1.3");
		if (!equalBytes(this.clientRandom, hello.random) || !equalBytes(this.sessionId ?? NO_SESSION_ID, hello.sessionId))
			throw fatal(Alert.illegal_parameter, "the second ClientHello changed its random or session ID");
		if (this.tracing) this.trace(`received ClientHello (after HelloRetryRequest): ${hello.suiteCount} suites, ${hello.size} extensions`);
		return this.clientHello13(hello, message, true);
	}

	/** supported_versions (RFC 8446 4.2.1), else legacy_version (RFC 5246 E.1) */
	private chooseVersion(hello: ClientHello): number {
		const o = this.options;
		const list = hello.get(ExtensionType.supported_versions);
		let version = 0;
		if (list) {
			const r = new Reader(list, "supported_versions");
			const versions = r.block(1, "supported_versions", 2);
			r.end();
			const offered: number[] = [];
			while (versions.remaining)
				offered.push(versions.u16());
			// the highest version both sides have
			for (let v = Version.TLS13; !version && v >= Version.TLS12; v--)
				if (v >= o.minVersion && v <= o.maxVersion && offered.includes(v))
					version = v;
		}
		else if (hello.legacyVersion >= Version.TLS12 && o.minVersion <= Version.TLS12)
			version = Version.TLS12;
		if (!version)
			throw fatal(Alert.protocol_version, "no protocol version in common with the client");
		// RFC 7507: a client that fell back to a lower version than ours
		if (version < o.maxVersion && hello.offersSuite(TLS_FALLBACK_SCSV))
			throw fatal(Alert.inappropriate_fallback, "the client fell back to a lower version");
		return version;
	}

	/** the first of our suites of this version that the client offers (and our key can sign for) */
	private chooseSuite(hello: ClientHello, version: number): CipherSuite {
		const key = this.credentials.key, keyType = key.type;
		// TLS 1.2: an ECDSA certificate's curve must be one the client supports (RFC 8422 5.1)
		const groups = this.clientGroups(hello);
		const ecdsaOK = keyType === "ec" && (!groups.length || groups.includes(groupOfCurve(key.curve!)));
		const suites = this.options.suites;
		for (let i = 0; i < suites.length; i++) {
			const code = suites[i];
			const suite = suiteByCode(code);
			if (!suite || suite.version !== version || !hello.offersSuite(code))
				continue;
			if (suite.auth && suite.auth !== (keyType === "ec" ? "ecdsa" : "rsa") || suite.auth === "ecdsa" && !ecdsaOK)
				continue;
			return suite;
		}
		throw fatal(Alert.handshake_failure, "no cipher suite in common with the client");
	}

	/**
	 * The scheme we sign with: ours first, among those the client offered, that our key can make
	 * (TLS 1.3: ECDSA on the scheme's curve, RSA with PSS only; RFC 8446 4.2.3, RFC 5246 7.4.1.4.1)
	 */
	/** our signature schemes that `keep` keeps, as a signature_algorithms list (RFC 8446 4.2.3) */
	private writeSchemes(w: Writer, keep: (info: ReturnType<typeof schemeInfo>) => boolean): void {
		const ours = this.options.signatureAlgorithms;
		for (let i = 0; i < ours.length; i++)
			if (keep(schemeInfo(ours[i])))
				w.u16(ours[i]);
	}

		private chooseScheme(offered: readonly number[], key: Key, tls13: boolean): number {
		const ours = this.options.signatureAlgorithms;
		for (let i = 0; i < ours.length; i++) {
			const scheme = ours[i];
			const info = schemeInfo(scheme);
			if (!info || !offered.includes(scheme))
				continue;
			if (info.algorithm === "ecdsa" ? key.type === "ec" && (key.curve === info.curve || !tls13) : key.type === "rsa" && (!tls13 || info.algorithm === "rsa-pss"))
				return scheme;
		}
		throw fatal(Alert.handshake_failure, "no signature algorithm in common with the client");
	}

	/** the client's supported_groups (RFC 8446 4.2.7, RFC 8422 5.1.1) */
	private clientGroups(hello: ClientHello): number[] {
		const data = hello.get(ExtensionType.supported_groups);
		if (!data)
			return [];
		const r = new Reader(data, "supported_groups");
		const list = r.block(2, "supported_groups", 2);
		r.end();
		const groups: number[] = [];
		while (list.remaining)
			groups.push(list.u16());
		return groups;
	}

	private clientSchemes(hello: ClientHello): number[] {
		const data = hello.get(ExtensionType.signature_algorithms);
		return data ? readSchemes(data) : [];
	}

	/** ALPN (RFC 7301 3.2): our first protocol the client offers; none in common: no_application_protocol */
	private chooseALPN(hello: ClientHello): void {
		const data = hello.get(ExtensionType.application_layer_protocol_negotiation);
		const ours = this.options.alpn;
		if (!data)
			return;
		const r = new Reader(data, "ALPN");
		const list = r.block(2, "ALPN", 2);
		r.end();
		const offered: string[] = [];
		while (list.remaining)
			offered.push(String.fromCharCode(...list.opaque(1, 1)));
		if (!ours || !ours.length)
			return;
		const chosen = ours.find((p) => offered.includes(p));
		if (chosen === undefined)
			throw fatal(Alert.no_application_protocol, "no application protocol in common with the client");
		this.alpn = chosen;
	}

	/** record_size_limit (RFC 8449 4) and max_fragment_length (RFC 6066 4): what we may send; our answer in replyLimit */
	private recordLimits(hello: ClientHello): void {
		const rsl = hello.get(ExtensionType.record_size_limit);
		const tls13 = this.version === Version.TLS13;
		if (rsl) {
			const limit = this.peerRecordSizeLimit(rsl);
			const ours = this.options.recordSizeLimit ?? MAX_PLAINTEXT + (tls13 ? 1 : 0);
			this.records.receiveLimit = Math.min(MAX_PLAINTEXT, ours - (tls13 ? 1 : 0));
			this.replyLimit = Math.min(ours, MAX_PLAINTEXT + (tls13 ? 1 : 0));
			if (this.tracing) this.trace(`record_size_limit: the client's ${limit}, ours ${this.replyLimit}`);
			return;
		}
		// max_fragment_length only when record_size_limit is absent (RFC 8449 5)
		const mfl = hello.get(ExtensionType.max_fragment_length);
		if (mfl) {
			if (mfl.length !== 1 || mfl[0] < 1 || mfl[0] > 4)
				throw fatal(Alert.illegal_parameter, "bad max_fragment_length");
			const limit = 256 << mfl[0];
			this.records.receiveLimit = limit;
			this.recordLimit = limit;
			this.replyLimit = -mfl[0];
			if (this.tracing) this.trace(`max_fragment_length ${limit}`);
		}
	}

	/**
	 * The extensions of our ServerHello (1.2) or EncryptedExtensions (1.3), written straight into `w`
	 * (no Map of views, no view per extension): server_name acknowledged (RFC 6066 3), ALPN (RFC 7301
	 * 3.1), the record limit (RFC 8449 4, RFC 6066 4)
	 */
	private writeReplyExtensions(w: Writer, serverName: boolean): void {
		if (serverName && this.serverName !== undefined)
			w.u16(ExtensionType.server_name).u16(0);
		if (this.alpn !== undefined)
			w.u16(ExtensionType.application_layer_protocol_negotiation).begin(2).begin(2).opaque(1, ascii(this.alpn)).end().end();
		const limit = this.replyLimit;
		if (limit !== undefined) {
			if (limit > 0)
				w.u16(ExtensionType.record_size_limit).u16(2).u16(limit);
			else
				w.u16(ExtensionType.max_fragment_length).u16(1).u8(-limit);
		}
	}

	// ---- TLS 1.3 ClientHello (RFC 8446 4.1.2, 4.2) ----

	private clientHello13(hello: ClientHello, message: Uint8Array, second: boolean): void {
		const ext = hello;
		if (!hello.nullCompressionOnly)
			throw fatal(Alert.illegal_parameter, "TLS 1.3 ClientHello with compression");
		const suite = this.chooseSuite(hello, Version.TLS13);
		if (second && suite.code !== this.firstHello!.suite)
			throw fatal(Alert.illegal_parameter, "the second ClientHello changed the cipher suite");
		this.suite = suite;
		this.transcript.start(suite.hash);
		// RFC 8446 9.2: what a TLS 1.3 ClientHello must carry
		if (!ext.has(ExtensionType.supported_groups) || !ext.has(ExtensionType.key_share))
			throw fatal(Alert.missing_extension, "TLS 1.3 ClientHello without supported_groups and key_share");
		const psk = ext.get(ExtensionType.pre_shared_key);
		if (!ext.has(ExtensionType.signature_algorithms) && !psk)
			throw fatal(Alert.missing_extension, "TLS 1.3 ClientHello without signature_algorithms");
		if (psk && !ext.has(ExtensionType.psk_key_exchange_modes))
			throw fatal(Alert.missing_extension, "pre_shared_key without psk_key_exchange_modes");
		// key exchange (RFC 8446 4.2.7, 4.2.8): our preferred group among those the client sent a share for,
		// else a HelloRetryRequest for our preferred group among those it supports
		const groups = this.clientGroups(hello);
		const shares = parseKeyShares(ext.get(ExtensionType.key_share)!);
		if (shares.some((s) => !groups.includes(s.group)))
			throw fatal(Alert.illegal_parameter, "key share for a group not in supported_groups");
		const acceptable = this.options.groups.filter((g) => groups.includes(g));
		if (!acceptable.length)
			throw fatal(Alert.handshake_failure, "no group in common with the client");
		const group = acceptable.find((g) => shares.some((s) => s.group === g));
		if (second) {
			if (shares.length !== 1 || shares[0].group !== this.firstHello!.group)
				throw fatal(Alert.illegal_parameter, "the second ClientHello does not carry the share we asked for");
		}
		else if (group === undefined) {
			this.transcript.update(message);
			return this.sendHelloRetryRequest(suite, acceptable[0]);
		}
		const share = shares.find((s) => s.group === (second ? this.firstHello!.group : group))!;
		this.chooseALPN(hello);
		// resumption (RFC 8446 4.2.11): a ticket of ours, fresh, with a good binder
		if (psk)
			this.acceptPSK(hello, message, suite, psk);
		if (!this.resumed)
			this.signatureScheme = this.chooseScheme(this.clientSchemes(hello), this.credentials.key, true);
		this.recordLimits(hello);
		// the transcript now takes this ClientHello
		this.transcript.update(message);
		if (this.handshake.pending)
			throw fatal(Alert.unexpected_message, "handshake data after ClientHello in the same record");
		this.keyExchange13(share.group, share.point);
		// our ServerHello and the rest of the flight once the ClientHello's frames are gone (sendFlight)
		this.expect = "flight13";
	}

	/** our ECDHE share and the handshake secret (RFC 8446 4.2.8, 7.1); the share waits for our ServerHello */
	private keyExchange13(group: number, point: Uint8Array): void {
		this.group = group;
		const ecdh = new ECDH(groupName(group), this.options.privateKeys?.[group]);
		this.ecdh = ecdh;
		let shared: ArrayBuffer;
		try {
			shared = ecdh.computeSecret(point);
		}
		catch (e) {
			throw peerFailure(Alert.illegal_parameter, "bad key share from the client", e);
		}
		(this.schedule ??= new KeySchedule(this.suite!.hash)).handshake(shared);
	}

	/** the PSK to resume with (pskIndex, schedule), if any (any ticket we cannot use: a full handshake) */
	private acceptPSK(hello: ClientHello, message: Uint8Array, suite: CipherSuite, data: Uint8Array): void {
		const offer = parsePSK(data);
		const modes = hello.get(ExtensionType.psk_key_exchange_modes)!;
		const m = new Reader(modes, "psk_key_exchange_modes");
		const list = m.opaque(1, 1);
		m.end();
		if (!list.includes(PSK_DHE_KE) || !this.sealer)
			return;
		const now = Math.floor(Date.now() / 1000);
		for (let index = 0; index < offer.identities.length; index++) {
			const state = this.sealer.open(offer.identities[index].identity, now);
			if (!state || state.version !== Version.TLS13 || suiteByCode(state.suite)?.hash !== suite.hash || state.serverName !== this.serverName)
				continue;
			if (this.options.clientAuthentication === "require" && !state.clientAuthenticated)
				continue;
			// the binder: HMAC over the transcript through the truncated ClientHello (RFC 8446 4.2.11.2)
			const schedule = new KeySchedule(suite.hash, copyOf(state.secret).buffer as ArrayBuffer);
			const expected = this.pskBinder(schedule, message.subarray(0, hello.bindersAt), this.expect === "client_hello2");
			if (!equal(offer.binders[index], expected))
				throw fatal(Alert.decrypt_error, "bad PSK binder");
			this.schedule = schedule;
			this.flags |= Flag.RESUMED;
			this.pskIndex = index;
			if (state.clientAuthenticated)
				this.bits |= CLIENT_AUTHENTICATED;
			if (this.tracing) this.trace(`accepted the session ticket (identity ${index})`);
			return;
		}
		if (this.tracing) this.trace("no usable session ticket: full handshake");
	}

	/** HelloRetryRequest (RFC 8446 4.1.4): a ServerHello with the special random */
	private sendHelloRetryRequest(suite: CipherSuite, group: number): void {
		this.firstHello = { suite: suite.code, group };
		this.transcript.replaceWithMessageHash();
		const w = new Writer(128);
		w.u16(Version.TLS12).bytes(HRR_RANDOM);
		w.opaque(1, this.sessionId ?? NO_SESSION_ID).u16(suite.code).u8(0);
		w.begin(2);
		w.u16(ExtensionType.supported_versions).begin(2).u16(Version.TLS13).end();
		w.u16(ExtensionType.key_share).begin(2).u16(group).end();
		w.end();
		this.sendHandshake(HandshakeType.server_hello, w.view());
		if (this.sessionId)
			this.sendCompatibilityCCS();
		if (this.handshake.pending)
			throw fatal(Alert.unexpected_message, "handshake data after ClientHello in the same record");
		if (this.tracing) this.trace(`sent HelloRetryRequest: ${suite.name}, group ${groupName(group)}`);
		this.expect = "client_hello2";
	}

	/** ServerHello (RFC 8446 4.1.3): our share (keyExchange13), the PSK we accepted */
	private sendServerHello13(): void {
		this.sendHandshake(HandshakeType.server_hello, this.serverHello13());
		// middlebox compatibility (RFC 8446 D.4): a client that sent a session ID gets one CCS
		if (this.sessionId)
			this.sendCompatibilityCCS();
		delete this.sessionId;   // echoed: no longer needed
		if (this.tracing) this.trace(`sent ServerHello: TLS 1.3, ${this.suite!.name}, ${groupName(this.group)}${this.resumed ? ", resuming" : ""}`);
	}

	// each message's body is made by a method of its own, and sent by its caller: the Writer and the
	// locals that made it are gone while the record layer seals it

	private serverHello13(): Uint8Array {
		const ecdh = this.ecdh!;
		const w = new Writer(256);
		this.writeServerRandom(w.u16(Version.TLS12), false);
		w.opaque(1, this.sessionId ?? NO_SESSION_ID).u16(this.suite!.code).u8(0);
		w.begin(2);
		w.u16(ExtensionType.supported_versions).begin(2).u16(Version.TLS13).end();
		w.u16(ExtensionType.key_share).begin(2).u16(this.group).opaque(2, ecdh.publicKey).end();
		if (this.pskIndex !== undefined)
			w.u16(ExtensionType.pre_shared_key).begin(2).u16(this.pskIndex).end();
		ecdh.close();
		delete this.ecdh;
		return w.end().view();
	}

	/** the rest of our first flight, if the ClientHello asked for one, once its frames are gone */
	private sendFlight(): void {
		if (this.expect === "flight13") {
			this.sendServerHello13();
			this.sendAuthentication13();
		}
		else if (this.expect === "flight12")
			this.sendAuthentication12();
	}

	/**
	 * The rest of our first flight (RFC 8446 4.3.1-4.4.4), once the ClientHello's parse and our
	 * ServerHello's locals are gone: what is live at the flight's end is the connection's only
	 */
	private sendAuthentication13(): void {
		this.handshakeKeys13();
		this.sendHandshake(HandshakeType.encrypted_extensions, this.encryptedExtensions13());
		if (!this.resumed) {
			if ((this.options.clientAuthentication ?? "none") !== "none")
				this.sendCertificateRequest13();
			this.sendHandshake(HandshakeType.certificate, this.certificateBody(true));
			const scheme = this.signatureScheme!;
			delete this.signatureScheme;
			this.sendHandshake(HandshakeType.certificate_verify, this.certificateVerify13Body(scheme));
			if (this.tracing) this.trace(`sent Certificate and CertificateVerify (0x${scheme.toString(16)})`);
		}
		this.sendFinished13();
	}

	/** the handshake traffic secrets (RFC 8446 7.1) and their record protection */
	private handshakeKeys13(): void {
		const schedule = this.schedule!;
		const helloHash = this.transcript.current();
		this.clientHandshakeSecret = schedule.derive("c hs traffic", helloHash);
		this.writeSecret = schedule.derive("s hs traffic", helloHash);
		this.keylog("CLIENT_HANDSHAKE_TRAFFIC_SECRET", this.clientHandshakeSecret);
		this.keylog("SERVER_HANDSHAKE_TRAFFIC_SECRET", this.writeSecret);
		this.records.setWrite(this.protection13(this.writeSecret));
		this.records.setRead(this.protection13(this.clientHandshakeSecret));
		this.records.allowPlaintextAlert = true;
		this.readSecret = this.clientHandshakeSecret;
	}

	/** EncryptedExtensions (RFC 8446 4.3.1) */
	private encryptedExtensions13(): Uint8Array {
		const w = new Writer(64);
		w.begin(2);
		this.writeReplyExtensions(w, !this.resumed);
		return w.end().view();
	}

	/** CertificateRequest (RFC 8446 4.3.2): an empty context, our signature schemes */
	private sendCertificateRequest13(): void {
		const w = new Writer(64);
		w.u8(0).begin(2);
		w.u16(ExtensionType.signature_algorithms).begin(2).begin(2);
		this.writeSchemes(w, (info) => info?.algorithm !== "rsa-pkcs1");
		w.end().end().end();
		this.sendHandshake(HandshakeType.certificate_request, w.view());
		this.bits |= REQUESTED_CERTIFICATE;
	}

	/** Certificate (RFC 8446 4.4.2, RFC 5246 7.4.2): our chain (TLS 1.3: an empty context, no per-certificate extensions) */
	private certificateBody(tls13: boolean): Uint8Array {
		const certificates = this.credentials.certificates;
		let n = tls13 ? 4 : 3;
		for (let i = 0; i < certificates.length; i++)
			n += certificates[i].byteLength + (tls13 ? 5 : 3);
		const w = new Writer(n);
		if (tls13)
			w.u8(0);
		writeCertificateList(w, certificates, tls13);
		return w.view();
	}

	/** CertificateVerify (RFC 8446 4.4.3) */
	private certificateVerify13Body(scheme: number): Uint8Array {
		return signedBody(undefined, scheme, signScheme(scheme, this.credentials.key, certificateVerifyContent(true, this.transcript.current())));
	}

	/** our Finished (RFC 8446 4.4.4), then the application secrets (7.1) */
	private sendFinished13(): void {
		const schedule = this.schedule!;
		this.sendHandshake(HandshakeType.finished, new Uint8Array(schedule.finished(this.writeSecret!, this.transcript.current())));
		schedule.master();
		const transcriptHash = this.transcript.current();
		this.clientApplicationSecret = schedule.derive("c ap traffic", transcriptHash);
		const serverApp = schedule.derive("s ap traffic", transcriptHash);
		this.keylog("CLIENT_TRAFFIC_SECRET_0", this.clientApplicationSecret);
		this.keylog("SERVER_TRAFFIC_SECRET_0", serverApp);
		if (this.options.keylog)   // the exporter secret serves only the key log here
			this.keylog("EXPORTER_SECRET", schedule.derive("exp master", transcriptHash));
		// the handshake keys' protection is released before the application keys' is made (its
		// AEAD, nonce and buffers are not live beside the new ones); nothing is sealed in between
		this.records.setWrite(undefined);
		this.records.setWrite(this.protection13(serverApp));
		this.writeSecret = serverApp;
		if (this.tracing) this.trace("sent Finished");
		this.expect = this.bits & REQUESTED_CERTIFICATE ? "certificate" : "finished";
	}

	/** the client's CertificateVerify (RFC 8446 4.4.3): always checked against its verified leaf key */
	private certificateVerify13(body: Uint8Array, message: Uint8Array): void {
		this.checkCertificateVerify13(body, message, this.options.signatureAlgorithms, false);
		this.bits |= CLIENT_AUTHENTICATED;
		this.expect = "finished";
	}

	/** the client's Finished (RFC 8446 4.4.4), then our NewSessionTicket */
	private finished13(body: Uint8Array, message: Uint8Array): void {
		const resumptionSecret = this.checkClientFinished13(body, message);
		// the client's application keys, made once the key schedule and the handshake keys are gone
		this.readSecret = this.clientApplicationSecret;
		delete this.clientApplicationSecret;
		this.records.setRead(this.protection13(this.readSecret!));
		this.records.refuseChangeCipherSpec = true;
		this.expect = "post_handshake";
		this.handshakeDone();
		if (this.tracing) this.trace("received Finished: good");
		if (this.sealer) {
			const lifetime = this.ticketLifetime();
			this.sendHandshakeNoTranscript(HandshakeType.new_session_ticket, this.newSessionTicket13(resumptionSecret, lifetime));
			if (this.tracing) this.trace(`sent NewSessionTicket: lifetime ${lifetime} s`);
		}
		if (this.tracing) this.trace(`handshake done: TLS 1.3, ${this.suite!.name}, ${groupName(this.group)}${this.alpn ? `, ALPN ${this.alpn}` : ""}${this.resumed ? ", resumed" : ""}`);
	}

	/** checks the client's Finished; the resumption secret (RFC 8446 7.1); the key schedule and handshake secret dropped */
	private checkClientFinished13(body: Uint8Array, message: Uint8Array): ArrayBuffer {
		const schedule = this.schedule!;
		this.checkFinished(schedule.finished(this.clientHandshakeSecret!, this.transcript.current()), body, message, "client", true);
		delete this.schedule;
		delete this.clientHandshakeSecret;
		return schedule.derive("res master", this.transcript.current());
	}

	/**
	 * NewSessionTicket's body (RFC 8446 4.6.1), the PSK sealed in the ticket itself: ticket_lifetime,
	 * ticket_age_add, ticket_nonce (8 random bytes), ticket, no extensions; the ticket sealed in place
	 */
	private newSessionTicket13(resumptionSecret: ArrayBuffer, lifetime: number): Uint8Array {
		const suite = this.suite!;
		const random = alloc(24);   // ticket_age_add, ticket_nonce, then the ticket's AEAD nonce
		this.random(random);
		const ageAdd = ((random[0] << 24) >>> 0) + (random[1] << 16) + (random[2] << 8) + random[3];
		const secret = expandLabel(suite.hash, resumptionSecret, "resumption", random.subarray(4, 12));
		const body = this.sealTicket(Version.TLS13, suite.code, secret, ageAdd, lifetime, random.subarray(12), 4 + 4 + 1 + 8 + 2, 2);
		let at = put(body, 0, lifetime, 4);
		at = put(body, at, ageAdd, 4);
		body[at++] = 8;
		for (let i = 4; i < 12; i++)
			body[at++] = random[i];
		put(body, at, body.length - at - 4, 2);   // the ticket's length; then 2 zero bytes: no extensions
		return body;
	}

	private ticketLifetime(): number {
		return Math.max(1, Math.min(MAX_TICKET_LIFETIME, this.options.ticketLifetime ?? 7200));
	}

	/** one state object, made here (no partial object spread into it); the ticket at `before` in a buffer of its message */
	private sealTicket(version: number, suite: number, secret: ArrayBuffer, ageAdd: number, lifetime: number, nonce: Uint8Array, before: number, after: number): Uint8Array {
		return this.sealer!.seal({
			version, suite, secret, ageAdd, lifetime, issued: Math.floor(Date.now() / 1000), alpn: this.alpn, serverName: this.serverName,
			clientAuthenticated: (this.bits & CLIENT_AUTHENTICATED) !== 0,
		}, nonce, before, after);
	}

	// ---- TLS 1.2 (RFC 5246, RFC 8422, RFC 7627, RFC 5746, RFC 5077) ----

	private clientHello12(hello: ClientHello, message: Uint8Array): void {
		const ext = hello;
		if (!hello.offersCompression(0))
			throw fatal(Alert.illegal_parameter, "ClientHello without null compression");
		// secure renegotiation (RFC 5746 3.6): the extension, empty, or the SCSV
		const reneg = ext.get(ExtensionType.renegotiation_info);
		if (reneg) {
			if (reneg.length !== 1 || reneg[0] !== 0)
				throw fatal(Alert.handshake_failure, "bad renegotiation_info in the initial handshake");
		}
		else if (!hello.offersSuite(TLS_EMPTY_RENEGOTIATION_INFO_SCSV))
			throw fatal(Alert.handshake_failure, "the client does not support secure renegotiation (RFC 5746)");
		// extended master secret (RFC 7627 5.2): required
		const ems = ext.get(ExtensionType.extended_master_secret);
		if (!ems)
			throw fatal(Alert.handshake_failure, "the client does not support the extended master secret (RFC 7627)");
		if (ems.length)
			throw fatal(Alert.decode_error, "extended_master_secret is not empty");
		checkPointFormats(ext.get(ExtensionType.ec_point_formats), "client");
		this.chooseALPN(hello);
		// resumption by ticket (RFC 5077 3.1)
		const ticket = ext.get(ExtensionType.session_ticket);
		const state = ticket && ticket.length ? this.openTicket12(ticket, hello) : undefined;
		if (ticket !== undefined && this.options.tickets !== false && !state)
			this.bits |= SEND_TICKET12;
		let suite: CipherSuite;
		if (state) {
			suite = suiteByCode(state.suite)!;
		}
		else {
			suite = this.chooseSuite(hello, Version.TLS12);
			const groups = this.clientGroups(hello);
			const group = this.options.groups.find((g) => groups.includes(g));
			if (group === undefined)
				throw fatal(Alert.handshake_failure, "no group in common with the client");
			this.group = group;
			this.signatureScheme = this.chooseScheme12(this.clientSchemes(hello));
		}
		this.suite = suite;
		this.transcript.start(suite.hash);
		this.transcript.update(message);
		this.recordLimits(hello);
		if (state) {
			this.sendServerHello12(true);
			return this.resume12(state);
		}
		// our ServerHello and the rest of the flight once the ClientHello's frames are gone (sendFlight)
		this.expect = "flight12";
	}

	/** the rest of our first full TLS 1.2 flight (RFC 5246 7.3), once the ClientHello's frames are gone */
	private sendAuthentication12(): void {
		this.sendServerHello12(false);
		this.sendHandshake(HandshakeType.certificate, this.certificateBody(false));
		this.sendHandshake(HandshakeType.server_key_exchange, this.serverKeyExchange12());
		if ((this.options.clientAuthentication ?? "none") !== "none")
			this.sendCertificateRequest12();
		this.sendHandshake(HandshakeType.server_hello_done, alloc(0));
		if (this.tracing) this.trace("sent Certificate, ServerKeyExchange, ServerHelloDone");
		this.expect = this.bits & REQUESTED_CERTIFICATE ? "certificate12" : "client_key_exchange";
	}

	/** TLS 1.2 signature: any of the client's schemes our key can make; ECDSA on our curve first */
	private chooseScheme12(offered: readonly number[]): number {
		if (!offered.length)
			throw fatal(Alert.handshake_failure, "ClientHello without signature_algorithms (SHA-1 only)");
		const key = this.credentials.key;
		if (key.type === "ec") {
			const own = this.options.signatureAlgorithms.find((s) => offered.includes(s) && schemeInfo(s)?.curve === key.curve);
			if (own !== undefined)
				return own;
		}
		return this.chooseScheme(offered, key, false);
	}

	/** a ticket of ours for this client, or undefined (a full handshake) */
	private openTicket12(ticket: Uint8Array, hello: ClientHello): TicketState | undefined {
		const state = this.sealer?.open(ticket, Math.floor(Date.now() / 1000));
		if (!state || state.version !== Version.TLS12 || !hello.offersSuite(state.suite) || !this.options.suites.includes(state.suite)
			|| state.serverName !== this.serverName || state.alpn !== this.alpn
			|| this.options.clientAuthentication === "require" && !state.clientAuthenticated) {
			if (this.tracing) this.trace("no usable session ticket: full handshake");
			return undefined;
		}
		return state;
	}

	/** a new server random, written to `w` (with the TLS 1.2 downgrade sentinel, RFC 8446 4.1.3); its view held here only */
	private writeServerRandom(w: Writer, downgrade: boolean): void {
		const random = new Uint8Array(this.randomBytes!, 32, 32);    // the second half
		this.random(random);
		if (downgrade)
			random.set(DOWNGRADE_12, 24);
		w.bytes(random);
	}

	/**
	 * ServerHello (RFC 5246 7.4.1.3): the downgrade sentinel when we could have done TLS 1.3 (RFC 8446
	 * 4.1.3); resuming, the client's session ID echoed (RFC 5077 3.4)
	 */
	private sendServerHello12(resuming: boolean): void {
		this.sendHandshake(HandshakeType.server_hello, this.serverHello12(resuming));
		delete this.sessionId;   // echoed: no longer needed
		if (this.tracing) this.trace(`sent ServerHello: TLS 1.2, ${this.suite!.name}`);
	}
	private serverHello12(resuming: boolean): Uint8Array {
		const w = new Writer(256);
		this.writeServerRandom(w.u16(Version.TLS12), this.options.maxVersion >= Version.TLS13);
		w.opaque(1, resuming && this.sessionId || NO_SESSION_ID).u16(this.suite!.code).u8(0);
		w.begin(2);
		w.u16(ExtensionType.renegotiation_info).u16(1).u8(0);    // RFC 5746 3.6
		w.u16(ExtensionType.extended_master_secret).u16(0);      // RFC 7627 5.2
		if (this.bits & SEND_TICKET12)
			w.u16(ExtensionType.session_ticket).u16(0);          // RFC 5077 3.2
		if (!resuming)
			w.u16(ExtensionType.ec_point_formats).u16(2).u8(1).u8(0);   // uncompressed (RFC 8422 5.2)
		this.writeReplyExtensions(w, !resuming);
		return w.end().view();
	}

	/** abbreviated handshake (RFC 5246 7.3, RFC 5077 3.1): our CCS and Finished first */
	private resume12(state: TicketState): void {
		this.flags |= Flag.RESUMED;
		this.masterSecret = copyOf(state.secret).buffer as ArrayBuffer;
		if (state.clientAuthenticated)
			this.bits |= CLIENT_AUTHENTICATED;
		this.options.keylog?.(`CLIENT_RANDOM ${hex(this.clientRandom)} ${hex(this.masterSecret)}`);
		if (this.tracing) this.trace("resuming with the session ticket");
		this.sendFinished12();
		this.expect = "change_cipher_spec12";
	}

	/** ServerKeyExchange (RFC 8422 5.4): our ECDHE share (ServerECDHParams), signed with the randoms */
	private serverKeyExchange12(): Uint8Array {
		const ecdh = new ECDH(groupName(this.group), this.options.privateKeys?.[this.group]);
		this.ecdh = ecdh;
		const point = ecdh.publicKey;
		// client_random, server_random, then the params: named_curve (3), the group, the point (1-byte length)
		const signed = alloc(64 + 4 + point.byteLength);
		signed.set(this.randoms, 0);
		signed[64] = 3;
		put(signed, 65, this.group, 2);
		signed[67] = point.byteLength;
		copy(signed, 68, point, 0, point.byteLength);
		const scheme = this.signatureScheme!;
		delete this.signatureScheme;
		return signedBody(signed.subarray(64), scheme, signScheme(scheme, this.credentials.key, signed));
	}

	/**
	 * CertificateRequest (RFC 5246 7.4.4). We keep a running transcript hash, not the messages, so
	 * the client's CertificateVerify can only be checked with the suite's hash: we offer only those.
	 */
	private sendCertificateRequest12(): void {
		const w = new Writer(64);
		w.begin(1).u8(64).u8(1).end();     // ecdsa_sign, rsa_sign
		w.begin(2);
		this.writeSchemes(w, (info) => info?.hash === this.suite!.hash);
		w.end();
		w.u16(0);                           // certificate_authorities: any
		this.sendHandshake(HandshakeType.certificate_request, w.view());
		this.bits |= REQUESTED_CERTIFICATE;
	}

	/** ClientKeyExchange (RFC 8422 5.7), then the extended master secret (RFC 7627 4) */
	private clientKeyExchange12(body: Uint8Array, message: Uint8Array): void {
		const r = new Reader(body, "ClientKeyExchange");
		const point = r.opaque(1, 1);
		r.end();
		let preMaster: ArrayBuffer;
		try {
			preMaster = this.ecdh!.computeSecret(point);
		}
		catch (e) {
			throw peerFailure(Alert.illegal_parameter, "bad ECDHE share from the client", e);
		}
		this.ecdh!.close();
		delete this.ecdh;
		this.transcript.update(message);
		const sessionHash = this.transcript.current();
		this.masterSecret = prf12(this.suite!.hash, preMaster, "extended master secret", new Uint8Array(sessionHash), 48);
		this.options.keylog?.(`CLIENT_RANDOM ${hex(this.clientRandom)} ${hex(this.masterSecret)}`);
		if (this.tracing) this.trace(`received ClientKeyExchange: ${groupName(this.group)}`);
		this.expect = this.peerKey ? "certificate_verify12" : "change_cipher_spec12";
	}

	/** the client's CertificateVerify (RFC 5246 7.4.8): over the handshake messages so far */
	private certificateVerify12(body: Uint8Array, message: Uint8Array): void {
		const r = new Reader(body, "CertificateVerify");
		const scheme = r.u16();
		const signature = r.opaque(2, 1);
		r.end();
		const info = schemeInfo(scheme);
		const key = this.peerKey!;
		if (!info || !this.options.signatureAlgorithms.includes(scheme) || info.hash !== this.suite!.hash)
			throw fatal(Alert.illegal_parameter, `CertificateVerify with scheme 0x${scheme.toString(16)}, which we did not offer`);
		if ((info.algorithm === "ecdsa") !== (key.type === "ec"))
			throw fatal(Alert.illegal_parameter, "CertificateVerify scheme does not fit the certificate's key");
		this.verifySignature("CertificateVerify", scheme, key, this.transcript.current(), signature, true);
		this.transcript.update(message);
		this.bits |= CLIENT_AUTHENTICATED;
		if (this.tracing) this.trace(`received CertificateVerify: 0x${scheme.toString(16)}, good`);
		this.expect = "change_cipher_spec12";
	}

	/** the client's Finished (RFC 5246 7.4.9) */
	private finished12(body: Uint8Array, message: Uint8Array): void {
		this.checkFinished(verifyData12(this.suite!, this.masterSecret!, "client finished", this.transcript.current()), body, message, "client", true);
		if (this.tracing) this.trace("received Finished: good");
		if (!this.resumed)
			this.sendFinished12();
		this.records.refuseChangeCipherSpec = true;
		this.expect = "post_handshake";
		this.state = "connected";
		if (this.tracing) this.trace(`handshake done: TLS 1.2, ${this.suite!.name}${this.group ? `, ${groupName(this.group)}` : ""}${this.alpn ? `, ALPN ${this.alpn}` : ""}${this.resumed ? ", resumed" : ""}`);
	}

	/** NewSessionTicket's body (RFC 5077 3.3): ticket_lifetime_hint, the ticket sealed in place */
	private newSessionTicket12(lifetime: number): Uint8Array {
		const nonce = alloc(12);
		this.random(nonce);
		const body = this.sealTicket(Version.TLS12, this.suite!.code, this.masterSecret!, 0, lifetime, nonce, 4 + 2, 0);
		put(body, put(body, 0, lifetime, 4), body.length - 6, 2);
		return body;
	}

	/** [NewSessionTicket (RFC 5077 3.3)], ChangeCipherSpec, Finished */
	private sendFinished12(): void {
		if (this.bits & SEND_TICKET12) {
			const lifetime = this.ticketLifetime();
			this.sendHandshake(HandshakeType.new_session_ticket, this.newSessionTicket12(lifetime));
			if (this.tracing) this.trace(`sent NewSessionTicket: lifetime ${lifetime} s`);
		}
		this.records.seal(ContentType.change_cipher_spec, byteArray(1));
		this.records.setWrite(protection12(this.suite!, this.masterSecret!, this.randoms, false));
		this.sendHandshake(HandshakeType.finished, new Uint8Array(verifyData12(this.suite!, this.masterSecret!, "server finished", this.transcript.current())));
		if (this.tracing) this.trace("sent ChangeCipherSpec and Finished");
	}
}

/** `before` (if any), then a signature's scheme and the signature with a 2-byte length (RFC 8446 4.4.3, RFC 5246 7.4.3) */
function signedBody(before: Uint8Array | undefined, scheme: number, signature: ArrayBuffer): Uint8Array {
	const at = before ? before.length : 0, n = signature.byteLength;
	const body = alloc(at + 4 + n);
	if (before)
		body.set(before, 0);
	put(body, put(body, at, scheme, 2), n, 2);
	copy(body, at + 4, signature, 0, n);
	return body;
}

// ---- parsing the client's messages (length-checked with bytes.ts Reader; the ClientHello: extensions.ts) ----

/** server_name (RFC 6066 3): the host_name, ASCII letters, digits, '-', '.' */
function parseServerName(data: Uint8Array): string | undefined {
	const r = new Reader(data, "server_name");
	const list = r.block(2, "server_name", 1);
	r.end();
	let name: string | undefined;
	while (list.remaining) {
		const type = list.u8();
		const value = list.opaque(2, 1);
		if (type !== 0)
			continue;
		if (name !== undefined)
			throw fatal(Alert.illegal_parameter, "two host names in server_name");
		if (value.length > 253)
			throw fatal(Alert.illegal_parameter, "server_name too long");
		for (let i = 0; i < value.length; i++) {
			const c = value[i];
			if (!(c >= 0x30 && c <= 0x39 || c >= 0x41 && c <= 0x5A || c >= 0x61 && c <= 0x7A || c === 0x2D || c === 0x2E || c === 0x5F))
				throw fatal(Alert.illegal_parameter, "bad character in server_name");
		}
		name = String.fromCharCode(...value).toLowerCase();
	}
	return name;
}

/** key_share (RFC 8446 4.2.8): client_shares, one per group */
function parseKeyShares(data: Uint8Array): { group: number, point: Uint8Array }[] {
	const r = new Reader(data, "key_share");
	const list = r.block(2, "key_share");
	r.end();
	const shares: { group: number, point: Uint8Array }[] = [];
	while (list.remaining) {
		const group = list.u16();
		const point = list.opaque(2, 1);
		if (shares.some((s) => s.group === group))
			throw fatal(Alert.illegal_parameter, "two key shares for one group");
		shares.push({ group, point });
	}
	return shares;
}

/** pre_shared_key (RFC 8446 4.2.11): identities and as many binders */
function parsePSK(data: Uint8Array): PSKOffer {
	const r = new Reader(data, "pre_shared_key");
	const ids = r.block(2, "PSK identities", 7);
	const bs = r.block(2, "PSK binders", 33);
	r.end();
	const identities: { identity: Uint8Array, age: number }[] = [];
	while (ids.remaining)
		identities.push({ identity: ids.opaque(2, 1), age: ids.u32() });
	const binders: Uint8Array[] = [];
	while (bs.remaining)
		binders.push(bs.opaque(1, 32));
	if (binders.length !== identities.length)
		throw fatal(Alert.illegal_parameter, "PSK identities and binders differ in number");
	return { identities, binders };
}
