// A Node TLS server for npm run bench, in its own process (so Node's client, timed in
// bench/run.mjs, does not share an event loop with it). Answers each request (anything ending in
// an empty line) with an HTTP response of `body` bytes written in 16 KB pieces (16 KB records),
// then closes. Prints {"port": N} once listening.
//   node bench/server.mjs '<JSON: {key, cert (PEM chain files), minVersion, maxVersion, ciphers, ecdhCurve, body}>'
import tls from "node:tls";
import { readFileSync } from "node:fs";

const config = JSON.parse(process.argv[2]);
const body = Buffer.alloc(config.body ?? 5, 0x78);
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
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: server.address().port })));
