/*
 * The client's TLS 1.2 (RFC 5246, with RFC 7627, RFC 5746, RFC 5077, RFC 8422): TLSClient12 is the
 * TLSClient that also speaks TLS 1.2, one method per expected TLS 1.2 handshake message.
 * A manifest that leaves TLS 1.2 out maps "tls/client12" to tls/no-client12 (manifest_tls13.json):
 * then TLSClient is TLS 1.3 only and asking for TLS 1.2 is an error, never a fallback.
 *
 *   const client = newClient(options);    // TLSClient12 when options.minVersion allows TLS 1.2
 */
import type { Key } from "crypto/keys";
import { ECDH } from "crypto/ecdh";
import { schemeInfo } from "crypto/signature";
import { Alert, fatal } from "./alert";
import { alloc, Reader, Writer, copy, copyOf, byteArray } from "./bytes";
import { ContentType, HandshakeType, ExtensionType, Version } from "./constants";
import { prf12, protection12, verifyData12, checkPointFormats, DOWNGRADE_12, DOWNGRADE_11 } from "./prf";
import { Flag, groupName, hex, peerFailure, readSchemes, equalBytes, NO_SESSION_ID } from "./connection";
import { TLSClient, Expect, UNEXPECTED_CCS } from "./client";
import { writeCertificateList } from "./certificates";
import { chooseScheme, certificateVerifyBody } from "tls/clientauth";   // by name: see clientauth.ts
import type { ClientOptions, Session } from "./options";

/** TLS 1.2 is in this build (no-client12 says false) */
export const TLS12_BUILT = true;

/** the engine for these options: TLSClient12 when they allow TLS 1.2 */
export function newClient(options: ClientOptions): TLSClient {
	return options.minVersion <= Version.TLS12 ? new TLSClient12(options) : new TLSClient(options);
}

export class TLSClient12 extends TLSClient {
	// an explicit constructor: the implicit one is constructor(...args) { super(...args) }, whose spread
	// iterates the arguments through Array.prototype.values, an entry of C into XS (docs/HOST.md)
	constructor(options: ClientOptions) {
		super(options);
	}
	declare private expectTicket?: boolean;
	declare private serverECDHE: { group: number, point: Uint8Array } | undefined;
	declare private sessionIdEcho: Uint8Array | undefined;
	declare private pendingTicket12: { ticket: ArrayBuffer, lifetime: number } | undefined;

	// ---- ClientHello (RFC 5246 7.4.1.2, RFC 5077 3.4, RFC 7627, RFC 5746, RFC 8422 5.1) ----

	protected override helloSession12(): void {
		const session = this.options.session;
		if (!session || session.version !== Version.TLS12)
			return;
		if (session.id && !session.ticket)
			this.sessionId = new Uint8Array(session.id);
		else if (!this.sessionId?.length) {
			// with a ticket, a new random ID: its echo tells that the server resumed (RFC 5077 3.4)
			this.sessionId = alloc(32);
			this.random(this.sessionId);
		}
	}

	protected override helloExtensions12(w: Writer, ext: (type: number) => Writer): void {
		const session = this.options.session;
		ext(ExtensionType.ec_point_formats).u8(1).u8(0).end();
		ext(ExtensionType.renegotiation_info).u8(0).end();
		ext(ExtensionType.extended_master_secret).end();
		ext(ExtensionType.session_ticket);
		if (session && session.version === Version.TLS12 && session.ticket)
			w.bytes(session.ticket);
		w.end();
	}

	protected override selected12(version: number, random: Uint8Array): void {
		if (version !== Version.TLS12 || this.options.minVersion > Version.TLS12)
			return super.selected12(version, random);
		if (this.helloRetried)
			throw fatal(Alert.illegal_parameter, "TLS 1.2 after a HelloRetryRequest");
		// downgrade protection (RFC 8446 4.1.3)
		if (this.options.maxVersion >= Version.TLS13 && (equalBytes(DOWNGRADE_12, random, 24) || equalBytes(DOWNGRADE_11, random, 24)))
			throw fatal(Alert.illegal_parameter, "downgrade detected (the server supports TLS 1.3 but selected TLS 1.2)");
	}

	protected override changeCipherSpec12(): void {
		if (this.expect !== Expect.change_cipher_spec12 && !(this.expect === Expect.new_session_ticket12))
			throw fatal(Alert.unexpected_message, UNEXPECTED_CCS);
		if (this.handshake.pending)
			throw fatal(Alert.unexpected_message, "change_cipher_spec inside a handshake message");
		this.expect = Expect.finished12;
		this.records.setRead(protection12(this.suite!, this.masterSecret!, this.randoms, false));
	}

	protected override onHandshakeMessage(type: number, body: Uint8Array, message: Uint8Array): void {
		if (type === HandshakeType.hello_request && this.version !== Version.TLS13) {
			// ignored during the handshake (RFC 5246 7.4.1.1); after it, renegotiation is refused
			// (RFC 5746 is sent, but we never renegotiate)
			this.ignore("HelloRequests");
			if (this.expect === Expect.post_handshake)
				this.sendAlert(Alert.no_renegotiation, 1);
			return;
		}
		this.resetIgnored();
		const expect = this.expect;
		switch (expect) {
			case Expect.server_key_exchange:
				if (type !== HandshakeType.server_key_exchange)
					break;
				this.transcript.update(message);
				return this.serverKeyExchange12(body);
			case Expect.hello_done_or_request:
			case Expect.hello_done:
				if (type === HandshakeType.certificate_request && expect === Expect.hello_done_or_request) {
					this.transcript.update(message);
					return this.certificateRequest12(body);
				}
				if (type !== HandshakeType.server_hello_done)
					break;
				this.transcript.update(message);
				return this.serverHelloDone12(body);
			case Expect.new_session_ticket12:
				if (type !== HandshakeType.new_session_ticket)
					break;
				this.transcript.update(message);
				return this.newSessionTicket12(body);
			case Expect.finished12:
				if (type !== HandshakeType.finished)
					break;
				return this.finished12(body, message);
		}
		super.onHandshakeMessage(type, body, message);
	}

	protected override certificateReceived(): void {
		if (this.expect !== Expect.certificate12)
			return super.certificateReceived();
		const auth = this.suite!.auth, key = this.peerKey!;
		if ((auth === "ecdsa" && key.type !== "ec") || (auth === "rsa" && key.type !== "rsa"))
			throw fatal(Alert.unsupported_certificate, `the certificate's key does not fit ${this.suite!.name}`);
		this.expect = Expect.server_key_exchange;
	}

	// ---- ServerHello (RFC 5246 7.4.1.3) ----

	protected override serverHello12(extensions: Map<number, Uint8Array>, sessionId: Uint8Array): void {
		this.sessionIdEcho = copyOf(sessionId);
		const reneg = extensions.get(ExtensionType.renegotiation_info);
		if (!reneg || reneg.length !== 1 || reneg[0] !== 0)
			throw fatal(Alert.handshake_failure, "the server does not support secure renegotiation (RFC 5746)");
		if (!extensions.has(ExtensionType.extended_master_secret))
			throw fatal(Alert.handshake_failure, "the server does not support the extended master secret (RFC 7627)");
		checkPointFormats(extensions.get(ExtensionType.ec_point_formats), "server");
		const ticket = extensions.get(ExtensionType.session_ticket);
		if (ticket && ticket.length)
			throw fatal(Alert.decode_error, "session_ticket in ServerHello must be empty");
		this.expectTicket = ticket !== undefined;
		this.commonServerExtensions(extensions);
		const session = this.options.session;
		// resumption: the server echoes the session ID we sent (with a ticket: any ID we sent)
		const echoed = this.sessionIdEcho!.length > 0 && equalBytes(this.sessionIdEcho!, this.sessionId ?? NO_SESSION_ID);
		delete this.sentExtensions;   // the server's extensions were read
		delete this.sessionId;        // compared: not needed again
		if (session && session.version === Version.TLS12 && echoed) {
			if (session.suite !== this.suite!.code || !session.extendedMasterSecret)
				throw fatal(Alert.illegal_parameter, "the server resumed with other parameters");
			this.flags |= Flag.RESUMED;
			this.masterSecret = session.secret;
			if (this.tracing) this.trace(`received ServerHello: TLS 1.2, ${this.suite!.name}, resuming`);
			this.expect = this.expectTicket ? Expect.new_session_ticket12 : Expect.change_cipher_spec12;
			return;
		}
		if (this.tracing) this.trace(`received ServerHello: TLS 1.2, ${this.suite!.name}`);
		this.expect = Expect.certificate12;
	}

	private serverKeyExchange12(body: Uint8Array): void {
		// ServerECDHParams and its signature (RFC 8422 5.4)
		const r = new Reader(body, "ServerKeyExchange");
		const curveType = r.u8();
		if (curveType !== 3)
			throw fatal(Alert.illegal_parameter, "ServerKeyExchange is not named_curve");
		const group = r.u16();
		const point = r.opaque(1, 1);
		const paramsLength = 4 + point.length;
		const scheme = r.u16();
		const signature = r.opaque(2, 1);
		r.end();
		if (!this.options.groups.includes(group))
			throw fatal(Alert.illegal_parameter, `ServerKeyExchange with group 0x${group.toString(16)}, which we did not offer`);
		if (!this.options.signatureAlgorithms.includes(scheme))
			throw fatal(Alert.illegal_parameter, `ServerKeyExchange signed with 0x${scheme.toString(16)}, which we did not offer`);
		const info = schemeInfo(scheme);
		const key = this.peerKey!;
		if (!info || (info.algorithm === "ecdsa") !== (key.type === "ec"))
			throw fatal(Alert.illegal_parameter, "ServerKeyExchange scheme does not fit the certificate's key");
		const signed = new Uint8Array(new ArrayBuffer(64 + paramsLength));   // not new Uint8Array(length) nor subarray(): re-entries
		signed.set(this.randoms, 0);   // client_random then server_random
		copy(signed, 64, body, 0, paramsLength);
		this.verifySignature("ServerKeyExchange", scheme, key, signed, signature);
		this.serverECDHE = { group, point: copyOf(point) };
		this.group = group;
		if (this.tracing) this.trace(`received ServerKeyExchange: ${groupName(group)}, signature 0x${scheme.toString(16)} good`);
		this.expect = Expect.hello_done_or_request;
	}

	private certificateRequest12(body: Uint8Array): void {
		const r = new Reader(body, "CertificateRequest");
		r.opaque(1, 1);   // certificate types
		const schemes = readSchemes(r.opaque(2, 2), true);
		r.opaque(2);      // certificate_authorities
		r.end();
		this.certificateRequest = { context: alloc(0), schemes };
		if (this.tracing) this.trace("received CertificateRequest");
		this.expect = Expect.hello_done;
	}

	private serverHelloDone12(body: Uint8Array): void {
		if (body.length)
			throw fatal(Alert.decode_error, "ServerHelloDone is not empty");
		const o = this.options;
		// client Certificate (RFC 5246 7.4.6)
		let signWith: { key: Key, scheme: number } | undefined;
		if (this.certificateRequest) {
			const key = o.clientKey;
			const scheme = key ? chooseScheme(key, o.signatureAlgorithms, this.certificateRequest.schemes, this.suite!.hash) : undefined;
			const w = new Writer(1024);
			writeCertificateList(w, key && scheme !== undefined ? o.clientCertificates : undefined, false);
			this.sendHandshake(HandshakeType.certificate, w.view());
			if (key && scheme !== undefined && o.clientCertificates?.length)
				signWith = { key, scheme };
			else
				if (this.tracing) this.trace("sent an empty Certificate (no client certificate for this request)");
		}
		// ClientKeyExchange (RFC 8422 5.7)
		const server = this.serverECDHE!;
		const ecdh = new ECDH(groupName(server.group), o.privateKeys?.[server.group]);
		let preMaster: ArrayBuffer;
		try {
			preMaster = ecdh.computeSecret(server.point);
		}
		catch (e) {
			ecdh.close();
			throw peerFailure(Alert.illegal_parameter, "bad ECDHE share from the server", e);
		}
		const w = new Writer(100);
		w.opaque(1, ecdh.publicKey);
		ecdh.close();
		this.sendHandshake(HandshakeType.client_key_exchange, w.view());
		// extended master secret (RFC 7627 4)
		const sessionHash = this.transcript.current();
		this.masterSecret = prf12(this.suite!.hash, preMaster, "extended master secret", new Uint8Array(sessionHash), 48);
		this.options.keylog?.(`CLIENT_RANDOM ${hex(this.clientRandom)} ${hex(this.masterSecret)}`);
		if (signWith) {
			// CertificateVerify (RFC 5246 7.4.8): signs the handshake messages so far
			const messagesHash = this.transcript.current();
			// (chooseScheme took a scheme whose hash is the transcript's: this is that digest)
			this.sendHandshake(HandshakeType.certificate_verify, certificateVerifyBody(signWith.scheme, signWith.key, messagesHash, true));
			if (this.tracing) this.trace(`sent Certificate and CertificateVerify (0x${signWith.scheme.toString(16)})`);
		}
		this.sendClientFinished12();
		this.expect = this.expectTicket ? Expect.new_session_ticket12 : Expect.change_cipher_spec12;
	}

	private sendClientFinished12(): void {
		this.records.seal(ContentType.change_cipher_spec, byteArray(1));
		this.records.setWrite(protection12(this.suite!, this.masterSecret!, this.randoms, true));
		const verify = verifyData12(this.suite!, this.masterSecret!, "client finished", this.transcript.current());
		this.sendHandshake(HandshakeType.finished, new Uint8Array(verify));
	}

	private newSessionTicket12(body: Uint8Array): void {
		// RFC 5077 3.3
		const r = new Reader(body, "NewSessionTicket");
		const lifetime = r.u32();
		const ticket = r.opaque(2);
		r.end();
		this.pendingTicket12 = ticket.length ? { ticket: copyOf(ticket).buffer as ArrayBuffer, lifetime } : undefined;
		this.expect = Expect.change_cipher_spec12;
	}
	private finished12(body: Uint8Array, message: Uint8Array): void {
		this.checkFinished(verifyData12(this.suite!, this.masterSecret!, "server finished", this.transcript.current()), body, message, "server", false);
		if (this.resumed)
			this.sendClientFinished12();
		// resumed by ticket and no new one: the ticket just used stays good (RFC 5077 3.4)
		const kept = this.resumed && !this.pendingTicket12 && this.options.session?.ticket ? this.options.session : undefined;
		const session: Session = {
			version: Version.TLS12, suite: this.suite!.code, serverName: this.options.serverName, secret: this.masterSecret!,
			ticket: this.pendingTicket12?.ticket ?? kept?.ticket, id: this.sessionIdEcho && this.sessionIdEcho.length ? copyOf(this.sessionIdEcho).buffer as ArrayBuffer : undefined,
			ticketAgeAdd: 0, received: kept ? kept.received : Date.now(), lifetime: this.pendingTicket12?.lifetime || kept?.lifetime || 7200, alpn: this.alpn,
			extendedMasterSecret: true,
		};
		if (session.ticket || session.id) {
			this.session = session;
			this.options.onSession?.(session);
		}
		this.expect = Expect.post_handshake;
		this.state = "connected";
		if (this.tracing) this.trace(`handshake done: TLS 1.2, ${this.suite!.name}${this.group ? `, ${groupName(this.group)}` : ""}${this.alpn ? `, ALPN ${this.alpn}` : ""}${this.resumed ? ", resumed" : ""}`);
	}
}
