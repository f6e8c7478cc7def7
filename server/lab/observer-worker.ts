/**
 * The lock observer's worker thread (started by observer.ts through observer-worker-boot.mjs). It
 * reads every lock node on the node's own port — not through the engine's fault proxies — on
 * connections and an event loop of its own, and posts one round of readings per tick.
 */
import { type MessagePort, workerData } from "node:worker_threads";
import { Redis } from "ioredis";
import { systemClock } from "../core/clock";
// Types only (erased): the protocol's zod schemas stay on the runner's side.
import type { ControlMessage, ObserverConfig, WorkerMessage } from "./observer-protocol";
import { ObserverSampler, type NodeReader } from "./observer-sampler";

const { config, port } = workerData as { config: ObserverConfig; port: MessagePort };

const clients = config.nodes.map(({ nodeId, host, port: nodePort }) => {
  const client = new Redis({
    host,
    port: nodePort,
    // Commands to a node that is not connected fail at once ("refused"), never queue.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // Ready on connect, with no handshake to answer (no HELLO, CLIENT SETINFO/SETNAME, INFO): a node
    // frozen before we connected then reads as silent, as it is, not as refused.
    enableReadyCheck: false,
    protocol: 2,
    disableClientInfo: true,
    commandTimeout: config.noAnswerAfterMs,
    connectTimeout: config.noAnswerAfterMs,
    retryStrategy: () => 100,
    enableAutoPipelining: false,
  });
  client.on("error", () => undefined);
  // Named for CLIENT LIST, as an ordinary command once connected (a frozen node just never answers it).
  client.on("ready", () => void client.client("SETNAME", "stampede-observer").catch(() => undefined));
  return { nodeId, client };
});

const readers: NodeReader[] = clients.map(({ nodeId, client }) => ({
  nodeId,
  read: async () => {
    const [value, pttlMs] = await Promise.all([client.get(config.lockKey), client.pttl(config.lockKey)]);
    return { value, pttlMs };
  },
}));

// A round may take up to most of a tick; a silent node is reported as waiting after that.
const sampler = new ObserverSampler(readers, systemClock, Math.max(10, Math.floor(config.intervalMs * 0.8)));
const post = (message: WorkerMessage) => port.postMessage(message);

let closed = false;
let running = false;
let timer: NodeJS.Timeout | undefined;
/** Rounds fall on origin + k × interval: after `align`, just before each of the run's windows closes. */
let origin = Date.now();

async function loop(): Promise<void> {
  timer = undefined;
  if (closed) return;
  running = true;
  try {
    post(await sampler.round());
  } catch (error) {
    post({ type: "failure", message: error instanceof Error ? error.message : String(error) });
  }
  running = false;
  scheduleNext();
}

/** The next round on the grid; a late round is followed by the next one due, not by a burst. */
function scheduleNext(): void {
  if (closed || running) return;
  if (timer) clearTimeout(timer);
  const now = Date.now();
  const next = origin + (Math.floor((now - origin) / config.intervalMs) + 1) * config.intervalMs;
  timer = setTimeout(() => void loop(), Math.max(0, next - now));
}

port.on("message", (message: ControlMessage) => {
  if (message.type === "align") {
    origin = message.at;
    scheduleNext();
    return;
  }
  closed = true;
  if (timer) clearTimeout(timer);
  for (const { client } of clients) client.disconnect(false);
  port.close();
});

/**
 * Resolves once the client's first connection attempt has ended either way — connected, or refused
 * and retrying — so the first round does not call a node that is merely still connecting "refused".
 */
function firstAttempt(client: Redis): Promise<void> {
  if (client.status === "ready") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timeout);
      client.off("ready", done);
      client.off("reconnecting", done);
      resolve();
    };
    const timeout = setTimeout(done, config.noAnswerAfterMs);
    client.once("ready", done);
    client.once("reconnecting", done);
  });
}

void Promise.all(clients.map(({ client }) => firstAttempt(client))).then(() => loop());
