/**
 * A session whose Pod a hard refresh is creating again (same id, same volume): for that
 * while its old host's exit and a missing or pending Pod are not its end. The mark is a
 * time in the record's meta, so one left by a refresh that died expires by itself.
 */
export const RESTARTING_META = "restartingSince";
/** Longer than a Pod's deletion (its grace period) plus a new one's start. */
export const RESTART_WINDOW_MS = 5 * 60_000;

export const restartingMeta = (now: Date) => ({ [RESTARTING_META]: now.toISOString() });

export function isRestarting(meta: Readonly<Record<string, unknown>>, now: Date): boolean {
  const since = meta[RESTARTING_META];
  if (typeof since !== "string") return false;
  const age = now.getTime() - Date.parse(since);
  return age >= 0 && age < RESTART_WINDOW_MS;
}
