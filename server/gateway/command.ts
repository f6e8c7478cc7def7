/**
 * The socket edge: turns a raw socket.io listener call into a validated, typed command and answers
 * exactly once with `{ data } | { error }`. Handlers behind it only ever see parsed input.
 */
import type { z } from "zod";
import type { Ack, AckCallback, WireError } from "../../lib/protocol";
import { describeError } from "../core/errors";

export type CommandLogger = Pick<Console, "warn" | "error">;

/**
 * Decides, before the payload is even parsed, whether this connection may run `event`: null lets
 * it through, a WireError (code FORBIDDEN) is the answer instead. Read-only pages get nothing else.
 */
export type CommandGate = (event: string) => WireError | null;

/**
 * Builds a listener for one client → server event. Malformed input, a missing ack and thrown
 * errors all end here; none of them may take the server down.
 */
export function command<S extends z.ZodType, T>(
  event: string,
  schema: S,
  run: (input: z.output<S>) => T | Promise<T>,
  log: CommandLogger = console,
  gate?: CommandGate,
): (...args: unknown[]) => void {
  return (...args) => {
    const last = args.at(-1);
    // A command nobody can hear the answer to is refused rather than run blind.
    if (typeof last !== "function") {
      log.warn(`[gateway] ${event} sent without an ack callback; ignored`);
      return;
    }
    const respond = once(last as AckCallback<T>);
    const refusal = gate?.(event);
    if (refusal) {
      respond({ error: refusal });
      return;
    }
    const parsed = schema.safeParse(args.length > 1 ? args[0] : undefined);
    if (!parsed.success) {
      respond({ error: { code: "BAD_REQUEST", message: `${event}: ${summarizeIssues(parsed.error)}` } });
      return;
    }
    // A handler that throws synchronously is answered like one that rejects.
    new Promise<T>((resolve) => resolve(run(parsed.data))).then(
      (data) => respond({ data }),
      (error: unknown) => {
        const described = describeError(error);
        // Unnamed errors are bugs: keep the stack in the server log, send only the summary.
        if (described.code === "INTERNAL") log.error(`[gateway] ${event} failed`, error);
        respond({ error: described });
      },
    );
  };
}

/** One line naming every problem, e.g. `nodeId: expected "cache" or "lock-<n>"; action: Invalid option…`. */
export function summarizeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}

function once<T>(callback: AckCallback<T>): (response: Ack<T>) => void {
  let answered = false;
  return (response) => {
    if (answered) return;
    answered = true;
    callback(response);
  };
}
