import net from "node:net";

/**
 * One Redis command over a fresh TCP connection, with a hard deadline. The manager only needs PING
 * and INFO to tell "this node is ready", and a full client would bring reconnect loops and offline
 * queues that get in the way of a yes/no answer.
 */
export type RespReply = { kind: "ok"; value: string | null } | { kind: "error"; message: string };

export function redisCommand(host: string, port: number, args: readonly string[], timeoutMs: number): Promise<RespReply> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let buffer = Buffer.alloc(0);
    const finish = (outcome: () => void) => {
      clearTimeout(timer);
      socket.destroy();
      outcome();
    };
    const timer = setTimeout(
      () => finish(() => reject(new Error(`no reply from ${host}:${port} within ${timeoutMs} ms`))),
      timeoutMs,
    );
    socket.once("error", (error) => finish(() => reject(error)));
    socket.once("close", () => finish(() => reject(new Error(`${host}:${port} closed the connection without a reply`))));
    socket.on("data", (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      let reply: RespReply | undefined;
      try {
        reply = parseReply(buffer);
      } catch (error) {
        finish(() => reject(error));
        return;
      }
      if (reply) finish(() => resolve(reply));
    });
    socket.write(encodeCommand(args));
  });
}

export function encodeCommand(args: readonly string[]): string {
  return `*${args.length}\r\n` + args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join("");
}

/** The first complete reply in `buffer`, or undefined while more bytes are needed. Arrays are not needed here. */
export function parseReply(buffer: Buffer): RespReply | undefined {
  const lineEnd = buffer.indexOf("\r\n");
  if (lineEnd < 0) return undefined;
  const type = String.fromCharCode(buffer[0] ?? 0);
  const line = buffer.toString("utf8", 1, lineEnd);
  switch (type) {
    case "+":
    case ":":
      return { kind: "ok", value: line };
    case "-":
      return { kind: "error", message: line };
    case "$": {
      const length = Number(line);
      if (length < 0) return { kind: "ok", value: null };
      const start = lineEnd + 2;
      if (buffer.length < start + length + 2) return undefined;
      return { kind: "ok", value: buffer.toString("utf8", start, start + length) };
    }
    default:
      throw new Error(`unexpected reply type "${type}" (not a Redis server?)`);
  }
}
