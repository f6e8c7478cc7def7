/**
 * `npm run scenario -- --config <file.json> | --preset <name> [--beat N] [--check] [--json] [--out <file>] [--assert '<claim>']…`
 * Runs one scenario on real Redis nodes and prints its report; `--check` also checks the beat's
 * expects, and `--preset all --check` rehearses every beat of every preset. Exit codes: 0 done,
 * 1 a claim or expect failed or the lab could not run, 2 the scenario (or the command line) is invalid.
 */
import { readFile, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { findPreset, PRESETS, presetScenario } from "../../lib/presets";
import { parseScenario, type Scenario } from "../../lib/scenario";
import { describeError } from "../core/errors";
import { LabController } from "../lab/controller";
import { rehearsalPassed, rehearsalPlan, rehearse } from "../lab/rehearsal";
import { watchParent } from "../core/parent-watch";
import { nodeManagerOptionsFor, runScenario } from "../lab/runner";
import { createNodeManager, nodeManagerOptionsFromEnv } from "../nodes/manager";
import { checkClaim } from "../../lib/claims";
import { checkExpects } from "../../lib/expect";
import { formatBeatCheck, formatRehearsalTable } from "./check";
import { formatSummary, progressLine } from "./summary";

const USAGE = `usage: npm run -s scenario -- (--config <file.json> | --preset <name> [--beat N] [--check]) [--json] [--out <file>] [--assert '<claim>']
       npm run -s scenario -- --preset all --check [--json]
       npm run -s scenario -- --list-presets`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        config: { type: "string" },
        preset: { type: "string" },
        beat: { type: "string" },
        json: { type: "boolean", default: false },
        out: { type: "string" },
        assert: { type: "string", multiple: true },
        check: { type: "boolean", default: false },
        "list-presets": { type: "boolean", default: false },
        quiet: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    process.stderr.write(`${describeError(error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args["list-presets"]) {
    if (args.json) process.stdout.write(`${JSON.stringify(PRESETS, null, 2)}\n`);
    else for (const p of PRESETS) process.stdout.write(`${p.id.padEnd(26)} ${p.title} (${p.beats.length} beat${p.beats.length > 1 ? "s" : ""})\n`);
    return 0;
  }

  if (args.preset === "all") {
    if (!args.check) return usage(`--preset all rehearses every beat of every preset: add --check`);
    if (args.config || args.beat !== undefined || args.assert || args.out) return usage(`--preset all --check takes no --config, --beat, --assert or --out: it plays every beat and checks each one's expects`);
    return rehearseAll(Boolean(args.json), Boolean(args.quiet));
  }
  if (args.check && args.config) {
    return usage(`--check checks a preset beat's expects, and a --config file has none: state your claims with --assert '<claim>'`);
  }

  let scenario: Scenario;
  try {
    scenario = await loadScenario(args);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }

  // Fault proxies and node persistence as the scenario needs them (issue 5); nothing for older scenarios.
  const nodes = createNodeManager({ ...nodeManagerOptionsFromEnv(process.env), lockNodes: Math.max(scenario.lockNodes, 1), ...nodeManagerOptionsFor(scenario) });
  const showProgress = !args.quiet && process.stderr.isTTY;
  try {
    await nodes.start();
    if (!args.quiet) process.stderr.write(`nodes up: ${nodes.list().map((n) => `${n.id}:${n.port}`).join(" ")}\n`);
    const report = await runScenario(scenario, {
      nodes,
      onProgress: ({ atMs, arrived, planned }) => {
        if (showProgress) process.stderr.write(`\r${progressLine(atMs, scenario.durationMs, arrived, planned)}`);
      },
      onNote: (note) => {
        if (!args.quiet && note.kind !== "phase") process.stderr.write(`${showProgress ? "\n" : ""}  t=${note.atMs}ms ${note.text}\n`);
      },
    });
    if (showProgress) process.stderr.write("\n");
    const json = JSON.stringify(report, null, 2);
    if (args.out) await writeFile(args.out, `${json}\n`);
    process.stdout.write(args.json ? `${json}\n` : `${formatSummary(report)}\n`);

    let failed = 0;
    if (args.check) {
      const preset = findPreset(args.preset!)!;
      const beat = args.beat === undefined ? 1 : Number(args.beat);
      const results = checkExpects(report, preset.beats[beat - 1]!.expect ?? []);
      failed += results.length === 0 ? 1 : results.filter((r) => !r.ok).length;
      process.stderr.write(`${formatBeatCheck(`${preset.id}, beat ${beat}`, results, report.runtime.distorted)}\n`);
    }
    for (const claim of args.assert ?? []) {
      for (const result of checkClaim(report, claim)) {
        if (!result.ok) failed++;
        process.stderr.write(`${result.ok ? "ok  " : "FAIL"} ${result.claim} (actual ${JSON.stringify(result.actual)})\n`);
      }
    }
    return failed > 0 ? 1 : 0;
  } catch (error) {
    process.stderr.write(`\nstampede-lab: ${describeError(error).message}\n`);
    return error instanceof SyntaxError ? 2 : 1;
  } finally {
    await nodes.stop();
  }
}

function usage(message: string): number {
  process.stderr.write(`${message}\n${USAGE}\n`);
  return 2;
}

/**
 * Every beat of every preset on one set of nodes (with fault proxies, for the beats that cut or
 * slow a path), the world reset before each story as the page's Rehearse does; a ✓/✗ table on
 * stdout (or the rehearsal as JSON), one line per beat on stderr as it goes.
 */
async function rehearseAll(json: boolean, quiet: boolean): Promise<number> {
  const steps = rehearsalPlan();
  const lockNodes = Math.max(
    1,
    ...steps.map(({ preset, beat }) => {
      const parsed = parseScenario(presetScenario(preset, beat));
      return parsed.ok ? parsed.scenario.lockNodes : 1;
    }),
  );
  const nodes = createNodeManager({ ...nodeManagerOptionsFromEnv(process.env), lockNodes, faultProxies: true });
  const lab = new LabController(nodes);
  try {
    await nodes.start();
    if (!quiet) process.stderr.write(`nodes up: ${nodes.list().map((n) => `${n.id}:${n.port}`).join(" ")}; rehearsing ${steps.length} beats\n`);
    let reported = 0;
    const state = await rehearse({ resetWorld: () => lab.resetWorld(), play: (s, meta) => lab.play(s, meta), stopRun: () => undefined }, steps, {
      prepare: (input) => {
        const parsed = parseScenario(input);
        if (!parsed.ok) throw new Error(`invalid scenario: ${parsed.issues.map((i) => `${i.field}: ${i.message}`).join("; ")}`);
        return parsed.scenario;
      },
      onProgress: (progress) => {
        if (quiet) return;
        for (const b of progress.beats.slice(reported)) {
          process.stderr.write(`${b.status === "passed" ? "✓" : "✗"} ${b.presetId} beat ${b.beat} (${(b.durationMs / 1000).toFixed(1)} s)\n`);
        }
        reported = progress.beats.length;
      },
    });
    process.stdout.write(json ? `${JSON.stringify(state, null, 2)}\n` : `${formatRehearsalTable(state)}\n`);
    return rehearsalPassed(state) ? 0 : 1;
  } catch (error) {
    process.stderr.write(`\nstampede-lab: ${describeError(error).message}\n`);
    return 1;
  } finally {
    lab.dispose();
    await nodes.stop();
  }
}

async function loadScenario(args: { config?: string; preset?: string; beat?: string }): Promise<Scenario> {
  if (Boolean(args.config) === Boolean(args.preset)) throw new UsageError(`give exactly one of --config or --preset\n${USAGE}`);
  if (args.config && args.beat !== undefined) throw new UsageError(`--beat picks a beat of a --preset; a --config file is one scenario already`);
  let input: unknown;
  let source: string;
  if (args.config) {
    source = args.config;
    let text: string;
    try {
      text = await readFile(args.config, "utf8");
    } catch (error) {
      throw new UsageError(`cannot read ${args.config}: ${describeError(error).message}`);
    }
    try {
      input = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`${args.config} is not valid JSON: ${describeError(error).message}`);
    }
  } else {
    const preset = findPreset(args.preset!);
    if (!preset) throw new UsageError(`no preset "${args.preset}"; --list-presets shows them: ${PRESETS.map((p) => p.id).join(", ")}`);
    const beat = args.beat === undefined ? 1 : Number(args.beat);
    if (!Number.isInteger(beat) || beat < 1 || beat > preset.beats.length) {
      throw new UsageError(`--beat must be 1…${preset.beats.length} for ${preset.id}`);
    }
    source = `preset ${preset.id}, beat ${beat}`;
    input = presetScenario(preset, beat);
  }
  const parsed = parseScenario(input);
  if (!parsed.ok) {
    throw new UsageError(`invalid scenario (${source}):\n${parsed.issues.map((i) => `  ${i.field}: ${i.message}`).join("\n")}`);
  }
  return parsed.scenario;
}

// SIGINT, SIGTERM and SIGHUP stop the nodes through the manager's process hooks (no handler of ours
// here, so they own the signal). An orphaned run — npm gone without passing a signal on — takes the
// same way out.
watchParent(() => process.kill(process.pid, "SIGTERM"));

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`stampede-lab: ${describeError(error).message}\n`);
    process.exitCode = 1;
  },
);
