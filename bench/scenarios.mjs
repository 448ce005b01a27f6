// The scenarios of npm run bench and of tests/bench-guard.test.mjs: certificates (openssl, now),
// the Node TLS server (bench/server.mjs, a child process) and what each scenario asks of both.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

/** issue 7's targets (above idle; bytes unless said) */
export const TARGETS = {
  handshakeChunks: 6 * 1024, handshakeSlots: 300, handshakeNative: 3 * 1024, handshakeStack: 4 * 1024,
  retainedChunks: 2 * 1024,           // after the handshake, plus one record buffer
  record16kChunks: 17.5 * 1024,       // chunk peak while a 16 KB record is received
  timeRatio: 2, throughputRatio: 0.7, jsBytes: 64 * 1024, esp8266Text: 64 * 1024,
};

const GET = "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";

/**
 * server(certs): bench/server.mjs's config; root: the certificate the client trusts; client: more
 * of bench/xs/handshake.js's config. The response is 5 bytes unless said.
 */
export const SCENARIOS = [
  {
    id: "tls13-ecdsa", title: "TLS 1.3, X25519, ECDSA P-256 chain (root → leaf)", root: "ecroot", plot: true,
    server: (c) => ({ key: c.path("ecleaf.key"), cert: c.path("ecleaf.crt"), minVersion: "TLSv1.3", ecdhCurve: "X25519" }),
    client: {},
  },
  {
    id: "tls13-rsa", title: "TLS 1.3, X25519, RSA-2048 chain (root → leaf)", root: "rsaroot",
    server: (c) => ({ key: c.path("rsaleaf.key"), cert: c.path("rsaleaf.crt"), minVersion: "TLSv1.3", ecdhCurve: "X25519" }),
    client: {},
  },
  {
    id: "tls12-ecdsa", title: "TLS 1.2, ECDHE-ECDSA-AES128-GCM-SHA256, X25519, P-256 chain", root: "ecroot",
    server: (c) => ({ key: c.path("ecleaf.key"), cert: c.path("ecleaf.crt"), maxVersion: "TLSv1.2", ecdhCurve: "X25519",
      ciphers: "ECDHE-ECDSA-AES128-GCM-SHA256" }),
    client: {},
  },
  {
    id: "tls13-resume", title: "TLS 1.3 resumption (PSK-DHE, ticket from a first connection)", root: "ecroot",
    server: (c) => ({ key: c.path("ecleaf.key"), cert: c.path("ecleaf.crt"), minVersion: "TLSv1.3", ecdhCurve: "X25519" }),
    client: { resume: true },
  },
  {
    // every TLS library we can run here (OpenSSL, GnuTLS, mbedtls, wolfSSL) honours
    // max_fragment_length, so this server is scripted (tests/lib/ignoring-server.mjs): the client asks
    // for 4096-byte records, the server ignores it, sends its chain in one record and 16 KB records.
    id: "chain-3k", title: "TLS 1.3, a server ignoring max_fragment_length 4096: 4-certificate RSA-2048 chain (> 3 KB) in one record, 32 KB response in 16 KB records", root: "bigroot",
    server: (c) => ({ key: c.path("bigleaf.key"), cert: c.path("bigchain.pem"), body: 32 * 1024, ignoreMaxFragmentLength: true }),
    client: { secure: { tls_max_fragment_length: 4096 } },
  },
  {
    id: "records-16k", title: "TLS 1.3 ECDSA, a 64 KB response in 16 KB records", root: "ecroot",
    server: (c) => ({ key: c.path("ecleaf.key"), cert: c.path("ecleaf.crt"), minVersion: "TLSv1.3", ecdhCurve: "X25519", body: 64 * 1024 }),
    client: {},
  },
];

/**
 * The device profile (manifest_device.json in build/xsh-device: the ESP8266 client, TLS 1.3 only, certificates
 * located by the C locator, a certificate straddling records buffered whole): the client scenarios it supports,
 * for the memory figures (bench/run.mjs runs a scenario with profile "device" in that binary and manifest)
 */
export const DEVICE_SCENARIOS = SCENARIOS.filter((s) => s.id !== "tls12-ecdsa")
  .map((s) => ({ ...s, id: `device-${s.id}`, title: `device profile: ${s.title}`, plot: false, profile: "device" }));

/**
 * The server side (issue 7): our SecureSocket server (bench/xs/server.js in xsh) with the ECDSA
 * P-256 leaf, Node's tls.connect as the client; the time is compared with the same client against
 * Node's own tls server (bench/server.mjs) with the same certificate. client: tls.connect options.
 */
export const SERVER_SCENARIOS = [
  {
    id: "server-tls13-ecdsa", title: "our server: TLS 1.3, X25519, ECDSA P-256 leaf; Node's tls.connect as the client", root: "ecroot", side: "server",
    leaf: "ecleaf", client: { minVersion: "TLSv1.3", ecdhCurve: "X25519" },
  },
  {
    id: "server-tls12-ecdsa", title: "our server: TLS 1.2, ECDHE-ECDSA-AES128-GCM-SHA256, X25519, P-256 leaf (the client lists P-256 too: RFC 8422 5.1); Node's tls.connect as the client", root: "ecroot", side: "server",
    leaf: "ecleaf", client: { maxVersion: "TLSv1.2", ecdhCurve: "X25519:P-256", ciphers: "ECDHE-ECDSA-AES128-GCM-SHA256" },
  },
];

/** bench/xs/server.js's config for a server scenario (plus mode etc.) */
export function serverConfig(scenario, certs) {
  return { side: "server", certificate: certs.der(scenario.leaf), key: certs.path(`${scenario.leaf}.key.der`),
    ca: certs.path(`${scenario.root}.crt`), client: scenario.client };
}

function openssl(args, cwd) {
  return execFileSync("openssl", args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
}

/**
 * In a temp dir: ecroot → ecleaf (P-256), rsaroot → rsaleaf (RSA-2048), bigroot → bigi1 → bigi2 →
 * bigleaf (RSA-2048, bigchain.pem = leaf + both intermediates + root, what that server sends).
 */
export function makeCertificates() {
  const dir = mkdtempSync(join(tmpdir(), "bench-certs-"));
  writeFileSync(join(dir, "ca.ext"), "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n");
  writeFileSync(join(dir, "leaf.ext"), "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n");
  const key = (kind) => kind === "ec" ? ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"] : ["-newkey", "rsa:2048"];
  const rootCA = (name, kind) => openssl(["req", "-x509", ...key(kind), "-nodes", "-keyout", `${name}.key`, "-out", `${name}.crt`, "-days", "2",
    "-subj", `/CN=Bench ${name}`, "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], dir);
  const issue = (name, cn, issuer, kind, ext) => {
    openssl(["req", "-new", ...key(kind), "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${cn}`], dir);
    openssl(["x509", "-req", "-in", `${name}.csr`, "-CA", `${issuer}.crt`, "-CAkey", `${issuer}.key`, "-CAcreateserial",
      "-out", `${name}.crt`, "-days", "2", "-sha256", "-extfile", ext], dir);
  };
  rootCA("ecroot", "ec");
  issue("ecleaf", "localhost", "ecroot", "ec", "leaf.ext");
  rootCA("rsaroot", "rsa");
  issue("rsaleaf", "localhost", "rsaroot", "rsa", "leaf.ext");
  rootCA("bigroot", "rsa");
  issue("bigi1", "Bench Intermediate 1", "bigroot", "rsa", "ca.ext");
  issue("bigi2", "Bench Intermediate 2", "bigi1", "rsa", "ca.ext");
  issue("bigleaf", "localhost", "bigi2", "rsa", "leaf.ext");
  const pem = (name) => readFileSync(join(dir, `${name}.crt`), "utf8");
  writeFileSync(join(dir, "bigchain.pem"), pem("bigleaf") + pem("bigi2") + pem("bigi1") + pem("bigroot"));
  for (const name of ["ecroot", "rsaroot", "bigroot", "ecleaf"])
    openssl(["x509", "-in", `${name}.crt`, "-outform", "DER", "-out", `${name}.der`], dir);
  // our server's key (bench/xs/server.js): PKCS#8 DER
  openssl(["pkcs8", "-topk8", "-nocrypt", "-in", "ecleaf.key", "-outform", "DER", "-out", "ecleaf.key.der"], dir);
  return {
    dir,
    path: (name) => join(dir, name),
    der: (name) => join(dir, `${name}.der`),
    pem,
    /** DER bytes of the certificates in a PEM file */
    chainBytes: (file) => readFileSync(file, "utf8").split("-----END CERTIFICATE-----").filter((p) => p.includes("BEGIN"))
      .reduce((n, p) => n + Buffer.from(p.split("-----")[2].replace(/\s+/g, ""), "base64").length, 0),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** starts bench/server.mjs with config; resolves to { port, stop() } */
export function startServer(config) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, "server.mjs"), JSON.stringify(config)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "", err = "";
    const closed = new Promise((r) => child.on("close", r));
    const timer = setTimeout(() => { child.kill("SIGKILL"); reject(new Error(`bench server did not start\n${err}`)); }, 10000);
    child.stderr.on("data", (d) => err += d);
    child.stdout.on("data", (d) => {
      out += d;
      const m = /\{"port":(\d+)\}/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ port: Number(m[1]), stop: () => { child.kill("SIGTERM"); return closed; } });
      }
    });
    child.on("close", (code) => { clearTimeout(timer); reject(new Error(`bench server exited ${code}\n${err}`)); });
  });
}

export { GET };

/** byte k of a download's body when the server is asked for a pattern (bench/xs/handshake.js has the same) */
export const bodyByte = (k) => (k + (k >>> 8) + (k >>> 16)) & 255;
export function patternBody(bytes) {
  const body = Buffer.alloc(bytes);
  for (let k = 0; k < bytes; k++) body[k] = bodyByte(k);
  return body;
}

/**
 * openssl s_server -WWW serving `body` pattern bytes (patternBody) from a temporary directory as
 * /body.bin, TLS 1.3 only, with `ciphersuites` and records of at most 16 KB: a faster server than
 * Node's for the download (no JS per record). Resolves to { port, path, stop }.
 */
export function startOpenSSLServer({ key, cert, ciphersuites, body }) {
  const dir = mkdtempSync(join(tmpdir(), "securesocket-www-"));
  writeFileSync(join(dir, "body.bin"), patternBody(body));
  return new Promise((resolve, reject) => {
    const child = spawn("openssl", ["s_server", "-WWW", "-accept", "127.0.0.1:0", "-cert", cert, "-key", key, "-tls1_3",
      "-ciphersuites", ciphersuites, "-max_send_frag", "16384", "-http_server_binmode"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let out = "", err = "";
    const closed = new Promise((r) => child.on("close", r));
    const stop = () => { child.kill("SIGTERM"); return closed.then(() => rmSync(dir, { recursive: true, force: true })); };
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      rmSync(dir, { recursive: true, force: true });   // now: the caller may exit on the rejection
      reject(new Error(`openssl s_server did not start\n${err}`));
    }, 10000);
    child.stderr.on("data", (d) => err += d);
    child.stdout.on("data", (d) => {
      out += d;
      const m = /ACCEPT [^:\s]+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ port: Number(m[1]), path: "/body.bin", stop });
      }
    });
    child.on("close", (code) => { clearTimeout(timer); rmSync(dir, { recursive: true, force: true }); reject(new Error(`openssl s_server exited ${code}\n${err}`)); });
  });
}
