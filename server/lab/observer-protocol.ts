/**
 * The lock observer's messages between the runner's thread and its sampling worker, and how a
 * node's latest report becomes what a frame shows. The worker reads every lock node on the node's
 * own port, on its own event loop, so a busy engine loop delays neither the reads nor their times:
 * a reading is late only when the worker itself could not take it in time.
 */
import { z } from "zod";
import type { ObservedAnswer, ObservedLock } from "../../lib/report";

/** What the worker is started with (its `workerData`, beside the port it posts on). */
export interface ObserverConfig {
  nodes: Array<{ nodeId: string; host: string; port: number }>;
  lockKey: string;
  /** One round of reads every this many ms (the run's tick). */
  intervalMs: number;
  /** A connected node silent this long is a non-answer (frozen): the reads' command timeout. */
  noAnswerAfterMs: number;
}

/** A read that ended: the node's answer, or why there was none. `at` is wall-clock ms when it ended. */
export const completedSchema = z.discriminatedUnion("outcome", [
  z.object({ outcome: z.literal("answered"), at: z.number(), value: z.string().nullable(), pttlMs: z.number().nullable() }),
  z.object({ outcome: z.literal("refused"), at: z.number(), error: z.string() }),
  z.object({ outcome: z.literal("no-answer"), at: z.number(), error: z.string() }),
]);
export type CompletedRead = z.infer<typeof completedSchema>;

/** One node in a round: its last read that ended, and since when a read is still out (null: none). */
export const nodeReportSchema = z.object({
  nodeId: z.string(),
  last: completedSchema.nullable(),
  waitingSince: z.number().nullable(),
});
export type NodeReport = z.infer<typeof nodeReportSchema>;

/** Worker → runner: one round of reads, sent together at `at` (wall-clock ms). */
export const roundSchema = z.object({
  type: z.literal("round"),
  seq: z.number().int().nonnegative(),
  at: z.number(),
  nodes: z.array(nodeReportSchema),
});
export type RoundMessage = z.infer<typeof roundSchema>;

/** Worker → runner: a round failed (the next one is tried on time). */
export const failureSchema = z.object({ type: z.literal("failure"), message: z.string() });

export const workerMessageSchema = z.discriminatedUnion("type", [roundSchema, failureSchema]);
export type WorkerMessage = z.infer<typeof workerMessageSchema>;

/**
 * Runner → worker: `align` puts the rounds on the grid `at + k × intervalMs` (wall-clock ms), so each
 * one lands just before a window of the run closes; `close` stops sampling, closes the connections
 * and lets the worker exit.
 */
export type ControlMessage = { type: "align"; at: number } | { type: "close" };

export interface ClassifyLimits {
  /** An answer older than this, when the frame closes, is shown late (greyed, with its age). */
  lateAfterMs: number;
  /** A read out this long without ending is a non-answer, even before its timeout reports it. */
  noAnswerAfterMs: number;
}

/** What a frame shows for one node, before the holder is named. */
export type ClassifiedLock = Omit<ObservedLock, "sampledAtMs"> & { answer: ObservedAnswer; sampledAt: number | null; ageMs: number | null };

/**
 * One node's latest report, as of wall-clock `now`. Refusals and silences are what the node last
 * did, whatever their age: they are real non-answers. An answer stays an answer — only its age
 * decides whether it is fresh or late, so a late reading is never shown as "no answer".
 */
export function classify(nodeId: string, report: NodeReport | undefined, now: number, limits: ClassifyLimits): ClassifiedLock {
  const last = report?.last ?? null;
  const waiting = report?.waitingSince ?? null;
  const silentTooLong = waiting !== null && now - waiting >= limits.noAnswerAfterMs;
  if (last === null) {
    // Never read: a node silent since the first read is a non-answer; otherwise the first answer is late.
    const answer: ObservedAnswer = silentTooLong ? "no-answer" : "late";
    return { nodeId, reachable: false, value: null, pttlMs: null, answer, sampledAt: null, ageMs: null };
  }
  const ageMs = Math.max(0, now - last.at);
  if (last.outcome !== "answered") {
    return { nodeId, reachable: false, value: null, pttlMs: null, answer: last.outcome, sampledAt: last.at, ageMs };
  }
  if (silentTooLong) return { nodeId, reachable: false, value: null, pttlMs: null, answer: "no-answer", sampledAt: last.at, ageMs };
  return {
    nodeId,
    reachable: true,
    value: last.value,
    pttlMs: last.pttlMs,
    answer: ageMs > limits.lateAfterMs ? "late" : "answered",
    sampledAt: last.at,
    ageMs,
  };
}

/** The distinct lock values the nodes answered with in this round (one instant). */
export function distinctValuesIn(round: RoundMessage): number {
  const values = new Set<string>();
  for (const node of round.nodes) {
    if (node.last?.outcome === "answered" && node.last.at >= round.at && node.last.value !== null) values.add(node.last.value);
  }
  return values.size;
}
