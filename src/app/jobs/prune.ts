/**
 * `remote jobs prune`: reclaims what ended jobs leave behind, their worktree (`git
 * worktree remove`), their folder `.remote/jobs/<id>` and their row, unless something
 * would be lost (domain/jobs/prune.ts decides). And job_prune_on_success: a job that
 * succeeds gives back its worktree at once when nothing in it would be lost (its folder
 * and row stay for `jobs status` and `jobs logs`). Job worktrees are detached (delegate
 * creates no branch), so there is never a branch of ours to delete.
 */
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { errorMessage } from "../../domain/errors.ts";
import type { JobRecord } from "../../domain/jobs/job.ts";
import { pruneCandidates, pruneDecision, worktreeLoss } from "../../domain/jobs/prune.ts";
import { isLive, viewState } from "../../domain/session.ts";
import type { AppDeps } from "../deps.ts";

export type PruneOptions = {
  /** Only jobs that ended at least this long ago. */
  readonly olderThanMs?: number | undefined;
  /** Remove worktrees even with uncommitted changes or unshared commits. */
  readonly force?: boolean | undefined;
  /** Decide and report, change nothing. */
  readonly dryRun?: boolean | undefined;
};

export type PruneOutcome = {
  readonly id: string;
  readonly outcome: "removed" | "would-remove" | "kept" | "failed";
  readonly worktree?: string | undefined;
  /** Why it was kept, or what failed. */
  readonly reason?: string | undefined;
  /** Whether --force would remove a kept job. */
  readonly forceable?: boolean | undefined;
};

type Deps = Pick<AppDeps, "jobStore" | "store" | "git" | "process" | "clock">;

/** delegate.ts puts a job's folder at <repo>/.remote/jobs/<id> and its worktree in it. */
const repoOf = (job: Pick<JobRecord, "jobDir">) => resolve(job.jobDir, "..", "..", "..");

/**
 * What of the job still works in its worktree: its agent CLI (a cancel signals it and it
 * may take a moment to go; a run that ended by itself has none recorded) or its local
 * session (a cancel whose stop failed). Its runner only records the outcome and hands on
 * its slot after the job has ended: it may be finishing, and that is harmless.
 */
function stillRunning(deps: Pick<AppDeps, "process" | "store">, job: JobRecord): string | undefined {
  if (job.agent !== undefined && deps.process.isAlive(job.agent)) return `process ${job.agent.pid}`;
  if (job.headless || job.remoteTarget !== undefined || job.sessionId === undefined) return undefined;
  const session = deps.store().get(job.sessionId);
  return session !== undefined && isLive(viewState(session, deps.process.isAlive)) ? `session ${session.name}` : undefined;
}

export function pruneJobs(deps: Deps, options: PruneOptions = {}): PruneOutcome[] {
  const store = deps.jobStore();
  return pruneCandidates(store.list({ states: ["done", "failed"] }), deps.clock.now(), options.olderThanMs).map((job) => {
    const check = job.worktree === undefined ? undefined : deps.git.inspectWorktree(job.worktree);
    const decision = pruneDecision({ stillRunning: stillRunning(deps, job), check, force: options.force === true });
    const base = { id: job.id, worktree: job.worktree };
    if (decision.action === "keep") return { ...base, outcome: "kept", reason: decision.reason, forceable: decision.forceable };
    if (options.dryRun) return { ...base, outcome: "would-remove" };
    try {
      if (job.worktree !== undefined) deps.git.removeWorktree(repoOf(job), job.worktree, { force: options.force === true });
      rmSync(job.jobDir, { recursive: true, force: true });
      store.removeEnded(job.id);
      return { ...base, outcome: "removed" };
    } catch (error) {
      return { ...base, outcome: "failed", reason: errorMessage(error) };
    }
  });
}

/** job_prune_on_success: the worktree of a job that just succeeded, when nothing in it would be lost. Never throws. */
export function pruneSucceededWorktree(deps: Pick<AppDeps, "config" | "git" | "log">, job: JobRecord): void {
  if (!deps.config.jobs.pruneOnSuccess || job.state !== "done" || job.worktree === undefined) return;
  try {
    const loss = worktreeLoss(deps.git.inspectWorktree(job.worktree));
    if (loss !== undefined) {
      deps.log.info(`job ${job.id}: worktree ${job.worktree} kept: ${loss}`);
      return;
    }
    deps.git.removeWorktree(repoOf(job), job.worktree);
    deps.log.info(`job ${job.id}: worktree ${job.worktree} removed (job_prune_on_success)`);
  } catch (error) {
    deps.log.warn(`job ${job.id}: could not remove its worktree ${job.worktree}: ${errorMessage(error)}`);
  }
}
