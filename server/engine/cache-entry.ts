import type { Random } from "../core/random";
import type { CachedEntry } from "./ports";

export type CacheView =
  | { state: "fresh"; entry: CachedEntry }
  /** Present in Redis but past its logical expiry: only serve-stale may hand it out. */
  | { state: "stale"; entry: CachedEntry }
  | { state: "missing" }
  | { state: "unreachable"; message: string };

export function viewOf(entry: CachedEntry | null, now: number): CacheView {
  if (!entry) return { state: "missing" };
  return now < entry.logicalExpiresAt ? { state: "fresh", entry } : { state: "stale", entry };
}

/** `ttlMs` spread by ± `jitterPct` percent, so keys written together do not all expire together. */
export function jitteredTtl(ttlMs: number, jitterPct: number, random: Random): number {
  if (jitterPct <= 0) return ttlMs;
  const spread = (random.next() * 2 - 1) * (jitterPct / 100);
  return Math.max(1, Math.round(ttlMs * (1 + spread)));
}

/**
 * XFetch (Vattani et al., "Optimal Probabilistic Cache Stampede Prevention"): refresh early when
 * `now − δ·β·ln(U) ≥ expiry`, δ the last recompute time (not the TTL), U uniform in (0, 1].
 * Since ln(U) ≤ 0 the left side only moves forward; the closer the expiry and the slower the
 * recompute, the likelier one request volunteers before everyone misses at once.
 */
export function xfetchShouldRefresh(entry: CachedEntry, now: number, beta: number, random: Random): boolean {
  if (beta <= 0) return false;
  const u = 1 - random.next(); // (0, 1]
  return now - entry.recomputeMs * beta * Math.log(u) >= entry.logicalExpiresAt;
}

export function encodeEntry(entry: CachedEntry): string {
  return JSON.stringify(entry);
}

export function decodeEntry(text: string): CachedEntry | null {
  try {
    const parsed = JSON.parse(text) as Partial<CachedEntry>;
    if (typeof parsed.logicalExpiresAt !== "number" || typeof parsed.profile !== "object") return null;
    return parsed as CachedEntry;
  } catch {
    return null;
  }
}
