import net from "node:net";
import { LabError } from "../core/errors";
import { NodeErrorCode } from "./node-errors";

/** The machine's own Redis lives here; the lab never spawns on it. */
export const RESERVED_PORT = 6379;
export const DEFAULT_BASE_PORT = 7100;
const MAX_PORT = 65_535;
/** How far past the wanted port the allocator looks before giving up. */
const MAX_PROBES = 200;

/** Throws BAD_PORT unless `port` is a TCP port the lab may spawn a node on. */
export function assertSpawnablePort(port: unknown, what: string): asserts port is number {
  if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > MAX_PORT) {
    throw new LabError(NodeErrorCode.BadPort, `${what} must be a whole number from 1 to ${MAX_PORT} (got ${String(port)}).`);
  }
  if (port === RESERVED_PORT) {
    throw new LabError(
      NodeErrorCode.BadPort,
      `${what} is ${RESERVED_PORT}, the port of the machine's own Redis; the lab never spawns a node there. Pick another port.`,
    );
  }
}

/** True when nothing listens on host:port (checked by briefly listening there ourselves). */
export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once("error", (error: NodeJS.ErrnoException) => {
      // EACCES (privileged port) counts as busy too: a redis-server could not bind it either.
      if (error.code === "EADDRINUSE" || error.code === "EACCES") resolve(false);
      else reject(error);
    });
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/**
 * The first port at or after `from` that is free, not 6379, and not in `taken` (ports this lab already
 * handed out, which may not be bound yet). Throws NO_FREE_PORT after {@link MAX_PROBES} candidates.
 */
export async function findFreePort(host: string, from: number, taken: ReadonlySet<number> = new Set()): Promise<number> {
  let candidate = from;
  for (let probes = 0; probes < MAX_PROBES && candidate <= MAX_PORT; candidate++) {
    if (candidate === RESERVED_PORT || taken.has(candidate)) continue;
    probes++;
    if (await isPortFree(host, candidate)) return candidate;
  }
  throw new LabError(
    NodeErrorCode.NoFreePort,
    `No free port for a Redis node on ${host} from ${from} (tried ${MAX_PROBES} ports). Set another basePort / LAB_BASE_PORT.`,
  );
}
