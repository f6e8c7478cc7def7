"use client";

import { useEffect, useRef } from "react";

/** What a key does, for the help overlay. Keys are matched on `KeyboardEvent.key`, lower-cased. */
export interface ShortcutHelp {
  keys: string[];
  does: string;
}

export const SHORTCUT_HELP: readonly ShortcutHelp[] = [
  { keys: ["Space"], does: "Start the run, or stop it" },
  { keys: ["E"], does: "Expire the hot key now" },
  { keys: ["C"], does: "Release the crowd now" },
  { keys: ["1", "…", "7"], does: "lock-N: crash it if up, start it if crashed, thaw it if frozen" },
  { keys: ["0"], does: "The cache node, the same way" },
  { keys: ["N"], does: "Next beat of the story" },
  { keys: ["S"], does: "Slow motion: 1× → 2× → 3× → 5× → 10×" },
  { keys: ["P"], does: "Presenter mode on / off" },
  { keys: ["T"], does: "Dark / light theme" },
  { keys: ["?"], does: "This help" },
  { keys: ["Esc"], does: "Close a dialog or this help" },
];

/** Handlers by key: "space", "e", "c", "0"…"9", "n", "s", "p", "t", "?". */
export type ShortcutHandlers = Partial<Record<string, (event: KeyboardEvent) => void>>;

/** True when the key belongs to what the user is typing, not to the page. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag !== "INPUT") return false;
  // Checkboxes, radios and buttons take no text: the page's keys still work there.
  const type = (target as HTMLInputElement).type;
  return !["checkbox", "radio", "button", "submit", "reset", "range", "color", "file"].includes(type);
}

export function shortcutKey(event: KeyboardEvent): string | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  if (event.key === " " || event.key === "Spacebar") return "space";
  if (event.key.length !== 1) return null;
  return event.key.toLowerCase();
}

/**
 * The page's keyboard shortcuts: one listener on the window, ignored while typing in a field, with a
 * modifier held, or while `enabled` is false (a dialog is open).
 */
export function useShortcuts(handlers: ShortcutHandlers, enabled: boolean): void {
  // The latest handlers without re-subscribing on every render.
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.repeat || isTypingTarget(event.target)) return;
      const key = shortcutKey(event);
      if (key === null) return;
      const handler = ref.current[key];
      if (!handler) return;
      event.preventDefault();
      // Space would also press whichever button has the focus once the key comes up.
      if (key === "space" && document.activeElement instanceof HTMLElement) document.activeElement.blur();
      handler(event);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [enabled]);
}
