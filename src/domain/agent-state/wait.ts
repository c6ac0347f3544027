/**
 * `remote wait <id> --until <states>` for scripts: the rules, apart from the waiting.
 * Exit codes: 0 the session reached one of the states; 3 the timeout passed first;
 * 4 the session ended (exited, failed or lost) before reaching them. (1 is any other
 * error, 2 a usage error, as for every command.)
 */
import { RemoteError } from "../errors.ts";
import { AGENT_STATES, type AgentState } from "./agent-state.ts";

export const WAIT_EXIT = { reached: 0, timeout: 3, ended: 4 } as const;

/** Without --until: wait until the agent needs the person (its turn ended, or it asks). */
export const DEFAULT_UNTIL: readonly AgentState[] = ["waiting", "needs-approval"];

/** `waiting`, `waiting,needs-approval`, or repeated flags; each must be a known state. */
export function parseUntil(raw: string | readonly string[] | undefined): readonly AgentState[] {
  if (raw === undefined) return DEFAULT_UNTIL;
  const words = (Array.isArray(raw) ? raw : [raw]).flatMap((r: string) => r.split(",")).map((w) => w.trim()).filter((w) => w !== "");
  if (words.length === 0) return DEFAULT_UNTIL;
  for (const word of words) {
    if (!(AGENT_STATES as readonly string[]).includes(word)) {
      throw new RemoteError("INVALID_FLAG", `Cannot wait --until '${word}': it is not an agent state`, `Use one or more of ${AGENT_STATES.join(", ")} (comma-separated).`, "usage");
    }
  }
  return [...new Set(words)] as AgentState[];
}

export type WaitOutcome =
  | { readonly kind: "reached"; readonly state: AgentState }
  | { readonly kind: "ended"; readonly state: string }
  | { readonly kind: "pending" };

/**
 * What the states seen since the wait began say. `seen` are the states passed through
 * in order (from the event log: a short `waiting` between two turns is not missed);
 * `ended` is the lifecycle's word when the session is over (exited, failed, lost).
 */
export function waitOutcome(until: readonly AgentState[], seen: readonly string[], ended: string | undefined): WaitOutcome {
  const hit = seen.find((s) => (until as readonly string[]).includes(s));
  if (hit !== undefined) return { kind: "reached", state: hit as AgentState };
  if (ended !== undefined) return until.includes("exited") && ended === "exited" ? { kind: "reached", state: "exited" } : { kind: "ended", state: ended };
  return { kind: "pending" };
}
