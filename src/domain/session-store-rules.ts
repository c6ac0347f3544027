import { RemoteError } from "./errors.ts";
import type { SessionPatch, SessionRecord } from "./session.ts";

/** Shared by the SQLite and memory stores so both enforce the same rules. */
export function applySessionPatch(current: SessionRecord, change: SessionPatch): SessionRecord {
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(change)) {
    if (value === undefined) delete next[key];
    else next[key] = value;
  }
  return next as SessionRecord;
}

/** A name addresses one session at a time: no two unfinished sessions share it. */
export function assertNameFree(sameName: readonly SessionRecord[], candidate: SessionRecord): void {
  if (candidate.state === "exited") return;
  const clash = sameName.find((r) => r.id !== candidate.id && r.state !== "exited");
  if (clash) {
    throw new RemoteError("NAME_TAKEN", `Cannot name a session '${candidate.name}': session ${clash.id} already has that name`, "Pick another --name, or stop/rename the other session first.", "conflict");
  }
}
