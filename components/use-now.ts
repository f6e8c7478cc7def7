"use client";

import { useEffect, useState } from "react";

/** Wall-clock ms, refreshed every `intervalMs`, for "up for 12 s"-style labels. @default 1000 */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
