import type { AttachOutcome } from "../../sessions/attach.ts";

/** Like ssh: an attach that ends with the session exits with the session's code. */
export const exitCodeOf = (outcome: AttachOutcome): number =>
  outcome.kind === "exited" ? (outcome.exitCode ?? (outcome.signal ? 128 + 1 : 1)) : outcome.kind === "lost" ? 1 : 0;

export const refArg = { type: "positional", required: true, description: "Session id or name" } as const;
export const jsonArg = { type: "boolean", description: "Print JSON for scripts" } as const;
