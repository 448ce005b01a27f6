// npm start: the main job. Creates a test CA and a server certificate (openssl), starts a local
// HTTPS server (Node) with them, then runs examples/https-get.js in our XS host (build/xsh), which
// fetches a page over our TLS with verification on, trusting the test CA.
//   npm start                       the local server
//   npm start -- https://host/path  that URL instead, verified with the built-in CA store
import { createServer } from "node:https";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { join, dirname, relative } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const xsh = process.env.XSH ?? join(root, "build", "xsh");
const example = join(root, "examples", "https-get.js");

function run(args, done) {
  const child = spawn(xsh, args, { stdio: "inherit" });
  const timer = setTimeout(() => child.kill("SIGKILL"), 60000);
  child.on("error", (error) => {
    console.error(`client: cannot run ${xsh}: ${error.message} (npm run build makes it)`);
    clearTimeout(timer);
    done(1);
  });
  child.on("exit", (code, signal) => {
    clearTimeout(timer);
    if (signal) console.error(`client: killed by ${signal}`);
    done(code ?? 1);
  });
}

const url = process.argv[2];
if (url) {
  console.log(`client: ${relative(root, xsh)} examples/https-get.js ${url}`);
  run([example, url], (code) => { process.exitCode = code; });
}
else {
  // a test CA and a server certificate for localhost and 127.0.0.1, made fresh each run
  const dir = mkdtempSync(join(tmpdir(), "securesocket-ca-"));
  const openssl = (...args) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
    "-days", "2", "-subj", "/CN=SecureSocket Test CA/O=SecureSocket", "-addext", "basicConstraints=critical,CA:TRUE",
    "-addext", "keyUsage=critical,keyCertSign,cRLSign");
  openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "server.key", "-out", "server.csr",
    "-subj", "/CN=localhost/O=SecureSocket");
  execFileSync("sh", ["-c", "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\nextendedKeyUsage=serverAuth\\nkeyUsage=critical,digitalSignature\\n' > ext.cnf && openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile ext.cnf 2>/dev/null && openssl x509 -in ca.pem -outform DER -out ca.der"], { cwd: dir });
  const server = createServer({ key: readFileSync(join(dir, "server.key")), cert: readFileSync(join(dir, "server.pem")) }, (request, response) => {
    response.writeHead(200, { "content-type": "text/plain" });
    response.end(`hello from ${request.url} over ${request.socket.getProtocol()}\n`);
  });
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address();
    console.log(`server: https://localhost:${port}/ (Node, certificate from a test CA made in ${dir})`);
    console.log(`client: ${relative(root, xsh)} examples/https-get.js https://localhost:${port}/hello ca.der`);
    run([example, `https://localhost:${port}/hello`, join(dir, "ca.der")], (code) => {
      server.close();
      process.exitCode = code;
    });
  });
}
