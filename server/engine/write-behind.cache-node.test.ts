import { afterEach, describe, expect, it } from "vitest";
import { TestLab, type TestLabOptions } from "./testing/lab";

/**
 * writeBehindBuffer "cache-node": acknowledged writes wait in a list on the cache node, shared by
 * every instance. An app server's crash loses nothing that reached the list; the cache node's
 * crash (it comes back empty) loses all of it. Accounting as the report does it: lost =
 * acknowledged − persisted (from the database's write log) − pending (the list + writes in flight).
 */

let lab: TestLab | null = null;
afterEach(async () => {
  await lab?.close();
  lab = null;
});

function newLab(options: TestLabOptions = {}): TestLab {
  lab = new TestLab({
    instances: 2,
    ...options,
    settings: { strategy: "write-behind", flushMs: 1000, writeBehindBuffer: "cache-node", ...options.settings },
    db: { writeLatencyMs: 50 },
  });
  lab.seedRows();
  return lab;
}

describe('write-behind with writeBehindBuffer "cache-node"', () => {
  it("acknowledges once the write is in the node's list; the flush empties the list into the database", async () => {
    const lab = newLab();
    lab.write(100);
    lab.write(200, { instance: 2 });
    await lab.runUntil(999);
    expect(lab.writes.map((w) => w.acknowledged)).toEqual([true, true]);
    expect(lab.cacheNode.pendingTexts.map((t) => JSON.parse(t).writeId)).toEqual(["instance-1/w1", "instance-2/w2"]);
    expect(lab.writeAccounting()).toEqual({ acknowledged: 2, persisted: 0, pending: 2, lost: 0 });
    await lab.runUntil(1100);
    expect(lab.cacheNode.pendingTexts).toEqual([]);
    expect(lab.db.writeLog().map((e) => e.writeId).sort()).toEqual(["instance-1/w1", "instance-2/w2"]);
    expect(lab.writeAccounting()).toEqual({ acknowledged: 2, persisted: 2, pending: 0, lost: 0 });
  });

  it("an app server's crash loses nothing: its writes are on the cache node, and another instance flushes them", async () => {
    const lab = newLab();
    lab.write(100);
    lab.write(200);
    lab.crashAt(500, 1);
    await lab.runUntil(1100);
    expect(lab.instance(1).isAlive).toBe(false);
    expect(lab.db.writeLog().map((e) => e.writeId)).toEqual(["instance-1/w1", "instance-1/w2"]);
    expect(lab.writeAccounting()).toEqual({ acknowledged: 2, persisted: 2, pending: 0, lost: 0 });
  });

  it("the cache node's crash loses every write in its list (the desk fire, on Redis)", async () => {
    const lab = newLab();
    lab.write(100);
    lab.write(200, { instance: 2 });
    lab.write(300);
    lab.clock.setTimeout(() => lab.cacheNode.flush(), lab.at(500) - lab.clock.now()); // restarts empty
    lab.write(600, { instance: 2 });
    await lab.runUntil(1100);
    expect(lab.db.writeLog().map((e) => e.writeId)).toEqual(["instance-2/w4"]);
    expect(lab.writeAccounting()).toEqual({ acknowledged: 4, persisted: 1, pending: 0, lost: 3 });
  });

  it("a write the cache node cannot take is not acknowledged", async () => {
    const lab = newLab();
    lab.cacheNode.down = true;
    lab.write(100);
    await lab.runUntil(1100);
    expect(lab.writes[0]?.acknowledged).toBe(false);
    expect(lab.writeAccounting()).toEqual({ acknowledged: 0, persisted: 0, pending: 0, lost: 0 });
  });

  it("writes the database refuses go back to the head of the list, in order, for the next trip", async () => {
    lab = new TestLab({
      instances: 1,
      settings: { strategy: "write-behind", flushMs: 1000, writeBehindBuffer: "cache-node" },
      db: { writeLatencyMs: 50, capacity: 1, queueLimit: 1 },
    });
    const l = lab;
    l.seedRows();
    for (const at of [100, 200, 300, 400]) l.write(at);
    await l.runUntil(1060);
    // Capacity 1 + queue 1: two served (at 1050 and 1100), two refused; on their way until the trip ends.
    expect(l.writeAccounting()).toEqual({ acknowledged: 4, persisted: 1, pending: 3, lost: 0 });
    await l.runUntil(1110);
    expect(l.cacheNode.pendingTexts.map((t) => JSON.parse(t).writeId)).toEqual(["instance-1/w3", "instance-1/w4"]);
    expect(l.writeAccounting()).toMatchObject({ acknowledged: 4, lost: 0 });
    await l.runUntil(2200);
    expect(l.db.writeLog().map((e) => e.writeId)).toEqual(["instance-1/w1", "instance-1/w2", "instance-1/w3", "instance-1/w4"]);
    expect(l.writeAccounting()).toEqual({ acknowledged: 4, persisted: 4, pending: 0, lost: 0 });
  });

  it("the final flush drains the shared list", async () => {
    const lab = newLab();
    for (let i = 0; i < 5; i++) lab.write(10 * i, { instance: (i % 2) + 1 });
    await lab.runUntil(100);
    const flushing = Promise.all(lab.instances.map((i) => i.flush()));
    await lab.runUntil(300);
    await flushing;
    expect(lab.db.writeLog()).toHaveLength(5);
    expect(lab.writeAccounting()).toEqual({ acknowledged: 5, persisted: 5, pending: 0, lost: 0 });
  });
});
