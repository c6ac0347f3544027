import { viewReason } from "../../domain/session.ts";
import type { SessionListing } from "../sessions/find.ts";
import { agentView } from "../../domain/agent-state/view.ts";

/** The wire shape of a session: the very object `remote ls --json` prints for it. */
export function toSessionJson(s: SessionListing) {
  return {
    id: s.id,
    name: s.name,
    profile: s.profile,
    source: s.source,
    state: s.view,
    exitCode: s.exitCode ?? null,
    signal: s.exitSignal ?? null,
    pid: s.pid ?? null,
    cwd: s.cwd,
    createdAt: s.createdAt,
    endedAt: s.endedAt ?? null,
    clients: s.view === "running" ? s.clients : 0,
    reason: viewReason(s, s.view) ?? null,
    /** Where it runs: "local", or "docker" (then `container` names it). */
    target: s.target?.kind ?? "local",
    container: s.target?.container ?? null,
    /** What its agent is doing (issue 13); null when its host is lost. */
    agent: agentJson(s),
  };
}

function agentJson(s: SessionListing) {
  const agent = agentView(s, s.view);
  return agent === undefined ? null : { state: agent.state, since: agent.since, resetAt: agent.resetAt ?? null, detail: agent.detail ?? null };
}
