import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { WireRunState } from "@/lib/protocol";
import { defaultScenario } from "@/lib/scenario";
import { DEFAULT_PAUSE_MS, InstancePause, pauseProblem } from "./instance-pause";

const noop = () => undefined;
const scenario = { ...defaultScenario(), lock: "redlock" as const, instances: 3, lockTtlMs: 1000 };
const running: WireRunState = { status: "running", runId: 2, scenario, meta: {}, startedAt: 1000 };

function text(html: string): string {
  return html.replace(/<!-- -->/g, "").replace(/<[^>]+>/g, "").replace(/&#x27;/g, "'");
}

describe("pauseProblem", () => {
  it("takes an instance of this run and a whole number of ms from 1 to 600000, as a scenario's pause does", () => {
    expect(pauseProblem(1, "3000", 3)).toBeNull();
    expect(pauseProblem(3, "1", 3)).toBeNull();
    expect(pauseProblem(3, "600000", 3)).toBeNull();
    expect(pauseProblem(4, "3000", 3)).toBe("pick an instance from 1 to 3");
    expect(pauseProblem(0, "3000", 3)).toBe("pick an instance from 1 to 3");
    for (const bad of ["", " ", "0", "-5", "2.5", "abc", "600001"]) {
      expect(pauseProblem(1, bad, 3), JSON.stringify(bad)).toMatch(/whole number of ms/);
    }
  });
});

describe("InstancePause", () => {
  it("waits for a run: everything off, saying why", () => {
    const html = renderToString(<InstancePause run={{ status: "idle" }} canCommand onPause={noop} />);
    expect(html).toMatch(/<fieldset[^>]*disabled=""/);
    expect(html).toMatch(/data-testid="instance-pause-go"[^>]*title="Start a run first"/);
  });

  it("during a run: one choice per instance, the default pause, SIMULATED, and what the TTL means for it", () => {
    const html = renderToString(<InstancePause run={running} canCommand onPause={noop} />);
    expect(html).not.toMatch(/<fieldset[^>]*disabled=""/);
    expect([...html.matchAll(/<option [^>]*value="(\d+)"/g)].map((m) => m[1])).toEqual(["1", "2", "3"]);
    expect(html).toContain(`value="${DEFAULT_PAUSE_MS}"`);
    const words = text(html);
    expect(words).toContain("SIMULATED");
    expect(words).toMatch(/Simulated: the instances share one Node process/);
    expect(words).toContain("Longer than the lock's TTL (1000 ms)");
    expect(html).not.toMatch(/data-testid="instance-pause-go"[^>]*disabled=""/);
  });

  it("says there is no holder to pause in a run without a lock", () => {
    const html = renderToString(<InstancePause run={{ ...running, scenario: { ...scenario, lock: "none" } }} canCommand onPause={noop} />);
    expect(html).toMatch(/data-testid="instance-pause-go"[^>]*disabled=""/);
    expect(text(html)).toContain("This run takes no lock: there is no holder to pause");
  });

  it("is off while a command is on its way or the page may not command", () => {
    const html = renderToString(<InstancePause run={running} canCommand={false} onPause={noop} />);
    expect(html).toMatch(/<fieldset[^>]*disabled=""/);
  });
});
