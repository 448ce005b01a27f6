// A TLS server for npm run bench, in its own process (so Node's client, timed in bench/run.mjs,
// does not share an event loop with it). Answers each request (anything ending in an empty line)
// with an HTTP response of `body` bytes written in 16 KB pieces (16 KB records), then closes.
// Node's tls (OpenSSL), or with ignoreMaxFragmentLength tests/lib/ignoring-server.mjs (scripted
// TLS 1.3): a server that ignores the client's max_fragment_length and sends its chain in one record.
// Prints {"port": N} once listening.
// pattern: the body is bench/scenarios.mjs bodyByte()'s bytes (the download checks samples of them).
//   node bench/server.mjs '<JSON: {key, cert (PEM chain files), minVersion, maxVersion, ciphers, ecdhCurve, body, pattern, ignoreMaxFragmentLength}>'
import tls from "node:tls";
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { ignoringServer } from "../tests/lib/ignoring-server.mjs";
import { patternBody } from "./scenarios.mjs";

const config = JSON.parse(process.argv[2]);
const ready = (port) => console.log(JSON.stringify({ port }));

function nodeServer() {
  const body = config.pattern ? patternBody(config.body) : Buffer.alloc(config.body ?? 5, 0x78);
  const server = tls.createServer({
    key: readFileSync(config.key),
    cert: readFileSync(config.cert),
    minVersion: config.minVersion ?? "TLSv1.2",
    maxVersion: config.maxVersion ?? "TLSv1.3",
    ...(config.ciphers ? { ciphers: config.ciphers } : {}),
    ...(config.ecdhCurve ? { ecdhCurve: config.ecdhCurve } : {}),
  }, (socket) => {
    let text = "";
    socket.on("error", () => {});
    socket.on("data", (d) => {
      text += d.toString("latin1");
      if (!text.includes("\r\n\r\n")) return;
      text = "";
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
      for (let at = 0; at < body.length; at += 16384) socket.write(body.subarray(at, at + 16384));
      socket.end();
    });
  });
  server.on("tlsClientError", () => {});
  server.listen(0, "127.0.0.1", () => ready(server.address().port));
}

async function scriptedServer() {
  const pems = readFileSync(config.cert, "utf8").match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g);
  const server = await ignoringServer({ ders: pems.map((p) => new X509Certificate(p).raw), key: readFileSync(config.key), body: config.body ?? 5 });
  ready(server.port);
}

if (config.ignoreMaxFragmentLength) await scriptedServer();
else nodeServer();
