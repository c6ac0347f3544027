/**
 * The claim rule, written once. Every start, resume or restart of a job writes a fresh
 * claim {token, at} (and counts the launch) in the same transaction as its state move;
 * every later write for that run (registering a runner, recording a session, the
 * outcome) first checks the job still holds that claim. A claim that was never launched
 * (its claimer died between claiming and launching) is abandoned once its grace period
 * is over, and only then may another launcher claim the run again.
 */
import { transition, type JobRecord } from "./job.ts";

/** Why a run is claimed: its first start, a resume after a throttle, or a launch that never happened, again. */
export type ClaimReason = "start" | "resume" | "restart";

/**
 * The job moved for a new run under `token`: pending → running (start), throttled →
 * running (resume), or the same running state (restart). Throws ILLEGAL_TRANSITION
 * like `transition` when the move is not allowed. A resume or restart forgets the
 * previous run's processes and session; `keep` carries what the caller sets in the
 * same write (e.g. the watch offset of a session kept open).
 */
export function claimRun(job: JobRecord, reason: ClaimReason, token: string, now: Date, keep: Partial<Pick<JobRecord, "sessionId" | "watchOffset">> = {}): JobRecord {
  const moved = reason === "restart" ? job : transition(job, { type: reason }, now);
  const claimed = { ...moved, claim: { token, at: now.toISOString() }, launches: (job.launches ?? 0) + 1 };
  if (reason !== "resume") return claimed;
  return { ...claimed, runner: undefined, agent: undefined, sessionId: undefined, watchOffset: undefined, ...keep };
}

/** Still the run this token launched: running, with the same claim. */
export const holdsClaim = (job: JobRecord | undefined, token: string | undefined): job is JobRecord =>
  job !== undefined && token !== undefined && job.state === "running" && job.claim?.token === token;

/** Whether the current run has been launched (a runner registered, or its session recorded). */
export const isLaunched = (job: JobRecord): boolean => (job.headless && job.remoteTarget === undefined ? job.runner !== undefined : job.sessionId !== undefined);

/** A running job whose claim was never launched and whose grace period is over: its claimer is presumed dead. */
export const isAbandoned = (job: JobRecord, now: Date, graceMs: number): boolean =>
  job.state === "running" && job.claim !== undefined && !isLaunched(job) && now.getTime() - Date.parse(job.claim.at) >= graceMs;
