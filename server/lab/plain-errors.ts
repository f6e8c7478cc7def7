/**
 * Driver and library error messages in words a room can read. ioredis says "Stream isn't writeable
 * and enableOfflineQueue options is false" when a node is down; the log says the node refused the
 * command. What a failure means for the log is decided here, in one place.
 */

/** refused: the command never reached the node; timeout: sent, no answer in time; failed: the node answered with an error. */
export type DriverFailure = "refused" | "timeout" | "failed";

const REFUSED = [
  /stream isn't writeable/i,
  /connection is closed/i,
  /max retries per request/i,
  /\bECONNREFUSED\b/,
  /\bECONNRESET\b/,
  /\bEPIPE\b/,
  /\bEHOSTUNREACH\b/,
  /\bENOTCONN\b/,
  /socket closed/i,
];
const TIMEOUT = [/command timed out/i, /no answer in time/i, /\bETIMEDOUT\b/];

export function classifyDriverError(message: string): DriverFailure {
  if (REFUSED.some((pattern) => pattern.test(message))) return "refused";
  if (TIMEOUT.some((pattern) => pattern.test(message))) return "timeout";
  return "failed";
}

/** One failure in a few plain words: "unreachable", "no answer in time", or the node's own words without class names. */
export function plainDriverError(message: string): string {
  switch (classifyDriverError(message)) {
    case "refused":
      return "unreachable";
    case "timeout":
      return "no answer in time";
    case "failed":
      return stripClassNames(message);
  }
}

/**
 * Why a lock attempt failed, in plain words. A reason may end with a driver's message ("lock-1 did
 * not answer: Stream isn't writeable …"): that part becomes its plain form, and class names go.
 * Per-node votes quoted in a reason ("no majority: lock-1: for, …") are left to the votes' own words.
 */
export function plainReason(reason: string): string {
  if (/^no majority\b/.test(reason)) return "no majority of the lock nodes agreed";
  const split = reason.indexOf(": ");
  if (split < 0) return classifyDriverError(reason) === "failed" ? stripClassNames(reason) : plainDriverError(reason);
  const head = reason.slice(0, split);
  const tail = reason.slice(split + 2);
  return classifyDriverError(tail) === "failed" ? `${head}: ${stripClassNames(tail)}` : `${head} (${plainDriverError(tail)})`;
}

function stripClassNames(text: string): string {
  return text.replace(/\b[A-Z][A-Za-z]*(Error|Exception)\b:?\s*/g, "").trim() || "an error";
}
