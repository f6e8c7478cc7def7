import { defaultScenario, parseScenario, type ScenarioInput, type ScenarioIssue } from "./scenario";

/**
 * Permalinks: a scenario carried in the page's URL as `?s=<encoded>`, so a link reproduces it.
 *
 * The encoding is base64url of compact JSON holding only the keys that differ from the defaults —
 * `{}` (Saturday morning) encodes to three characters. Browser and Node alike: TextEncoder plus
 * btoa/atob, no Buffer. Decoding validates with the same schema as the server and the CLI.
 */

/** The query parameter that carries the scenario. */
export const PERMALINK_PARAM = "s";

export type DecodeResult =
  | { ok: true; scenario: ScenarioInput }
  | { ok: false; message: string; issues?: ScenarioIssue[] };

/** Only the keys of `input` that differ from the defaults (nested objects compared key by key, arrays whole). */
export function compactScenario(input: ScenarioInput): ScenarioInput {
  const compact = difference(input as Record<string, unknown>, defaultScenario() as unknown as Record<string, unknown>);
  return (compact ?? {}) as ScenarioInput;
}

/** The scenario as a URL-safe string (base64url, no padding). */
export function encodeScenario(input: ScenarioInput): string {
  return toBase64Url(new TextEncoder().encode(JSON.stringify(compactScenario(input))));
}

/**
 * The scenario in an encoded string — or in a whole link or query string holding `s=…`. Never
 * throws: every way of failing is a message a person can act on.
 */
export function decodeScenario(text: string): DecodeResult {
  const encoded = extractParam(text.trim());
  if (encoded === "") return { ok: false, message: "the link carries no scenario (nothing after s=)" };
  const stray = /[^A-Za-z0-9_\-+/=]/.exec(encoded);
  if (stray) {
    return { ok: false, message: `not a scenario link: unexpected character "${stray[0]}" at position ${stray.index + 1}` };
  }
  const bytes = fromBase64Url(encoded);
  if (!bytes) return { ok: false, message: "the scenario link is damaged or cut short (not valid base64url)" };
  let json: string;
  try {
    json = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, message: "the scenario link is damaged or cut short (not UTF-8 text)" };
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { ok: false, message: "the scenario link is damaged or cut short (not JSON)" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, message: "the link does not hold a scenario (expected a JSON object)" };
  }
  const parsed = parseScenario(value);
  if (!parsed.ok) {
    const list = parsed.issues.map((issue) => `${issue.field}: ${issue.message}`).join("; ");
    return { ok: false, message: `the scenario in the link is invalid — ${list}`, issues: parsed.issues };
  }
  return { ok: true, scenario: value as ScenarioInput };
}

/** A full link to `base` (e.g. `location.origin + location.pathname`) that reproduces the scenario. */
export function buildPermalink(input: ScenarioInput, base: string): string {
  const url = new URL(base);
  url.search = "";
  url.searchParams.set(PERMALINK_PARAM, encodeScenario(input));
  return url.toString();
}

/**
 * Reads a page's query string (`location.search`): null when it carries no scenario, otherwise the
 * decoded scenario or the reason it cannot be used.
 */
export function readPermalink(search: string): DecodeResult | null {
  const value = new URLSearchParams(search.startsWith("?") ? search.slice(1) : search).get(PERMALINK_PARAM);
  return value === null ? null : decodeScenario(value);
}

// ---------------------------------------------------------------------------------------------

/** The part of `text` after `s=` when it is a link or a query string; otherwise `text` itself. */
function extractParam(text: string): string {
  const query = text.includes("?") ? text.slice(text.indexOf("?") + 1) : text.startsWith(`${PERMALINK_PARAM}=`) ? text : null;
  if (query === null) return text;
  const value = new URLSearchParams(query.split("#")[0]).get(PERMALINK_PARAM);
  return value ?? "";
}

function difference(value: unknown, base: unknown): unknown {
  if (isPlainObject(value) && isPlainObject(base)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      const kept = key in base ? difference(item, base[key]) : item;
      if (kept !== undefined) out[key] = kept;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  // Leaves and arrays: kept whole when they differ in any way.
  return JSON.stringify(value) === JSON.stringify(base) ? undefined : value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Accepts base64url and plain base64, padded or not; null when it is not base64 at all. */
function fromBase64Url(text: string): Uint8Array | null {
  const unpadded = text.replace(/=+$/, "");
  if (unpadded.includes("=") || unpadded.length % 4 === 1) return null;
  const base64 = unpadded.replace(/-/g, "+").replace(/_/g, "/");
  let binary: string;
  try {
    binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  } catch {
    return null;
  }
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
