"use client";

import { useCallback, useEffect, useState } from "react";
import { STORAGE_KEYS, writeStorage } from "./storage";

export type Theme = "dark" | "light";

function currentTheme(): Theme {
  return typeof document !== "undefined" && document.documentElement.classList.contains("light") ? "light" : "dark";
}

/** The theme is a class on <html> (`dark` or `light`), remembered in localStorage. Dark by default. */
export function useTheme(): { theme: Theme; setTheme(theme: Theme): void; toggleTheme(): void } {
  // The boot script has already set the class; read it after hydration so server and client agree.
  const [theme, setThemeState] = useState<Theme>("dark");
  useEffect(() => setThemeState(currentTheme()), []);

  const setTheme = useCallback((next: Theme) => {
    const classes = document.documentElement.classList;
    classes.toggle("light", next === "light");
    classes.toggle("dark", next === "dark");
    writeStorage("local", STORAGE_KEYS.theme, next);
    setThemeState(next);
  }, []);

  const toggleTheme = useCallback(() => setTheme(currentTheme() === "dark" ? "light" : "dark"), [setTheme]);
  return { theme, setTheme, toggleTheme };
}
