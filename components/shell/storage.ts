/**
 * The page's few remembered settings, in the browser only. Every access is guarded: private windows
 * and locked-down kiosks throw on storage, and a setting that cannot be kept is not worth an error.
 */
export const STORAGE_KEYS = {
  /** "dark" | "light" (localStorage). */
  theme: "stampede-lab.theme",
  /** "1" when presenter mode is on (localStorage). */
  presenter: "stampede-lab.presenter",
  /** "0" when destructive actions run without asking (localStorage). @default asks */
  confirmDestructive: "stampede-lab.confirm-destructive",
  /** The control token, for this tab only (sessionStorage): never in the URL bar after the first load. */
  token: "stampede-lab.token",
} as const;

export function readStorage(area: "local" | "session", key: string): string | null {
  try {
    return (area === "local" ? window.localStorage : window.sessionStorage).getItem(key);
  } catch {
    return null;
  }
}

export function writeStorage(area: "local" | "session", key: string, value: string | null): void {
  try {
    const storage = area === "local" ? window.localStorage : window.sessionStorage;
    if (value === null) storage.removeItem(key);
    else storage.setItem(key, value);
  } catch {
    // Nothing to do: the setting lasts until the page closes.
  }
}
