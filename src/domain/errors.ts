/**
 * The one error type that crosses every edge. `code` is stable (scripts and the HTTP
 * layer key on it), `message` reads "Cannot <action> <value>: <state>", `hint` says
 * what to do next. `usage` errors exit 2, everything else 1.
 */
export type ErrorKind = "usage" | "not-found" | "conflict" | "unavailable" | "corrupt" | "internal" | "unauthorized" | "invalid" | "too-large" | "not-implemented";

export class RemoteError extends Error {
  override readonly name = "RemoteError";
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
    readonly kind: ErrorKind = "internal",
  ) {
    super(message);
  }

  toJSON(): { code: string; message: string; hint?: string } {
    return this.hint === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, hint: this.hint };
  }
}

export const isRemoteError = (value: unknown): value is RemoteError => value instanceof RemoteError;

export const exitCodeFor = (error: unknown): number =>
  isRemoteError(error) && error.kind === "usage" ? 2 : 1;

/** What went wrong, in one line, whatever was thrown. */
export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
