/**
 * Resuming one throttled job (the conductor when its retry is due, or the package's
 * resumeThrottledJob at once): the continue prompt typed into an interactive job's
 * still-open session, else a new run with the profile's continue argv in the same
 * worktree, under a new claim. The move is a compare-and-set on (throttled, same retry
 * time), so two resumers racing start it once.
 */
import { claimRun, holdsClaim } from "../../domain/jobs/claim.ts";
import type { JobRecord } from "../../domain/jobs/job.ts";
import type { AppDeps } from "../deps.ts";
import { newClaimToken } from "./claims.ts";
import { continueInSession } from "./continue-session.ts";
import type { JobEvents } from "./events.ts";
import { launchRun } from "./launch.ts";

/**
 * The job as resumed, or undefined when someone else moved it first. Throws when its
 * session is open but did not answer (try again later rather than start a second one),
 * or when the new run could not start (the job is then failed with the reason).
 */
export async function resumeThrottled(deps: AppDeps, job: JobRecord, events: JobEvents): Promise<JobRecord | undefined> {
  const continued = await continueInSession(deps, job, events);
  if (continued === "continued") return deps.jobStore().get(job.id);
  if (continued === "superseded") return undefined;
  const token = newClaimToken(deps);
  const now = deps.clock.now();
  const moved = deps.jobStore().mutate(job.id, (cur) => (cur.state === "throttled" && cur.throttle?.nextRetryAt === job.throttle?.nextRetryAt ? claimRun(cur, "resume", token, now) : undefined));
  if (!holdsClaim(moved, token)) return undefined;
  return launchRun(deps, moved, "resume", events);
}
