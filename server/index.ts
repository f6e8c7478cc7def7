/**
 * Entry point: the only file that reads the environment. It wires, in order,
 *   HTTP port → Next.js (prepared) → Redis nodes → socket.io gateway (server/app.ts) → pages served,
 * all on one port, and undoes whatever it started when anything fails or a signal arrives.
 *
 * Env: PORT (default 3000), HOST (default 127.0.0.1), NODE_ENV (`production` serves the
 * `next build` output, anything else runs the dev server), LAB_CONTROL_TOKEN (see below), plus the
 * node manager's own variables (read by nodeManagerOptionsFromEnv).
 *
 * Access: on loopback the presenter page controls the lab without a token. When HOST reaches
 * beyond loopback (e.g. HOST=0.0.0.0 for the room's phones), control needs a token: a random one
 * made at every start, or LAB_CONTROL_TOKEN (which, when set, is required on loopback too). The
 * presenter link carrying it and the audience link are printed at start-up. (next.config.ts lists
 * the same LAN addresses in allowedDevOrigins, or the dev server would refuse them its scripts.)
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import next from "next";
import { describeError } from "./core/errors";
import { watchParent } from "./core/parent-watch";
import { createApp, type LabApp } from "./app";
import {
  httpBaseUrl,
  isLoopbackHost,
  lanAddresses,
  localBaseUrl,
  resolveControlToken,
} from "./gateway/network";
import { createNodeManager, nodeManagerOptionsFromEnv } from "./nodes/manager";
import type { NodeManager, NodeStatus } from "./nodes/types";

type NextApp = ReturnType<typeof next>;

const env = process.env;
const port = parsePort(env.PORT);
const host = env.HOST?.trim() || "127.0.0.1";
const dev = env.NODE_ENV !== "production";
const projectDir = fileURLToPath(new URL("..", import.meta.url));
/** Where a browser on this machine opens the lab (a wildcard HOST becomes loopback). */
const url = localBaseUrl(host, port);
const beyondLoopback = !isLoopbackHost(host);
const lanBaseUrls = (beyondLoopback ? lanAddresses(host) : []).map((address) => httpBaseUrl(address, port));
const controlToken = readControlToken();

// The lab makes no outbound calls of its own: it runs in classrooms without internet. Opt back in by setting it to 0.
env.NEXT_TELEMETRY_DISABLED ??= "1";

let nodes: NodeManager | undefined;
let app: LabApp | undefined;
let nextApp: NextApp | undefined;
let stopping = false;

// Requests that arrive while Next is still preparing wait for it instead of failing.
let markReady!: (handle: ReturnType<NextApp["getRequestHandler"]>) => void;
const ready = new Promise<ReturnType<NextApp["getRequestHandler"]>>((resolve) => (markReady = resolve));
const httpServer = createServer((req: IncomingMessage, res: ServerResponse) => {
  ready
    .then((handle) => handle(req, res))
    .catch((error: unknown) => {
      console.error("Stampede Lab: request failed", error);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("Internal error");
    });
});

// `on`, not `once`: a second Ctrl+C must not kill the process while Redis children are being stopped.
// SIGHUP (the terminal closed, a multiplexer's window killed) stops the lab as SIGTERM does.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void shutdown(0, `${signal} received`));
// `npm run dev` passes on SIGINT and SIGTERM only; when npm dies of anything else, the lab follows it.
watchParent((parent) => void shutdown(0, `the process that started the lab (PID ${parent}) is gone`));

await main();

async function main(): Promise<void> {
  // The port first: it is the cheapest thing to check and the most common failure.
  await listen();

  // Next before the nodes: its failures (no production build, another `next dev` holding
  // .next/dev/lock, which exits the process) then cost no Redis processes.
  try {
    nextApp = next({ dev, dir: projectDir, hostname: host, port, httpServer });
    await nextApp.prepare();
  } catch (error) {
    await fail(`Could not start Next.js: ${describeError(error).message}`);
    return;
  }

  let manager: NodeManager;
  try {
    // Fault proxies by default: the page's partition and latency buttons need them (LAB_FAULT_PROXIES=0 turns them off).
    manager = nodes = createNodeManager({ faultProxies: true, ...nodeManagerOptionsFromEnv(env) });
    await manager.start();
  } catch (error) {
    await fail(`Could not start the Redis nodes: ${describeError(error).message}`);
    return;
  }

  app = createApp(httpServer, { nodes: manager, controlToken, lanBaseUrls });
  markReady(nextApp.getRequestHandler());

  console.log(`Stampede Lab ready at ${url} (${dev ? "development" : "production"})`);
  for (const node of manager.list()) console.log(`  ${describeNode(node)}`);
  printAccess();
}

/** The links for the room. The token is printed here and nowhere else: whoever reads this console runs the show. */
function printAccess(): void {
  if (controlToken === undefined) return;
  const withToken = (base: string) => `${base}/?token=${encodeURIComponent(controlToken)}`;
  console.log("");
  console.log(
    beyondLoopback
      ? `Listening beyond this machine (HOST=${host}): control needs the token in the presenter link.`
      : "LAB_CONTROL_TOKEN is set: control needs the token in the presenter link.",
  );
  console.log(`  Presenter (control), on this machine: ${withToken(url)}`);
  for (const base of lanBaseUrls) console.log(`  Presenter (control), on the LAN:      ${withToken(base)}`);
  for (const base of lanBaseUrls) console.log(`  Audience (read-only, for phones):     ${base}/audience`);
  if (beyondLoopback && lanBaseUrls.length === 0) {
    console.log("  No LAN address found on this machine's interfaces: the audience link needs the machine's address.");
  }
  if (!env.LAB_CONTROL_TOKEN?.trim()) console.log("  (A new token at every start; set LAB_CONTROL_TOKEN to keep one.)");
}

function readControlToken(): string | undefined {
  try {
    return resolveControlToken(env.LAB_CONTROL_TOKEN, beyondLoopback);
  } catch (error) {
    console.error(`Stampede Lab: ${describeError(error).message}`);
    process.exit(1);
  }
}

function listen(): Promise<void> {
  return new Promise((resolve) => {
    httpServer.once("error", (error: NodeJS.ErrnoException) => {
      const message =
        error.code === "EADDRINUSE"
          ? `Port ${port} on ${host} is already in use. Stop whatever holds it, or set PORT (e.g. PORT=${port + 1} npm run dev).`
          : error.code === "EACCES"
            ? `Not allowed to listen on port ${port} on ${host}. Set PORT to a port above 1024.`
            : `Could not listen on ${host}:${port}: ${error.message}`;
      void fail(message);
    });
    httpServer.listen(port, host, () => resolve());
  });
}

/** Prints one clear line (no stack), undoes what was started, exits 1. */
async function fail(message: string): Promise<void> {
  console.error(`Stampede Lab: ${message}`);
  await shutdown(1);
}

/** Idempotent; the order matters: stop talking to pages first, then stop the Redis processes. */
async function shutdown(code: number, reason?: string): Promise<never> {
  if (stopping) {
    if (reason) console.log(`Stampede Lab: ${reason}, still stopping the Redis nodes…`);
    return new Promise<never>(() => {});
  }
  stopping = true;
  if (reason) console.log(`Stampede Lab: ${reason}, stopping…`);
  // Last resort if something below hangs; long enough for the node manager to stop its children.
  setTimeout(() => {
    console.error("Stampede Lab: shutdown took too long; exiting anyway.");
    process.exit(code || 1);
  }, 15_000).unref();

  await withTimeout(closeWeb(), 3_000);
  try {
    await nodes?.stop();
  } catch (error) {
    console.error(`Stampede Lab: could not stop every Redis node: ${describeError(error).message}`);
    code ||= 1;
  }
  process.exit(code);
}

async function closeWeb(): Promise<void> {
  const closing = app ? app.close() : new Promise<void>((resolve) => httpServer.close(() => resolve()));
  // Idle keep-alive sockets would otherwise hold httpServer.close() open.
  httpServer.closeAllConnections();
  await Promise.allSettled([closing, nextApp?.close()]);
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  return Promise.race([promise, new Promise<void>((resolve) => setTimeout(resolve, ms).unref())]);
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === "") return 3000;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65_535) {
    console.error(`Stampede Lab: PORT must be a whole number from 1 to 65535, got "${raw}".`);
    process.exit(1);
  }
  return value;
}

function describeNode(node: NodeStatus): string {
  const where = node.clientPort === node.port ? `:${node.port}` : `:${node.port} (clients :${node.clientPort})`;
  const pid = node.pid === null ? node.mode : `pid ${node.pid}`;
  return `${node.id.padEnd(7)} ${where.padEnd(8)} ${pid.padEnd(10)} ${node.state}`;
}
