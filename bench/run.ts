/**
 * `npm run bench`: the lab's own costs on this machine. Each case runs a real scenario on real
 * Redis nodes and records what the report says about the machine keeping up (event-loop and
 * arrival lag), plus wall time and memory. Results go to stdout as a Markdown table; BENCHMARKS.md
 * keeps the last run with the command that reproduces it.
 */
import { cpus } from "node:os";
import { parseScenario, type ScenarioInput } from "../lib/scenario";
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

const basePort = Number(process.env.LAB_BASE_PORT ?? 7400);
const header = [
  "| case | requests | event-loop lag max (ms) | arrival lag max (ms) | latency p50 / p99 (ms) | DB reads | wall (ms) | RSS growth (MB) |",
  "|---|---|---|---|---|---|---|---|",
];
const direct = await benchCases(CASES, false);
const proxied = await benchCases(PROXY_CASES, true);
console.log(`Node ${process.versions.node}, ${cpus().length} cores (${cpus()[0]?.model ?? "?"})\n`);
console.log("Engine straight to the nodes (the CLI's default):\n");
for (const line of [...header, ...direct]) console.log(line);
console.log("\nEngine through fault proxies, one per node per instance (the dashboard's default):\n");
for (const line of [...header, ...proxied]) console.log(line);

async function benchCases(cases: typeof CASES, faultProxies: boolean): Promise<string[]> {
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
      rows.push(
        `| ${c.name} | ${report.requests.total} | ${report.runtime.eventLoopLagMaxMs} | ${report.runtime.arrivalLagMaxMs} | ${report.latencyMs.p50} / ${report.latencyMs.p99} | ${report.db.reads} | ${wall} | ${rssMb} |`,
      );
      process.stderr.write(`done${faultProxies ? " (through proxies)" : ""}: ${c.name}\n`);
    }
  } finally {
    await nodes.stop();
  }
  return rows;
}
