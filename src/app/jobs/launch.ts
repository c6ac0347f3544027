/**
 * Launching the current run of a job that is already `running` in the store (claimed
 * by a delegate or the conductor, or resumed): pick its account, then start a detached
 * `remote __job` runner (headless) or a session (interactive). Every write checks the
 * claim token, so a launch that lost its claim to a newer one changes nothing.
 */
import { errorMessage } from "../../domain/errors.ts";
import { chooseAccount, providerOf } from "../../domain/jobs/accounts.ts";
import { interactiveTaskArgs } from "../../domain/jobs/interactive-task.ts";
import { transition, type JobRecord } from "../../domain/jobs/job.ts";
import type { AppDeps } from "../deps.ts";
import { runSession } from "../sessions/run.ts";
import { ensureConductor } from "./auto-conductor.ts";
import { accountToken, delegatorEnv, jobEnv } from "./child-env.ts";
import { holdsClaim } from "../../domain/jobs/claim.ts";
import type { JobEvents } from "./events.ts";
import { resultOf, runnerLogPath, writeResult } from "./files.ts";
import { startRemoteRun } from "./remote-jobs.ts";

/** start: first run; resume: after a throttle (continue argv); restart: a launch that never happened, again. */
export type LaunchKind = "start" | "resume" | "restart";


export async function launchRun(deps: AppDeps, claimed: JobRecord, kind: LaunchKind, events: JobEvents): Promise<JobRecord> {
  const token = claimed.claim?.token;
  let job = kind === "restart" ? claimed : assignAccount(deps, claimed, kind);
  try {
    if (!holdsClaim(job, token)) return job;
    if (job.remoteTarget !== undefined) job = adoptSession(deps, job, await startRemoteRun(deps, job));
    else job = job.headless ? launchRunner(deps, job) : await launchSession(deps, job, kind);
  } catch (error) {
    // The run never started: fail it now rather than let it hold a slot until someone notices.
    const failed = deps.jobStore().mutate(job.id, (cur) =>
      holdsClaim(cur, token) ? { ...transition(cur, { type: "fail", reason: `could not start: ${errorMessage(error)}` }, deps.clock.now()) } : undefined,
    );
    if (failed && failed.state === "failed" && failed.claim?.token === token) {
      writeResult(failed, resultOf(failed));
      await events.emit("job:fail", failed);
    }
    throw error;
  }
  if (kind !== "restart") await events.emit(kind === "resume" ? "job:resume" : "job:start", job);
  // A session's end (interactive, or on a control plane) is only seen by a conductor: make sure one runs.
  if (!job.headless || job.remoteTarget !== undefined) ensureConductor(deps);
  return job;
}

/**
 * Rotation: the least recently used account of the job's provider that no throttle
 * marked exhausted; all exhausted → the other provider's profile (first start only, a
 * conversation cannot continue in another CLI), announced on stderr.
 */
function assignAccount(deps: AppDeps, job: JobRecord, kind: LaunchKind): JobRecord {
  // A control-plane session gets no environment from us: accounts are for local jobs.
  if (job.remoteTarget !== undefined || (job.forcedAccount === undefined && providerOf(job.profile) === undefined)) return job;
  const now = deps.clock.now();
  const choice = deps.accounts().rotate((accounts) => chooseAccount(accounts, job.profile, now, { forced: job.forcedAccount, allowFallback: kind === "start" }), now);
  if (choice.kind === "none") return job;
  const { account } = choice;
  if (choice.fellBackFrom !== undefined) {
    deps.stderr(`remote: every ${choice.fellBackFrom} account is rate-limited: job ${job.id} falls back to ${choice.profile} (account ${account.id})${job.model || job.effort ? "; its --model/--effort are dropped" : ""}\n`);
  } else if (choice.exhausted) {
    deps.stderr(`remote: every ${job.profile} account is rate-limited; job ${job.id} uses ${account.id}, free again at ${account.exhaustedUntil}\n`);
  }
  const token = job.claim?.token;
  return (
    deps.jobStore().mutate(job.id, (cur) => {
      if (!holdsClaim(cur, token)) return undefined;
      if (choice.fellBackFrom === undefined) return { ...cur, accountId: account.id };
      return { ...cur, accountId: account.id, profile: choice.profile, fallbackFrom: choice.fellBackFrom, model: undefined, effort: undefined };
    }) ?? job
  );
}

function launchRunner(deps: AppDeps, job: JobRecord): JobRecord {
  const token = job.claim?.token as string;
  // Detached (its own session), so it outlives the conductor or delegate that started it.
  const identity = deps.selfLauncher.launch(["__job", job.id, "--claim", token], { env: deps.env, cwd: deps.cwd, logPath: runnerLogPath(job) });
  if (identity === undefined) return job; // it registers itself, or the conductor finds it lost
  // The runner also registers itself: whichever write comes first wins, both are the same process.
  return deps.jobStore().mutate(job.id, (cur) => (holdsClaim(cur, token) && cur.runner === undefined ? { ...cur, runner: identity } : undefined)) ?? job;
}

async function launchSession(deps: AppDeps, job: JobRecord, kind: LaunchKind): Promise<JobRecord> {
  const token = job.claim?.token as string;
  const resume = kind === "resume";
  const env = jobEnv(delegatorEnv(deps, job), job, accountToken(deps, job));
  const { session } = await runSession(
    { ...deps, env },
    {
      profile: job.profile,
      name: kind === "start" ? job.name : undefined,
      cwd: job.cwd,
      detach: true,
      model: job.model,
      effort: job.effort,
      resume: resume ? true : undefined,
      args: resume ? [] : interactiveTaskArgs(job.profile, job.task),
      meta: { jobId: job.id, jobClaim: token },
    },
  );
  return adoptSession(deps, job, session.id);
}

/** Records the session running the job's current claim (a local one is watched from its first byte). */
export function adoptSession(deps: AppDeps, job: JobRecord, sessionId: string): JobRecord {
  const token = job.claim?.token;
  const watch = job.remoteTarget === undefined ? { watchOffset: 0 } : {};
  return deps.jobStore().mutate(job.id, (cur) => (holdsClaim(cur, token) && cur.sessionId !== sessionId ? { ...cur, sessionId, ...watch } : undefined)) ?? job;
}
