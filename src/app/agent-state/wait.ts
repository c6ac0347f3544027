import type { AgentState } from "../../domain/agent-state/agent-state.ts";
import { agentView } from "../../domain/agent-state/view.ts";
import { waitOutcome, type WaitOutcome } from "../../domain/agent-state/wait.ts";
import { isLive } from "../../domain/session.ts";
import type { AppDeps } from "../deps.ts";
import { findSession } from "../sessions/find.ts";

/** How often the store is looked at: the session hosts that record changes live in other processes. */
const POLL_MS = 100;
/** A container or Pod session's host records in its own store: it is asked (an exec each time) this often instead. */
const CONTAINER_POLL_MS = 1000;

export type WaitResult = (WaitOutcome & { readonly kind: "reached" | "ended" }) | { readonly kind: "timeout"; readonly state: string };

/**
 * Waits until the session's agent is in one of `until` (its current state counts), it
 * ends, or `timeoutMs` passes. States are read from the event log after the current one,
 * so a state held only briefly between two looks is still seen.
 */
export async function waitForState(deps: Pick<AppDeps, "store" | "process" | "eventLog" | "clock" | "target" | "connector" | "random" | "log">, ref: string, until: readonly AgentState[], timeoutMs: number | undefined): Promise<WaitResult & { readonly id: string }> {
  const log = deps.eventLog();
  let cursor = log.lastId();
  const first = findSession(deps, ref);
  const id = first.id;
  const started = deps.clock.now().getTime();
  // Its agent state is copied in (and logged here) by asking its host: see container-agents.ts.
  const freshen = first.target === undefined ? undefined : await containerFreshener(deps, id);
  if (freshen) await freshen();
  const now = freshen ? findSession(deps, id) : first;
  let seen: string[] = [agentView(now, now.view)?.state ?? now.view];
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
    if (freshen) {
      await Bun.sleep(CONTAINER_POLL_MS);
      await freshen();
    } else await Bun.sleep(POLL_MS);
  }
}

/** One look at a container session: its engine status and its host's agent state folded into the record here. */
async function containerFreshener(deps: Parameters<typeof waitForState>[0], id: string): Promise<() => Promise<void>> {
  const { reconcileContainers } = await import("../targets/container-sessions.ts");
  const { refreshContainerAgents } = await import("../targets/container-agents.ts");
  return async () => {
    await Promise.all([reconcileContainers(deps, id), refreshContainerAgents(deps, id)]);
  };
}
