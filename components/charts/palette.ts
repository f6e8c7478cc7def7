/**
 * Okabe–Ito, the colour-blind-safe palette (Okabe & Ito, 2008), and what each colour means on the
 * page. Colour is never the only signal: every use also carries a text label or a legend entry.
 * Black is left out: it vanishes on the dark theme.
 */
export const OKABE_ITO = {
  orange: "#E69F00",
  skyBlue: "#56B4E9",
  bluishGreen: "#009E73",
  yellow: "#F0E442",
  blue: "#0072B2",
  vermillion: "#D55E00",
  reddishPurple: "#CC79A7",
  grey: "#999999",
} as const;

/**
 * Okabe–Ito's yellow where it is drawn as a line or text on the page's background: #F0E442 on the dark
 * theme; on the light one (1.3:1 against white, all but invisible) the same hue darkened to #8C7E00,
 * 3.9:1 (WCAG's 3:1 for graphics). A CSS variable, set in app/globals.css, so it follows the theme.
 * Fills with dark text on them (an instance's colour) keep the original.
 */
export const SERIES_YELLOW = "var(--series-yellow)";

/**
 * The same for the other colours drawn as thin lines: on white, orange and sky blue are 2.2:1 and
 * grey 2.7:1, below WCAG's 3:1 for graphics, so the light theme darkens each within its hue
 * (#B07800 3.6:1, #2F86C2 3.8:1, #7A7A7A 4.1:1). Areas and fills keep the originals.
 */
export const SERIES_ORANGE = "var(--series-orange)";
export const SERIES_SKY_BLUE = "var(--series-sky-blue)";
export const SERIES_GREY = "var(--series-grey)";

/** Request outcomes, in stacking order (good at the bottom, failures on top). */
export const OUTCOME_COLORS = {
  hit: OKABE_ITO.bluishGreen,
  stale: OKABE_ITO.skyBlue,
  miss: OKABE_ITO.orange,
  error: OKABE_ITO.vermillion,
  timeout: OKABE_ITO.reddishPurple,
} as const;

/**
 * One colour per engine instance, by its 1-based index. Vermillion comes last: it reads as "error"
 * elsewhere. From the eighth instance on the colours repeat, so the text label carries the identity.
 */
const INSTANCE_ORDER = [
  OKABE_ITO.orange,
  OKABE_ITO.skyBlue,
  OKABE_ITO.bluishGreen,
  OKABE_ITO.yellow,
  OKABE_ITO.reddishPurple,
  OKABE_ITO.blue,
  OKABE_ITO.vermillion,
] as const;

export function instanceColor(instance: number): string {
  const i = (((instance - 1) % INSTANCE_ORDER.length) + INSTANCE_ORDER.length) % INSTANCE_ORDER.length;
  return INSTANCE_ORDER[i]!;
}

/** Dark or light text, whichever reads on the given instance colour. */
export function textOn(color: string): string {
  return color === OKABE_ITO.blue || color === OKABE_ITO.vermillion ? "#ffffff" : "#0b1020";
}
