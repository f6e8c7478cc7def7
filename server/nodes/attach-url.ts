import { LabError } from "../core/errors";
import { NodeErrorCode } from "./node-errors";
import type { NodeId } from "./types";

export interface AttachTarget {
  host: string;
  port: number;
  /** The URL as given, for messages. */
  url: string;
}

const DEFAULT_REDIS_PORT = 6379;

/**
 * Parses a `redis://host[:port][/0]` URL for node `nodeId`. Credentials, TLS and databases other than 0
 * are refused rather than half-supported: every engine client reaches a node by host and port alone
 * (see NodeStatus), so a password here would work for the manager and fail for everyone else.
 */
export function parseAttachUrl(nodeId: NodeId, url: string): AttachTarget {
  const bad = (why: string, cause?: unknown) =>
    new LabError(NodeErrorCode.BadAttachUrl, `${nodeId}: cannot attach to "${url}": ${why}. Expected redis://host:port.`, {
      cause,
    });
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch (cause) {
    throw bad("not a URL", cause);
  }
  if (parsed.protocol === "rediss:") throw bad("TLS (rediss://) is not supported by the lab");
  if (parsed.protocol !== "redis:") throw bad(`the scheme must be redis:// (got ${parsed.protocol}//)`);
  if (parsed.username || parsed.password) throw bad("credentials are not supported; use a Redis server without AUTH");
  // WHATWG URL keeps IPv6 hosts in brackets; sockets want them bare.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  if (!host) throw bad("the host is missing");
  const port = parsed.port === "" ? DEFAULT_REDIS_PORT : Number(parsed.port);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw bad("the port is not valid");
  if (parsed.pathname !== "" && parsed.pathname !== "/" && parsed.pathname !== "/0") {
    throw bad("only database 0 is supported");
  }
  if (parsed.search || parsed.hash) throw bad("query options are not supported");
  return { host, port, url };
}

/**
 * Parses every node's URL and refuses two nodes on one server: a fault or failure of one node must
 * not take another with it, and Redlock's majority means nothing if two "nodes" are one process.
 */
export function parseAttachUrls(urls: ReadonlyArray<readonly [NodeId, string]>): Map<NodeId, AttachTarget> {
  const targets = new Map<NodeId, AttachTarget>();
  const owners = new Map<string, NodeId>();
  for (const [nodeId, url] of urls) {
    const target = parseAttachUrl(nodeId, url);
    const key = `${target.host.toLowerCase()}:${target.port}`;
    const owner = owners.get(key);
    if (owner) {
      throw new LabError(
        NodeErrorCode.BadAttachUrl,
        `${nodeId}: cannot attach to "${url}": ${owner} already uses ${key}. Each node must be its own Redis server.`,
      );
    }
    owners.set(key, nodeId);
    targets.set(nodeId, target);
  }
  return targets;
}
