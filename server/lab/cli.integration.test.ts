/**
 * The scenario CLI as a user runs it (`npx tsx server/cli/scenario.ts …`), in a child process with
 * its own port range: exit codes, named bad fields, a JSON report on stdout, and no redis-server
 * left behind after it exits.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScenarioInput } from "../../lib/scenario";
import { testBasePort, TEST_PORTS_PER_SLOT } from "../nodes/test-ports";
import type { Report } from "./report";
import { livingRedisPids, ourRedisServers } from "./testing/real-lab";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const BASE_PORT = testBasePort(3);
/** Process groups of the CLI children (each leads its own): how their redis-servers are told from other runs' nodes. */
const groups: number[] = [];
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "stampede-cli-test-"));
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  expect(groups.flatMap((processGroup) => ourRedisServers({ processGroup }))).toEqual([]);
});

function writeConfig(name: string, content: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(content));
  return file;
}

async function cli(
  args: string[],
  onStderr?: (soFar: string, processGroup: number) => void,
): Promise<{ code: number | null; stdout: string; stderr: string; processGroup: number }> {
  const env: NodeJS.ProcessEnv = { ...process.env, LAB_BASE_PORT: String(BASE_PORT) };
  // Spawn mode on this file's own ports: nothing inherited may point the CLI at other servers.
  for (const name of ["REDIS_CACHE_URL", "REDIS_LOCK_URLS", "LAB_LOCK_NODES"]) delete env[name];
  // Detached: the child leads a process group of its own, which its redis-servers inherit.
  const child = spawn("npx", ["tsx", "server/cli/scenario.ts", ...args], { cwd: REPO, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const processGroup = child.pid!;
  groups.push(processGroup);
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
    onStderr?.(stderr, processGroup);
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (exitCode) => resolve(exitCode));
  });
  return { code, stdout, stderr, processGroup };
}

/** After the CLI exits, none of its redis-servers may survive: neither those its report names nor any in its process group. */
function expectNoSurvivors(report: Report | null, processGroup: number) {
  const pids = (report?.nodes ?? []).flatMap((n) => (n.pid === null ? [] : [n.pid]));
  expect(livingRedisPids(pids)).toEqual([]);
  expect(ourRedisServers({ processGroup })).toEqual([]);
}

/** A small stampede: a few hundred clients, no lock, a database slow enough that they all miss. */
const SMALL_STAMPEDE: ScenarioInput = {
  lock: "none",
  lockNodes: 1,
  instances: 2,
  durationMs: 1500,
  crowd: { profile: "sneaker-drop", clients: 300, expireAtMs: 300, arrivalMs: 50, patienceMs: 1000 },
  db: { readLatencyMs: 300, capacity: 1000, queueLimit: 10_000 },
};

describe("scenario CLI", () => {
  it("refuses a bad config with exit 2, naming every bad field on stderr", async () => {
    const bad = writeConfig("bad.json", {
      instances: 0,
      lockNodes: 9,
      db: { capacity: 0 },
      crowd: { clients: -5 },
      faults: [{ atMs: 100, node: "lock-9", action: "crash" }],
      lokc: "redlock",
    });
    const { code, stdout, stderr, processGroup } = await cli(["--config", bad]);
    expect(code, stderr).toBe(2);
    expect(stdout).toBe("");
    for (const field of ["instances", "lockNodes", "db.capacity", "crowd.clients", "faults.0.node", "lokc"]) {
      expect(stderr, `stderr should name ${field}`).toMatch(new RegExp(`^\\s+${field.replace(/\./g, "\\.")}: \\S`, "m"));
    }
    expect(stderr).toMatch(/unknown key "lokc"/);
    // Refused before any node was spawned.
    expect(stderr).not.toMatch(/nodes up/);
    expectNoSurvivors(null, processGroup);
  });

  it("refuses --beat with --config, and a beat the preset lacks, with exit 2 before any node starts", async () => {
    const config = writeConfig("beat.json", { durationMs: 500 });
    for (const [args, message] of [
      [["--config", config, "--beat", "2"], /--beat picks a beat of a --preset; a --config file is one scenario already/],
      [["--preset", "split-brain", "--beat", "3"], /--beat must be 1…2 for split-brain/],
      [["--config", config, "--check"], /--check checks a preset beat's expects, and a --config file has none: state your claims with --assert/],
      [["--preset", "all"], /--preset all rehearses every beat of every preset: add --check/],
    ] as const) {
      const { code, stdout, stderr, processGroup } = await cli([...args]);
      expect(code, stderr).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toMatch(message);
      expect(stderr).not.toMatch(/nodes up/);
      expectNoSurvivors(null, processGroup);
    }
  });

  it("--preset redlock-holds --check --json --assert 'maxDbReadsPerEpisode == 1' exits 0 with a JSON report, every expect ✓", async () => {
    // Positive control for the survivor check: while the nodes are up, the marker finds all six.
    let whileUp: number[] | null = null;
    const { code, stdout, stderr, processGroup } = await cli(["--preset", "redlock-holds", "--check", "--json", "--assert", "maxDbReadsPerEpisode == 1"], (soFar, group) => {
      if (whileUp === null && /^nodes up: .*\n/m.test(soFar)) whileUp = ourRedisServers({ processGroup: group });
    });
    expect(code, stderr).toBe(0);
    expect(whileUp, stderr).toHaveLength(6);
    const report = JSON.parse(stdout) as Report;
    expect(report.maxDbReadsPerEpisode).toBe(1);
    expect(report.scenario.lock).toBe("redlock");
    expect(report.nodes.filter((n) => n.id === "lock-2" || n.id === "lock-4").map((n) => n.state)).toEqual(["crashed", "crashed"]);
    // The scenario crashed them: at t = 0 every node was up, which is how the verdict tells its faults from a broken world.
    expect(report.nodesAtStart?.map((n) => `${n.id}:${n.state}`)).toEqual(["cache:up", "lock-1:up", "lock-2:up", "lock-3:up", "lock-4:up", "lock-5:up"]);
    for (const node of report.nodes) {
      expect(node.port).toBeGreaterThanOrEqual(BASE_PORT);
      expect(node.port).toBeLessThan(BASE_PORT + TEST_PORTS_PER_SLOT);
    }
    expect(stderr).toMatch(/^ok\s+maxDbReadsPerEpisode == 1 \(actual 1\)$/m);
    // The beat's own expects, each ✓ with its plain words and the report's value.
    expect(stderr).toMatch(/^redlock-holds, beat 1: all 3 expect\(s\) hold$/m);
    expect(stderr).toMatch(/^ {2}✓ maxDbReadsPerEpisode == 1 — most DB reads in one episode = 1 \(actual 1\)$/m);
    expect(stderr).toMatch(/^ {2}✓ locks.acquired >= 1 — locks granted ≥ 1 \(actual \d+\)$/m);
    expectNoSurvivors(report, processGroup);
  });

  it("a false --assert exits 1 and says FAIL, still printing the report", async () => {
    const config = writeConfig("stampede.json", SMALL_STAMPEDE);
    const { code, stdout, stderr, processGroup } = await cli(["--config", config, "--json", "--quiet", "--assert", "maxDbReadsPerEpisode == 1"]);
    expect(code, stderr).toBe(1);
    const report = JSON.parse(stdout) as Report;
    expect(report.maxDbReadsPerEpisode).toBeGreaterThan(1);
    expect(stderr).toMatch(new RegExp(`^FAIL maxDbReadsPerEpisode == 1 \\(actual ${report.maxDbReadsPerEpisode}\\)$`, "m"));
    expectNoSurvivors(report, processGroup);
  });
});
