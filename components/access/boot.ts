/**
 * What the presenter page reads from its address once, on load: the control token (kept for this
 * tab in sessionStorage, then taken out of the address bar so it is not shown on the projector or
 * copied into a screenshot), a scenario permalink (`?s=`) and a preset (`?preset=id&beat=n`).
 */
import { findPreset } from "@/lib/presets";
import { readPermalink } from "@/lib/permalink";
import type { ScenarioInput } from "@/lib/scenario";
import { readStorage, STORAGE_KEYS, writeStorage } from "../shell/storage";

export interface BootParams {
  token: string | undefined;
  /** From `?s=`: the scenario to put in the builder, or why the link could not be used. */
  permalink: { ok: true; scenario: ScenarioInput } | { ok: false; message: string } | null;
  /** From `?preset=id&beat=n` (beat 1 when absent or out of range). */
  preset: { presetId: string; beat: number } | null;
  /** A `?preset=` naming no preset, or a `&beat=` it does not have. */
  presetError: string | null;
}

export function readBoot(): BootParams {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get("token");
  if (fromUrl !== null) {
    writeStorage("session", STORAGE_KEYS.token, fromUrl.trim() === "" ? null : fromUrl.trim());
    url.searchParams.delete("token");
    window.history.replaceState(window.history.state, "", url.pathname + url.search + url.hash);
  }
  const token = readStorage("session", STORAGE_KEYS.token) ?? undefined;

  const permalink = readPermalink(url.search);

  const { preset, presetError } = presetFromAddress(url.searchParams);
  return { token, permalink, preset, presetError };
}

/** The preset and beat a `?preset=id&beat=n` address asks for, and what is wrong with it, if anything. */
export function presetFromAddress(params: URLSearchParams): Pick<BootParams, "preset" | "presetError"> {
  const presetId = params.get("preset");
  if (presetId === null) return { preset: null, presetError: null };
  const found = findPreset(presetId);
  if (!found) return { preset: null, presetError: `There is no preset "${presetId}".` };
  const asked = params.get("beat");
  const beat = Number(asked ?? "1");
  if (Number.isInteger(beat) && beat >= 1 && beat <= found.beats.length) return { preset: { presetId: found.id, beat }, presetError: null };
  // Still load the preset, at its first beat, and say why the link's beat was not taken.
  return {
    preset: { presetId: found.id, beat: 1 },
    presetError: `"${found.title}" has ${found.beats.length === 1 ? "only one beat" : `beats 1…${found.beats.length}`}; there is no beat "${asked}", so it starts at beat 1.`,
  };
}
