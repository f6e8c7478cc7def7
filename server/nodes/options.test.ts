import { describe, expect, it } from "vitest";
import { ManualClock } from "../core/clock";
import { createNodeManager, nodeManagerOptionsFromEnv } from "./manager";
import { nodeIdsFor, resolveOptions } from "./options";

const env = (vars: Record<string, string>) => vars as unknown as NodeJS.ProcessEnv;

describe("resolveOptions", () => {
  it("defaults to one cache and five lock nodes from port 7100 on 127.0.0.1", () => {
    const resolved = resolveOptions({});
    expect(resolved.nodeIds).toEqual(["cache", "lock-1", "lock-2", "lock-3", "lock-4", "lock-5"]);
    expect(resolved).toMatchObject({ basePort: 7100, host: "127.0.0.1", readyTimeoutMs: 5000, redisServerPath: "redis-server", attach: null });
  });

  it("names nodes cache, lock-1 … lock-N", () => {
    expect(nodeIdsFor(1)).toEqual(["cache", "lock-1"]);
    expect(nodeIdsFor(7)).toHaveLength(8);
  });

  it.each([0, 8, -1, 2.5, Number.NaN])("refuses %s lock nodes with BAD_NODE_COUNT", (lockNodes) => {
    expect(() => resolveOptions({ lockNodes })).toThrowError(expect.objectContaining({ code: "BAD_NODE_COUNT", message: expect.stringMatching(/1–7 lock nodes/) }));
  });

  it("refuses fixed ports on 6379, on unknown nodes, or shared by two nodes", () => {
    expect(() => resolveOptions({ ports: { "lock-1": 6379 } })).toThrowError(expect.objectContaining({ code: "BAD_PORT" }));
    expect(() => resolveOptions({ lockNodes: 2, ports: { "lock-3": 7000 } })).toThrowError(expect.objectContaining({ code: "BAD_CONFIG" }));
    expect(() => resolveOptions({ ports: { cache: 7000, "lock-2": 7000 } })).toThrowError(expect.objectContaining({ code: "BAD_PORT" }));
  });

  it("takes the lock node count from the attach URLs", () => {
    const resolved = resolveOptions({ attach: { cacheUrl: "redis://h:1", lockUrls: ["redis://h:2", "redis://h:3"] } });
    expect(resolved.nodeIds).toEqual(["cache", "lock-1", "lock-2"]);
    expect(resolved.attach?.get("lock-2")).toMatchObject({ host: "h", port: 3 });
  });

  it("refuses attach URLs that do not match the node count, or a bad one naming its node", () => {
    expect(() => resolveOptions({ lockNodes: 3, attach: { cacheUrl: "redis://h:1", lockUrls: ["redis://h:2"] } })).toThrowError(
      expect.objectContaining({ code: "BAD_CONFIG" }),
    );
    expect(() => createNodeManager({ attach: { cacheUrl: "redis://h:1", lockUrls: ["redis://h:2", "nope"] } })).toThrowError(
      expect.objectContaining({ code: "BAD_ATTACH_URL", message: expect.stringMatching(/^lock-2: /) }),
    );
  });

  it("keeps the given clock", () => {
    const clock = new ManualClock(5);
    expect(resolveOptions({ clock }).clock).toBe(clock);
  });
});

describe("nodeManagerOptionsFromEnv", () => {
  it("is empty without variables (spawn mode, defaults)", () => {
    expect(nodeManagerOptionsFromEnv(env({}))).toEqual({});
    expect(nodeManagerOptionsFromEnv(env({ REDIS_CACHE_URL: "", LAB_LOCK_NODES: " " }))).toEqual({});
  });

  it("reads LAB_BASE_PORT and LAB_LOCK_NODES", () => {
    expect(nodeManagerOptionsFromEnv(env({ LAB_BASE_PORT: "7200", LAB_LOCK_NODES: "3" }))).toEqual({ basePort: 7200, lockNodes: 3 });
  });

  it("refuses numbers that are not whole numbers", () => {
    expect(() => nodeManagerOptionsFromEnv(env({ LAB_BASE_PORT: "72x" }))).toThrowError(/LAB_BASE_PORT must be a whole number/);
  });

  it("reads attach URLs, comma separated", () => {
    const options = nodeManagerOptionsFromEnv(
      env({ REDIS_CACHE_URL: "redis://c:1", REDIS_LOCK_URLS: "redis://a:1, redis://b:1,redis://d:1," }),
    );
    expect(options).toEqual({ attach: { cacheUrl: "redis://c:1", lockUrls: ["redis://a:1", "redis://b:1", "redis://d:1"] } });
    expect(resolveOptions(options).nodeIds).toHaveLength(4);
  });

  it("wants both attach variables or neither", () => {
    expect(() => nodeManagerOptionsFromEnv(env({ REDIS_CACHE_URL: "redis://c:1" }))).toThrowError(/REDIS_LOCK_URLS is missing/);
    expect(() => nodeManagerOptionsFromEnv(env({ REDIS_LOCK_URLS: "redis://c:1" }))).toThrowError(/REDIS_CACHE_URL is missing/);
  });

  it("refuses a LAB_LOCK_NODES that contradicts the URL count", () => {
    expect(() =>
      nodeManagerOptionsFromEnv(env({ REDIS_CACHE_URL: "redis://c:1", REDIS_LOCK_URLS: "redis://a:1", LAB_LOCK_NODES: "5" })),
    ).toThrowError(expect.objectContaining({ code: "BAD_CONFIG" }));
  });

  it("lets the manager refuse eight lock URLs", () => {
    const urls = Array.from({ length: 8 }, (_, i) => `redis://h:${i + 2}`).join(",");
    const options = nodeManagerOptionsFromEnv(env({ REDIS_CACHE_URL: "redis://h:1", REDIS_LOCK_URLS: urls }));
    expect(() => createNodeManager(options)).toThrowError(expect.objectContaining({ code: "BAD_NODE_COUNT" }));
  });
});
