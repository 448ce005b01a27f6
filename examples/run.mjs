// npm start: the main job. Starts a local web server, then runs an example inside our XS host
// (build/xsh) that fetches a page from it and prints the status line.
import { createServer } from "node:http";
import { spawn } from "node:child_process";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const xsh = process.env.XSH ?? join(root, "build", "xsh");

const server = createServer((request, response) => {
  response.writeHead(200, { "content-type": "text/plain" });
  response.end(`hello from ${request.url}\n`);
});
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address();
  console.log(`server: http://127.0.0.1:${port}/ (Node)`);
  console.log(`client: build/xsh examples/http-get.js 127.0.0.1 ${port}`);
  const child = spawn(xsh, [join(root, "examples", "http-get.js"), "127.0.0.1", String(port), "/hello"], { stdio: "inherit" });
  const timer = setTimeout(() => child.kill("SIGKILL"), 30000);
  child.on("error", (error) => {
    console.error(`client: cannot run ${xsh}: ${error.message} (npm run build makes it)`);
    clearTimeout(timer);
    server.close();
    process.exitCode = 1;
  });
  child.on("exit", (code, signal) => {
    clearTimeout(timer);
    server.close();
    if (signal) console.error(`client: killed by ${signal}`);
    process.exitCode = code ?? 1;
  });
});
