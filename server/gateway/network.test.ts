import type { NetworkInterfaceInfo } from "node:os";
import { describe, expect, it } from "vitest";
import { LabError } from "../core/errors";
import { httpBaseUrl, isLoopbackHost, isWildcardHost, lanAddresses, localBaseUrl, resolveControlToken } from "./network";

const iface = (address: string, family: "IPv4" | "IPv6", internal = false) =>
  ({ address, family, internal, netmask: "", mac: "", cidr: null, scopeid: 0 }) as unknown as NetworkInterfaceInfo;

const INTERFACES = {
  lo: [iface("127.0.0.1", "IPv4", true), iface("::1", "IPv6", true)],
  eth0: [iface("192.168.1.20", "IPv4"), iface("fe80::1", "IPv6")],
  wlan0: [iface("10.0.0.7", "IPv4"), iface("192.168.1.20", "IPv4")],
};

describe("network", () => {
  it.each(["127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "::1", "[::1]", "::ffff:127.0.0.1", "lab.localhost"])(
    "%s is loopback",
    (host) => expect(isLoopbackHost(host)).toBe(true),
  );

  it.each(["0.0.0.0", "::", "", "192.168.1.20", "lab.example", "10.0.0.1"])("%s is beyond loopback", (host) =>
    expect(isLoopbackHost(host)).toBe(false),
  );

  it("finds every non-internal IPv4 once on a wildcard host, the host itself otherwise, none on loopback", () => {
    expect(lanAddresses("0.0.0.0", INTERFACES)).toEqual(["192.168.1.20", "10.0.0.7"]);
    expect(lanAddresses("::", INTERFACES)).toEqual(["192.168.1.20", "10.0.0.7"]);
    expect(isWildcardHost("[::]")).toBe(true);
    expect(lanAddresses("192.168.1.20", INTERFACES)).toEqual(["192.168.1.20"]);
    expect(lanAddresses("127.0.0.1", INTERFACES)).toEqual([]);
    expect(lanAddresses("0.0.0.0", { lo: INTERFACES.lo })).toEqual([]);
  });

  it("builds URLs, brackets IPv6, and points a wildcard host at loopback for this machine", () => {
    expect(httpBaseUrl("192.168.1.20", 3000)).toBe("http://192.168.1.20:3000");
    expect(httpBaseUrl("fd00::2", 3000)).toBe("http://[fd00::2]:3000");
    expect(localBaseUrl("0.0.0.0", 3000)).toBe("http://127.0.0.1:3000");
    expect(localBaseUrl("::", 3000)).toBe("http://[::1]:3000");
    expect(localBaseUrl("127.0.0.1", 4000)).toBe("http://127.0.0.1:4000");
  });

  it("makes a fresh random token beyond loopback, none on loopback, and takes a given one", () => {
    const a = resolveControlToken(undefined, true);
    const b = resolveControlToken("", true);
    expect(a).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(b).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(a).not.toBe(b);
    expect(resolveControlToken(undefined, false)).toBeUndefined();
    expect(resolveControlToken("  my-own-token  ", false)).toBe("my-own-token");
    expect(() => resolveControlToken("short", true)).toThrow(LabError);
  });
});
