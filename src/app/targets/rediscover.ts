/**
 * Rediscovery: a CLI (or control plane) whose store was lost, or another REMOTE_HOME, finds
 * the sessions living on a target again by their labels (session-labels.ts) and records
 * them, so `ls` shows them and attach, send, logs, stop and rm reach them by id or name.
 * What the record needs is read back from the target: the session spec its host was given
 * (REMOTE_POD_SESSION), the socket it listens on, the handle.
 */
import { isRemoteError } from "../../domain/errors.ts";
import { defaultSessionName, type SessionRecord } from "../../domain/session.ts";
import type { FoundSession } from "../../domain/target-port.ts";
import { rediscoveredCredentialMeta, type KubernetesPlacement } from "../../domain/target.ts";
import { sessionPatchForContainer } from "../../domain/target-status.ts";
import type { AppDeps } from "../deps.ts";

/** Records every session found on `where` that this store does not know; returns the ids recorded. */
export async function rediscoverSessions(deps: Pick<AppDeps, "store" | "target" | "clock">, where: "docker" | KubernetesPlacement): Promise<string[]> {
  const found = await deps.target(where).list();
  const store = deps.store();
  const known = new Set(store.list().map((r) => r.id));
  const adopted: string[] = [];
  for (const session of found) {
    if (known.has(session.sessionId)) continue;
    const now = deps.clock.now().toISOString();
    const record = recordOf(session, now);
    try {
      store.insert(record);
    } catch (error) {
      // Its name is taken here by a live session: keep it under one with its id in it.
      if (!isRemoteError(error) || error.code !== "NAME_TAKEN") throw error;
      store.insert({ ...record, name: defaultSessionName(record.name, record.id) });
    }
    // One that ended while nobody listened says how (exit code, OOMKilled), as any reader would fold in.
    const patch = sessionPatchForContainer(session.status, now);
    if (patch) store.update(record.id, patch);
    adopted.push(record.id);
  }
  return adopted;
}

function recordOf(found: FoundSession, now: string): SessionRecord {
  const spec = found.spec;
  return {
    id: found.sessionId,
    name: spec?.name ?? defaultSessionName(spec?.profile ?? "session", found.sessionId),
    profile: spec?.profile ?? "unknown",
    command: spec?.command ?? "",
    args: spec?.args ?? [],
    cwd: spec?.cwd ?? "",
    source: "run",
    // Its host answers for it from inside the target: the engine's status is folded in by readers.
    state: "running",
    socketPath: found.socketPath,
    clients: 0,
    createdAt: found.createdAt ?? now,
    meta: { rediscovered: now, ...rediscoveredCredentialMeta(spec) },
    target: found.handle,
  };
}
