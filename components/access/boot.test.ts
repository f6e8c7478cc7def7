import { describe, expect, it } from "vitest";
import { presetFromAddress } from "./boot";

const read = (search: string) => presetFromAddress(new URLSearchParams(search));

describe("presetFromAddress", () => {
  it("takes the preset and beat the address names, beat 1 when it names none", () => {
    expect(read("?preset=split-brain&beat=2")).toEqual({ preset: { presetId: "split-brain", beat: 2 }, presetError: null });
    expect(read("?preset=split-brain")).toEqual({ preset: { presetId: "split-brain", beat: 1 }, presetError: null });
    expect(read("?s=abc")).toEqual({ preset: null, presetError: null });
  });

  it("loads beat 1 of a preset asked for a beat it lacks, and says so", () => {
    for (const beat of ["3", "0", "1.5", "two"]) {
      const { preset, presetError } = read(`?preset=split-brain&beat=${beat}`);
      expect(preset).toEqual({ presetId: "split-brain", beat: 1 });
      expect(presetError).toBe(`"Split brain" has beats 1…2; there is no beat "${beat}", so it starts at beat 1.`);
    }
  });

  it("says a one-beat preset has only one beat", () => {
    expect(read("?preset=redlock-holds&beat=2").presetError).toBe('"Redlock holds with two nodes down" has only one beat; there is no beat "2", so it starts at beat 1.');
  });

  it("names a preset that does not exist", () => {
    expect(read("?preset=nope&beat=2")).toEqual({ preset: null, presetError: 'There is no preset "nope".' });
  });
});
