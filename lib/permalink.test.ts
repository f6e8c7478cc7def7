import { describe, expect, it } from "vitest";
import {
  buildPermalink,
  compactScenario,
  decodeScenario,
  encodeScenario,
  PERMALINK_PARAM,
  readPermalink,
} from "./permalink";
import { PRESETS, presetScenario } from "./presets";
import { defaultScenario, parseScenario, type ScenarioInput } from "./scenario";

const URL_SAFE = /^[A-Za-z0-9_-]*$/;

function parsed(input: unknown) {
  const result = parseScenario(input);
  if (!result.ok) throw new Error(`invalid: ${JSON.stringify(result.issues)}`);
  return result.scenario;
}

function roundTrip(input: ScenarioInput) {
  const encoded = encodeScenario(input);
  expect(encoded).toMatch(URL_SAFE);
  const decoded = decodeScenario(encoded);
  if (!decoded.ok) throw new Error(decoded.message);
  return decoded.scenario;
}

describe("encodeScenario / decodeScenario", () => {
  const beats = PRESETS.flatMap((preset) => preset.beats.map((_, index) => ({ preset, beat: index + 1 })));

  it.each(beats.map(({ preset, beat }) => [`${preset.id} beat ${beat}`, preset, beat] as const))(
    "round-trips %s to the same scenario",
    (_name, preset, beat) => {
      const input = presetScenario(preset, beat);
      expect(parsed(roundTrip(input))).toEqual(parsed(input));
    },
  );

  it("round-trips a fully spelled-out scenario, faults of both kinds included", () => {
    const full = {
      ...defaultScenario(),
      lock: "redlock",
      redlock: { ...defaultScenario().redlock, retryCount: 3, driftFactor: 0.02 },
      faults: [
        { atMs: 1500, node: "lock-2", action: "crash" },
        { atMs: 2000, instance: 1, action: "crash" },
      ],
    } as const satisfies ScenarioInput;
    expect(parsed(roundTrip(full))).toEqual(parsed(full));
  });

  it("keeps links short: the defaults encode to an empty object", () => {
    expect(encodeScenario({})).toBe("e30"); // base64url of "{}"
    expect(encodeScenario(defaultScenario())).toBe("e30");
    expect(decodeScenario("e30")).toEqual({ ok: true, scenario: {} });
  });

  it("carries only the keys that differ from the defaults", () => {
    const input: ScenarioInput = { ...defaultScenario(), lock: "redlock", db: { ...defaultScenario().db, capacity: 5 } };
    expect(compactScenario(input)).toEqual({ lock: "redlock", db: { capacity: 5 } });
    expect(encodeScenario(input).length).toBeLessThan(60);
    // Each preset's link is under half of what the same scenario with every key spelled out would be.
    for (const preset of PRESETS) {
      const parsed = parseScenario(presetScenario(preset));
      if (!parsed.ok) throw new Error(`${preset.id} does not parse`);
      const everyKey = btoa(JSON.stringify(parsed.scenario)).length;
      expect(encodeScenario(presetScenario(preset)).length, preset.id).toBeLessThan(everyKey / 2);
    }
  });

  it("is URL-safe: no +, / or = in the output, and it survives a query string untouched", () => {
    // Enough varied bytes that plain base64 would contain + and /.
    const input: ScenarioInput = { seed: 1_234_567_890, faults: Array.from({ length: 20 }, (_, i) => ({ atMs: i * 97, node: `lock-${(i % 5) + 1}`, action: "freeze" as const })) };
    const encoded = encodeScenario(input);
    expect(encoded).toMatch(URL_SAFE);
    expect(new URLSearchParams(`s=${encoded}`).get("s")).toBe(encoded);
  });

  it("is safe for non-ASCII text: bytes survive, and the message names the key as written", () => {
    const input = { crowd: { "pâtience🐘": 5 } } as unknown as ScenarioInput;
    const encoded = encodeScenario(input);
    expect(encoded).toMatch(URL_SAFE);
    const decoded = decodeScenario(encoded);
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.message).toContain('crowd.pâtience🐘: unknown key "pâtience🐘"');
    expect(decoded.issues).toEqual([{ field: "crowd.pâtience🐘", message: 'unknown key "pâtience🐘"' }]);
  });

  it("accepts a whole link, a query string, and standard base64 with padding", () => {
    const encoded = encodeScenario({ lock: "redlock" });
    for (const text of [`http://lab.local:3000/?${PERMALINK_PARAM}=${encoded}`, `?s=${encoded}&x=1`, `s=${encoded}`, ` ${encoded} `]) {
      expect(decodeScenario(text)).toEqual({ ok: true, scenario: { lock: "redlock" } });
    }
    const padded = btoa(JSON.stringify({ lock: "local" }));
    expect(padded.endsWith("=")).toBe(true);
    expect(decodeScenario(padded)).toEqual({ ok: true, scenario: { lock: "local" } });
  });

  describe("bad input gets a clear message", () => {
    const cases: [string, string, RegExp][] = [
      ["empty", "", /carries no scenario/],
      ["a link without s", "http://lab.local/?t=1", /carries no scenario/],
      ["a stray character", "e30!", /unexpected character "!" at position 4/],
      ["cut short", "e3", /damaged or cut short/],
      ["one char too many", "e30xy", /damaged or cut short/],
      ["not UTF-8", "_w", /not UTF-8/],
      ["not JSON", btoa("{lock:").replace(/=+$/, ""), /not JSON/],
      ["JSON but not an object", btoa("[1,2]"), /expected a JSON object/],
    ];
    it.each(cases)("%s", (_name, text, message) => {
      const decoded = decodeScenario(text);
      expect(decoded.ok).toBe(false);
      if (!decoded.ok) expect(decoded.message).toMatch(message);
    });

    it("an invalid scenario names every bad field", () => {
      const decoded = decodeScenario(encodeScenario({ lock: "zookeeper", db: { capacity: 0 } } as unknown as ScenarioInput));
      expect(decoded.ok).toBe(false);
      if (decoded.ok) return;
      expect(decoded.message).toMatch(/^the scenario in the link is invalid — /);
      expect(decoded.message).toContain("lock: ");
      expect(decoded.message).toContain("db.capacity: ");
      expect(decoded.issues?.map((issue) => issue.field)).toEqual(["lock", "db.capacity"]);
    });
  });
});

describe("buildPermalink / readPermalink", () => {
  it("builds a link whose query reproduces the scenario", () => {
    const input = presetScenario(PRESETS[3]!);
    const link = buildPermalink(input, "http://192.168.1.20:3000/?old=1#x");
    const url = new URL(link);
    expect(url.origin + url.pathname).toBe("http://192.168.1.20:3000/");
    expect([...url.searchParams.keys()]).toEqual([PERMALINK_PARAM]);
    const read = readPermalink(url.search);
    expect(read?.ok).toBe(true);
    if (read?.ok) expect(parsed(read.scenario)).toEqual(parsed(input));
  });

  it("returns null when the page has no scenario in its query", () => {
    expect(readPermalink("")).toBeNull();
    expect(readPermalink("?presenter=1")).toBeNull();
    expect(readPermalink("?s=")).toEqual({ ok: false, message: expect.stringMatching(/carries no scenario/) });
  });
});
