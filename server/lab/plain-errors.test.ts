import { describe, expect, it } from "vitest";
import { classifyDriverError, plainDriverError, plainReason } from "./plain-errors";

describe("driver errors in plain words", () => {
  it("tells a refused command from a timeout and from the node's own error", () => {
    expect(classifyDriverError("Stream isn't writeable and enableOfflineQueue options is false")).toBe("refused");
    expect(classifyDriverError("Connection is closed.")).toBe("refused");
    expect(classifyDriverError("connect ECONNREFUSED 127.0.0.1:17101")).toBe("refused");
    expect(classifyDriverError("Reached the max retries per request limit (which is 1). Refer to \"maxRetriesPerRequest\" option for details.")).toBe("refused");
    expect(classifyDriverError("Command timed out")).toBe("timeout");
    expect(classifyDriverError("no answer in time")).toBe("timeout");
    expect(classifyDriverError("MISCONF Redis is configured to save RDB snapshots")).toBe("failed");
  });

  it("says each in a few words, without class names", () => {
    expect(plainDriverError("Stream isn't writeable and enableOfflineQueue options is false")).toBe("unreachable");
    expect(plainDriverError("Command timed out")).toBe("no answer in time");
    expect(plainDriverError("ReplyError: MISCONF disk full")).toBe("MISCONF disk full");
    expect(plainDriverError("ExecutionError")).toBe("an error");
  });

  it("words a reason that ends with a driver's message, and leaves plain reasons alone", () => {
    expect(plainReason("lock-1 did not answer: Stream isn't writeable and enableOfflineQueue options is false")).toBe("lock-1 did not answer (unreachable)");
    expect(plainReason("no majority: lock-1: for, lock-2: error (Connection is closed.)")).toBe("no majority of the lock nodes agreed");
    expect(plainReason("only 2 of 5 lock nodes answered; 3 needed")).toBe("only 2 of 5 lock nodes answered; 3 needed");
    expect(plainReason("no fencing token: TypeError: database closed")).toBe("no fencing token: database closed");
    expect(plainReason("Command timed out")).toBe("no answer in time");
  });
});
