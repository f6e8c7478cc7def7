/** The safety stories, every beat on real nodes with its expects checked (see testing/preset-beats.ts). */
import { describe } from "vitest";
import { presetBeatTests } from "./testing/preset-beats";

describe("preset beats make their point: safety stories", () => {
  presetBeatTests(22, "safety");
});
