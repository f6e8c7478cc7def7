import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { Ack, WireNode } from "@/lib/protocol";
import type { TickFrame } from "@/lib/report";
import { emptyFrame } from "@/lib/testing/frames";
import { LockGrid } from "./lock-grid";
import { roundTotals, RoundsLine } from "./rounds-line";

const text = (html: string) => html.replace(/<!-- -->/g, "").replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim();
const frames = [emptyFrame(0, { lockRounds: 4, lockAnsweredInProcess: 1200 }), emptyFrame(100, { lockRounds: 0, lockAnsweredInProcess: 1796 })];

describe("the lock grid's rounds line", () => {
  it("sums the frames: Redlock rounds beside the lock requests answered in-process", () => {
    expect(roundTotals(frames)).toEqual({ rounds: 4, inProcess: 2996 });
    expect(text(renderToString(<RoundsLine frames={frames} lock="redlock" />))).toBe("4 Redlock rounds · 2,996 lock requests answered in-process");
  });

  it("uncoalesced, the rounds are the requests", () => {
    const uncoalesced = [emptyFrame(0, { lockRounds: 412, lockAnsweredInProcess: 0 })];
    expect(text(renderToString(<RoundsLine frames={uncoalesced} lock="redlock" />))).toBe("412 Redlock rounds · 0 lock requests answered in-process");
  });

  it("says nothing without a Redis lock, before any attempt, or for recordings made before rounds were counted", () => {
    expect(renderToString(<RoundsLine frames={frames} lock="local" />)).toBe("");
    expect(renderToString(<RoundsLine frames={[emptyFrame(0)]} lock="redlock" />)).toBe("");
    const old = [{ ...emptyFrame(0), lockRounds: undefined, lockAnsweredInProcess: undefined } as unknown as TickFrame];
    expect(roundTotals(old)).toBeNull();
    expect(renderToString(<RoundsLine frames={old} lock="redlock" />)).toBe("");
  });

  it("sits in the lock grid, under the quorum line", () => {
    const refuse = async (): Promise<Ack<WireNode>> => ({ error: { code: "NO", message: "no" } });
    const html = renderToString(<LockGrid nodes={[]} frames={frames} lockNodes={5} now={0} canControl={false} onAction={refuse} />);
    expect(html.indexOf('data-testid="lock-rounds"')).toBeGreaterThan(html.indexOf('data-testid="quorum-line"'));
    expect(text(html)).toContain("4 Redlock rounds · 2,996 lock requests answered in-process");
  });
});
