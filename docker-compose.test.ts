import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/** No Docker engine runs here: the compose file is checked as text against what the lab expects. */
const text = readFileSync(new URL("./docker-compose.yml", import.meta.url), "utf8");

describe("docker-compose.yml", () => {
  it("defines the cache node and five lock nodes under the lab's node ids, none persisting", () => {
    for (const id of ["cache", "lock-1", "lock-2", "lock-3", "lock-4", "lock-5"]) {
      expect(text).toMatch(new RegExp(`^  ${id}:$`, "m"));
    }
    expect(text).toContain('"--save", ""');
    expect(text).toContain('"--appendonly", "no"');
  });

  it("attaches the lab to exactly those nodes", () => {
    expect(text).toMatch(/REDIS_CACHE_URL: redis:\/\/cache:6379/);
    const lockUrls = text.match(/REDIS_LOCK_URLS: (.*)/)?.[1]?.split(",") ?? [];
    expect(lockUrls).toEqual([1, 2, 3, 4, 5].map((n) => `redis://lock-${n}:6379`));
  });

  it("uses no tabs (YAML forbids them for indentation)", () => {
    expect(text).not.toMatch(/\t/);
  });
});
