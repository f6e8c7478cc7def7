import { describe, expect, it } from "vitest";
import { READ_ONLY_REASONS, resolveAccess, sameOriginOrNone, tokenMatches } from "./access";

describe("resolveAccess", () => {
  it("lets a presenter control a lab without a token, and sends no links", () => {
    for (const auth of [undefined, {}, { role: "presenter" }, { role: "presenter", token: "anything" }, { extra: 1 }]) {
      const { access, gate } = resolveAccess(auth);
      expect(access).toEqual({ canControl: true });
      expect(gate("run:start")).toBeNull();
    }
  });

  it("keeps the audience read-only whatever it holds", () => {
    const { access, gate } = resolveAccess({ role: "audience", token: "secret-token" }, { controlToken: "secret-token" });
    expect(access).toEqual({ canControl: false, reason: READ_ONLY_REASONS.audience });
    expect(gate("lab:reset")).toEqual({ code: "FORBIDDEN", message: `lab:reset refused: ${READ_ONLY_REASONS.audience}` });
  });

  it("needs the exact token when the lab has one, and gives the links only to its holder", () => {
    const policy = { controlToken: "secret-token", lanBaseUrls: ["http://10.0.0.7:3000"] };
    expect(resolveAccess({ role: "presenter" }, policy).access).toEqual({ canControl: false, reason: READ_ONLY_REASONS.noToken });
    expect(resolveAccess({ token: "secret-tokeN" }, policy).access).toEqual({ canControl: false, reason: READ_ONLY_REASONS.wrongToken });
    expect(resolveAccess({ token: 42 }, policy).access).toEqual({ canControl: false, reason: READ_ONLY_REASONS.badAuth });
    const holder = resolveAccess({ token: "secret-token" }, policy);
    expect(holder.access).toEqual({
      canControl: true,
      lanUrls: [{ presenter: "http://10.0.0.7:3000/?token=secret-token", audience: "http://10.0.0.7:3000/audience" }],
    });
    expect(holder.gate("node:action")).toBeNull();
  });

  it("escapes the token in the link", () => {
    const { access } = resolveAccess({ token: "a b&c=d/e?f" }, { controlToken: "a b&c=d/e?f", lanBaseUrls: ["http://h:1"] });
    expect(access.lanUrls?.[0]?.presenter).toBe("http://h:1/?token=a%20b%26c%3Dd%2Fe%3Ff");
  });

  it("compares tokens of any length", () => {
    expect(tokenMatches("abc", "abc")).toBe(true);
    expect(tokenMatches("abc", "abcd")).toBe(false);
    expect(tokenMatches("", "abc")).toBe(false);
  });
});

describe("sameOriginOrNone", () => {
  it("lets the lab's own pages and non-browser clients in", () => {
    expect(sameOriginOrNone(undefined, "127.0.0.1:3000")).toBe(true);
    expect(sameOriginOrNone("http://127.0.0.1:3000", "127.0.0.1:3000")).toBe(true);
    expect(sameOriginOrNone("http://192.168.1.20:3000", "192.168.1.20:3000")).toBe(true);
    expect(sameOriginOrNone("http://[::1]:3000", "[::1]:3000")).toBe(true);
    expect(sameOriginOrNone("http://Lab.Local", "lab.local")).toBe(true);
  });

  it("refuses every other web page", () => {
    expect(sameOriginOrNone("http://evil.example", "127.0.0.1:3000")).toBe(false);
    expect(sameOriginOrNone("http://127.0.0.1:3001", "127.0.0.1:3000")).toBe(false);
    expect(sameOriginOrNone("http://localhost:3000", "127.0.0.1:3000")).toBe(false);
    expect(sameOriginOrNone("null", "127.0.0.1:3000")).toBe(false);
    expect(sameOriginOrNone("file:///tmp/x.html", "127.0.0.1:3000")).toBe(false);
    expect(sameOriginOrNone("http://127.0.0.1:3000", undefined)).toBe(false);
  });
});
