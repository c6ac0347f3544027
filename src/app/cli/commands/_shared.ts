import { describeNumericFlag, type NumericFlag } from "../../../domain/numeric-flag.ts";
import type { AttachOutcome } from "../../sessions/attach.ts";

// node:os is loaded only here, at the end of an attach: loading it costs every start.
const signalNumber = (name: string | null) => (name ? ((require("node:os") as typeof import("node:os")).constants.signals as Record<string, number>)[name] : undefined);

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

/**
 * A numeric flag: a string flag that carries its range, so the CLI edge refuses a bad
 * value (exit 2, naming the flag and the range) before the command runs. The command
 * reads the number with parseNumericFlag and the same spec.
 */
export const numberArg = (description: string, numeric: NumericFlag) => ({ type: "string" as const, description: `${description}: ${describeNumericFlag(numeric)}`, valueHint: numeric.kind === "duration" ? "duration" : "n", numeric });

/** Declares that arguments after `--` are taken and passed on unchanged (see domain/command-line.ts). */
export const passthroughArg = (description: string) => ({ "-- ARGS": { type: "positional", required: false, description } }) as const;

export const MAX_CONCURRENT: NumericFlag = { kind: "integer", min: 1, max: 1000, example: "4" };
