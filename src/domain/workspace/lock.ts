/**
 * A workspace's write lock: a lease with a TTL, held by a holder token. Pure decisions;
 * the store applies them inside one transaction. What our predecessor got wrong and this
 * refuses: releasing a lock someone else holds, and writing after the lease was lost.
 */
export type WorkspaceLock = {
  /** The lease token the writer presents on every write (never shown to others). */
  readonly holder: string;
  /** Who holds it, for messages: "user@host pid 123". */
  readonly owner: string;
  readonly expiresAt: string;
};

export const DEFAULT_LOCK_TTL_MS = 60_000;
export const MAX_LOCK_TTL_MS = 60 * 60_000;

const live = (lock: WorkspaceLock | undefined, now: Date): lock is WorkspaceLock => lock !== undefined && Date.parse(lock.expiresAt) > now.getTime();

export type AcquireOutcome = { readonly ok: true; readonly lock: WorkspaceLock } | { readonly ok: false; readonly heldBy: WorkspaceLock };

/** Free, expired, or already ours (a renewal): taken for `ttlMs` from now. Held by another: refused. */
export function acquireLock(current: WorkspaceLock | undefined, request: { readonly holder: string; readonly owner: string; readonly ttlMs: number }, now: Date): AcquireOutcome {
  if (live(current, now) && current.holder !== request.holder) return { ok: false, heldBy: current };
  return { ok: true, lock: { holder: request.holder, owner: request.owner, expiresAt: new Date(now.getTime() + request.ttlMs).toISOString() } };
}

export type HolderCheck = { readonly ok: true } | { readonly ok: false; readonly reason: "none" | "other" | "expired"; readonly current?: WorkspaceLock | undefined };

/**
 * May `holder` write now? Only while its lease is live: an expired lease is lost even when
 * nobody took it since (the writer must not go on as if it had waited safely).
 */
export function checkHolder(current: WorkspaceLock | undefined, holder: string, now: Date): HolderCheck {
  if (current === undefined) return { ok: false, reason: "none" };
  if (current.holder !== holder) return { ok: false, reason: live(current, now) ? "other" : "none", current: live(current, now) ? current : undefined };
  if (!live(current, now)) return { ok: false, reason: "expired", current };
  return { ok: true };
}

/** Release: only the holder's own lock (live or expired) goes; anyone else's stays. */
export function releaseLock(current: WorkspaceLock | undefined, holder: string): { readonly ok: boolean } {
  return { ok: current !== undefined && current.holder === holder };
}

/** The lock as others may see it: never the holder token. */
export const publicLock = (lock: WorkspaceLock | undefined, now: Date) => (live(lock, now) ? { owner: lock.owner, expiresAt: lock.expiresAt } : undefined);
