import type { AgentState } from "../../domain/agent-state/agent-state.ts";
import { agentView } from "../../domain/agent-state/view.ts";
import { waitOutcome, type WaitOutcome } from "../../domain/agent-state/wait.ts";
import { isLive } from "../../domain/session.ts";
import type { AppDeps } from "../deps.ts";
import { findSession } from "../sessions/find.ts";

/** How often the store is looked at: the session hosts that record changes live in other processes. */
const POLL_MS = 100;

export type WaitResult = (WaitOutcome & { readonly kind: "reached" | "ended" }) | { readonly kind: "timeout"; readonly state: string };

/**
 * Waits until the session's agent is in one of `until` (its current state counts), it
 * ends, or `timeoutMs` passes. States are read from the event log after the current one,
 * so a state held only briefly between two looks is still seen.
 */
export async function waitForState(deps: Pick<AppDeps, "store" | "process" | "eventLog" | "clock">, ref: string, until: readonly AgentState[], timeoutMs: number | undefined): Promise<WaitResult & { readonly id: string }> {
  const log = deps.eventLog();
  let cursor = log.lastId();
  const first = findSession(deps, ref);
  const id = first.id;
  const started = deps.clock.now().getTime();
  let seen: string[] = [agentView(first, first.view)?.state ?? first.view];
  for (;;) {
    const events = log.after(cursor);
    for (const event of events) {
      cursor = event.id;
      if (event.subject === "session" && event.subjectId === id) seen.push(event.state);
    }
    const current = findSession(deps, id);
    const outcome = waitOutcome(until, seen, isLive(current.view) ? undefined : current.view);
    if (outcome.kind !== "pending") return { ...outcome, id };
    if (timeoutMs !== undefined && deps.clock.now().getTime() - started >= timeoutMs) return { kind: "timeout", state: seen.at(-1) ?? current.view, id };
    seen = seen.slice(-1);
    await Bun.sleep(POLL_MS);
  }
}
