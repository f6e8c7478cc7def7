import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { PRESETS } from "@/lib/presets";
import { PresetGallery } from "./preset-gallery";
import { StoryPanel } from "./story-panel";

const noop = () => undefined;

function text(html: string): string {
  return html.replace(/<!-- -->/g, "").replace(/<[^>]+>/g, "").replace(/&#x27;/g, "'").replace(/&gt;/g, ">").replace(/&lt;/g, "<").replace(/&amp;/g, "&");
}

describe("PresetGallery", () => {
  it("shows every preset with its title, story, what to watch and beats; the selected one pressed", () => {
    const html = renderToString(<PresetGallery selected={{ presetId: "no-quorum", beat: 2 }} onPick={noop} />);
    for (const preset of PRESETS) {
      const card = new RegExp(`<button[^>]*data-testid="preset-${preset.id}"[^>]*>`).exec(html)?.[0];
      expect(card, preset.id).toBeTruthy();
      expect(card).toContain(`aria-pressed="${preset.id === "no-quorum"}"`);
      expect(text(html)).toContain(preset.title);
      expect(text(html)).toContain(preset.watch);
    }
    expect(text(html)).toContain("✓ Selected · beat 2 of 2");
    expect(text(html)).toContain("1 beat");
  });
});

describe("StoryPanel", () => {
  it("says which beat this is, what to say and what to watch", () => {
    const html = renderToString(<StoryPanel presetId="no-quorum" beat={2} onBeat={noop} />);
    expect(text(html)).toContain("Beat 2 of 2: Fail open");
    expect(text(html)).toContain("onLockError: bypass. Everyone reads the database.");
    expect(text(html)).toContain("Watch: DB reads jump into the hundreds for one key, where beat 1 had none");
    const next = /<button[^>]*aria-keyshortcuts="n"[^>]*>/.exec(html)?.[0];
    expect(next).toContain('disabled=""');
    const previous = /<button[^>]*>← Previous beat/.exec(html)?.[0];
    expect(previous).not.toContain('disabled=""');
  });

  it("names an unknown preset instead of failing", () => {
    expect(text(renderToString(<StoryPanel presetId="nope" beat={1} onBeat={noop} />))).toContain("Unknown story preset nope");
  });
});
