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
  /** A `?preset=` naming no preset. */
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

  let preset: BootParams["preset"] = null;
  let presetError: string | null = null;
  const presetId = url.searchParams.get("preset");
  if (presetId !== null) {
    const found = findPreset(presetId);
    if (!found) presetError = `There is no preset "${presetId}".`;
    else {
      const beat = Number(url.searchParams.get("beat") ?? "1");
      preset = { presetId: found.id, beat: Number.isInteger(beat) && beat >= 1 && beat <= found.beats.length ? beat : 1 };
    }
  }
  return { token, permalink, preset, presetError };
}
