/**
 * A job's files in `<origin>/.remote/jobs/<id>/`: output.log (headless output, every
 * run appended), result.json ({state, exitCode} of the latest run, written atomically),
 * runner.log (the runner's own diagnostics), and the worktree `wt` in a git repository.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import type { JobRecord, JobState } from "../../domain/jobs/job.ts";
import { writeFileAtomically } from "../../shared/atomic-file.ts";

export const outputPath = (job: Pick<JobRecord, "jobDir">) => join(job.jobDir, "output.log");
export const resultPath = (job: Pick<JobRecord, "jobDir">) => join(job.jobDir, "result.json");
export const runnerLogPath = (job: Pick<JobRecord, "jobDir">) => join(job.jobDir, "runner.log");

/** What result.json holds: the outcome people and scripts read, plus what recovery needs. */
export type JobResult = {
  readonly state: JobState;
  readonly exitCode: number | null;
  /** The claim token of the run that wrote it (a stale result never finishes a newer run). */
  readonly claim?: string | undefined;
  readonly reason?: string | undefined;
  readonly signature?: string | undefined;
  readonly attempts?: number | undefined;
  readonly nextRetryAt?: string | undefined;
};

export function writeResult(job: Pick<JobRecord, "jobDir">, result: JobResult): void {
  writeFileAtomically(resultPath(job), `${JSON.stringify(result)}\n`);
}

export function readResult(job: Pick<JobRecord, "jobDir">): JobResult | undefined {
  try {
    const parsed = JSON.parse(readFileSync(resultPath(job), "utf8")) as JobResult;
    return typeof parsed.state === "string" ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The result a finished job's record implies (after a cancel, or to repair a stale file). */
export const resultOf = (job: JobRecord): JobResult => ({
  state: job.state,
  exitCode: job.exitCode ?? null,
  claim: job.claim?.token,
  reason: job.failReason,
});

export const fileSize = (path: string): number => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

/** Bytes of a file from `offset` (at most `max`, the last ones). */
export function readBytesFrom(path: string, offset: number, max = 256 * 1024): Uint8Array {
  if (!existsSync(path)) return new Uint8Array(0);
  const size = fileSize(path);
  const start = Math.max(offset, size - max);
  if (start >= size) return new Uint8Array(0);
  const buffer = Buffer.alloc(size - start);
  const fd = openSync(path, "r");
  try {
    return buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, start));
  } finally {
    closeSync(fd);
  }
}

/** The same, as text (for throttle detection on the last lines). */
export const readFrom = (path: string, offset: number, max?: number): string => Buffer.from(readBytesFrom(path, offset, max)).toString("utf8");
