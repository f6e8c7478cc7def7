/**
 * Who may change the lab. Decided once per connection from its handshake `auth`, enforced at the
 * socket edge for every command (the page hiding its buttons is a courtesy, not the lock):
 *   - the audience view (role "audience") is always read-only, token or not;
 *   - when the server was given a control token (it listens beyond loopback), a page without that
 *     exact token is read-only too;
 *   - otherwise (loopback, no token) the presenter page controls the lab.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { Access } from "../../lib/protocol";
import type { CommandGate } from "./command";

export interface AccessPolicy {
  /** When set, every command needs this token in the handshake. */
  controlToken?: string;
  /**
   * Where people in the room reach the lab, e.g. `http://192.168.1.20:3000` (no trailing slash);
   * empty when the lab listens on loopback only. Turned into presenter and audience links.
   */
  lanBaseUrls?: readonly string[];
}

export interface ConnectionAccess {
  /** What the page is told. */
  access: Access;
  /** The gate every command of this connection passes. */
  gate: CommandGate;
}

/** Loose on purpose: unknown keys are ignored, but a role or token of the wrong shape is not guessed at. */
const handshakeAuthSchema = z.object({
  role: z.enum(["presenter", "audience"]).optional(),
  token: z.string().max(512).optional(),
});

export const READ_ONLY_REASONS = {
  audience: "This is the audience view: it shows the run live but cannot change it.",
  noToken:
    "This lab listens on the network, so control needs the presenter link with its token (the server printed it at start-up). This page is read-only.",
  wrongToken:
    "The control token of this page does not match the server's (a new one is made at every start unless LAB_CONTROL_TOKEN is set): open the presenter link the server printed. This page is read-only.",
  badAuth: "The page's handshake could not be read (expected { role, token }), so it is connected read-only.",
} as const;

export function resolveAccess(auth: unknown, policy: AccessPolicy = {}): ConnectionAccess {
  const { controlToken, lanBaseUrls = [] } = policy;
  const parsed = handshakeAuthSchema.safeParse(auth ?? {});
  let reason: string | null;
  if (!parsed.success) reason = READ_ONLY_REASONS.badAuth;
  else if (parsed.data.role === "audience") reason = READ_ONLY_REASONS.audience;
  else if (controlToken === undefined) reason = null;
  else if (parsed.data.token === undefined || parsed.data.token === "") reason = READ_ONLY_REASONS.noToken;
  else reason = tokenMatches(parsed.data.token, controlToken) ? null : READ_ONLY_REASONS.wrongToken;

  if (reason !== null) {
    const refusal = reason;
    return {
      access: { canControl: false, reason: refusal },
      gate: (event) => ({ code: "FORBIDDEN", message: `${event} refused: ${refusal}` }),
    };
  }
  // The presenter link carries the token, so only a page that already holds it gets the links.
  const lanUrls = lanBaseUrls.map((base) => ({
    presenter: controlToken === undefined ? `${base}/` : `${base}/?token=${encodeURIComponent(controlToken)}`,
    audience: `${base}/audience`,
  }));
  return {
    access: { canControl: true, ...(lanUrls.length > 0 ? { lanUrls } : {}) },
    gate: () => null,
  };
}

/** Constant-time comparison: hashing first makes both sides the same length. */
export function tokenMatches(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Cross-site WebSocket hijacking guard for the handshake: a browser always sends `Origin`, and a
 * page of this lab sends its own (same host and port as the `Host` it connects to). Any other web
 * page open in the presenter's browser would otherwise reach a loopback lab, where control needs no
 * token. Clients that send no Origin (scripts, tests, the CLI) are not browsers and pass.
 */
export function sameOriginOrNone(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  if (host === undefined) return false;
  try {
    const parsed = new URL(origin);
    return (parsed.protocol === "http:" || parsed.protocol === "https:") && parsed.host.toLowerCase() === host.toLowerCase();
  } catch {
    // "null" (a sandboxed frame, a file:// page) and anything unparsable.
    return false;
  }
}
