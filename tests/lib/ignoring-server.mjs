// A TLS 1.3 server that ignores max_fragment_length (RFC 6066 4): it never echoes the extension,
// so the client must take full 16 KB records, and it sends its whole certificate chain in one
// record. Most servers on the Internet behave so; every TLS library we can run locally (OpenSSL,
// GnuTLS, mbedtls, wolfSSL) honours the extension, so this one is scripted over raw TCP on
// tests/lib/hostile-peer.mjs's TLS 1.3 key schedule: x25519, TLS_AES_128_GCM_SHA256, a real
// CertificateVerify (ECDSA P-256 or RSA-PSS) and Finished, the client's Finished checked, then
// each request (anything ending in an empty line) answered with an HTTP response of `body` bytes
// in 16 KB records, close_notify, and the end of the connection.
// Used by tests/max-fragment-ignored.test.mjs and bench/server.mjs (the chain-3k scenario).
import { createPrivateKey } from "node:crypto";
import { CT, alert, ext, hostileServer, parseRecords, tls13Flight } from "./hostile-peer.mjs";

/**
 * the server's answer to one connection (hostileServer's script): ders, the chain; key, its leaf's
 * PEM key; body, the response's size. echo: a misbehaving variant that does echo the client's
 * max_fragment_length and still sends 16 KB records (what the client must refuse: record_overflow)
 */
export function ignoringServerScript({ ders, key, body = 5, echo = false }) {
  const rsa = createPrivateKey(key).asymmetricKeyType === "rsa";
  return (ctx) => new Promise((resolve) => {
    const f = tls13Flight(ctx.hello);
    const asked = ctx.hello.extensions.get(1);                 // max_fragment_length (RFC 6066 4)
    const ee = f.add(f.encryptedExtensions(echo && asked ? [ext(1, asked)] : []));   // not echoed: ignored
    const certificate = f.add(f.certificate(ders));
    ctx.send(Buffer.concat([f.serverHello, f.protect(ee), f.protect(certificate)]));
    ctx.send(f.protect(f.add(f.certificateVerify({ scheme: rsa ? 0x0804 : 0x0403, key }))));
    ctx.send(f.protect(f.add(f.finished())));
    f.applicationKeys();
    let seen = 0, finished = false, request = "";
    const onData = () => {
      const records = parseRecords(ctx.after());
      for (; seen < records.length && !records[seen].truncated; seen++) {
        const r = records[seen];
        if (r.type === CT.ccs) continue;                       // the compatibility CCS (RFC 8446 D.4)
        const { type, content } = f.openClient(r);
        if (!finished) {
          f.clientFinished(content);
          finished = true;
          continue;
        }
        if (type !== CT.appdata) continue;                     // e.g. the client's close_notify
        request += content.toString("latin1");
        if (!request.endsWith("\r\n\r\n")) continue;
        request = "";
        ctx.send(f.protect(Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body}\r\nConnection: close\r\n\r\n`), CT.appdata));
        for (let at = 0; at < body; at += 16384)
          ctx.send(f.protect(Buffer.alloc(Math.min(16384, body - at), 0x78), CT.appdata));
        ctx.send(f.protect(alert(1, 0).subarray(5), CT.alert));
        ctx.socket.end();
      }
    };
    ctx.socket.on("data", () => { try { onData(); } catch (e) { ctx.socket.destroy(); ctx.state.scriptError = e; } });
    ctx.socket.on("close", resolve);
    onData();
  });
}

/** starts one on a free loopback port: {port, connections, close()} (hostileServer's) */
export const ignoringServer = (options) => hostileServer(ignoringServerScript(options));
