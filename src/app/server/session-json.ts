import { viewReason } from "../../domain/session.ts";
import type { SessionListing } from "../sessions/find.ts";

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
  };
}
