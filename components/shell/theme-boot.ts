import { STORAGE_KEYS } from "./storage";

/**
 * Runs in <head> before the first paint, so a light-theme page never flashes dark. A string, not a
 * module: the root layout (a server component) inlines it.
 */
export const THEME_BOOT_SCRIPT = `try{var t=localStorage.getItem(${JSON.stringify(STORAGE_KEYS.theme)});if(t==="light"){var c=document.documentElement.classList;c.remove("dark");c.add("light")}}catch(e){}`;
