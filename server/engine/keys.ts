/** Key names as the seed story's code spells them. Key 0 is the hot one. */
export function cacheKeyFor(index: number): string {
  return `user:profile:${index}`;
}

export function lockResourceFor(cacheKey: string): string {
  return `lock:${cacheKey}`;
}

export const HOT_KEY = cacheKeyFor(0);
export const HOT_LOCK = lockResourceFor(HOT_KEY);
