/**
 * Log entries of recordings saved before entries had fields (recording version 1): `{ atMs, kind,
 * text }` only. Their sentences are frozen — those files will never be written again — so reading
 * the few the page drew from (run boundaries, faults, node changes, crowds, expiries) is safe here,
 * once, on load. Everything else becomes a note: shown, never read.
 */
import { LOG_FAULT_ACTIONS, LOG_KINDS, LOG_NODE_CHANGES, logEntry, type FaultAction, type LogEntry, type LogKind, type NodeChange } from "./log";

export interface LegacyLogEntry {
  atMs: number;
  kind: string;
  text: string;
}

const FAULT = new RegExp(`^(${LOG_FAULT_ACTIONS.join("|")})\\s+([\\w-]+)(:\\s*(.*)|\\s|$)`);
const NODE = new RegExp(`^(cache|lock-\\d+)\\s+(${LOG_NODE_CHANGES.join("|")})\\b(?:\\s+\\((.*)\\))?$`);

/** A version-1 entry in today's shape, keeping its sentence as it was. */
export function upgradeLegacyEntry(old: LegacyLogEntry): LogEntry {
  const kind: LogKind = (LOG_KINDS as readonly string[]).includes(old.kind) ? (old.kind as LogKind) : "run";
  const { atMs, text } = old;
  const keep = (entry: LogEntry): LogEntry => ({ ...entry, atMs, text });
  switch (kind) {
    case "run": {
      const started = /^run (\d+) started(?:: ([^,]+)(?:, beat (\d+))?)?$/.exec(text);
      if (started) return keep(logEntry.run.started({ atMs, runId: Number(started[1]), ...(started[2] ? { presetId: started[2] } : {}), ...(started[3] ? { beat: Number(started[3]) } : {}) }));
      const ended = /^run (\d+) ended$/.exec(text);
      if (ended) return keep(logEntry.run.ended({ atMs, runId: Number(ended[1]) }));
      const failed = /^run (\d+) failed: (.*)$/.exec(text);
      if (failed) return keep(logEntry.run.failed({ atMs, runId: Number(failed[1]), message: failed[2]! }));
      break;
    }
    case "fault": {
      const expired = /^(\S+) expired( by hand)?$/.exec(text);
      if (expired) return keep(logEntry.fault.expired({ atMs, key: expired[1]!, byHand: expired[2] !== undefined }));
      const fault = FAULT.exec(text);
      if (fault) {
        const target = fault[2]!;
        const instance = /^instance-(\d+)$/.exec(target);
        return keep(
          logEntry.fault.action({
            atMs,
            action: fault[1] as FaultAction,
            ...(instance ? { instance: Number(instance[1]) } : { node: target }),
            byHand: /by hand/.test(text),
            ...(fault[3]?.startsWith(":") ? { failed: fault[4] ?? "" } : {}),
          }),
        );
      }
      break;
    }
    case "node": {
      const node = NODE.exec(text);
      if (node) return keep(logEntry.node.changed({ atMs, node: node[1]!, action: node[2] as NodeChange, ...(node[3] ? { detail: node[3] } : {}) }));
      break;
    }
    case "crowd": {
      const size = /(\d[\d,]*)/.exec(text);
      if (size) return keep(logEntry.crowd.released({ atMs, clients: Number(size[1]!.replace(/,/g, "")), byHand: /by hand/.test(text) }));
      break;
    }
    case "episode": {
      const opened = /^(\S+) (missing|unreachable|expired): an episode opens$/.exec(text);
      if (opened) return keep(logEntry.episode.opened({ atMs, key: opened[1]!, reason: opened[2] as "missing" | "unreachable" | "expired" }));
      break;
    }
    default:
      break;
  }
  return logEntry.note(kind, atMs, text);
}
