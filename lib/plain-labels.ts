/**
 * The report's figures in plain words, for whatever a room reads: the run summary's headlines, a
 * beat's "watch" line, an expect shown as ✓/✗. Report field names (`maxDbReadsPerEpisode`,
 * `db.rejected`) belong to the downloadable JSON and the CLI's `--assert`, never to the screen.
 * Pure: no Node imports.
 */

/** Dotted report path → the label a room reads. */
export const PLAIN_LABELS: Readonly<Record<string, string>> = {
  "requests.total": "requests",
  "requests.hits": "requests served from the cache",
  "requests.misses": "requests that read the database",
  "requests.staleServed": "requests served the old copy",
  "requests.errors": "requests that ended in an error",
  "requests.timeouts": "requests that timed out",
  "latencyMs.p50": "latency p50",
  "latencyMs.p95": "latency p95",
  "latencyMs.p99": "latency p99",
  "latencyMs.max": "latency max",
  "db.reads": "DB reads",
  "db.writes": "DB writes",
  "db.peakInFlight": "most DB queries at once",
  "db.rejected": "DB queries refused",
  "db.timedOut": "DB queries timed out",
  "db.readsOutsideEpisodes": "DB reads outside any episode",
  "db.lockedWrites": "locked writes",
  "db.counterIncrease": "counter increase",
  "db.lostUpdates": "lost updates",
  "db.staleWritesRejected": "stale writes refused (fencing)",
  "db.staleWritesAccepted": "stale writes accepted",
  episodeCount: "episodes",
  maxDbReadsPerEpisode: "most DB reads in one episode",
  "locks.attempts": "lock attempts",
  "locks.acquired": "locks granted",
  "locks.contended": "lock attempts that found it taken",
  "locks.failed": "lock attempts that failed",
  "locks.maxHoldersAtOnce": "most lock holders at once",
  "locks.safetyViolations": "safety violations",
  "locks.violationsByKind.two-holders": "two holders at once",
  "locks.violationsByKind.write-after-validity": "writes after the lock ran out",
  "locks.violationsByKind.write-out-of-token-order": "older holders' writes after newer ones'",
  "locks.pauses.taken": "holder pauses",
  "locks.pauses.outlivedValidity": "pauses that outlived the lock",
  "writes.acknowledged": "writes acknowledged",
  "writes.persisted": "writes persisted",
  "writes.pending": "writes pending",
  "writes.lost": "writes lost",
  "writes.failed": "writes failed",
  "locks.rounds": "Redlock rounds",
  "locks.answeredInProcess": "answered in-process",
  "runtime.distorted": "distorted by this machine's lag",
  "scenario.instances": "the number of instances",
  "scenario.db.readLatencyMs": "one DB read (ms)",
};

/** Field names written without their group in prose ("watch: readsOutsideEpisodes"), where one group has them. */
const BARE_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
  ["readsOutsideEpisodes", "lostUpdates", "staleWritesRejected", "staleWritesAccepted", "staleServed", "safetyViolations"].map((name) => {
    const path = Object.keys(PLAIN_LABELS).find((p) => p.endsWith(`.${name}`))!;
    return [name, PLAIN_LABELS[path]!];
  }),
);

/** The plain label of a report path; the path itself when it has none (never silently blank). */
export function plainLabel(path: string): string {
  return PLAIN_LABELS[path] ?? path;
}

/**
 * A sentence with every report field name in it replaced by its plain label, longest names first
 * ("db.readsOutsideEpisodes" before "db.reads"): for a "watch" line or a claim written in the
 * `--assert` grammar.
 */
export function plainWords(text: string): string {
  const labels: Record<string, string> = { ...BARE_NAMES, ...PLAIN_LABELS };
  const names = Object.keys(labels).sort((a, b) => b.length - a.length);
  const pattern = new RegExp(`(?<![\\w.-])(${names.map(escape).join("|")})(?![\\w-])`, "g");
  return text.replace(pattern, (name) => labels[name] ?? name);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
