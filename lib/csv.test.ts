import { describe, expect, it } from "vitest";
import { csvCell, TICK_NUMERIC_FIELDS, ticksToCsv } from "./csv";
import type { TickFrame } from "./report";
import { emptyFrame } from "./testing/frames";

function tick(overrides: Partial<TickFrame> = {}): TickFrame {
  return emptyFrame(0, overrides);
}

/** Splits the CSV back into rows of cells (enough for these tests: quoted cells hold no newlines). */
function parse(csv: string): string[][] {
  expect(csv.endsWith("\n")).toBe(true);
  return csv
    .slice(0, -1)
    .split("\n")
    .map((line) => {
      const cells: string[] = [];
      let cell = "";
      let quoted = false;
      for (let i = 0; i < line.length; i++) {
        const c = line[i]!;
        if (quoted) {
          if (c === '"' && line[i + 1] === '"') (cell += '"'), i++;
          else if (c === '"') quoted = false;
          else cell += c;
        } else if (c === '"') quoted = true;
        else if (c === ",") cells.push(cell), (cell = "");
        else cell += c;
      }
      cells.push(cell);
      return cells;
    });
}

describe("ticksToCsv", () => {
  it("writes a header of every numeric field even with no ticks", () => {
    const rows = parse(ticksToCsv([]));
    expect(rows).toEqual([[...TICK_NUMERIC_FIELDS]]);
  });

  it("has one column per numeric TickFrame field, and nothing else when no node was read", () => {
    const sample = tick();
    const numeric = Object.entries(sample)
      .filter(([, v]) => typeof v === "number" || v === null)
      .map(([k]) => k)
      .sort();
    expect([...TICK_NUMERIC_FIELDS].sort()).toEqual(numeric);
  });

  it("writes one row per tick with the tick's numbers, nulls as empty cells", () => {
    const rows = parse(
      ticksToCsv([
        tick({ t: 0, arrivals: 10, hits: 9, misses: 1, hitRatio: 0.9, latencyP50: 12, latencyP99: 80, dbReads: 1 }),
        tick({ t: 100, arrivals: 0 }),
      ]),
    );
    expect(rows).toHaveLength(3);
    const [header, first, second] = rows as [string[], string[], string[]];
    const col = (name: string) => header.indexOf(name);
    expect(first[col("t")]).toBe("0");
    expect(first[col("arrivals")]).toBe("10");
    expect(first[col("hitRatio")]).toBe("0.9");
    expect(first[col("latencyP99")]).toBe("80");
    expect(second[col("t")]).toBe("100");
    expect(second[col("hitRatio")]).toBe("");
    expect(second[col("latencyP50")]).toBe("");
    for (const row of rows) expect(row).toHaveLength(header.length);
  });

  it("flattens locks[] and lastVotes into per-node columns, lock-2 before lock-10", () => {
    const csv = ticksToCsv([
      tick({
        t: 0,
        lastVotes: { "lock-1": "for", "lock-2": "error", "lock-10": "pending" },
        locks: [
          { nodeId: "lock-10", reachable: true, value: null, pttlMs: null, holder: null },
          { nodeId: "lock-1", reachable: true, value: "abc", pttlMs: 7400, holder: "instance-2/r123" },
          { nodeId: "lock-2", reachable: false, value: null, pttlMs: null, holder: null },
        ],
      }),
      // The run's final frame carries no observer reading: its node cells stay empty, votes remain.
      tick({ t: 100, lastVotes: { "lock-1": "locked" }, locks: [] }),
    ]);
    const [header, first, second] = parse(csv) as [string[], string[], string[]];
    expect(header.slice(TICK_NUMERIC_FIELDS.length)).toEqual([
      "lock-1.reachable",
      "lock-1.holder",
      "lock-1.pttlMs",
      "lock-1.vote",
      "lock-2.reachable",
      "lock-2.holder",
      "lock-2.pttlMs",
      "lock-2.vote",
      "lock-10.reachable",
      "lock-10.holder",
      "lock-10.pttlMs",
      "lock-10.vote",
    ]);
    const cell = (row: string[], name: string) => row[header.indexOf(name)];
    expect(cell(first, "lock-1.holder")).toBe("instance-2/r123");
    expect(cell(first, "lock-1.pttlMs")).toBe("7400");
    expect(cell(first, "lock-1.vote")).toBe("for");
    expect(cell(first, "lock-1.reachable")).toBe("true");
    expect(cell(first, "lock-2.reachable")).toBe("false");
    expect(cell(first, "lock-2.holder")).toBe("");
    expect(cell(first, "lock-2.vote")).toBe("error");
    expect(cell(first, "lock-10.vote")).toBe("pending");
    expect(cell(second, "lock-1.vote")).toBe("locked");
    expect(cell(second, "lock-1.holder")).toBe("");
    expect(cell(second, "lock-2.vote")).toBe("");
  });

  it("quotes cells that need it", () => {
    expect(csvCell('say "hi", then\nleave')).toBe('"say ""hi"", then\nleave"');
    expect(csvCell("instance-1/r1")).toBe("instance-1/r1");
    expect(csvCell(null)).toBe("");
    expect(csvCell(Number.NaN)).toBe("");
    const csv = ticksToCsv([
      tick({ locks: [{ nodeId: "lock-1", reachable: true, value: "v", pttlMs: 1, holder: 'odd,"holder"' }] }),
    ]);
    const [header, row] = parse(csv) as [string[], string[]];
    expect(row[header.indexOf("lock-1.holder")]).toBe('odd,"holder"');
  });
});
