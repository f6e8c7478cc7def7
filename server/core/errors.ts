/**
 * Every error the lab raises on purpose has a stable `code` a script or the page can switch on,
 * a message that says what to do, and the underlying `cause` when there is one.
 */
export class LabError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Turns anything thrown into a message fit for a user: named errors keep their text, the rest are summarised. */
export function describeError(error: unknown): { code: string; message: string } {
  if (error instanceof LabError) return { code: error.code, message: error.message };
  if (error instanceof Error) return { code: "INTERNAL", message: error.message };
  return { code: "INTERNAL", message: String(error) };
}
