import { z } from "zod";
import { LOG_KINDS, logEntry, logEntrySchema } from "./log";
import { upgradeLegacyEntry } from "./log-legacy";
import type { LogEntry, Report, TickFrame } from "./report";
import type { WireAlarm, WireNode } from "./protocol";
import type { Scenario } from "./scenario";

/**
 * A saved run: everything the page drew, so it can be replayed without Redis — the fallback when a
 * stage demo cannot run live. Written and read by the page only.
 */
export const RECORDING_FORMAT = "stampede-lab-recording";
/** 2: log entries carry their typed fields. Version-1 files still load (their log is upgraded). */
export const RECORDING_VERSION = 2;

export interface Recording {
  format: typeof RECORDING_FORMAT;
  version: typeof RECORDING_VERSION;
  savedAt: string;
  scenario: Scenario;
  meta: { presetId?: string; beat?: number };
  frames: TickFrame[];
  log: LogEntry[];
  /** Node snapshots as they changed, with ms since t = 0. */
  nodes: { atMs: number; nodes: WireNode[] }[];
  report: Report | null;
  /**
   * The run's safety alarms, on its time line. Optional: recordings saved before alarms existed
   * have none, and replay them as they were.
   */
  alarms?: WireAlarm[];
  /**
   * The finished run before this one, to compare the two side by side (its report holds every
   * tick). Optional: recordings saved before the comparison existed have none.
   */
  previous?: PreviousRun;
}

/** A finished run kept beside the current one: "Compare with the previous run". */
export interface PreviousRun {
  /** Its id on the server that ran it. */
  runId: number;
  meta: { presetId?: string; beat?: number };
  report: Report;
}

/** The checks a file must pass before the page trusts it (frames are taken as the server wrote them). */
const legacyLogSchema = z.array(z.object({ atMs: z.number(), kind: z.string(), text: z.string() })).max(100_000);
/** What every entry must have; its typed fields are checked one entry at a time ({@link withFields}). */
const sentencesSchema = z.array(z.object({ atMs: z.number(), kind: z.enum(LOG_KINDS), text: z.string() }).loose()).max(100_000);

/**
 * The entry with its typed fields, or — if they do not match (a file edited by hand) — a note with
 * its sentence: shown, never drawn from. One odd line must not cost the speaker the whole replay.
 */
function withFields(entry: z.infer<typeof sentencesSchema>[number]): LogEntry {
  const parsed = logEntrySchema.safeParse(entry);
  return parsed.success ? parsed.data : logEntry.note(entry.kind, entry.atMs, entry.text);
}
const recordingSchema = z.object({
  format: z.literal(RECORDING_FORMAT),
  version: z.union([z.literal(1), z.literal(RECORDING_VERSION)]),
  savedAt: z.string(),
  scenario: z.record(z.string(), z.unknown()),
  meta: z.object({ presetId: z.string().optional(), beat: z.number().optional() }),
  frames: z.array(z.object({ t: z.number() }).loose()).max(100_000),
  // Checked by version below: fields from version 2 on, sentences only before.
  log: z.array(z.unknown()).max(100_000),
  nodes: z.array(z.object({ atMs: z.number(), nodes: z.array(z.object({ id: z.string() }).loose()) })),
  report: z.record(z.string(), z.unknown()).nullable(),
  alarms: z.array(z.object({ runId: z.number(), atMs: z.number(), seq: z.number().int().positive().optional(), violation: z.object({ resource: z.string() }).loose() })).max(100_000).optional(),
  previous: z
    .object({
      runId: z.number().int(),
      meta: z.object({ presetId: z.string().optional(), beat: z.number().optional() }),
      // The comparison draws the previous run from its report's ticks, on its scenario's tick.
      report: z
        .object({
          scenario: z.object({ tickMs: z.number().positive() }).loose(),
          ticks: z.array(z.object({ t: z.number() }).loose()).max(100_000),
        })
        .loose(),
    })
    .optional(),
});

export function parseRecording(text: string): { ok: true; recording: Recording } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, message: "This file is not JSON: choose a recording saved by Stampede Lab." };
  }
  const parsed = recordingSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return { ok: false, message: `Not a Stampede Lab recording (${first ? `${first.path.join(".") || "file"}: ${first.message}` : "unknown shape"}).` };
  }
  const log =
    parsed.data.version === 1
      ? legacyLogSchema.transform((entries) => entries.map(upgradeLegacyEntry)).safeParse(parsed.data.log)
      : sentencesSchema.transform((entries) => entries.map(withFields)).safeParse(parsed.data.log);
  if (!log.success) {
    const first = log.error.issues[0];
    return { ok: false, message: `Not a Stampede Lab recording (log.${first ? `${first.path.join(".")}: ${first.message}` : "unknown shape"}).` };
  }
  const entries = log.data;
  return { ok: true, recording: { ...parsed.data, version: RECORDING_VERSION, log: entries } as unknown as Recording };
}
