/**
 * The agent state as readers show it: what the record holds, corrected by what the
 * session's lifecycle says (a session that ended is `exited` whatever its last signal
 * said; one whose host vanished has no agent state worth showing).
 */
import type { SessionRecord, SessionView } from "../session.ts";
import type { AgentState } from "./agent-state.ts";

export type AgentView = {
  readonly state: AgentState;
  readonly since: string;
  readonly resetAt?: string | undefined;
  readonly detail?: string | undefined;
};

export function agentView(record: Pick<SessionRecord, "agentStatus" | "createdAt" | "endedAt">, view: SessionView): AgentView | undefined {
  const status = record.agentStatus;
  if (view === "exited" || view === "failed") return { state: "exited", since: status?.state === "exited" ? status.since : (record.endedAt ?? record.createdAt) };
  if (view === "lost") return undefined;
  if (view === "starting") return { state: "starting", since: record.createdAt };
  // Running without a status: a session this store never hears signals of (one in a container
  // or Pod records them in its own store; one enrolled through `remote enroll`).
  if (status === undefined) return undefined;
  return { state: status.state, since: status.since, resetAt: status.resetAt, detail: status.detail };
}

/** How long, the way `ls` says it: 12s, 3m, 5h, 2d (rounded down; never negative). */
export function formatAge(sinceMs: number, nowMs: number): string {
  const s = Math.max(0, Math.floor((nowMs - sinceMs) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

/** `waiting 3m`, `throttled 2m (resets 14:05)`: the STATE column of a live session. */
export function describeAgent(agent: { readonly state: string; readonly since: string; readonly resetAt?: string | null | undefined }, nowMs: number): string {
  const age = formatAge(Date.parse(agent.since), nowMs);
  const reset = agent.state === "throttled" && typeof agent.resetAt === "string" ? ` (resets ${agent.resetAt.slice(11, 16)} UTC)` : "";
  return `${agent.state} ${age}${reset}`;
}
