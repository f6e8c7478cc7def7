import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { cpus } from "node:os";
import type { Report } from "../../lib/report";
import type { Scenario } from "../../lib/scenario";
import type { EngineInstance } from "../engine/instance";
import { cacheKeyFor } from "../engine/keys";
import type { RunTotals } from "../metrics/collector";
import { lockedWriteFigures } from "../metrics/locked-writes";
import type { NodeStatus } from "../nodes/types";
import type { OriginDatabase } from "../origin/types";
import type { LabNote, NodeInfo, TickFrame } from "./runner";

export type { Report };


export function buildReport(input: {
  scenario: Scenario;
  totals: RunTotals;
  db: OriginDatabase;
  instances: readonly EngineInstance[];
  nodes: Array<NodeStatus & { info: NodeInfo | null }>;
  ticks: TickFrame[];
  notes: LabNote[];
  observed: Report["locks"]["observed"];
  /** The nodes as the run found them at t = 0; absent from callers that did not record them. */
  nodesAtStart?: Report["nodesAtStart"];
  /** Each row's counter at t = 0 (lockedWork "increment"); rows absent count from 0. */
  counterStart?: ReadonlyMap<string, number>;
  /** Acknowledged writes not yet persisted, when the caller counted them (the cache-node buffer); else read from the instances. */
  pendingWrites?: number;
  durationMs: number;
  eventLoopLagMaxMs: number;
  distortionLimitMs: number;
}): Report {
  const { scenario, totals, db } = input;
  const stats = db.stats();
  // Persisted is read from the database's own write log, not from the engine's bookkeeping.
  const persisted = db.writeLog().filter((entry) => entry.writeId !== undefined && totals.writes.acknowledgedIds.has(entry.writeId)).length;
  const pending = input.pendingWrites ?? input.instances.reduce((sum, instance) => sum + (instance.isAlive ? instance.pendingWrites : 0), 0);
  const rowIds = Array.from({ length: scenario.crowd.keys }, (_, k) => cacheKeyFor(k));
  const safety = lockedWriteFigures(db, rowIds, input.counterStart);
  const redisVersion = input.nodes.find((n) => n.info?.redisVersion)?.info?.redisVersion ?? "unknown";
  return {
    scenario,
    provenance: {
      seed: scenario.seed,
      gitSha: gitSha(),
      versions: { node: process.versions.node, redis: redisVersion, ...packageVersions() },
      cores: cpus().length,
      startedAt: new Date(Date.now() - input.durationMs).toISOString(),
    },
    durationMs: input.durationMs,
    requests: totals.requests,
    latencyMs: totals.latencyMs,
    db: {
      reads: stats.reads,
      writes: stats.writes,
      peakInFlight: stats.peakInFlight,
      rejected: stats.rejected,
      timedOut: stats.timedOut,
      readsOutsideEpisodes: totals.readsOutsideEpisodes,
      ...safety,
    },
    episodes: totals.episodes,
    episodeCount: totals.episodeCount,
    maxDbReadsPerEpisode: totals.maxDbReadsPerEpisode,
    locks: { ...totals.locks, observed: input.observed },
    violations: totals.violations,
    writes: {
      acknowledged: totals.writes.acknowledged,
      failed: totals.writes.failed,
      persisted,
      pending,
      lost: totals.writes.acknowledged - persisted - pending,
    },
    cache: totals.cache,
    ...(input.nodesAtStart ? { nodesAtStart: input.nodesAtStart } : {}),
    nodes: input.nodes.map((node) => ({
      id: node.id,
      role: node.role,
      port: node.port,
      pid: node.pid,
      state: node.state,
      info: node.info ? { keyspaceHits: node.info.keyspaceHits, keyspaceMisses: node.info.keyspaceMisses, commands: node.info.commands } : null,
    })),
    runtime: {
      eventLoopLagMaxMs: input.eventLoopLagMaxMs,
      arrivalLagMaxMs: totals.arrivalLagMaxMs,
      distorted: input.eventLoopLagMaxMs > input.distortionLimitMs || totals.arrivalLagMaxMs > input.distortionLimitMs,
      distortionLimitMs: input.distortionLimitMs,
    },
    notes: input.notes,
    ticks: input.ticks,
  };
}

let cachedSha: string | null = null;
function gitSha(): string {
  if (cachedSha) return cachedSha;
  try {
    cachedSha = execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    cachedSha = "unknown";
  }
  return cachedSha;
}

function packageVersions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const out: Record<string, string> = {};
  for (const name of ["ioredis", "@sesamecare-oss/redlock", "next", "socket.io"]) {
    try {
      out[name] = (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      out[name] = "unknown";
    }
  }
  return out;
}
