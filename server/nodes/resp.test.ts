import { describe, expect, it } from "vitest";
import { encodeCommand, parseReply } from "./resp";

describe("RESP", () => {
  it("encodes a command as an array of bulk strings", () => {
    expect(encodeCommand(["INFO", "server"])).toBe("*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n");
  });

  it("parses simple, error, integer and bulk replies", () => {
    expect(parseReply(Buffer.from("+PONG\r\n"))).toEqual({ kind: "ok", value: "PONG" });
    expect(parseReply(Buffer.from("-NOAUTH Authentication required.\r\n"))).toEqual({
      kind: "error",
      message: "NOAUTH Authentication required.",
    });
    expect(parseReply(Buffer.from(":3\r\n"))).toEqual({ kind: "ok", value: "3" });
    expect(parseReply(Buffer.from("$5\r\nab\r\nc\r\n"))).toEqual({ kind: "ok", value: "ab\r\nc" });
    expect(parseReply(Buffer.from("$-1\r\n"))).toEqual({ kind: "ok", value: null });
  });

  it("waits for the rest of a partial reply", () => {
    expect(parseReply(Buffer.from("+PON"))).toBeUndefined();
    expect(parseReply(Buffer.from("$10\r\nabc"))).toBeUndefined();
  });

  it("rejects what is not a Redis reply", () => {
    expect(() => parseReply(Buffer.from("HTTP/1.1 400 Bad Request\r\n"))).toThrow(/not a Redis server/);
  });
});
