import type { JobRecord } from "../../domain/jobs/job.ts";
import type { AppDeps } from "../deps.ts";

/** A fresh claim token: unguessable enough that two launches never share one. */
export const newClaimToken = (deps: Pick<AppDeps, "random">) => deps.random.id(16);

/** Still the run this token launched: running, with the same claim. */
export const holdsClaim = (job: JobRecord | undefined, token: string | undefined): job is JobRecord =>
  job !== undefined && token !== undefined && job.state === "running" && job.claim?.token === token;

/** Whether the current run has been launched (a runner registered, or its session recorded). */
export const isLaunched = (job: JobRecord): boolean => (job.headless && job.remoteTarget === undefined ? job.runner !== undefined : job.sessionId !== undefined);
