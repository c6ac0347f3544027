import { RemoteError } from "./errors.ts";
import type { SessionPatch, SessionRecord } from "./session.ts";
import { assertTransition, isFinal } from "./session-lifecycle.ts";

/**
 * Shared by the SQLite and memory stores so both enforce the same rules. A patch that
 * moves the record where its lifecycle does not allow (a late host marking a failed
 * session running) is refused, inside the store's write.
 */
export function applySessionPatch(current: SessionRecord, change: SessionPatch): SessionRecord {
  if (change.state !== undefined) assertTransition(current, change.state);
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(change)) {
    if (value === undefined) delete next[key];
    else next[key] = value;
  }
  return next as SessionRecord;
}

/** A name addresses one session at a time: no two unfinished sessions share it. */
export function assertNameFree(sameName: readonly SessionRecord[], candidate: SessionRecord): void {
  if (isFinal(candidate.state)) return;
  const clash = sameName.find((r) => r.id !== candidate.id && !isFinal(r.state));
  if (clash) {
    throw new RemoteError("NAME_TAKEN", `Cannot name a session '${candidate.name}': session ${clash.id} already has that name`, "Pick another --name, or stop/rename the other session first.", "conflict");
  }
}

/** A patch claims the name again when it renames the record or revives a final one (a resumed Claude session). */
export const claimsName = (current: SessionRecord, next: SessionRecord): boolean =>
  next.name !== current.name || (isFinal(current.state) && !isFinal(next.state));
