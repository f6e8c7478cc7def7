/**
 * Where the lab listens and how the room reaches it: loopback or not, the LAN addresses to put in
 * the presenter's links, and the control token. Pure functions (the interfaces are a parameter);
 * server/index.ts feeds them the environment.
 */
import { randomBytes } from "node:crypto";
import { isIP } from "node:net";
import { networkInterfaces, type NetworkInterfaceInfo } from "node:os";
import { LabError } from "../core/errors";

/** `localhost`, 127.0.0.0/8, `::1` (bracketed or not) and IPv4-mapped loopback: only this machine can connect. */
export function isLoopbackHost(host: string): boolean {
  const h = unbracket(host.trim().toLowerCase());
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  if (h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  const v4 = h.startsWith("::ffff:") ? h.slice("::ffff:".length) : h;
  return isIP(v4) === 4 && v4.startsWith("127.");
}

/** `0.0.0.0`, `::` (or an empty HOST): every interface of the machine. */
export function isWildcardHost(host: string): boolean {
  const h = unbracket(host.trim());
  return h === "" || h === "0.0.0.0" || h === "::" || h === "0:0:0:0:0:0:0:0";
}

/**
 * The addresses people in the room can use: every non-internal IPv4 of the machine when the lab
 * listens on all interfaces, the address itself when it listens on one, none on loopback.
 */
export function lanAddresses(
  host: string,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
): string[] {
  if (isLoopbackHost(host)) return [];
  if (!isWildcardHost(host)) return [unbracket(host.trim())];
  const found: string[] = [];
  for (const infos of Object.values(interfaces)) {
    for (const info of infos ?? []) {
      // Node 18.0–18.3 reported family as a number; accept both.
      const family = info.family as string | number;
      if (info.internal || (family !== "IPv4" && family !== 4)) continue;
      if (!found.includes(info.address)) found.push(info.address);
    }
  }
  return found;
}

/** `http://host:port`, IPv6 literals bracketed. */
export function httpBaseUrl(host: string, port: number): string {
  const h = unbracket(host);
  return `http://${h.includes(":") ? `[${h}]` : h}:${port}`;
}

/** Where a browser on this machine reaches a lab listening on `host`. */
export function localBaseUrl(host: string, port: number): string {
  const h = unbracket(host.trim());
  if (h === "" || h === "0.0.0.0") return httpBaseUrl("127.0.0.1", port);
  if (h === "::" || h === "0:0:0:0:0:0:0:0") return httpBaseUrl("::1", port);
  return httpBaseUrl(h, port);
}

export const MIN_TOKEN_LENGTH = 8;

/**
 * The control token: LAB_CONTROL_TOKEN when given (on loopback too — an explicit choice), a fresh
 * random one when the lab listens beyond loopback, none otherwise. Throws BAD_CONFIG for a token too
 * short to be worth anything.
 */
export function resolveControlToken(given: string | undefined, listensBeyondLoopback: boolean): string | undefined {
  const token = given?.trim();
  if (token) {
    if (token.length < MIN_TOKEN_LENGTH) {
      throw new LabError("BAD_CONFIG", `LAB_CONTROL_TOKEN must be at least ${MIN_TOKEN_LENGTH} characters (got ${token.length}).`);
    }
    return token;
  }
  return listensBeyondLoopback ? randomBytes(18).toString("base64url") : undefined;
}

function unbracket(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}
