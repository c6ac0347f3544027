/**
 * `remote jobs prune`: which ended jobs go, and which stay and why. A job's worktree is
 * removed only when nothing in it would be lost (no uncommitted or untracked file, no
 * commit that no branch, tag or remote holds) unless the person forces it; a job whose
 * process still runs is never touched, forced or not. Pending, running and throttled
 * jobs are not candidates at all.
 */
import { isFinal, type JobRecord } from "./job.ts";

/** What git says about a job's worktree folder (GitPort.inspectWorktree). */
export type WorktreeCheck =
  | { readonly kind: "missing" }
  /** The folder exists but is not a worktree of its own (removed from git's list by hand, say). */
  | { readonly kind: "foreign" }
  | { readonly kind: "worktree"; readonly changedFiles: readonly string[]; readonly unsharedCommits: number };

export type PruneDecision = { readonly action: "remove" } | { readonly action: "keep"; readonly reason: string; readonly forceable: boolean };

/** Ended jobs that ended at least `olderThanMs` before `now` (all ended jobs without it), in queue order. */
export function pruneCandidates(jobs: readonly JobRecord[], now: Date, olderThanMs?: number): JobRecord[] {
  const cutoff = olderThanMs === undefined ? Number.POSITIVE_INFINITY : now.getTime() - olderThanMs;
  return jobs.filter((j) => isFinal(j.state) && Date.parse(j.endedAt ?? j.createdAt) <= cutoff);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** What would be lost by removing this worktree; undefined when nothing would. */
export function worktreeLoss(check: WorktreeCheck): string | undefined {
  if (check.kind === "missing") return undefined;
  if (check.kind === "foreign") return "its worktree folder is no longer a git worktree (its files would be deleted)";
  if (check.changedFiles.length > 0) {
    const first = check.changedFiles[0]?.trim();
    return `its worktree has ${plural(check.changedFiles.length, "uncommitted change")} (${first}${check.changedFiles.length > 1 ? ", ..." : ""})`;
  }
  if (check.unsharedCommits > 0) return `its worktree has ${plural(check.unsharedCommits, "commit")} on no branch (save them with \`git branch <name> HEAD\` in the worktree)`;
  return undefined;
}

/**
 * The decision for one ended job. `stillRunning`: what of it still runs (its agent after a
 * cancel, say "process 42"), if anything; `check`: its worktree, when it has one.
 */
export function pruneDecision(input: { readonly stillRunning?: string | undefined; readonly check?: WorktreeCheck | undefined; readonly force: boolean }): PruneDecision {
  if (input.stillRunning !== undefined) return { action: "keep", reason: `its ${input.stillRunning} still runs`, forceable: false };
  const loss = input.check === undefined ? undefined : worktreeLoss(input.check);
  if (loss === undefined || input.force) return { action: "remove" };
  return { action: "keep", reason: loss, forceable: true };
}
