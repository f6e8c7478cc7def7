import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { emptyFrame } from "@/lib/testing/frames";
import { LiveCounters } from "./live-counters";

describe("LiveCounters", () => {
  it("the database tile says the database is simulated; the others are real counts and carry no tag", () => {
    const html = renderToString(<LiveCounters frames={[emptyFrame(0, { dbReads: 3, dbInFlight: 2 })]} dbCapacity={20} />);
    expect(html).toMatch(/data-testid="counter-db-busy"[^>]*>2\/20</);
    expect(html).toMatch(/data-testid="counter-db-busy-simulated"[^>]*>SIMULATED</);
    expect(html.match(/>SIMULATED</g)).toHaveLength(1);
  });
});
