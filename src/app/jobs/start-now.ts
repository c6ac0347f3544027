/**
 * Starting one job now, for a conductor of one's own (the package's startJob and
 * resumeThrottledJob, under the seed API's names and result shape). Unlike `jobs
 * conduct`, which keeps the FIFO order under the cap, these start the job they are
 * given: the caller has decided. They never throw; a refusal or a launch that failed
 * (the job is then failed with the reason) comes back as {started: false, error}.
 */
import { RemoteError, errorMessage } from "../../domain/errors.ts";
import { claimRun, holdsClaim } from "../../domain/jobs/claim.ts";
import type { JobRecord } from "../../domain/jobs/job.ts";
import type { AppDeps } from "../deps.ts";
import { newClaimToken } from "./claims.ts";
import type { JobEvents } from "./events.ts";
import { launchRun } from "./launch.ts";
import { findJob } from "./manage.ts";
import { resumeThrottled } from "./resume.ts";

export type StartJobResult = { readonly started: true; readonly target: "local" | "remote"; readonly detail: string; readonly job: JobRecord } | { readonly started: false; readonly error: string };

/** Where the run went, in words: its runner, its session, or its control-plane session. */
const describeRun = (job: JobRecord): string => {
  if (job.remoteTarget !== undefined) return `session ${job.sessionId ?? "?"} on ${job.remoteTarget}`;
  if (job.headless) return `headless in ${job.cwd}${job.runner ? ` (runner pid ${job.runner.pid})` : ""}`;
  return `session ${job.sessionId ?? "?"} in ${job.cwd}`;
};
const started = (job: JobRecord): StartJobResult => ({ started: true, target: job.remoteTarget === undefined ? "local" : "remote", detail: describeRun(job), job });
const refused = (action: string, job: JobRecord | undefined, ref: string) =>
  new RemoteError("ILLEGAL_TRANSITION", `Cannot ${action} job '${job?.id ?? ref}': it is ${job?.state ?? "gone"}`, "Run `remote jobs status` to see it.", "conflict");

async function attempt(fn: () => Promise<StartJobResult>): Promise<StartJobResult> {
  try {
    return await fn();
  } catch (error) {
    return { started: false, error: errorMessage(error) };
  }
}

/** Starts a pending job (by record, id, name or id prefix) now. */
export function startJobNow(deps: AppDeps, ref: string, events: JobEvents): Promise<StartJobResult> {
  return attempt(async () => {
    const job = findJob(deps, ref);
    const token = newClaimToken(deps);
    const now = deps.clock.now();
    const claimed = deps.jobStore().mutate(job.id, (cur) => (cur.state === "pending" ? claimRun(cur, "start", token, now) : undefined));
    if (!holdsClaim(claimed, token)) throw refused("start", claimed, ref);
    return started(await launchRun(deps, claimed, "start", events));
  });
}

/** Resumes a throttled job now, whether or not its retry time has come. */
export function resumeJobNow(deps: AppDeps, ref: string, events: JobEvents): Promise<StartJobResult> {
  return attempt(async () => {
    const job = findJob(deps, ref);
    if (job.state !== "throttled") throw refused("resume", job, ref);
    const resumed = await resumeThrottled(deps, job, events);
    if (resumed === undefined) throw refused("resume", deps.jobStore().get(job.id), ref);
    return started(resumed);
  });
}
