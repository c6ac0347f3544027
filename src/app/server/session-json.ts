import { viewReason } from "../../domain/session.ts";
import type { ContainerStatus } from "../../domain/target.ts";
import { containerCondition } from "../../domain/target-status.ts";
import type { SessionListing } from "../sessions/find.ts";
import { agentView } from "../../domain/agent-state/view.ts";

/** The wire shape of a session: the very object `remote ls --json` prints for it. */
export function toSessionJson(s: SessionListing & { readonly targetStatus?: ContainerStatus | undefined }) {
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
    /** Where it runs: "local", "docker" or "kubernetes" (then `container` names the container or Pod). */
    target: s.target?.kind ?? "local",
    container: s.target?.container ?? null,
    /** What the container engine or the cluster says of a live one that is not plainly running: "pending: ImagePullBackOff", "waiting: CrashLoopBackOff (...)". */
    targetState: s.targetStatus === undefined ? null : (containerCondition(s.targetStatus) ?? null),
    /** The engine's status as data (state, reason, restarts, last exit), for a container session still running. */
    targetStatus: s.targetStatus ?? null,
    /** What its agent is doing (issue 13); null when its host is lost. */
    agent: agentJson(s),
  };
}

function agentJson(s: SessionListing) {
  const agent = agentView(s, s.view);
  return agent === undefined ? null : { state: agent.state, since: agent.since, resetAt: agent.resetAt ?? null, detail: agent.detail ?? null };
}
