/**
 * Port ranges for tests that spawn Redis nodes. vitest runs files in parallel workers; each worker
 * (VITEST_POOL_ID, falling back to VITEST_WORKER_ID) gets its own block, and each test file asks
 * for its own `slot` inside the block, so two files never start from the same port. The manager
 * still skips busy ports, so an overlap costs a retry, never a failure.
 *
 * Blocks sit in 17000–24999 (slots 0–4), 25000–31399 (slots 10–13) and 9000–16999 (slots 20–24):
 * clear of the lab's default 7100, of 6379, and of Linux's ephemeral range (32768+), where outgoing
 * connections take their local ports.
 */
export const TEST_PORT_FIRST = 17_000;
export const TEST_PORTS_PER_WORKER = 200;
export const TEST_PORTS_PER_SLOT = 40;
const WORKER_BLOCKS = 40;
const SLOTS = TEST_PORTS_PER_WORKER / TEST_PORTS_PER_SLOT;

/**
 * `LAB_TEST_PORT_BLOCKS_FROM` shifts every worker's block by that many blocks, so two checkouts of
 * the lab (two worktrees, two suites run side by side) never hand the same ports to their tests.
 */
export function testWorkerIndex(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.VITEST_POOL_ID ?? env.VITEST_WORKER_ID ?? "0";
  const id = Number.parseInt(raw, 10);
  const shift = Number.parseInt(env.LAB_TEST_PORT_BLOCKS_FROM ?? "0", 10);
  const from = Number.isFinite(shift) && shift >= 0 ? shift : 0;
  return Number.isFinite(id) && id >= 0 ? (id + from) % WORKER_BLOCKS : from % WORKER_BLOCKS;
}

/**
 * Extra slots 10–13, for test files added once 0–4 were all taken: a second region, 25000–31399,
 * with the same per-worker blocks (4 slots of 40 ports each), still clear of the ephemeral range.
 */
export const TEST_EXTRA_PORT_FIRST = 25_000;
export const TEST_EXTRA_SLOT_FIRST = 10;
const EXTRA_SLOTS = 4;

/**
 * Third region, slots 20–24, for the preset beats' files: 9000–16999, five slots of 40 ports per
 * worker block, between the lab's default ports (7100+) and the first region.
 */
export const TEST_THIRD_PORT_FIRST = 9_000;
export const TEST_THIRD_SLOT_FIRST = 20;
const THIRD_SLOTS = 5;

/** First port of this worker's range for test file `slot` (0–4, 10–13 or 20–24); 40 ports are the slot's to use. */
export function testBasePort(slot = 0, env: NodeJS.ProcessEnv = process.env): number {
  if (Number.isInteger(slot) && slot >= TEST_THIRD_SLOT_FIRST && slot < TEST_THIRD_SLOT_FIRST + THIRD_SLOTS) {
    return TEST_THIRD_PORT_FIRST + testWorkerIndex(env) * THIRD_SLOTS * TEST_PORTS_PER_SLOT + (slot - TEST_THIRD_SLOT_FIRST) * TEST_PORTS_PER_SLOT;
  }
  if (Number.isInteger(slot) && slot >= TEST_EXTRA_SLOT_FIRST && slot < TEST_EXTRA_SLOT_FIRST + EXTRA_SLOTS) {
    return (
      TEST_EXTRA_PORT_FIRST +
      testWorkerIndex(env) * EXTRA_SLOTS * TEST_PORTS_PER_SLOT +
      (slot - TEST_EXTRA_SLOT_FIRST) * TEST_PORTS_PER_SLOT
    );
  }
  if (!Number.isInteger(slot) || slot < 0 || slot >= SLOTS) {
    throw new RangeError(
      `test port slot must be a whole number from 0 to ${SLOTS - 1}, from ${TEST_EXTRA_SLOT_FIRST} to ${TEST_EXTRA_SLOT_FIRST + EXTRA_SLOTS - 1}, or from ${TEST_THIRD_SLOT_FIRST} to ${TEST_THIRD_SLOT_FIRST + THIRD_SLOTS - 1} (got ${slot})`,
    );
  }
  return TEST_PORT_FIRST + testWorkerIndex(env) * TEST_PORTS_PER_WORKER + slot * TEST_PORTS_PER_SLOT;
}
