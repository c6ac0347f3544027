/**
 * How many jobs may run at once, and which start next (SPEC §5).
 *
 * The cap is AIMD, like TCP's congestion window: a provider that throttles twice within
 * ten minutes is telling us we are too many, so halve at once; each clean conductor
 * pass (no new throttle since the previous pass) adds one back, up to what the person
 * configured. Never below 1, so work always trickles on.
 */
import { holdsSlot, type JobRecord } from "./job.ts";

export const THROTTLE_WINDOW_MS = 10 * 60_000;
export const THROTTLES_TO_HALVE = 2;

export type AdmissionState = {
  /** The cap in force after the last pass. */
  readonly cap: number;
  /** ISO time of the last pass; throttles after it are "new". Absent before the first pass. */
  readonly lastPassAt?: string | undefined;
};

export type CapInput = {
  /** `--max-concurrent` / config: the ceiling. Values below 1 count as 1. */
  readonly configuredCap: number;
  readonly now: Date;
  /** When recent throttles happened (any job); older than ten minutes is ignored. */
  readonly throttleTimes: readonly Date[];
};

const clamp = (cap: number, configured: number) => Math.max(1, Math.min(configured, Math.floor(cap)));

export const initialAdmission = (configuredCap: number): AdmissionState => ({ cap: Math.max(1, Math.floor(configuredCap)) });

/**
 * One conductor pass: the next state, whose `cap` is the effective cap for this pass.
 * Halve when the last ten minutes hold >= 2 throttles and at least one is new (so a
 * burst halves once per pass, not again on every pass while it ages out); +1 on a pass
 * with no new throttle; otherwise hold.
 */
export function effectiveCap(state: AdmissionState, input: CapInput): AdmissionState {
  const configured = Math.max(1, Math.floor(input.configuredCap));
  const now = input.now.getTime();
  const since = state.lastPassAt === undefined ? Number.NEGATIVE_INFINITY : Date.parse(state.lastPassAt);
  const times = input.throttleTimes.map((t) => t.getTime()).filter((t) => t <= now);
  const recent = times.filter((t) => t > now - THROTTLE_WINDOW_MS);
  const fresh = times.filter((t) => t > since);
  const current = clamp(state.cap, configured);
  let cap = current;
  if (fresh.length === 0) cap = current + 1;
  else if (recent.length >= THROTTLES_TO_HALVE) cap = current / 2;
  return { cap: clamp(cap, configured), lastPassAt: input.now.toISOString() };
}

/** Pending jobs to start now: FIFO by seq into the slots that running and throttled jobs leave free. */
export function pickJobsToStart(jobs: readonly JobRecord[], cap: number): JobRecord[] {
  const busy = jobs.filter((j) => holdsSlot(j.state)).length;
  const free = Math.max(0, Math.floor(cap) - busy);
  return jobs
    .filter((j) => j.state === "pending")
    .sort((a, b) => a.seq - b.seq)
    .slice(0, free);
}

/**
 * The one job to claim next, or undefined: strictly FIFO, so the oldest pending job
 * blocks the ones behind it (a later job never overtakes it). It starts only while the
 * slot holders number fewer than both the effective cap and its own --max-concurrent.
 * `onlyId`: claim only if that job is the head (`remote delegate` starting its own job).
 * The store calls this inside the transaction that moves the job, so the count it
 * sees is the count it commits against.
 */
export function nextToClaim(active: readonly JobRecord[], cap: number, onlyId?: string): JobRecord | undefined {
  let busy = 0;
  let head: JobRecord | undefined;
  for (const j of active) {
    if (holdsSlot(j.state)) busy++;
    else if (j.state === "pending" && (head === undefined || j.seq < head.seq)) head = j;
  }
  if (head === undefined || (onlyId !== undefined && head.id !== onlyId)) return undefined;
  const limit = Math.max(1, Math.min(Math.floor(cap), Math.floor(head.maxConcurrent)));
  return busy < limit ? head : undefined;
}

/** Throttled jobs whose retry time has come, oldest due first (then FIFO). */
export function dueThrottled(jobs: readonly JobRecord[], now: Date): JobRecord[] {
  const at = now.getTime();
  const due = (j: JobRecord) => (j.throttle === undefined ? Number.NEGATIVE_INFINITY : Date.parse(j.throttle.nextRetryAt));
  return jobs
    .filter((j) => j.state === "throttled" && due(j) <= at)
    .sort((a, b) => due(a) - due(b) || a.seq - b.seq);
}
