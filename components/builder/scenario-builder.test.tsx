import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { encodeScenario } from "@/lib/permalink";
import { defaultScenario, type ScenarioInput } from "@/lib/scenario";
import { ALL_FIELDS, viewOf } from "./field-defs";
import { deleteAt, friendlyMessage, getAt, setAt } from "./paths";
import { ScenarioBuilder } from "./scenario-builder";
import { exportScenarioJson, importScenarioText } from "./scenario-transfer";

/** Dotted paths of every leaf of an object (arrays are leaves). */
function leafPaths(value: unknown, prefix = ""): string[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([key, item]) => leafPaths(item, prefix ? `${prefix}.${key}` : key));
}

/** Visible text, without React's text separators and tags. */
function text(html: string): string {
  return html
    .replace(/<!-- -->/g, "")
    .replace(/<[^>]+>/g, "")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&gt;/g, ">")
    .replace(/&lt;/g, "<")
    .replace(/&amp;/g, "&");
}

function render(value: ScenarioInput, disabled = false): string {
  return renderToString(<ScenarioBuilder value={value} onChange={() => undefined} disabled={disabled} />);
}

/** The HTML of the field block for `path` (up to the next field block). */
function fieldBlock(html: string, path: string): string {
  const start = html.indexOf(`data-field="${path}"`);
  expect(start, `field ${path} rendered`).toBeGreaterThan(-1);
  const next = html.indexOf("data-field=", start + 1);
  return html.slice(start, next === -1 ? undefined : next);
}

describe("the builder covers the whole contract", () => {
  it("has one field for every key of the scenario (faults and node options have their own editors), and none that is not a key", () => {
    const defaults = defaultScenario();
    const editors = ["faults", "nodeOptions"];
    for (const key of editors) expect(Object.keys(defaults)).toContain(key);
    const keys = Object.entries(defaults)
      .filter(([key]) => !editors.includes(key))
      .flatMap(([key, value]) => leafPaths(value, key));
    expect(ALL_FIELDS.map((field) => field.path).sort()).toEqual(keys.sort());
  });

  it("ties a label to every input by id, and names the input by its path", () => {
    const html = render({});
    for (const field of ALL_FIELDS) {
      const block = fieldBlock(html, field.path);
      const labelFor = /<label for="([^"]+)"/.exec(block)?.[1];
      expect(labelFor, field.path).toBeTruthy();
      expect(block).toContain(`id="${labelFor}"`);
      expect(block).toContain(`name="${field.path}"`);
      expect(block).toContain(field.path);
    }
  });
});

describe("live validation", () => {
  it("shows each problem at its own field", () => {
    const html = render({ db: { capacity: 0 }, crowd: { patienceMs: "soon" as never } });
    expect(html).toMatch(/data-valid="false"/);
    expect(text(html)).toContain("2 problems");
    const capacity = fieldBlock(html, "db.capacity");
    expect(capacity).toContain('aria-invalid="true"');
    expect(text(capacity)).toContain("must be at least 1");
    expect(text(fieldBlock(html, "crowd.patienceMs"))).toContain("enter a number");
    expect(fieldBlock(html, "db.timeoutMs")).not.toContain("aria-invalid");
  });

  it("shows a fault's problem in its row, and unknown keys apart with a button to remove them", () => {
    const html = render({ lockNodes: 3, faults: [{ atMs: 500, node: "lock-4", action: "crash" }], crowd: { clientz: 5 } as never });
    expect(text(html)).toContain('unknown key "clientz"');
    expect(text(html)).toContain("Remove crowd.clientz");
    // The cross-field check runs once the unknown key is gone.
    const fixed = render({ lockNodes: 3, faults: [{ atMs: 500, node: "lock-4", action: "crash" }] });
    const row = fixed.slice(fixed.indexOf('data-testid="fault-row-0"'));
    expect(text(row)).toContain("lock-4 does not exist: this scenario has lockNodes = 3");
    expect(text(row)).toContain("lock-4 (not in this scenario)");
  });

  it("says the scenario is valid when it is", () => {
    expect(render({})).toMatch(/data-valid="true"/);
  });
});

describe("fields that do not apply are dimmed, still editable", () => {
  it("flushMs only for write-behind", () => {
    expect(fieldBlock(render({}), "flushMs")).toContain('data-unused="true"');
    expect(fieldBlock(render({ strategy: "write-behind" }), "flushMs")).not.toContain("data-unused");
    expect(fieldBlock(render({}), "flushMs")).not.toMatch(/<input[^>]*disabled=""/);
  });

  it("redlock settings only for redlock, waiters not without a lock", () => {
    expect(fieldBlock(render({ lock: "single-redis" }), "redlock.retryCount")).toContain('data-unused="true"');
    expect(fieldBlock(render({ lock: "redlock" }), "redlock.retryCount")).not.toContain("data-unused");
    expect(fieldBlock(render({}), "waiters")).toContain('data-unused="true"');
    expect(fieldBlock(render({ lock: "local" }), "waiters")).not.toContain("data-unused");
    expect(fieldBlock(render({ lock: "redlock", lockNodes: 7 }), "lockNodes")).toMatch(/quorum: 4 of 7 needed/);
  });

  it("reads a scenario with a broken group without throwing", () => {
    expect(() => viewOf({ crowd: null, db: "x" } as never)).not.toThrow();
    expect(text(render({ crowd: null } as never))).toContain("crowd: Invalid input");
  });

  it("disables every input when disabled", () => {
    const html = render({}, true);
    expect(html).toContain("Read-only:");
    expect(html).toMatch(/<fieldset disabled=""/);
  });
});

describe("paths", () => {
  it("get, set and delete without touching the original", () => {
    const value = { db: { capacity: 5 }, faults: [{ atMs: 1 }, { atMs: 2 }] };
    expect(getAt(value, "db.capacity")).toBe(5);
    expect(getAt(value, "faults.1.atMs")).toBe(2);
    expect(getAt(value, "crowd.clients")).toBeUndefined();
    expect(setAt(value, "crowd.clients", 9)).toEqual({ ...value, crowd: { clients: 9 } });
    expect(setAt(value, "faults.0.atMs", 7).faults).toEqual([{ atMs: 7 }, { atMs: 2 }]);
    expect(deleteAt(value, "db.capacity")).toEqual({ db: {}, faults: value.faults });
    expect(deleteAt(value, "faults.0")).toEqual({ db: value.db, faults: [{ atMs: 2 }] });
    expect(value).toEqual({ db: { capacity: 5 }, faults: [{ atMs: 1 }, { atMs: 2 }] });
  });

  it("says zod's messages in plain words", () => {
    expect(friendlyMessage("Too small: expected number to be >=1")).toBe("must be at least 1");
    expect(friendlyMessage("Too big: expected number to be <=16")).toBe("must be at most 16");
    expect(friendlyMessage('Invalid option: expected one of "uniform"|"zipf"')).toBe("pick one of: uniform, zipf");
    expect(friendlyMessage("Invalid input: expected number, received string")).toBe("enter a number");
    expect(friendlyMessage("must be a whole number of milliseconds")).toBe("must be a whole number of milliseconds");
  });
});

describe("faults and node options", () => {
  it("shows the extra fields an action takes, and names each problem in the row", () => {
    const html = render({
      lock: "redlock",
      faults: [
        { atMs: 100, node: "lock-1", action: "latency", ms: 300, jitterMs: 50, instances: [1, 2] },
        { atMs: 200, node: "lock-2", action: "restart", delayedRestartMs: 9000 },
        { atMs: 300, instance: 1, action: "pause", ms: 4000 },
        { atMs: 400, node: "lock-3", action: "clock-jump" },
      ],
    } as ScenarioInput);
    const row = (i: number) => {
      const start = html.indexOf(`data-testid="fault-row-${i}"`);
      const end = html.indexOf(`data-testid="fault-row-${i + 1}"`);
      return html.slice(start, end === -1 ? undefined : end);
    };
    expect(row(0)).toContain('name="faults.0.ms"');
    expect(row(0)).toContain('name="faults.0.jitterMs"');
    expect(text(row(0))).toContain("Fault 1 only for app servers");
    expect(row(0)).toMatch(/<input(?=[^>]*id="[^"]*-fault-0-instances-2")(?=[^>]*checked="")/);
    expect(text(row(0))).toContain("At 0.1 s: latency lock-1 (+300 ms, ± 50 ms, for instance-1, instance-2)");
    expect(row(1)).toContain('name="faults.1.delayedRestartMs"');
    expect(row(1)).not.toContain('name="faults.1.ms"');
    expect(text(row(2))).toContain("Fault 3 paused for");
    expect(text(row(2))).toContain("simulated stop-the-world pause");
    expect(text(row(3))).toMatch(/Problem:.*ms: clock-jump needs "ms"/);
  });

  it("offers persistence for every node of the scenario and marks a node it does not have", () => {
    const html = render({ lockNodes: 3, nodeOptions: { "lock-2": { persistence: "fsync-always" }, "lock-5": { persistence: "fsync-always" } } });
    for (const node of ["cache", "lock-1", "lock-2", "lock-3", "lock-5"]) expect(html).toContain(`name="nodeOptions.${node}.persistence"`);
    expect(html).not.toContain('name="nodeOptions.lock-4.persistence"');
    expect(text(html)).toContain("lock-5 persistence (not in this scenario)");
    expect(text(html)).toMatch(/Problem:.*lock-5 does not exist/);
  });

  it("shows fencing as a checkbox, dimmed unless the lock guards an increment", () => {
    expect(fieldBlock(render({}), "fencing")).toContain('type="checkbox"');
    expect(fieldBlock(render({}), "fencing")).toContain('data-unused="true"');
    expect(fieldBlock(render({ lock: "redlock", lockedWork: "increment" }), "fencing")).not.toContain("data-unused");
  });
});

describe("import and export", () => {
  it("reads the CLI's --config JSON, a report's scenario and a permalink", () => {
    expect(importScenarioText('{ "lock": "redlock" }')).toEqual({ ok: true, scenario: { lock: "redlock" }, source: "JSON" });
    expect(importScenarioText(JSON.stringify({ scenario: { lock: "local" }, requests: {} }))).toMatchObject({ ok: true, scenario: { lock: "local" } });
    const link = `http://lab:3000/?s=${encodeScenario({ instances: 2 })}`;
    expect(importScenarioText(link)).toEqual({ ok: true, scenario: { instances: 2 }, source: "permalink" });
  });

  it("refuses what it cannot read, and keeps an invalid scenario to load anyway", () => {
    expect(importScenarioText("")).toMatchObject({ ok: false, message: expect.stringMatching(/nothing to import/) });
    expect(importScenarioText("{ lock: }")).toMatchObject({ ok: false, message: expect.stringMatching(/not valid JSON/) });
    expect(importScenarioText("[1]")).toMatchObject({ ok: false, message: expect.stringMatching(/JSON object/) });
    expect(importScenarioText("hello world")).toMatchObject({ ok: false, message: expect.stringMatching(/neither JSON nor a working permalink/) });
    const invalid = importScenarioText('{ "db": { "capacity": 0 } }');
    expect(invalid).toMatchObject({ ok: false, candidate: { db: { capacity: 0 } }, issues: [{ field: "db.capacity" }] });
  });

  it("exports every key, as the CLI reads it back", () => {
    const text = exportScenarioJson(defaultScenario());
    expect(JSON.parse(text)).toEqual(defaultScenario());
    expect(importScenarioText(text)).toMatchObject({ ok: true });
  });
});

describe("what is simulated says so", () => {
  it("the database group wears a SIMULATED tag and says it is a capacity model; no other group does", () => {
    const html = render({});
    const db = html.slice(html.indexOf('data-group="db"'), html.indexOf('data-group="crowd"'));
    expect(db).toMatch(/data-testid="group-db-simulated"[^>]*>SIMULATED</);
    expect(text(db)).toContain("A capacity model, not a real database");
    expect(html.match(/data-testid="group-[a-z]+-simulated"/g)).toEqual(['data-testid="group-db-simulated"']);
  });
});
