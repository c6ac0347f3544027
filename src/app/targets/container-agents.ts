import { errorMessage } from "../../domain/errors.ts";
import type { TargetHandle } from "../../domain/target.ts";
import type { AgentStatus } from "../../domain/agent-state/vocabulary.ts";
import type { SessionRecord } from "../../domain/session.ts";
import { isRestarting } from "../../domain/session-restart.ts";
import type { HostAddress } from "../../domain/ports.ts";
import type { AppDeps } from "../deps.ts";
import { requestHost } from "../sessions/host-request.ts";

/** How long one container's host may take to answer: `ls` must never wait long on a slow or gone one. */
export const AGENT_PROBE_TIMEOUT_MS = 2000;

type Deps = Pick<AppDeps, "store" | "clock" | "connector" | "random" | "eventLog" | "log">;

/**
 * A container or Pod session's host records its agent state in its own store, inside: this
 * asks each running one (in parallel, bounded by `timeoutMs`) for its record and copies a
 * changed state into the record here, logging the change as the host would have, so `ls`,
 * GET /sessions, /events and `remote wait` see it. One that does not answer keeps what
 * the record here says (`running`, no agent state): never blocks, never guesses.
 */
export async function refreshContainerAgents(deps: Deps, only?: string, timeoutMs = AGENT_PROBE_TIMEOUT_MS): Promise<void> {
  const now = deps.clock.now();
  const records = deps
    .store()
    .list()
    .filter((r) => r.target !== undefined && r.state === "running" && r.socketPath !== undefined && (only === undefined || r.id === only) && !isRestarting(r.meta, now));
  await Promise.all(
    records.map(async (r) => {
      const far = await probe(deps, { target: r.target as TargetHandle, socketPath: r.socketPath as string }, timeoutMs);
      if (far !== undefined) copyStatus(deps, r.id, far);
    }),
  );
}

/** Copies the far host's status in when it is newer; logs a change of state once (the copy that made it). */
function copyStatus(deps: Deps, id: string, far: AgentStatus): void {
  let previous: AgentStatus | undefined;
  let changed = false;
  const after = deps.store().mutate(id, (current) => {
    if (current.state !== "running") return undefined;
    const mine = current.agentStatus;
    if (mine !== undefined && (mine.lastAt > far.lastAt || (mine.lastAt === far.lastAt && mine.state === far.state && mine.since === far.since))) return undefined;
    previous = mine;
    changed = true;
    return { agentStatus: far };
  });
  if (!changed || after === undefined || previous?.state === far.state) return;
  try {
    deps.eventLog().append({ subject: "session", subjectId: id, name: after.name, state: far.state, previous: previous?.state, at: far.since, resetAt: far.resetAt, detail: far.detail });
  } catch (error) {
    deps.log.warn(`could not log the state of ${id}: ${errorMessage(error)}`);
  }
}

/** The far host's agent status, or undefined when it did not answer within `timeoutMs` (connecting included: a bridge may wait for its socket). */
async function probe(deps: Deps, address: HostAddress, timeoutMs: number): Promise<AgentStatus | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, timeoutMs, undefined)));
  const asked = requestHost<Pick<SessionRecord, "agentStatus">>(deps, address, { op: "info" }, timeoutMs).then(
    (info) => info.agentStatus,
    () => undefined, // Unreachable now: keep showing what we know.
  );
  try {
    return await Promise.race([asked, late]);
  } finally {
    clearTimeout(timer);
  }
}
