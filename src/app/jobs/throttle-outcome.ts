/**
 * What a detected provider throttle does to a job, wherever it was seen (a headless
 * run's output, an exited session's last lines, a live session's new output): another
 * try at the backoff time or the reset time the provider named, its account marked
 * exhausted until then; past the last attempt, a failure with the reason.
 */
import { nextRetry } from "../../domain/jobs/backoff.ts";
import type { JobEvent, JobRecord } from "../../domain/jobs/job.ts";
import type { ThrottleMatch } from "../../domain/jobs/throttle.ts";
import type { AppDeps } from "../deps.ts";

export function throttleOutcome(
  deps: Pick<AppDeps, "random" | "config" | "accounts">,
  job: JobRecord,
  hit: ThrottleMatch,
  now: Date,
  exitCode?: number | undefined,
): Extract<JobEvent, { type: "throttle" | "fail" }> {
  const decision = nextRetry(job, { now, random: deps.random.random(), base: deps.config.jobs.backoffBaseMs, cap: deps.config.jobs.backoffCapMs, resetAt: hit.resetAt });
  if (decision.kind === "give-up") return { type: "fail", reason: decision.reason, exitCode };
  if (job.accountId !== undefined) deps.accounts().markExhausted(job.accountId, decision.nextRetryAt);
  return { type: "throttle", signature: hit.signature, attempts: decision.attempts, nextRetryAt: decision.nextRetryAt, line: hit.line };
}
