"use client";

import { useCallback, useEffect, useState } from "react";
import { readStorage, writeStorage } from "./storage";

/**
 * A yes/no setting kept in localStorage as "1" / "0". The first render uses `fallback` (the server
 * cannot know the stored value), then the stored one, so hydration never disagrees.
 */
export function usePersistentFlag(key: string, fallback: boolean): [boolean, (value: boolean) => void] {
  const [value, setValue] = useState(fallback);
  useEffect(() => {
    const stored = readStorage("local", key);
    if (stored === "1" || stored === "0") setValue(stored === "1");
  }, [key]);
  const update = useCallback(
    (next: boolean) => {
      setValue(next);
      writeStorage("local", key, next ? "1" : "0");
    },
    [key],
  );
  return [value, update];
}
