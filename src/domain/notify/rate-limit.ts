/**
 * Per-session rate limit of notifications, so an agent that flaps between working and
 * waiting does not ring every few seconds. Pure: the caller keeps the ledger and passes
 * the time in. At most one notification per session per `minIntervalMs`; what is held
 * back is counted and said in the next one that goes out ("+3 more changes").
 */
export type RateLedger = ReadonlyMap<string, { readonly lastSentMs: number; readonly held: number }>;

export type RateDecision = {
  readonly send: boolean;
  /** How many notifications of this session were held back since the last one sent (only when send). */
  readonly heldBefore: number;
  readonly ledger: RateLedger;
};

export function admitNotification(ledger: RateLedger, sessionId: string, nowMs: number, minIntervalMs: number): RateDecision {
  const entry = ledger.get(sessionId);
  const next = new Map(ledger);
  if (entry === undefined || nowMs - entry.lastSentMs >= minIntervalMs || nowMs < entry.lastSentMs) {
    next.set(sessionId, { lastSentMs: nowMs, held: 0 });
    return { send: true, heldBefore: entry?.held ?? 0, ledger: next };
  }
  next.set(sessionId, { lastSentMs: entry.lastSentMs, held: entry.held + 1 });
  return { send: false, heldBefore: 0, ledger: next };
}

/** Forgets a session (it exited): the ledger does not grow with every session a host ever had. */
export function forgetSession(ledger: RateLedger, sessionId: string): RateLedger {
  if (!ledger.has(sessionId)) return ledger;
  const next = new Map(ledger);
  next.delete(sessionId);
  return next;
}
