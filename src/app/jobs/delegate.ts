/**
 * `remote delegate`: validate everything up front (profile, argv, depth, account, cwd),
 * record the job as pending, then try to start it at once: a claim succeeds only if it
 * is the oldest pending job and slot holders are under the cap, else it waits for the
 * conductor. Returns the job (the CLI prints only its id on stdout).
 */
import { existsSync, mkdirSync, realpathSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { RemoteError, isRemoteError } from "../../domain/errors.ts";
import { chooseAccount } from "../../domain/jobs/accounts.ts";
import { childDepthBudget } from "../../domain/jobs/depth.ts";
import type { JobRecord } from "../../domain/jobs/job.ts";
import { cliNotFound, headlessCommand, interactiveCommand, resolveProfile } from "../../domain/profiles.ts";
import { validateSessionName } from "../../domain/session.ts";
import type { AppDeps } from "../deps.ts";
import { ensureConductor } from "./auto-conductor.ts";
import { saveDelegatorEnv } from "./child-env.ts";
import { newClaimToken } from "./claims.ts";
import { createJobEvents, type JobEvents } from "./events.ts";
import { launchRun } from "./launch.ts";
import { requireRemote } from "../remote/route.ts";

export type DelegateOptions = {
  readonly profile: string;
  readonly task: string;
  readonly headless?: boolean | undefined;
  readonly cwd?: string | undefined;
  readonly name?: string | undefined;
  readonly model?: string | undefined;
  readonly effort?: string | undefined;
  readonly account?: string | undefined;
  readonly maxConcurrent?: number | undefined;
  readonly maxDepth?: number | undefined;
  readonly remote?: string | undefined;
};

export const JOBS_DIR = join(".remote", "jobs");

export async function delegateJob(deps: AppDeps, options: DelegateOptions, events: JobEvents = createJobEvents(deps)): Promise<JobRecord> {
  const profile = resolveProfile(options.profile, { SHELL: deps.env.SHELL }).profile;
  const task = options.task;
  if (/^\s*-/.test(task)) {
    // Every agent CLI would parse it as one of its own flags, whatever argv it sits in.
    throw new RemoteError("INVALID_TASK", `Cannot delegate task '${task.slice(0, 40)}': it starts with '-', which ${profile} would read as a flag`, "Start the task with a word, e.g. 'Task: -x ...'.", "usage");
  }
  const tuning = { model: options.model, effort: options.effort };
  // Build the argv now so an unsupported flag fails here, not later in a background runner.
  const spec = options.headless ? headlessCommand(profile, task, tuning, { SHELL: deps.env.SHELL }) : interactiveCommand(profile, tuning, { SHELL: deps.env.SHELL });
  if (!options.headless) {
    if (task.trim() === "") throw new RemoteError("EMPTY_TASK", `Cannot delegate to '${profile}': the task is empty`, `Pass the task text, e.g. \`remote delegate ${profile} 'fix the failing test'\`.`, "usage");
  }
  const depthBudget = childDepthBudget({ env: deps.env.REMOTE_DELEGATE_DEPTH, maxDepth: options.maxDepth });
  const maxConcurrent = options.maxConcurrent ?? deps.config.jobs.maxConcurrent;
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
    throw new RemoteError("INVALID_FLAG", `Cannot use --max-concurrent ${maxConcurrent}: it must be 1 or more`, "Pass e.g. --max-concurrent 4.", "usage");
  }
  const name = options.name === undefined ? undefined : validateSessionName(options.name);
  if (options.account !== undefined) chooseAccount(deps.accounts().list(), profile, deps.clock.now(), { forced: options.account });
  if (options.remote !== undefined) return delegateRemote(deps, options, { profile, depthBudget, maxConcurrent, name }, events);
  // A job whose CLI is missing here would only fail later, in the background.
  if (deps.process.which(spec.command, deps.env.PATH) === undefined) throw cliNotFound(profile, spec.command);
  const cwd = resolve(deps.cwd, options.cwd ?? ".");
  if (!existsSync(cwd) || !statSync(cwd).isDirectory()) {
    throw new RemoteError("CWD_MISSING", `Cannot delegate in '${cwd}': no such directory`, "Pass an existing directory with --cwd.", "usage");
  }

  const id = deps.random.id(8);
  const repo = deps.git.repoRoot(cwd);
  let jobDir: string;
  let jobCwd: string;
  let worktree: string | undefined;
  if (repo !== undefined) {
    jobDir = join(repo, JOBS_DIR, id);
    worktree = join(jobDir, "wt");
    mkdirSync(jobDir, { recursive: true, mode: 0o700 });
    // Job folders are ours, never the project's: keep them out of `git status`.
    deps.git.ensureExcluded(repo, "/.remote/");
    deps.git.addWorktree(repo, worktree);
    jobCwd = join(worktree, relative(realpathSync(repo), realpathSync(cwd)));
  } else {
    jobDir = join(cwd, JOBS_DIR, id);
    mkdirSync(jobDir, { recursive: true, mode: 0o700 });
    jobCwd = cwd;
    deps.stderr(`remote: '${cwd}' is not in a git repository: job ${id} runs in that directory itself, not in a worktree\n`);
  }

  const store = deps.jobStore();
  const job = store.insert(
    {
      id,
      profile,
      task,
      headless: options.headless === true,
      cwd: jobCwd,
      originCwd: cwd,
      worktree,
      name,
      model: options.model,
      effort: options.effort,
      forcedAccount: options.account,
      accountId: options.account,
      depthBudget,
      parent: deps.env.REMOTE_JOB_ID || deps.env.REMOTE_SESSION_ID || undefined,
      jobDir,
      maxConcurrent,
    },
    deps.clock.now(),
  );
  saveDelegatorEnv(deps, job.id, deps.env);
  await events.emit("job:queued", job);

  return startIfFree(deps, job, events);
}

/** Start at once when it is the head of the queue and a slot is free under the cap. */
async function startIfFree(deps: AppDeps, job: JobRecord, events: JobEvents): Promise<JobRecord> {
  const store = deps.jobStore();
  const aimd = store.admission()?.cap;
  const cap = aimd === undefined ? job.maxConcurrent : Math.min(job.maxConcurrent, aimd);
  const claimed = store.claimNext({ cap, now: () => deps.clock.now(), token: newClaimToken(deps), onlyId: job.id });
  if (claimed === undefined) {
    // Left pending: a conductor starts it when a slot frees up (or its turn comes).
    ensureConductor(deps);
    return job;
  }
  try {
    return await launchRun(deps, claimed, "start", events);
  } catch (error) {
    // The job is recorded (failed, with the reason): name it, so `remote jobs status` can find it.
    if (!isRemoteError(error)) throw error;
    throw new RemoteError(error.code, `Job ${job.id} failed to start: ${error.message}`, error.hint, error.kind);
  }
}

/**
 * `--remote URL`: the job is recorded here (same queue, same cap) and runs as a session
 * of that control plane; its folder (result.json) is REMOTE_HOME/jobs/<id>. The remote
 * machine has its own filesystem: only an explicit --cwd is passed on, and no worktree.
 */
async function delegateRemote(
  deps: AppDeps,
  options: DelegateOptions,
  checked: { profile: string; depthBudget: number; maxConcurrent: number; name: string | undefined },
  events: JobEvents,
): Promise<JobRecord> {
  const target = requireRemote(deps, options.remote);
  if (target.token === undefined) {
    throw new RemoteError("NO_TOKEN", `Cannot delegate to ${target.url}: no token for that control plane`, `Store it with \`remote config set token - --remote ${target.url}\` (reads stdin); REMOTE_TOKEN counts only with REMOTE_URL set to that control plane.`, "unauthorized");
  }
  if (options.account !== undefined) {
    throw new RemoteError("UNSUPPORTED", "Cannot use --account with --remote: a control-plane session runs with the control plane's credentials", "Drop --account, or delegate locally.", "usage");
  }
  const id = deps.random.id(8);
  const jobDir = join(deps.config.paths.home, "jobs", id);
  mkdirSync(jobDir, { recursive: true, mode: 0o700 });
  const job = deps.jobStore().insert(
    {
      id,
      profile: checked.profile,
      task: options.task,
      headless: options.headless === true,
      cwd: options.cwd ?? "",
      originCwd: deps.cwd,
      name: checked.name,
      model: options.model,
      effort: options.effort,
      depthBudget: checked.depthBudget,
      parent: deps.env.REMOTE_JOB_ID || deps.env.REMOTE_SESSION_ID || undefined,
      remoteTarget: target.url,
      jobDir,
      maxConcurrent: checked.maxConcurrent,
    },
    deps.clock.now(),
  );
  await events.emit("job:queued", job);
  return startIfFree(deps, job, events);
}
