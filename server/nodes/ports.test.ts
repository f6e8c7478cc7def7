import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { assertSpawnablePort, findFreePort, isPortFree, RESERVED_PORT } from "./ports";
import { testBasePort, TEST_PORTS_PER_SLOT, testWorkerIndex } from "./test-ports";

// Slot 4 of this worker's range: no other test file uses it.
const BASE = testBasePort(4);
const HOST = "127.0.0.1";

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** Occupies the first free port at or after `from`. */
async function occupy(from: number): Promise<number> {
  const port = await findFreePort(HOST, from);
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, HOST, resolve);
  });
  servers.push(server);
  return port;
}

describe("assertSpawnablePort", () => {
  it("accepts ordinary ports", () => {
    expect(() => assertSpawnablePort(7100, "basePort")).not.toThrow();
  });

  it.each([0, -1, 65_536, 7100.5, Number.NaN, "7100"])("refuses %s with BAD_PORT", (port) => {
    expect(() => assertSpawnablePort(port, "basePort")).toThrowError(expect.objectContaining({ code: "BAD_PORT" }));
  });

  it("refuses 6379, saying whose it is", () => {
    expect(() => assertSpawnablePort(RESERVED_PORT, "The port of cache")).toThrowError(/machine's own Redis/);
  });
});

describe("port probing", () => {
  it("sees a port in use as busy and a closed one as free", async () => {
    const port = await occupy(BASE);
    expect(await isPortFree(HOST, port)).toBe(false);
    await new Promise((resolve) => servers.pop()!.close(resolve));
    expect(await isPortFree(HOST, port)).toBe(true);
  });

  it("findFreePort skips busy and taken ports", async () => {
    const busy = await occupy(BASE + 10);
    const taken = new Set([busy + 1]);
    const found = await findFreePort(HOST, busy, taken);
    expect(found).toBeGreaterThan(busy + 1);
  });

  it("findFreePort never returns 6379", async () => {
    const found = await findFreePort(HOST, RESERVED_PORT);
    expect(found).not.toBe(RESERVED_PORT);
    expect(found).toBeGreaterThan(RESERVED_PORT);
  });
});

describe("testBasePort", () => {
  it("gives each worker and slot its own range, clear of 6379, 7100 and ephemeral ports", () => {
    const ranges = new Set<number>();
    for (let worker = 0; worker < 40; worker++) {
      for (let slot = 0; slot < 5; slot++) {
        const base = testBasePort(slot, { VITEST_POOL_ID: String(worker) } as unknown as NodeJS.ProcessEnv);
        expect(base).toBeGreaterThan(7200);
        expect(base + TEST_PORTS_PER_SLOT).toBeLessThan(32_768);
        ranges.add(base);
      }
    }
    expect(ranges.size).toBe(200);
  });

  it("falls back to VITEST_WORKER_ID, then to worker 0", () => {
    expect(testWorkerIndex({ VITEST_WORKER_ID: "3" } as unknown as NodeJS.ProcessEnv)).toBe(3);
    expect(testWorkerIndex({} as unknown as NodeJS.ProcessEnv)).toBe(0);
    expect(testWorkerIndex({ VITEST_POOL_ID: "junk" } as unknown as NodeJS.ProcessEnv)).toBe(0);
  });

  it("shifts every block by LAB_TEST_PORT_BLOCKS_FROM, so two checkouts side by side never share ports", () => {
    const env = (pool: string, from: string) => ({ VITEST_POOL_ID: pool, LAB_TEST_PORT_BLOCKS_FROM: from }) as unknown as NodeJS.ProcessEnv;
    expect(testWorkerIndex(env("1", "8"))).toBe(9);
    expect(testBasePort(0, env("1", "8"))).not.toBe(testBasePort(0, env("1", "0")));
    expect(testWorkerIndex(env("1", "nonsense"))).toBe(1);
  });

  it("refuses slots outside its range", () => {
    expect(() => testBasePort(5)).toThrow(RangeError);
  });

  it("gives extra slots 10–13 their own ranges, apart from slots 0–4 and below the ephemeral ports", () => {
    const starts = new Set<number>();
    for (let worker = 0; worker < 40; worker++) {
      const env = { VITEST_POOL_ID: String(worker) } as unknown as NodeJS.ProcessEnv;
      for (const slot of [0, 1, 2, 3, 4, 10, 11, 12, 13]) starts.add(testBasePort(slot, env));
      for (const slot of [10, 11, 12, 13]) {
        const base = testBasePort(slot, env);
        expect(base).toBeGreaterThanOrEqual(25_000);
        expect(base + TEST_PORTS_PER_SLOT).toBeLessThan(32_768);
      }
    }
    const sorted = [...starts].sort((a, b) => a - b);
    expect(sorted).toHaveLength(40 * 9);
    // Ranges never overlap: each start is at least a slot's width past the one before.
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(TEST_PORTS_PER_SLOT);
    for (const slot of [9, 14, 10.5]) expect(() => testBasePort(slot)).toThrow(RangeError);
  });

  it("gives slots 20–24 their own ranges in 9000–16999, apart from every other slot", () => {
    const starts = new Set<number>();
    for (let worker = 0; worker < 40; worker++) {
      const env = { VITEST_POOL_ID: String(worker) } as unknown as NodeJS.ProcessEnv;
      for (const slot of [0, 1, 2, 3, 4, 10, 11, 12, 13, 20, 21, 22, 23, 24]) starts.add(testBasePort(slot, env));
      for (const slot of [20, 21, 22, 23, 24]) {
        const base = testBasePort(slot, env);
        expect(base).toBeGreaterThanOrEqual(9_000);
        expect(base + TEST_PORTS_PER_SLOT).toBeLessThanOrEqual(17_000);
      }
    }
    const sorted = [...starts].sort((a, b) => a - b);
    expect(sorted).toHaveLength(40 * 14);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(TEST_PORTS_PER_SLOT);
    for (const slot of [19, 25]) expect(() => testBasePort(slot)).toThrow(RangeError);
  });
});
