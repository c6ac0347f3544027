/**
 * The conductor (`remote jobs conduct [--watch MIN]`). One pass:
 *  1. reconcile: finish running jobs whose runner or session is gone; relaunch a claim
 *     that was never launched (its claimer died between claim and launch) once its
 *     grace period is over, under a new token, so the launch happens exactly once;
 *  2. the effective cap (AIMD over the throttles of the last ten minutes);
 *  3. resume throttled jobs whose retry time has come: the continue prompt typed into an
 *     interactive job's still-open session, else a new run (continue argv, same worktree);
 *  4. start pending jobs FIFO while slot holders are under the cap (atomic claims).
 * Each move is one transaction on the store, so a conductor killed at any point and
 * started again finds every job in a state it knows how to continue from.
 */
import { errorMessage } from "../../domain/errors.ts";
import { THROTTLE_WINDOW_MS, dueThrottled, effectiveCap, initialAdmission } from "../../domain/jobs/admission.ts";
import { claimRun, holdsClaim, isAbandoned, isLaunched } from "../../domain/jobs/claim.ts";
import type { JobRecord } from "../../domain/jobs/job.ts";
import type { AppDeps } from "../deps.ts";
import { newClaimToken } from "./claims.ts";
import type { JobEvents } from "./events.ts";
import { adoptSession, launchRun, type LaunchKind } from "./launch.ts";
import { observeRunning } from "./reconcile.ts";
import { resumeThrottled } from "./resume.ts";
import { findRemoteRun } from "./remote-jobs.ts";

export type PassReport = {
  readonly at: Date;
  readonly cap: number;
  readonly ceiling: number;
  readonly pending: number;
  readonly running: number;
  readonly throttled: number;
  readonly started: number;
  readonly resumed: number;
  readonly relaunched: number;
  /** Finished by this pass's reconcile (runners record their own outcome). */
  readonly finished: number;
  readonly done: number;
  readonly failed: number;
  readonly errors: readonly string[];
};

export type ConductOptions = {
  /** `--max-concurrent`: the ceiling of the AIMD cap. Default: the largest --max-concurrent among active jobs, else config. */
  readonly maxConcurrent?: number | undefined;
};


export async function conductPass(deps: AppDeps, events: JobEvents, options: ConductOptions = {}): Promise<PassReport> {
  const store = deps.jobStore();
  const errors: string[] = [];
  const launch = async (job: JobRecord, kind: LaunchKind) => {
    try {
      await launchRun(deps, job, kind, events);
      return true;
    } catch (error) {
      errors.push(`${job.id}: ${errorMessage(error)}`);
      return false;
    }
  };

  // 1. reconcile
  const ended = await observeRunning(deps, events);
  let relaunched = 0;
  for (const job of store.list({ states: ["running"] })) {
    if (!isAbandoned(job, deps.clock.now(), deps.config.jobs.claimGraceMs)) continue;
    if (job.remoteTarget !== undefined) {
      let adopted;
      try {
        adopted = await findRemoteRun(deps, job);
      } catch (error) {
        errors.push(`${job.id}: ${errorMessage(error)}`);
        continue; // the control plane is unreachable: relaunching now could start the run twice
      }
      if (adopted !== undefined) {
        adoptSession(deps, job, adopted.id);
        continue;
      }
    } else if (!job.headless) {
      // Its claimer may have started the session and died before recording it.
      const orphan = deps.store().list().find((s) => s.meta.jobClaim === job.claim?.token);
      if (orphan !== undefined) {
        adoptSession(deps, job, orphan.id);
        continue;
      }
    }
    const fresh = reclaim(deps, job);
    if (fresh !== undefined && (await launch(fresh, fresh.throttle === undefined ? "restart" : "resume"))) relaunched++;
  }

  // 2. the effective cap
  const now = deps.clock.now();
  const active = store.list({ states: ["pending", "running", "throttled"] });
  const ceiling = capCeiling(deps, active, options.maxConcurrent);
  const admission = effectiveCap(store.admission() ?? initialAdmission(ceiling), { configuredCap: ceiling, now, throttleTimes: store.throttleTimes(new Date(now.getTime() - THROTTLE_WINDOW_MS)) });
  store.saveAdmission(admission);

  // 3. resume throttled jobs that are due
  let resumed = 0;
  for (const job of dueThrottled(active, now)) {
    try {
      if ((await resumeThrottled(deps, job, events)) !== undefined) resumed++;
    } catch (error) {
      errors.push(`${job.id}: ${errorMessage(error)}`);
    }
  }

  // 4. start pending jobs, FIFO, under the cap
  const started = await startPending(deps, events, admission.cap, errors);

  const counts = store.counts();
  return { at: now, cap: admission.cap, ceiling, ...counts, started, resumed, relaunched, finished: ended.length, errors };
}

/** The most jobs that may hold slots: `--max-concurrent`, else the largest asked for by an active job or the config. */
const capCeiling = (deps: AppDeps, active: readonly JobRecord[], maxConcurrent?: number) =>
  Math.max(1, maxConcurrent ?? Math.max(deps.config.jobs.maxConcurrent, ...active.map((j) => j.maxConcurrent)));

/** Claims and launches pending jobs, FIFO, while slot holders are under `cap`; returns how many started. */
async function startPending(deps: AppDeps, events: JobEvents, cap: number, errors: string[]): Promise<number> {
  let started = 0;
  for (;;) {
    const claimed = deps.jobStore().claimNext({ cap, now: () => deps.clock.now(), token: newClaimToken(deps) });
    if (claimed === undefined) return started;
    try {
      await launchRun(deps, claimed, "start", events);
      started++;
    } catch (error) {
      errors.push(`${claimed.id}: ${errorMessage(error)}`);
    }
  }
}

/**
 * A finished run hands its slot on at once: the next pending jobs start without waiting
 * for a conductor pass (under the cap the conductor last set; AIMD stays the conductor's).
 */
export async function handOffSlot(deps: AppDeps, events: JobEvents): Promise<string[]> {
  const store = deps.jobStore();
  const ceiling = capCeiling(deps, store.list({ states: ["pending", "running", "throttled"] }));
  const errors: string[] = [];
  await startPending(deps, events, Math.min(ceiling, store.admission()?.cap ?? ceiling), errors);
  return errors;
}

/** A new claim for a run that was never launched; undefined if someone else got there first. */
function reclaim(deps: AppDeps, job: JobRecord): JobRecord | undefined {
  const token = newClaimToken(deps);
  const now = deps.clock.now();
  const old = job.claim?.token;
  const next = deps.jobStore().mutate(job.id, (cur) => (holdsClaim(cur, old) && !isLaunched(cur) ? claimRun(cur, "restart", token, now) : undefined));
  return holdsClaim(next, token) ? next : undefined;
}

export const formatPass = (r: PassReport): string =>
  `${r.at.toISOString()} conduct: cap ${r.cap}/${r.ceiling} · running ${r.running} · throttled ${r.throttled} · pending ${r.pending}` +
  ` · done ${r.done} · failed ${r.failed} · started ${r.started} · resumed ${r.resumed}${r.relaunched ? ` · relaunched ${r.relaunched}` : ""}${r.finished ? ` · reconciled ${r.finished}` : ""}` +
  (r.errors.length ? ` · errors: ${r.errors.join("; ")}` : "");

/**
 * One pass, or with `watchMinutes` a pass every that many minutes until SIGINT/SIGTERM
 * (the pass under way finishes first), then exit 0. One line per pass on stderr.
 */
export type WatchOptions = ConductOptions & {
  readonly watchMinutes?: number | undefined;
  /** Asked after every pass of a watch loop (undefined: the pass failed); true ends the loop. */
  readonly enough?: ((report: PassReport | undefined) => boolean) | undefined;
};

export async function conduct(deps: AppDeps, events: JobEvents, options: WatchOptions): Promise<number> {
  return watchPasses(deps, { watchMinutes: options.watchMinutes, pass: () => conductPass(deps, events, options), describe: formatPass, enough: options.enough });
}

/**
 * The loop under `conduct` (and the package's conductLoop with a pass of one's own): one
 * pass, or with `watchMinutes` a pass every that many minutes until SIGINT/SIGTERM (the
 * pass under way finishes first), then 0. A failed pass of a watch loop is reported and
 * the loop goes on; a single pass's failure is thrown.
 */
export async function watchPasses<R>(
  deps: Pick<AppDeps, "onSignal" | "stderr" | "clock">,
  loop: { readonly name?: string; readonly watchMinutes?: number | undefined; readonly pass: () => Promise<R>; readonly describe: (report: R) => string; readonly enough?: ((report: R | undefined) => boolean) | undefined },
): Promise<number> {
  let stopping = false;
  let wake: (() => void) | undefined;
  const stop = () => {
    stopping = true;
    wake?.();
  };
  const offs = [deps.onSignal("SIGINT", stop), deps.onSignal("SIGTERM", stop)];
  try {
    do {
      let report: R | undefined;
      try {
        report = await loop.pass();
        deps.stderr(`${loop.describe(report)}\n`);
      } catch (error) {
        // One bad pass (a busy store, say) must not end a watch loop; a single pass reports it.
        if (loop.watchMinutes === undefined) throw error;
        deps.stderr(`${deps.clock.now().toISOString()} ${loop.name ?? "conduct"}: pass failed: ${errorMessage(error)}\n`);
      }
      if (loop.watchMinutes === undefined || stopping || loop.enough?.(report)) break;
      const ms = Math.max(10, Math.round(loop.watchMinutes * 60_000));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    } while (!stopping);
  } finally {
    for (const off of offs) off();
  }
  return 0;
}
