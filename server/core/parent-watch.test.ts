import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { watchParent } from "./parent-watch";

describe("watchParent", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("calls back once, with the former parent, when the parent PID changes", () => {
    let ppid = 4242;
    const orphaned = vi.fn();
    watchParent(orphaned, { intervalMs: 100, readParentPid: () => ppid });
    vi.advanceTimersByTime(1000);
    expect(orphaned).not.toHaveBeenCalled();
    // The kernel re-parents an orphan to init (or to a subreaper): any change counts.
    ppid = 1;
    vi.advanceTimersByTime(100);
    expect(orphaned).toHaveBeenCalledExactlyOnceWith(4242);
    ppid = 77;
    vi.advanceTimersByTime(1000);
    expect(orphaned).toHaveBeenCalledTimes(1);
  });

  it("stops watching when asked", () => {
    let ppid = 4242;
    const orphaned = vi.fn();
    const stop = watchParent(orphaned, { intervalMs: 100, readParentPid: () => ppid });
    stop();
    ppid = 1;
    vi.advanceTimersByTime(1000);
    expect(orphaned).not.toHaveBeenCalled();
  });

  it("watches nothing for a process whose parent is init already", () => {
    const orphaned = vi.fn();
    watchParent(orphaned, { intervalMs: 100, readParentPid: () => 1 });
    vi.advanceTimersByTime(1000);
    expect(orphaned).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });
});
