// A scripted hostile TLS server in Node over raw TCP (no TLS library): it reads the ClientHello,
// parses it, and answers with crafted bytes. What raw bytes can do: ServerHello-level cases,
// record-layer cases, plaintext alerts, and TLS 1.2 plaintext handshake messages (a real
// Certificate, a ServerKeyExchange signed with node:crypto, correctly or not). Also a
// re-framing proxy in front of a real server (split handshake records, dropped close_notify).
// Used by tests/hostile.test.mjs.
import { createCipheriv, createDecipheriv, createHash, createHmac, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, randomBytes, sign, constants as cryptoConstants } from "node:crypto";
import net from "node:net";
import { join } from "node:path";
import { repo, startXsh, delay } from "./xsh.mjs";

export const projectManifest = join(repo, "manifest.json");
export const hostileDir = join(repo, "tests", "xs", "hostile");

// ---- encoding ----

export const u8 = (v) => Buffer.from([v & 0xFF]);
export const u16 = (v) => Buffer.from([(v >> 8) & 0xFF, v & 0xFF]);
export const u24 = (v) => Buffer.from([(v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF]);
export const ext = (type, data = Buffer.alloc(0)) => Buffer.concat([u16(type), u16(data.length), data]);
/** a record: type, body (the length field may lie with `length`) */
export const record = (type, body, { version = 0x0303, length = body.length } = {}) =>
  Buffer.concat([u8(type), u16(version), u16(length), body]);
/** a handshake message (the length field may lie with `length`) */
export const handshake = (type, body, { length = body.length } = {}) => Buffer.concat([u8(type), u24(length), body]);
export const alert = (level, description) => record(21, Buffer.from([level, description]));

export const CT = { ccs: 20, alert: 21, handshake: 22, appdata: 23 };
export const HS = { server_hello: 2, certificate: 11, server_key_exchange: 12, certificate_request: 13, server_hello_done: 14, finished: 20 };
export const HRR_RANDOM = Buffer.from("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c", "hex");
export const DOWNGRD_12 = Buffer.from("444f574e47524401", "hex");
export const DOWNGRD_11 = Buffer.from("444f574e47524400", "hex");
export const GROUP = { x25519: 0x001D, secp256r1: 0x0017, secp384r1: 0x0018, secp521r1: 0x0019 };

export function x25519Pair() {
  const { publicKey, privateKey } = generateKeyPairSync("x25519");
  return { publicKey: publicKey.export({ format: "der", type: "spki" }).subarray(-32), privateKey };
}

/** a ServerHello message body; `extensions` are already encoded (ext()) */
export function serverHelloBody({ version = 0x0303, random = randomBytes(32), sessionId = Buffer.alloc(0), suite, compression = 0, extensions = [], extLength }) {
  const exts = Buffer.concat(extensions);
  return Buffer.concat([u16(version), random, u8(sessionId.length), sessionId, u16(suite), u8(compression),
    u16(extLength ?? exts.length), exts]);
}
export const serverHello = (o) => handshake(HS.server_hello, serverHelloBody(o));

/** a TLS 1.3 ServerHello for this ClientHello, x25519, TLS_AES_128_GCM_SHA256 (overridable) */
export function serverHello13(hello, o = {}) {
  const share = o.share ?? ext(51, Buffer.concat([u16(GROUP.x25519), u16(32), x25519Pair().publicKey]));
  return serverHello({
    sessionId: hello.sessionId, suite: 0x1301,
    extensions: [ext(43, u16(0x0304)), share],
    ...o,
  });
}

/** a TLS 1.2 ServerHello: ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, EMS, renegotiation_info */
export function serverHello12(o = {}) {
  return serverHello({
    sessionId: randomBytes(32), suite: 0xC02B,
    extensions: [ext(0xFF01, u8(0)), ext(23)],
    ...o,
  });
}

/** a HelloRetryRequest selecting `group` */
export function helloRetryRequest(hello, group, extra = []) {
  return serverHello({
    random: HRR_RANDOM, sessionId: hello.sessionId, suite: 0x1301,
    extensions: [ext(43, u16(0x0304)), ext(51, u16(group)), ...extra],
  });
}

/** a TLS 1.2 Certificate message from DER certificates */
export function certificate12(ders) {
  const list = Buffer.concat(ders.map((d) => Buffer.concat([u24(d.length), d])));
  return handshake(HS.certificate, Buffer.concat([u24(list.length), list]));
}

/**
 * A TLS 1.2 ServerKeyExchange (ECDHE, x25519) signed over client_random + server_random + params
 * with `key` (PEM) under `scheme` (0x0403 ecdsa_secp256r1_sha256, 0x0503, 0x0603; the hash is what
 * is signed with); `corrupt` flips a bit of the signature; `hash` overrides the hash used.
 */
export function serverKeyExchange12({ clientRandom, serverRandom, key, scheme = 0x0403, corrupt = false, hash }) {
  const params = Buffer.concat([u8(3), u16(GROUP.x25519), u8(32), x25519Pair().publicKey]);
  const algorithm = hash ?? { 4: "sha256", 5: "sha384", 6: "sha512" }[scheme >> 8];
  const signature = sign(algorithm, Buffer.concat([clientRandom, serverRandom, params]), createPrivateKey(key));
  if (corrupt) signature[signature.length - 3] ^= 0x01;
  return handshake(HS.server_key_exchange, Buffer.concat([params, u16(scheme), u16(signature.length), signature]));
}
export const serverHelloDone = () => handshake(HS.server_hello_done, Buffer.alloc(0));

// ---- a TLS 1.3 server flight (RFC 8446 7): x25519, TLS_AES_128_GCM_SHA256 ----

const sha256 = (...parts) => createHash("sha256").update(Buffer.concat(parts)).digest();
const hkdfExtract = (salt, ikm) => createHmac("sha256", salt).update(ikm).digest();
function hkdfExpandLabel(secret, label, context, length) {
  const full = Buffer.from("tls13 " + label);
  const info = Buffer.concat([u16(length), u8(full.length), full, u8(context.length), context]);
  let t = Buffer.alloc(0), out = Buffer.alloc(0);
  for (let i = 1; out.length < length; i++) {
    t = createHmac("sha256", secret).update(Buffer.concat([t, info, u8(i)])).digest();
    out = Buffer.concat([out, t]);
  }
  return out.subarray(0, length);
}

/** TLS_AES_128_GCM_SHA256 record protection under one traffic secret (RFC 8446 5.2, 5.3) */
function protection13(secret) {
  const key = hkdfExpandLabel(secret, "key", Buffer.alloc(0), 16), iv = hkdfExpandLabel(secret, "iv", Buffer.alloc(0), 12);
  let sequence = 0n;
  const nonce = () => {
    const n = Buffer.from(iv), seq = Buffer.alloc(8);
    seq.writeBigUInt64BE(sequence++);
    for (let i = 0; i < 8; i++) n[4 + i] ^= seq[i];
    return n;
  };
  return {
    secret,
    seal(content, type) {
      const inner = Buffer.concat([content, u8(type)]);
      const header = Buffer.concat([u8(CT.appdata), u16(0x0303), u16(inner.length + 16)]);
      const cipher = createCipheriv("aes-128-gcm", key, nonce());
      cipher.setAAD(header);
      return Buffer.concat([header, cipher.update(inner), cipher.final(), cipher.getAuthTag()]);
    },
    open(header, body) {
      const decipher = createDecipheriv("aes-128-gcm", key, nonce());
      decipher.setAAD(header);
      decipher.setAuthTag(body.subarray(body.length - 16));
      const inner = Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]);
      let end = inner.length;
      while (end > 0 && inner[end - 1] === 0) end--;
      if (end === 0) throw new Error("tls13Flight: a record without a content type");
      return { type: inner[end - 1], content: inner.subarray(0, end - 1) };
    },
  };
}

/**
 * A scripted TLS 1.3 server past its ServerHello: derives the handshake keys from the client's
 * x25519 share, and protects the messages it is given. Build with tls13Flight(hello); then
 * serverHello (the record to send first), protect(messages...) -> a protected record, and
 * transcript helpers: add(message), hash(), certificateVerify(...), finished().
 */
export function tls13Flight(hello) {
  const { publicKey, privateKey } = x25519Pair();
  const clientShare = hello.shareKeys.get(GROUP.x25519);
  if (!clientShare) throw new Error("the client sent no x25519 share");
  const peer = createPublicKey({ key: Buffer.concat([Buffer.from("302a300506032b656e032100", "hex"), clientShare]), format: "der", type: "spki" });
  const shared = diffieHellman({ privateKey, publicKey: peer });
  const sh = serverHello({ sessionId: hello.sessionId, suite: 0x1301,
    extensions: [ext(43, u16(0x0304)), ext(51, Buffer.concat([u16(GROUP.x25519), u16(32), publicKey]))] });
  const transcript = [hello.message, sh];
  const early = hkdfExtract(Buffer.alloc(32), Buffer.alloc(32));
  const derived = hkdfExpandLabel(early, "derived", sha256(), 32);
  const handshakeSecret = hkdfExtract(derived, shared);
  const serverSecret = hkdfExpandLabel(handshakeSecret, "s hs traffic", sha256(...transcript), 32);
  const clientSecret = hkdfExpandLabel(handshakeSecret, "c hs traffic", sha256(...transcript), 32);
  let server = protection13(serverSecret), client = protection13(clientSecret), clientApplication;
  const flight = {
    /** after the server Finished is in the transcript: protect with the server application traffic keys */
    applicationKeys() {
      const master = hkdfExtract(hkdfExpandLabel(handshakeSecret, "derived", sha256(), 32), Buffer.alloc(32));
      server = protection13(hkdfExpandLabel(master, "s ap traffic", flight.hash(), 32));
      clientApplication = hkdfExpandLabel(master, "c ap traffic", flight.hash(), 32);
    },
    /** a KeyUpdate record under the current keys, then the next keys (RFC 8446 7.2) */
    keyUpdate(requested = true) {
      const r = flight.protect(handshake(24, u8(requested ? 1 : 0)));
      server = protection13(hkdfExpandLabel(server.secret, "traffic upd", Buffer.alloc(0), 32));
      return r;
    },
    serverHello: record(CT.handshake, sh),
    add(...messages) { transcript.push(...messages); return Buffer.concat(messages); },
    hash: () => sha256(...transcript),
    /** one protected record of `type` (default handshake) */
    protect: (content, type = CT.handshake) => server.seal(content, type),
    /**
     * a protected record from the client ({type, body, raw} of parseRecords): {type, content},
     * opened with the client handshake keys until clientFinished() accepted its Finished, then
     * with its application keys; throws if it does not open
     */
    openClient: (r) => client.open(Buffer.concat([u8(r.type), u16(r.version), u16(r.length)]), r.body),
    /** checks the client's Finished message (RFC 8446 4.4.4; after applicationKeys()), then opens with its application keys */
    clientFinished(message) {
      const verify = createHmac("sha256", hkdfExpandLabel(clientSecret, "finished", Buffer.alloc(0), 32)).update(flight.hash()).digest();
      if (!message.equals(handshake(HS.finished, verify))) throw new Error("tls13Flight: the client's Finished is wrong");
      client = protection13(clientApplication);
    },
    encryptedExtensions: (exts = []) => handshake(8, Buffer.concat([u16(Buffer.concat(exts).length), ...exts])),
    certificate: (ders) => {
      const list = Buffer.concat(ders.map((d) => Buffer.concat([u24(d.length), d, u16(0)])));
      return handshake(HS.certificate, Buffer.concat([u8(0), u24(list.length), list]));
    },
    /** CertificateVerify over the transcript so far: scheme, key (PEM), hash/padding overrides, corrupt */
    certificateVerify({ scheme = 0x0403, key, hash, pss, corrupt = false }) {
      const content = Buffer.concat([Buffer.alloc(64, 0x20), Buffer.from("TLS 1.3, server CertificateVerify\0", "latin1"), flight.hash()]);
      const algorithm = hash ?? { 0x0403: "sha256", 0x0503: "sha384", 0x0603: "sha512", 0x0804: "sha256", 0x0805: "sha384", 0x0806: "sha512" }[scheme] ?? "sha256";
      const rsaPss = pss ?? (scheme >= 0x0804 && scheme <= 0x0806);
      const signature = sign(algorithm, content, rsaPss
        ? { key: createPrivateKey(key), padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: { sha256: 32, sha384: 48, sha512: 64 }[algorithm] }
        : createPrivateKey(key));
      if (corrupt) signature[signature.length - 3] ^= 0x01;
      return handshake(15, Buffer.concat([u16(scheme), u16(signature.length), signature]));
    },
    /** Finished over the transcript so far; corrupt flips a bit */
    finished({ corrupt = false } = {}) {
      const finishedKey = hkdfExpandLabel(serverSecret, "finished", Buffer.alloc(0), 32);
      const verify = createHmac("sha256", finishedKey).update(flight.hash()).digest();
      if (corrupt) verify[0] ^= 0x80;
      return handshake(HS.finished, verify);
    },
  };
  return flight;
}

/**
 * The whole TLS 1.3 server flight, each step overridable: returns the bytes to send after the
 * ClientHello. o: {ders, key, scheme, corruptSignature, corruptFinished, certificateVerify: false
 * (leave it out), hash, pss}
 */
export function tls13ServerFlight(hello, o) {
  const f = tls13Flight(hello);
  const ee = f.add(f.encryptedExtensions());
  const cert = f.add(f.certificate(o.ders));
  const parts = [f.serverHello, f.protect(ee), f.protect(cert)];
  if (o.certificateVerify !== false)
    parts.push(f.protect(f.add(f.certificateVerify({ scheme: o.scheme, key: o.key, hash: o.hash, pss: o.pss, corrupt: o.corruptSignature }))));
  parts.push(f.protect(f.add(f.finished({ corrupt: o.corruptFinished }))));
  return Buffer.concat(parts);
}

// ---- a TLS 1.2 server that completes the handshake (RFC 5246 7, RFC 7627, RFC 5288) ----
// ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 over x25519, extended master secret: enough to reach
// "connected" and then send crafted records under the server's write key.

/** the TLS 1.2 PRF with SHA-256 (RFC 5246 5) */
export function prf12(secret, label, seed, length) {
  const full = Buffer.concat([Buffer.from(label, "latin1"), seed]);
  let a = full, out = Buffer.alloc(0);
  while (out.length < length) {
    a = createHmac("sha256", secret).update(a).digest();
    out = Buffer.concat([out, createHmac("sha256", secret).update(Buffer.concat([a, full])).digest()]);
  }
  return out.subarray(0, length);
}

/** AES-128-GCM record protection of TLS 1.2 (RFC 5288 3): explicit nonce = the sequence number */
function gcm12(key, salt) {
  let sequence = 0n;
  const nonceAndAad = (type, length) => {
    const seq = Buffer.alloc(8);
    seq.writeBigUInt64BE(sequence++);
    return { explicit: seq, nonce: Buffer.concat([salt, seq]), aad: Buffer.concat([seq, u8(type), u16(0x0303), u16(length)]) };
  };
  return {
    seal(type, content) {
      const { explicit, nonce, aad } = nonceAndAad(type, content.length);
      const cipher = createCipheriv("aes-128-gcm", key, nonce);
      cipher.setAAD(aad);
      return record(type, Buffer.concat([explicit, cipher.update(content), cipher.final(), cipher.getAuthTag()]));
    },
    open(type, body) {
      const explicit = body.subarray(0, 8), tag = body.subarray(body.length - 16), ct = body.subarray(8, body.length - 16);
      const { aad } = nonceAndAad(type, ct.length);
      const decipher = createDecipheriv("aes-128-gcm", key, Buffer.concat([salt, explicit]));
      decipher.setAAD(aad);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ct), decipher.final()]);
    },
  };
}

/**
 * A scripted TLS 1.2 server: `first` is its flight (ServerHello with EMS and renegotiation_info,
 * Certificate, a correct ServerKeyExchange, ServerHelloDone); finish(clientBytes) takes what the
 * client sent after its ClientHello (ClientKeyExchange, ChangeCipherSpec, Finished), checks the
 * client's Finished, and returns our ChangeCipherSpec + Finished; then protect(content, type)
 * seals records under the server write key (sequence 1 on).
 */
export function tls12Flight(hello, { ders, key }) {
  const serverRandom = randomBytes(32);
  const { publicKey, privateKey } = x25519Pair();
  const params = Buffer.concat([u8(3), u16(GROUP.x25519), u8(32), publicKey]);
  const signature = sign("sha256", Buffer.concat([hello.random, serverRandom, params]), createPrivateKey(key));
  const messages = [serverHello12({ random: serverRandom }), certificate12(ders),
    handshake(HS.server_key_exchange, Buffer.concat([params, u16(0x0403), u16(signature.length), signature])), serverHelloDone()];
  const transcript = [hello.message, ...messages];
  let server, clientKeys;
  const flight = {
    first: record(CT.handshake, Buffer.concat(messages)),
    /** true once clientBytes hold the client's whole second flight */
    ready: (clientBytes) => parseRecords(clientBytes).filter((r) => !r.truncated).length >= 3,
    finish(clientBytes) {
      const [cke, ccs, fin] = parseRecords(clientBytes);
      if (cke.type !== CT.handshake || cke.body[0] !== 16 || ccs.type !== CT.ccs || fin.type !== CT.handshake)
        throw new Error(`tls12Flight: unexpected client flight ${JSON.stringify([cke, ccs, fin].map((r) => r?.type))}`);
      const point = cke.body.subarray(5, 5 + cke.body[4]);
      const peer = createPublicKey({ key: Buffer.concat([Buffer.from("302a300506032b656e032100", "hex"), point]), format: "der", type: "spki" });
      const premaster = diffieHellman({ privateKey, publicKey: peer });
      transcript.push(cke.body);
      const master = prf12(premaster, "extended master secret", sha256(...transcript), 48);
      const block = prf12(master, "key expansion", Buffer.concat([serverRandom, hello.random]), 40);
      const client = gcm12(block.subarray(0, 16), block.subarray(32, 36));
      clientKeys = [block.subarray(0, 16), block.subarray(32, 36)];
      server = gcm12(block.subarray(16, 32), block.subarray(36, 40));
      const clientFinished = client.open(CT.handshake, fin.body);
      const expected = handshake(HS.finished, prf12(master, "client finished", sha256(...transcript), 12));
      if (!clientFinished.equals(expected)) throw new Error("tls12Flight: the client's Finished is wrong");
      transcript.push(clientFinished);
      const finished = handshake(HS.finished, prf12(master, "server finished", sha256(...transcript), 12));
      return Buffer.concat([record(CT.ccs, u8(1)), server.seal(CT.handshake, finished)]);
    },
    protect: (content, type = CT.appdata) => server.seal(type, content),
    /** the client's records after its Finished, decrypted: [{type, content}] (undefined if one fails to open) */
    clientRecords(clientBytes) {
      const opener = gcm12(...clientKeys);
      const records = parseRecords(clientBytes).filter((r) => !r.truncated).slice(2);
      try {
        return records.map((r) => ({ type: r.type, content: opener.open(r.type, r.body) })).slice(1);
      }
      catch {
        return undefined;
      }
    },
  };
  return flight;
}

// ---- parsing ----

/** parses a ClientHello record (or the first one of several): random, session ID, suites, extensions */
export function parseClientHello(bytes) {
  const body = bytes.subarray(5 + 4);
  let p = 2;
  const random = body.subarray(p, p + 32);
  p += 32;
  const sessionId = body.subarray(p + 1, p + 1 + body[p]);
  p += 1 + body[p];
  const nSuites = body.readUInt16BE(p);
  const suites = [];
  for (let i = 0; i < nSuites; i += 2) suites.push(body.readUInt16BE(p + 2 + i));
  p += 2 + nSuites;
  p += 1 + body[p];
  const extEnd = p + 2 + body.readUInt16BE(p);
  p += 2;
  const extensions = new Map();
  while (p < extEnd) {
    const type = body.readUInt16BE(p), len = body.readUInt16BE(p + 2);
    extensions.set(type, body.subarray(p + 4, p + 4 + len));
    p += 4 + len;
  }
  const shares = [], shareKeys = new Map();
  const ks = extensions.get(51);
  if (ks) for (let q = 2; q < ks.length;) {
    shares.push(ks.readUInt16BE(q));
    shareKeys.set(ks.readUInt16BE(q), ks.subarray(q + 4, q + 4 + ks.readUInt16BE(q + 2)));
    q += 4 + ks.readUInt16BE(q + 2);
  }
  const list16 = (b, skip = 2) => {
    const out = [];
    if (b) for (let q = skip; q < b.length; q += 2) out.push(b.readUInt16BE(q));
    return out;
  };
  return { message: bytes.subarray(5, 5 + bytes.readUInt16BE(3)), random, sessionId, suites, extensions, shares, shareKeys, groups: list16(extensions.get(10)), schemes: list16(extensions.get(13)) };
}

/** frames records out of bytes: [{type, version, length, body}] (a truncated last one is marked) */
export function parseRecords(bytes) {
  const out = [];
  for (let p = 0; p < bytes.length;) {
    if (bytes.length - p < 5) {
      out.push({ truncated: true, bytes: bytes.subarray(p) });
      break;
    }
    const length = bytes.readUInt16BE(p + 3);
    out.push({ type: bytes[p], version: bytes.readUInt16BE(p + 1), length, body: bytes.subarray(p + 5, p + 5 + length), truncated: p + 5 + length > bytes.length });
    p += 5 + length;
  }
  return out;
}

/** what the client sent after the ClientHello, described: plaintext alerts, encrypted records */
export function describeAfter(bytes) {
  const records = parseRecords(bytes ?? Buffer.alloc(0));
  return {
    records,
    alerts: records.filter((r) => r.type === 21 && r.length === 2).map((r) => ({ level: r.body[0], description: r.body[1] })),
    // a TLS 1.3 alert under the handshake keys: application_data, 2 + 1 (inner type) + 16 (tag)
    encryptedAlerts: records.filter((r) => r.type === 23 && r.length === 19).length,
    handshakeTypes: records.filter((r) => r.type === 22).map((r) => r.body[0]),
  };
}

// ---- the scripted server ----

/**
 * Starts a hostile server. For each connection: reads the ClientHello record, then runs
 * `script(ctx)` with ctx = { hello, socket, send(buffer), sendSlowly(buffer, msPerByte), sleep(ms),
 * closed() }. Everything the client sends after its ClientHello is kept.
 * Returns { port, connection: Promise<the first connection's {hello, after, scriptError}>, connections, close() }.
 */
export async function hostileServer(script) {
  const sockets = new Set();
  let resolveFirst;
  const first = new Promise((res) => { resolveFirst = res; });
  const all = [];
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    let got = Buffer.alloc(0), hello;
    const afterChunks = [];
    let isClosed = false;
    const state = { hello: undefined, after: undefined, scriptError: undefined };
    all.push(state);
    socket.on("data", (d) => {
      if (hello) {
        afterChunks.push(d);
        return;
      }
      got = Buffer.concat([got, d]);
      if (got.length < 5 || got.length < 5 + got.readUInt16BE(3)) return;
      const helloLength = 5 + got.readUInt16BE(3);
      hello = parseClientHello(got);
      state.hello = hello;
      if (got.length > helloLength) afterChunks.push(got.subarray(helloLength));
      const ctx = {
        hello,
        socket,
        send: (b) => { if (!isClosed && !socket.destroyed) socket.write(b); },
        async sendSlowly(b, ms) {
          for (const byte of b) {
            if (isClosed || socket.destroyed) return;
            socket.write(Buffer.from([byte]));
            await delay(ms);
          }
        },
        sleep: delay,
        closed: () => isClosed,
        after: () => Buffer.concat(afterChunks),
        /** this connection's record ({hello, after, scriptError}): a script may keep its own things in it */
        state,
      };
      Promise.resolve().then(() => script(ctx)).catch((e) => { state.scriptError = e; });
    });
    socket.on("close", () => {
      isClosed = true;
      sockets.delete(socket);
      state.after = Buffer.concat(afterChunks);
      resolveFirst(state);
    });
  });
  await new Promise((res, rej) => {
    server.once("error", rej);
    server.listen(0, "127.0.0.1", res);
  });
  return {
    port: server.address().port,
    connection: first,
    /** every connection so far: [{hello, after, scriptError}] (after: once closed) */
    connections: all,
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((res) => server.close(() => res()));
    },
  };
}

/**
 * A TCP proxy in front of 127.0.0.1:target that frames the server's records and hands each to
 * `onRecord(record, emit)` (record: {type, version, length, body, raw}); emit(buffer) sends bytes
 * to the client. `onServerEnd(emit)` runs when the server closes (then the client side is ended).
 */
export async function recordProxy(target, { onRecord, onServerEnd }) {
  const sockets = new Set();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on("error", () => {});
    const upstream = net.connect({ host: "127.0.0.1", port: target });
    sockets.add(upstream);
    upstream.on("error", () => client.destroy());
    client.on("data", (d) => upstream.write(d));
    client.on("end", () => upstream.end());
    client.on("close", () => upstream.destroy());
    let buffer = Buffer.alloc(0);
    const emit = (b) => { if (!client.destroyed) client.write(b); };
    upstream.on("data", (d) => {
      buffer = Buffer.concat([buffer, d]);
      while (buffer.length >= 5 && buffer.length >= 5 + buffer.readUInt16BE(3)) {
        const length = buffer.readUInt16BE(3);
        const raw = buffer.subarray(0, 5 + length);
        buffer = buffer.subarray(5 + length);
        onRecord({ type: raw[0], version: raw.readUInt16BE(1), length, body: raw.subarray(5), raw }, emit);
      }
    });
    upstream.on("end", () => {
      onServerEnd?.(emit);
      client.end();
    });
  });
  await new Promise((res) => server.listen(0, "127.0.0.1", res));
  return {
    port: server.address().port,
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((res) => server.close(() => res()));
    },
  };
}

// ---- the XS driver ----

/**
 * Runs tests/xs/hostile/client.js (SecureSocket) against 127.0.0.1:port with `secure`; resolves to
 * xsh's result with: events (the JSON lines), error (the first connection's {message, reason, alert,
 * remote}), connected, closed, memories ([{c, nativeBefore, nativeAfter, received}] per connection).
 */
export async function runHostileClient(port, config = {}, { timeout = 20000, options = [] } = {}) {
  const run = startXsh(join(hostileDir, "client.js"), [JSON.stringify({ port, ...config })],
    { manifest: projectManifest, timeout, options: ["--report", ...options] });
  const r = await run.done;
  r.events = r.lines;
  r.error = r.lines.find((l) => l.message === -2)?.error;
  r.connected = r.lines.find((l) => l.message === 1);
  r.closed = r.lines.find((l) => l.message === -1);
  r.memories = r.lines.filter((l) => l.nativeBefore !== undefined);
  r.memory = r.memories[0];
  return r;
}

// ---- the hostile client (against TLSServer, tests/xs/tls/serve.js) ----

/**
 * A ClientHello record. Defaults: TLS 1.3 and 1.2 offered, TLS_AES_128_GCM_SHA256 and
 * ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, an x25519 share, EMS, renegotiation_info, SNI localhost.
 * `extensions` replaces the list (use defaultClientExtensions(...) to start from it).
 */
export function clientHello({ version = 0x0303, random = randomBytes(32), sessionId = Buffer.alloc(0), suites = [0x1301, 0xC02B],
  compression = [0], extensions, share = x25519Pair().publicKey, length } = {}) {
  const exts = Buffer.concat(extensions ?? defaultClientExtensions({ share }));
  const suiteBytes = Buffer.concat(suites.map(u16));
  const body = Buffer.concat([u16(version), random, u8(sessionId.length), sessionId, u16(suiteBytes.length), suiteBytes,
    u8(compression.length), Buffer.from(compression), u16(exts.length), exts]);
  return record(CT.handshake, handshake(1, body, { length: length ?? body.length }), { version: 0x0301 });
}

/** the default ClientHello extensions, each encoded; `omit` leaves some types out */
export function defaultClientExtensions({ share = x25519Pair().publicKey, versions = [0x0304, 0x0303], omit = [] } = {}) {
  const list = (width, values) => {
    const b = Buffer.concat(values.map(width === 1 ? u8 : u16));
    return Buffer.concat([u16(b.length), b]);
  };
  const name = Buffer.from("localhost");
  const all = [
    [0, ext(0, Buffer.concat([u16(name.length + 3), u8(0), u16(name.length), name]))],
    [10, ext(10, list(2, [GROUP.x25519, GROUP.secp256r1]))],
    [11, ext(11, Buffer.from([1, 0]))],
    [13, ext(13, list(2, [0x0403, 0x0804, 0x0401]))],
    [23, ext(23)],
    [0xFF01, ext(0xFF01, Buffer.from([0]))],
    [43, ext(43, Buffer.concat([u8(versions.length * 2), ...versions.map(u16)]))],
    [45, ext(45, Buffer.from([1, 1]))],
    [51, ext(51, Buffer.concat([u16(share.length + 4), u16(GROUP.x25519), u16(share.length), share]))],
  ];
  return all.filter(([type]) => !omit.includes(type)).map(([, e]) => e);
}

/** connects to 127.0.0.1:port, sends `bytes` (a Buffer, or a function(received) called per chunk returning more), collects what comes back until the server closes */
export function rawClient(port, bytes, { timeout = 10000 } = {}) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => socket.destroy(), timeout);
    socket.on("connect", () => socket.write(typeof bytes === "function" ? bytes(received) ?? Buffer.alloc(0) : bytes));
    socket.on("data", (d) => {
      received = Buffer.concat([received, d]);
      if (typeof bytes === "function") {
        const more = bytes(received);
        if (more) socket.write(more);
      }
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(describeAfter(received));
    });
  });
}

/**
 * A scripted TLS 1.2 client (ECDHE_ECDSA or ECDHE_RSA with AES-128-GCM, x25519, EMS): sends its
 * ClientHello, reads the server's flight, sends ClientKeyExchange, CCS and a Finished whose
 * verify_data is `finished(good)` (the good one by default). For rawClient: returns the function
 * that answers each chunk. What the server sends back is what the test checks.
 */
export function tls12Client({ finished = (good) => good, suite = 0xC02B } = {}) {
  const { publicKey, privateKey } = generateKeyPairSync("x25519");
  const share = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  const hello = clientHello({ suites: [suite], extensions: defaultClientExtensions({ versions: [0x0303], omit: [51, 45] }) });
  const clientRandom = hello.subarray(5 + 4 + 2, 5 + 4 + 2 + 32);
  const transcript = [hello.subarray(5)];
  let state = "hello";
  return (received) => {
    if (state === "hello") {
      state = "flight";
      return hello;
    }
    if (state !== "flight") return undefined;
    // the server's plaintext flight: ServerHello ... ServerHelloDone
    const records = parseRecords(received);
    if (records.some((r) => r.truncated) || records.some((r) => r.type !== CT.handshake)) return undefined;
    const messages = Buffer.concat(records.map((r) => r.body));
    const list = [];
    for (let p = 0; p + 4 <= messages.length;) {
      const n = messages.readUIntBE(p + 1, 3);
      if (p + 4 + n > messages.length) return undefined;
      list.push(messages.subarray(p, p + 4 + n));
      p += 4 + n;
    }
    if (!list.length || list.at(-1)[0] !== HS.server_hello_done) return undefined;
    state = "done";
    transcript.push(...list);
    const serverRandom = list[0].subarray(4 + 2, 4 + 2 + 32);
    const ske = list.find((m) => m[0] === HS.server_key_exchange);
    const point = ske.subarray(4 + 4, 4 + 4 + ske[4 + 3]);
    const shared = diffieHellman({ privateKey, publicKey: createPublicKey({ key: Buffer.concat([Buffer.from("302a300506032b656e032100", "hex"), point]), format: "der", type: "spki" }) });
    const cke = handshake(16, Buffer.concat([u8(32), share]));
    transcript.push(cke);
    const master = prf12(shared, "extended master secret", sha256(...transcript), 48);
    const block = prf12(master, "key expansion", Buffer.concat([serverRandom, clientRandom]), 40);
    const key = block.subarray(0, 16), iv = block.subarray(32, 36);
    const good = prf12(master, "client finished", sha256(...transcript), 12);
    const fin = handshake(HS.finished, finished(good));
    return Buffer.concat([record(CT.handshake, cke), record(CT.ccs, Buffer.from([1])), gcm12(key, iv).seal(CT.handshake, fin)]);
  };
}
