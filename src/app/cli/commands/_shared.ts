import { constants } from "node:os";
import type { AttachOutcome } from "../../sessions/attach.ts";

const signalNumber = (name: string | null) => (name ? (constants.signals as Record<string, number>)[name] : undefined);

/** Like ssh: an attach that ends with the session exits with the session's code (128+N when killed by signal N). */
export const exitCodeOf = (outcome: AttachOutcome): number => {
  if (outcome.kind === "detached") return 0;
  if (outcome.kind === "lost") return 1;
  if (outcome.exitCode !== null) return outcome.exitCode;
  const n = signalNumber(outcome.signal);
  return n === undefined ? 1 : 128 + n;
};

export const refArg = { type: "positional", required: true, description: "Session id or name" } as const;
export const jsonArg = { type: "boolean", description: "Print JSON for scripts" } as const;
export const jobArg = { type: "positional", required: true, description: "Job id, name or unique id prefix" } as const;
