/**
 * Records the real reports lib/verdict's tests judge (lib/testing/reports/*.json): each preset beat
 * on its own fresh nodes, some with lock nodes crashed before the run as an earlier story would
 * leave them; ticks left out. Run it after a change to what a report holds:
 *   LAB_BASE_PORT=9400 npx tsx server/lab/testing/record-report-fixtures.ts [name …]
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { findPreset, presetScenario } from "../../../lib/presets";
import { parseScenario } from "../../../lib/scenario";
import { createNodeManager } from "../../nodes/manager";
import type { NodeId } from "../../nodes/types";
import { nodeManagerOptionsFor, runScenario } from "../runner";

const OUT = fileURLToPath(new URL("../../../lib/testing/reports", import.meta.url));

const RUNS: Array<{ name: string; preset: string; beat: number; downFirst?: NodeId[] }> = [
  { name: "xfetch-early-refresh", preset: "xfetch", beat: 1 },
  { name: "xfetch-off", preset: "xfetch", beat: 2 },
  { name: "no-quorum-fail-closed", preset: "no-quorum", beat: 1 },
  { name: "no-quorum-fail-open", preset: "no-quorum", beat: 2 },
  { name: "local-locks", preset: "local-locks-per-instance", beat: 1 },
  { name: "redlock-one-read", preset: "local-locks-per-instance", beat: 2 },
  { name: "gc-pause", preset: "gc-pause", beat: 1 },
  { name: "restart-four-down-before", preset: "restart-without-persistence", beat: 1, downFirst: ["lock-1", "lock-2", "lock-3", "lock-4"] },
  { name: "redlock-holds-four-down-before", preset: "redlock-holds", beat: 1, downFirst: ["lock-1", "lock-2", "lock-3", "lock-5"] },
];

async function main(only: string[]): Promise<void> {
  for (const run of RUNS.filter((r) => only.length === 0 || only.includes(r.name))) {
    const parsed = parseScenario(presetScenario(findPreset(run.preset)!, run.beat));
    if (!parsed.ok) throw new Error(`${run.preset} beat ${run.beat} is not a valid scenario`);
    const nodes = createNodeManager({ basePort: Number(process.env.LAB_BASE_PORT ?? 9400), lockNodes: 5, ...nodeManagerOptionsFor(parsed.scenario) });
    await nodes.start();
    try {
      for (const id of run.downFirst ?? []) await nodes.apply(id, "crash");
      const report = await runScenario(parsed.scenario, { nodes });
      report.ticks = [];
      writeFileSync(`${OUT}/${run.name}.json`, `${JSON.stringify(report, null, 2)}\n`);
      process.stdout.write(`${run.name}: ${report.requests.total} requests, ${report.db.reads} DB reads, ${report.episodeCount} episode(s)\n`);
    } finally {
      await nodes.stop();
    }
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
