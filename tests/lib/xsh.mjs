// Helpers for the tests of the XS host `xsh`: locate the binary, run it with a kill timer and capture
// its output, parse its --report line and the JSON lines the XS-side modules print, and start
// small Node TCP peers on 127.0.0.1 (port 0).
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import net from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** the binary under test: $XSH when set (a private build during development), else <repo>/build/xsh */
export const xshPath = process.env.XSH ? resolve(process.env.XSH) : join(repo, "build", "xsh");
/** the XS-side test modules */
export const xsDir = join(repo, "tests", "xs", "host");
export const fixtures = join(repo, "tests", "fixtures");
/** an empty manifest, so the host tests do not depend on the project's modules */
export const emptyManifest = join(fixtures, "host", "manifest.json");
/** the module resolution fixture: names, wildcards, "*" lists, include, resources */
export const modulesManifest = join(fixtures, "modules", "manifest.json");

/**
 * manifest.json's module entries whose names are one of `names` or under it ("x509" gives "x509" and
 * every "x509/..."), pointed at build/js (absolute paths): the modules of a test's own manifest,
 * mapped as the project maps them (e.g. "x509/certificate" to certificate-located.ts)
 */
export function projectModules(...names) {
  const out = {};
  for (const [name, path] of Object.entries(JSON.parse(readFileSync(join(repo, "manifest.json"), "utf8")).modules))
    if (typeof path === "string" && names.some((n) => name === n || name.startsWith(`${n}/`)))
      out[name] = join(repo, "build", "js", path);
  return out;
}

/** the kill timer of every xsh run: nothing may hang the test run */
export const KILL_MS = 20000;

export const delay = (ms) => new Promise((r) => setTimeout(r, ms));

/** the JSON objects among the lines of text (other lines are ignored) */
export function jsonLines(text) {
  const out = [];
  for (const line of text.split("\n")) {
    const t = line.trim();
    if (!t.startsWith("{") && !t.startsWith("[")) continue;
    try {
      out.push(JSON.parse(t));
    } catch {
      /* not ours */
    }
  }
  return out;
}

/** the --report line of stderr, parsed (undefined when absent) */
export function parseReport(stderr) {
  const reports = jsonLines(stderr).filter((o) => o && o.xsh === "report");
  return reports.at(-1);
}

/**
 * Starts xsh: `xsh [--manifest M] [...options] <module> [...args]`.
 * module is a file name in tests/xs/host/ (or an absolute path, or a bare specifier with raw: true).
 * Returns { child, waitFor(predicate, ms), done } where done resolves to
 * { code, signal, stdout, stderr, timedOut, ms, lines, report }. opts.xsh: another binary (e.g. build/xsh-device).
 */
export function startXsh(module, args = [], opts = {}) {
  const {
    manifest = emptyManifest,
    options = [],
    timeout = KILL_MS,
    env = process.env,
    cwd = repo,
    raw = false,
    xsh = xshPath,
  } = opts;
  if (!existsSync(xsh)) throw new Error(`xsh binary not found at ${xsh} (build it, or set XSH)`);
  const modulePath = raw || module.startsWith("/") ? module : join(xsDir, module);
  const argv = [];
  if (manifest) argv.push("--manifest", manifest);
  argv.push(...options, modulePath, ...args.map(String));
  const started = Date.now();
  const child = spawn(xsh, argv, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  let timedOut = false;
  const waiters = new Set();
  const check = () => {
    for (const w of waiters) {
      const found = jsonLines(stdout).find(w.predicate);
      if (found !== undefined) {
        waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve(found);
      }
    }
  };
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stdout.on("data", (d) => {
    stdout += d;
    check();
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const killer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, timeout);
  const done = new Promise((resolveDone, rejectDone) => {
    child.on("error", (e) => {
      clearTimeout(killer);
      rejectDone(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      for (const w of waiters) {
        clearTimeout(w.timer);
        w.reject(new Error(`xsh exited (code ${code}) before printing the expected line\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      }
      waiters.clear();
      resolveDone({
        code,
        signal,
        stdout,
        stderr,
        timedOut,
        ms: Date.now() - started,
        lines: jsonLines(stdout),
        report: parseReport(stderr),
      });
    });
  });
  /** the first JSON line of stdout that satisfies predicate */
  function waitFor(predicate, ms = 10000) {
    return new Promise((res, rej) => {
      const w = { predicate, resolve: res, reject: rej };
      w.timer = setTimeout(() => {
        waiters.delete(w);
        rej(new Error(`timed out waiting for a line from xsh\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      }, ms);
      waiters.add(w);
      check();
    });
  }
  return { child, waitFor, done };
}

/** runs xsh to its end; see startXsh */
export function runXsh(module, args = [], opts = {}) {
  return startXsh(module, args, opts).done;
}

/** a failure message with xsh's output, for assertions */
export function explain(result) {
  return `exit ${result.code}${result.signal ? " signal " + result.signal : ""}${result.timedOut ? " (killed by the timer)" : ""}\n` +
    `--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

/**
 * A TCP server on 127.0.0.1, ephemeral port, that calls onConnection(socket) for each connection.
 * Returns { server, port, sockets, close() }; close() destroys open connections too.
 */
export async function tcpServer(onConnection) {
  const sockets = new Set();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    onConnection(socket);
  });
  await new Promise((res, rej) => {
    server.once("error", rej);
    server.listen(0, "127.0.0.1", res);
  });
  return {
    server,
    port: server.address().port,
    sockets,
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((res) => server.close(() => res()));
    },
  };
}

/** a port on 127.0.0.1 where nothing listens (bound then released) */
export async function closedPort() {
  const server = net.createServer();
  await new Promise((res) => server.listen(0, "127.0.0.1", res));
  const { port } = server.address();
  await new Promise((res) => server.close(res));
  return port;
}

/** connects a Node client to 127.0.0.1:port; resolves once connected */
export function tcpConnect(port) {
  return new Promise((res, rej) => {
    const socket = net.connect({ host: "127.0.0.1", port }, () => res(socket));
    socket.once("error", rej);
  });
}

/** collects everything a Node socket receives until it ends; resolves to a Buffer */
export function collect(socket) {
  const chunks = [];
  socket.on("data", (d) => chunks.push(d));
  return new Promise((res, rej) => {
    socket.on("end", () => res(Buffer.concat(chunks)));
    socket.on("close", () => res(Buffer.concat(chunks)));
    socket.on("error", rej);
  });
}

/** resolves once the socket has received at least n bytes in total (after this call); to a Buffer */
export function receive(socket, n, ms = 10000) {
  return new Promise((res, rej) => {
    const chunks = [];
    let total = 0;
    const timer = setTimeout(() => {
      socket.off("data", onData);
      rej(new Error(`timed out waiting for ${n} bytes (got ${total})`));
    }, ms);
    function onData(d) {
      chunks.push(d);
      total += d.length;
      if (total >= n) {
        clearTimeout(timer);
        socket.off("data", onData);
        res(Buffer.concat(chunks));
      }
    }
    socket.on("data", onData);
  });
}
