/**
 * Delegation depth (SPEC §5): an agent that delegates to an agent that delegates…
 * must stop somewhere. The budget travels in the child's environment as
 * REMOTE_DELEGATE_DEPTH = budget − 1; a process whose budget is 0 may not delegate.
 * `--max-depth` can lower the budget but never raise an inherited one, so a job
 * cannot buy itself more depth.
 */
import { RemoteError } from "../errors.ts";

export const DEPTH_ENV = "REMOTE_DELEGATE_DEPTH";
export const DEFAULT_DEPTH_BUDGET = 3;

export type DepthInput = {
  /** The raw REMOTE_DELEGATE_DEPTH of the delegating process (undefined at the top). */
  readonly env: string | undefined;
  /** `--max-depth`, already a number. */
  readonly maxDepth?: number | undefined;
  /** @default 3 */
  readonly defaultBudget?: number | undefined;
};

/** A budget from the environment; an empty value counts as unset. */
export function parseDepthEnv(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  const value = raw.trim();
  if (!/^\d{1,6}$/.test(value)) {
    throw new RemoteError(
      "INVALID_DEPTH",
      `Cannot read ${DEPTH_ENV}='${raw}': it is not a whole number >= 0`,
      `It is set by \`remote delegate\` for the jobs it starts; unset it, or set a number like ${DEPTH_ENV}=${DEFAULT_DEPTH_BUDGET}.`,
      "usage",
    );
  }
  return Number(value);
}

function checkMaxDepth(maxDepth: number): number {
  if (!Number.isInteger(maxDepth) || maxDepth < 0) {
    throw new RemoteError("INVALID_DEPTH", `Cannot use --max-depth ${maxDepth}: it must be a whole number >= 0`, "Pass e.g. --max-depth 2 (0 forbids delegating at all).", "usage");
  }
  return maxDepth;
}

/** The budget this process delegates from: the inherited one, lowered by --max-depth, else the default. */
export function depthBudget(input: DepthInput): number {
  const inherited = parseDepthEnv(input.env);
  const max = input.maxDepth === undefined ? undefined : checkMaxDepth(input.maxDepth);
  if (inherited !== undefined) return max === undefined ? inherited : Math.min(inherited, max);
  return max ?? input.defaultBudget ?? DEFAULT_DEPTH_BUDGET;
}

/**
 * The budget the new job gets (its JobRecord.depthBudget and its REMOTE_DELEGATE_DEPTH):
 * one less than ours. Refuses with DEPTH_EXHAUSTED when ours is 0.
 */
export function childDepthBudget(input: DepthInput): number {
  const budget = depthBudget(input);
  if (budget <= 0) {
    const inherited = parseDepthEnv(input.env) !== undefined;
    throw new RemoteError(
      "DEPTH_EXHAUSTED",
      inherited
        ? `Cannot delegate from here: the delegation depth budget is used up (${DEPTH_ENV}=${input.env?.trim()})`
        : "Cannot delegate: --max-depth 0 forbids delegating",
      inherited
        ? "This process is itself a delegated job at the deepest allowed level: do the work here instead, or have the top-level `remote delegate` use a larger --max-depth."
        : "Use --max-depth 1 or more (default 3).",
      "usage",
    );
  }
  return budget - 1;
}

/** The environment entry that carries a budget into a child process. */
export const depthEnv = (budget: number): Readonly<Record<typeof DEPTH_ENV, string>> => ({ [DEPTH_ENV]: String(budget) });
