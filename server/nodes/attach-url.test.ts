import { describe, expect, it } from "vitest";
import { LabError } from "../core/errors";
import { parseAttachUrl, parseAttachUrls } from "./attach-url";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(LabError);
    return (error as LabError).code;
  }
  return undefined;
}

describe("parseAttachUrl", () => {
  it("reads host and port", () => {
    expect(parseAttachUrl("cache", "redis://127.0.0.1:7100")).toEqual({ host: "127.0.0.1", port: 7100, url: "redis://127.0.0.1:7100" });
    expect(parseAttachUrl("lock-1", " redis://redis-a.internal:6400/ ")).toMatchObject({ host: "redis-a.internal", port: 6400 });
    expect(parseAttachUrl("lock-1", "redis://h:7000/0")).toMatchObject({ host: "h", port: 7000 });
  });

  it("defaults the port to 6379 and unwraps IPv6 hosts", () => {
    expect(parseAttachUrl("cache", "redis://localhost")).toMatchObject({ host: "localhost", port: 6379 });
    expect(parseAttachUrl("cache", "redis://[::1]:7001")).toMatchObject({ host: "::1", port: 7001 });
  });

  it.each([
    ["not a url", "not a URL"],
    ["http://h:1", "scheme"],
    ["rediss://h:1", "TLS"],
    ["redis://user:pw@h:1", "credentials"],
    ["redis://:pw@h:1", "credentials"],
    ["redis://h:1/3", "database 0"],
    ["redis://h:1?x=1", "query"],
  ])("refuses %s naming the node and the reason", (url, reason) => {
    expect(() => parseAttachUrl("lock-3", url)).toThrowError(new RegExp(`lock-3.*${reason}`));
    expect(codeOf(() => parseAttachUrl("lock-3", url))).toBe("BAD_ATTACH_URL");
  });
});

describe("parseAttachUrls", () => {
  it("maps every node", () => {
    const targets = parseAttachUrls([
      ["cache", "redis://h:1"],
      ["lock-1", "redis://h:2"],
    ]);
    expect([...targets.keys()]).toEqual(["cache", "lock-1"]);
    expect(targets.get("lock-1")?.port).toBe(2);
  });

  it("refuses two nodes on one server, naming both", () => {
    const attempt = () =>
      parseAttachUrls([
        ["cache", "redis://h:1"],
        ["lock-1", "redis://h:2"],
        ["lock-2", "redis://H:2/"],
      ]);
    expect(attempt).toThrowError(/lock-2.*lock-1 already uses h:2/);
    expect(codeOf(attempt)).toBe("BAD_ATTACH_URL");
  });
});
