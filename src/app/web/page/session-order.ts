/**
 * The phone view's list: who needs the person first (needs-approval, then waiting, then
 * throttled, ... the domain's ATTENTION_ORDER), the longest-waiting first within a state,
 * ended sessions last; each with a badge (`waiting 3m`). And which sessions have just
 * started to need the person, for a Web Notification. Pure: the time is passed in.
 */
import { ATTENTION_ORDER, type AgentState } from "../../../domain/agent-state/agent-state.ts";
import type { ApiSession } from "./api.ts";

/** States a Web Notification is shown for, when a session moves into one. */
export const NOTIFY_STATES: readonly AgentState[] = ["waiting", "needs-approval"];

const isAgentState = (value: unknown): value is AgentState => typeof value === "string" && value in ATTENTION_ORDER;

/** The agent state of a session, or undefined when none is known (no signal yet, an older server). */
export function agentStateOf(session: ApiSession): { readonly state: AgentState; readonly since: string } | undefined {
  const status = session.agent;
  return status && isAgentState(status.state) ? { state: status.state, since: status.since } : undefined;
}

/** What the badge says: the agent state while the session runs, else the session's own state. */
export function badgeState(session: ApiSession): string {
  if (session.state !== "running") return session.state;
  return agentStateOf(session)?.state ?? "running";
}

/** `3s`, `4m`, `2h`, `3d`: how long a state has lasted, in its largest whole unit. */
export function shortAge(fromIso: string, nowMs: number): string {
  const seconds = Math.max(0, Math.floor((nowMs - Date.parse(fromIso)) / 1000));
  if (!Number.isFinite(seconds)) return "";
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

export function badgeText(session: ApiSession, nowMs: number): string {
  const agent = session.state === "running" ? agentStateOf(session) : undefined;
  if (agent) return `${agent.state} ${shortAge(agent.since, nowMs)}`;
  if (session.state === "exited" && session.exitCode !== null) return `exited ${session.exitCode}`;
  return session.state;
}

const rank = (session: ApiSession): number => {
  if (session.state !== "running") return 100;
  const agent = agentStateOf(session);
  // A running session with no agent signal yet sits with the idle ones.
  return agent ? ATTENTION_ORDER[agent.state] : ATTENTION_ORDER.idle;
};

/** Who needs you first; within a rank the one in that state longest, then the newest session. */
export function needsYouFirst(sessions: readonly ApiSession[]): ApiSession[] {
  return [...sessions].sort((a, b) => {
    const byRank = rank(a) - rank(b);
    if (byRank !== 0) return byRank;
    const since = (s: ApiSession) => Date.parse(agentStateOf(s)?.since ?? "") || Number.POSITIVE_INFINITY;
    const bySince = since(a) - since(b);
    if (bySince !== 0 && Number.isFinite(bySince)) return bySince;
    return b.createdAt.localeCompare(a.createdAt);
  });
}

/**
 * Sessions that have just moved into a state worth a notification: their state now is one
 * of NOTIFY_STATES and was something else (or another such state) when last seen. A session
 * seen for the first time is not news (the page just opened), unless it is new since a
 * previous look and already waiting.
 */
export function newlyNeedingYou(before: ReadonlyMap<string, string> | undefined, sessions: readonly ApiSession[]): ApiSession[] {
  if (before === undefined) return [];
  return sessions.filter((s) => {
    const now = badgeState(s);
    return (NOTIFY_STATES as readonly string[]).includes(now) && before.get(s.id) !== now;
  });
}

/** What `newlyNeedingYou` compares against next time. */
export const seenStates = (sessions: readonly ApiSession[]): Map<string, string> => new Map(sessions.map((s) => [s.id, badgeState(s)]));
