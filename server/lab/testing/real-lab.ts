/**
 * Shared plumbing for integration tests that run against real redis-server nodes: a node manager
 * on the test file's own port range, a record of every PID it spawned (restarts included), and a
 * stop that proves none of them survived.
 */
import fs from "node:fs";
import { expect } from "vitest";
import { parseScenario, type Scenario, type ScenarioInput } from "../../../lib/scenario";
import { createNodeManager, type LabNodeManager } from "../../nodes/manager";
import type { NodeManagerOptions } from "../../nodes/types";
import { testBasePort, TEST_PORTS_PER_SLOT } from "../../nodes/test-ports";
import type { Report } from "../report";

export interface RealLab {
  nodes: LabNodeManager;
  /** First port of this file's range; it runs to the end of the slot (`TEST_PORTS_PER_SLOT` ports from the slot's start). */
  basePort: number;
  /** Every redis-server PID the manager started, restarts included. */
  readonly pids: ReadonlySet<number>;
  /**
   * Brings every crashed node back (empty) and thaws frozen ones, so the next run starts whole; with
   * fault proxies it also heals every partition and removes the latency on every path.
   */
  restoreAll(): Promise<void>;
  /** Stops the manager and fails unless every redis-server it spawned is gone. */
  stop(): Promise<void>;
}

/**
 * Starts `cache` + `lockNodes` lock nodes on port range `slot` (see testBasePort; one slot per test file).
 * `offset` starts further into the slot (e.g. `TEST_PORTS_PER_SLOT / 2`: its upper half), for a file
 * that shares a slot with another; the nodes must then fit in what is left of it. @default 0
 * `faultProxies` and `nodeOptions` go to the node manager as they are (see NodeManagerOptions; e.g.
 * `nodeManagerOptionsFor(scenario)` from the runner). The proxies take their ports right after the
 * nodes': one per node, plus one per node and engine instance once a run partitions single
 * instances — 6 nodes × (1 + 4 instances) = 30 ports, so a lab with proxies wants a slot of its own.
 */
export async function startRealLab(
  slot: number,
  lockNodes = 5,
  options: { offset?: number } & Pick<NodeManagerOptions, "faultProxies" | "nodeOptions"> = {},
): Promise<RealLab> {
  const offset = options.offset ?? 0;
  const basePort = testBasePort(slot) + offset;
  const rangeEnd = testBasePort(slot) + TEST_PORTS_PER_SLOT;
  const nodes = createNodeManager({
    basePort,
    lockNodes,
    ...(options.faultProxies !== undefined ? { faultProxies: options.faultProxies } : {}),
    ...(options.nodeOptions !== undefined ? { nodeOptions: options.nodeOptions } : {}),
  });
  const pids = new Set<number>();
  const unsubscribe = nodes.onEvent((event) => {
    if (event.data.pid !== null) pids.add(event.data.pid);
  });
  try {
    await nodes.start();
  } catch (error) {
    unsubscribe();
    await nodes.stop();
    throw error;
  }
  try {
    // Positive control for the survivor check in stop(): it does see our live nodes.
    expect(ourRedisServers({ parent: process.pid }).sort()).toEqual(nodes.list().map((n) => n.pid).sort());
    for (const node of nodes.list()) {
      if (node.pid !== null) pids.add(node.pid);
      expect(node.port, `${node.id} must be on this file's own port range`).toBeGreaterThanOrEqual(basePort);
      expect(node.port).toBeLessThan(rangeEnd);
      expect(node.port).not.toBe(6379);
    }
  } catch (error) {
    // The caller never gets a handle to stop: stop here.
    unsubscribe();
    await nodes.stop();
    throw error;
  }
  return {
    nodes,
    basePort,
    pids,
    async restoreAll() {
      await Promise.all(
        nodes.list().map(async (node) => {
          if (node.state === "crashed") await nodes.apply(node.id, "start");
          else if (node.state === "frozen") await nodes.apply(node.id, "thaw");
          if (node.path?.partitioned) await nodes.apply(node.id, "heal");
          if (node.path && (node.path.latencyMs > 0 || node.path.jitterMs > 0)) await nodes.apply(node.id, "latency", { ms: 0, jitterMs: 0 });
        }),
      );
      for (const node of nodes.list()) {
        if (node.pid !== null) pids.add(node.pid);
        expect(node.state, `${node.id} should be up again`).toBe("up");
        if (node.path) expect(node.path, `${node.id}'s path should be clear again`).toEqual({ partitioned: false, latencyMs: 0, jitterMs: 0 });
      }
    },
    async stop() {
      await nodes.stop();
      unsubscribe();
      expect(pids.size, "the manager spawned redis-server processes").toBeGreaterThan(0);
      expect(livingRedisPids([...pids]), "redis-server PIDs still alive after stop()").toEqual([]);
      // Also any redis-server this process spawned that the manager's events did not mention. (Not
      // "anything on our ports": other vitest processes on the machine get the same port blocks.)
      expect(ourRedisServers({ parent: process.pid }), "redis-server children of this process still alive").toEqual([]);
    },
  };
}

/** The PIDs among `pids` that are still a running (non-zombie) redis-server. */
export function livingRedisPids(pids: readonly number[]): number[] {
  return pids.filter((pid) => {
    const info = procInfo(pid);
    return info !== null && info.state !== "Z" && /redis-server/.test(info.cmdline);
  });
}

/**
 * Running redis-servers that belong to us: children of `parent`, or members of process group
 * `processGroup` (a CLI child spawned detached leads its own group; its redis-servers stay in it
 * even once orphaned). Not "anything on our ports": other vitest processes on the machine get the
 * same port blocks, and redis-server overwrites its argv and environ with its process title.
 */
export function ourRedisServers(owner: { parent: number } | { processGroup: number }): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const info = procInfo(Number(entry));
    if (!info || info.state === "Z" || !/redis-server/.test(info.cmdline)) continue;
    if ("parent" in owner ? info.ppid === owner.parent : info.pgrp === owner.processGroup) found.push(Number(entry));
  }
  return found;
}

function procInfo(pid: number): { state: string; ppid: number; pgrp: number; cmdline: string } | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name: state, ppid, pgrp.
    const [state = "", ppid = "0", pgrp = "0"] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
    return { state, ppid: Number(ppid), pgrp: Number(pgrp), cmdline };
  } catch {
    return null;
  }
}

/** Parses a scenario the way the CLI does; a test scenario that does not parse is a test bug. */
export function scenario(input: ScenarioInput): Scenario {
  const parsed = parseScenario(input);
  if (!parsed.ok) throw new Error(`bad test scenario: ${parsed.issues.map((i) => `${i.field}: ${i.message}`).join("; ")}`);
  return parsed.scenario;
}

/** Notes of faults that really ran (not `fault-failed`), as "crash lock-2" → atMs. */
export function faultTimes(report: Report): Map<string, number> {
  return new Map(report.notes.filter((n) => n.kind === "fault").map((n) => [n.text, n.atMs]));
}

/** A compact line for failure messages. */
export function digest(report: Report): string {
  return JSON.stringify({
    requests: report.requests,
    db: report.db,
    episodes: report.episodes,
    locks: { ...report.locks, observed: report.locks.observed },
    writes: report.writes,
    cache: report.cache,
    runtime: report.runtime,
    notes: report.notes.filter((n) => n.kind !== "phase"),
  });
}
