/**
 * `npm run bench`: the lab's own costs on this machine. Each case runs a real scenario on real
 * Redis nodes and records what the report says about the machine keeping up (event-loop and
 * arrival lag), plus wall time and memory. Results go to stdout as a Markdown table; BENCHMARKS.md
 * keeps the last run with the command that reproduces it.
 */
import { cpus } from "node:os";
import { parseScenario, type ScenarioInput } from "../lib/scenario";
import type { Report } from "../lib/report";
import { runScenario } from "../server/lab/runner";
import { createNodeManager } from "../server/nodes/manager";

const CASES: Array<{ name: string; scenario: ScenarioInput }> = [
  {
    name: "sneaker drop, 10,000 clients / 500 ms, redlock ×5, 4 instances, poll",
    scenario: { lock: "redlock", waiters: "poll", durationMs: 4000, crowd: { clients: 10_000, arrivalMs: 500, patienceMs: 5000 } },
  },
  {
    name: "sneaker drop, 10,000 clients / 500 ms, no lock (the stampede)",
    scenario: { lock: "none", durationMs: 4000, crowd: { clients: 10_000, arrivalMs: 500, patienceMs: 5000 } },
  },
  {
    name: "sneaker drop, 10,000 clients / 500 ms, redlock, notify waiters",
    scenario: { lock: "redlock", waiters: "notify", durationMs: 4000, crowd: { clients: 10_000, arrivalMs: 500, patienceMs: 5000 } },
  },
  {
    name: "steady 2,000 rps for 5 s, 100 keys zipf, redlock",
    scenario: { lock: "redlock", waiters: "poll", durationMs: 5000, crowd: { profile: "steady", rps: 2000, keys: 100, keyDistribution: "zipf" } },
  },
];

/** The dashboard runs its nodes behind fault proxies (in-process TCP relays): what do they cost? */
const PROXY_CASES = [CASES[0]!, CASES[3]!];

/**
 * Redlock's request coalescing in front of the library (`redlock.coalesce`), on and off: the
 * redlock-coalescing preset's crowd, and the first case's 10,000 clients.
 */
const PRESET_CROWD: ScenarioInput = {
  lock: "redlock",
  waiters: "poll",
  durationMs: 5000,
  db: { readLatencyMs: 1000 },
  crowd: { clients: 400, expireAtMs: 1000, arrivalMs: 200, patienceMs: 4000 },
};
const COALESCING_CASES: typeof CASES = [
  { name: "400 clients / 200 ms, DB read 1 s, redlock, poll (the redlock-coalescing preset), coalesced", scenario: PRESET_CROWD },
  { name: "the same, `redlock.coalesce: false`", scenario: { ...PRESET_CROWD, redlock: { coalesce: false } } },
  { name: "10,000 clients / 500 ms, redlock ×5, 4 instances, poll, coalesced", scenario: CASES[0]!.scenario },
  { name: "the same, `redlock.coalesce: false`", scenario: { ...CASES[0]!.scenario, redlock: { coalesce: false } } },
];

const basePort = Number(process.env.LAB_BASE_PORT ?? 7400);
const header = [
  "| case | requests | event-loop lag max (ms) | arrival lag max (ms) | latency p50 / p99 (ms) | DB reads | wall (ms) | RSS growth (MB) |",
  "|---|---|---|---|---|---|---|---|",
];
const roundsHeader = [
  "| case | lock attempts | Redlock rounds | answered in-process | event-loop lag max (ms) | arrival lag max (ms) | latency p50 / p99 (ms) | timeouts + errors | DB reads | wall (ms) |",
  "|---|---|---|---|---|---|---|---|---|---|",
];
const direct = await benchCases(CASES, false);
const proxied = await benchCases(PROXY_CASES, true);
const coalescing = await benchCases(COALESCING_CASES, false, roundsRow);
console.log(`Node ${process.versions.node}, ${cpus().length} cores (${cpus()[0]?.model ?? "?"})\n`);
console.log("Engine straight to the nodes (the CLI's default):\n");
for (const line of [...header, ...direct]) console.log(line);
console.log("\nEngine through fault proxies, one per node per instance (the dashboard's default):\n");
for (const line of [...header, ...proxied]) console.log(line);
console.log("\nRedlock's request coalescing on and off (engine straight to the nodes):\n");
for (const line of [...roundsHeader, ...coalescing]) console.log(line);

type Row = (name: string, report: Report, wall: number, rssMb: number) => string;

function costRow(name: string, report: Report, wall: number, rssMb: number): string {
  return `| ${name} | ${report.requests.total} | ${report.runtime.eventLoopLagMaxMs} | ${report.runtime.arrivalLagMaxMs} | ${report.latencyMs.p50} / ${report.latencyMs.p99} | ${report.db.reads} | ${wall} | ${rssMb} |`;
}

function roundsRow(name: string, report: Report, wall: number): string {
  const { locks, runtime } = report;
  return `| ${name} | ${locks.attempts} | ${locks.rounds ?? "—"} | ${locks.answeredInProcess ?? "—"} | ${runtime.eventLoopLagMaxMs} | ${runtime.arrivalLagMaxMs} | ${report.latencyMs.p50} / ${report.latencyMs.p99} | ${report.requests.timeouts + report.requests.errors} | ${report.db.reads} | ${wall} |`;
}

async function benchCases(cases: typeof CASES, faultProxies: boolean, row: Row = costRow): Promise<string[]> {
  const nodes = createNodeManager({ basePort, faultProxies });
  const rows: string[] = [];
  try {
    await nodes.start();
    for (const c of cases) {
      const parsed = parseScenario(c.scenario);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
      global.gc?.();
      const rssBefore = process.memoryUsage().rss;
      const started = performance.now();
      const report = await runScenario(parsed.scenario, { nodes });
      const wall = Math.round(performance.now() - started);
      const rssMb = Math.round((process.memoryUsage().rss - rssBefore) / 1e6);
      rows.push(row(c.name, report, wall, rssMb));
      process.stderr.write(`done${faultProxies ? " (through proxies)" : ""}: ${c.name}\n`);
    }
  } finally {
    await nodes.stop();
  }
  return rows;
}
