/**
 * Jobs delegated with `--remote URL` run as control-plane sessions (POST /sessions with
 * metadata {jobId}); the control plane records their outcome and `jobs status`/`wait`
 * read it back from GET /sessions/:ref (state, exitCode), so the result is where the
 * client looks. A headless remote job is a session running the profile's headless argv;
 * its last lines (GET /sessions/:ref/logs) are checked for a provider throttle.
 * Each launch has a predictable session name, job-<id>-<launch>, so a conductor that
 * died between the POST and recording the session adopts it instead of starting another.
 */
import { interactiveTaskArgs } from "../../domain/jobs/interactive-task.ts";
import { depthEnv } from "../../domain/jobs/depth.ts";
import type { JobRecord } from "../../domain/jobs/job.ts";
import { continuesConversation, headlessRunCommand } from "../../domain/jobs/run-command.ts";
import { isRemoteError } from "../../domain/errors.ts";
import type { AppDeps } from "../deps.ts";
import { createRemoteClient, type CreateSessionRequest, type RemoteClient, type RemoteSession } from "../remote/client.ts";
import { requireRemote } from "../remote/route.ts";

type Deps = Pick<AppDeps, "env" | "config">;

export const remoteSessionName = (job: Pick<JobRecord, "id" | "launches">) => `job-${job.id}-${job.launches ?? 1}`;

export function remoteClientFor(deps: Deps, job: Pick<JobRecord, "remoteTarget">): RemoteClient {
  return createRemoteClient({ ...requireRemote(deps, job.remoteTarget), timeoutMs: 15_000 });
}

/** Starts this launch's session on the control plane; returns its id. */
export async function startRemoteRun(deps: Deps, job: JobRecord): Promise<string> {
  const client = remoteClientFor(deps, job);
  const name = remoteSessionName(job);
  // A job throttled before continues its conversation, whichever launch this is (resume, or a lost one again).
  const resume = continuesConversation(job);
  const request: CreateSessionRequest = job.headless
    ? // The whole one-shot argv (mode first, as codex needs), handed to the CLI unchanged; the control plane picks the binary (its own SHELL).
      { profile: job.profile, displayName: name, startupArgs: [...headlessRunCommand(job, {}).args] }
    : {
        profile: job.profile,
        displayName: name,
        ...(job.model !== undefined && { model: job.model }),
        ...(job.effort !== undefined && { effort: job.effort }),
        ...(resume ? { resume: true as const } : { startupArgs: interactiveTaskArgs(job.profile, job.task) }),
      };
  const session = await client.create({
    ...request,
    ...(job.cwd !== "" && { cwd: job.cwd }),
    metadata: { jobId: job.id, jobClaim: job.claim?.token },
    // The same job identity and depth budget a local job's agent gets (no account token: that stays here).
    env: { REMOTE_JOB_ID: job.id, ...depthEnv(job.depthBudget) },
  });
  return session.id;
}

/** The session of this launch if the control plane has it (adoption after a lost launch). */
export async function findRemoteRun(deps: Deps, job: JobRecord): Promise<RemoteSession | undefined> {
  try {
    return await remoteClientFor(deps, job).get(remoteSessionName(job));
  } catch (error) {
    if (isRemoteError(error) && error.kind === "not-found") return undefined;
    throw error;
  }
}
