/** `remote jobs ls | status | cancel | wait | logs`: reading jobs, and the one move a person makes (cancel). */
import { RemoteError, errorMessage } from "../../domain/errors.ts";
import { isFinal, transition, type JobRecord } from "../../domain/jobs/job.ts";
import { isLive, viewState } from "../../domain/session.ts";
import type { AppDeps } from "../deps.ts";
import { stopSession } from "../sessions/manage.ts";
import { ensureConductor } from "./auto-conductor.ts";
import type { JobEvents } from "./events.ts";
import { outputPath, readBytesFrom, resultOf, writeResult } from "./files.ts";
import { observeJob, observeRunning } from "./reconcile.ts";
import { remoteClientFor } from "./remote-jobs.ts";

/** Find the job a person meant: exact id, then name (newest), then a unique id prefix. */
export function resolveJobRef(jobs: readonly JobRecord[], ref: string): JobRecord {
  const byId = jobs.find((j) => j.id === ref);
  if (byId) return byId;
  const named = jobs.filter((j) => j.name === ref);
  if (named.length > 0) return named[named.length - 1] as JobRecord;
  const prefixed = ref.length >= 3 ? jobs.filter((j) => j.id.startsWith(ref)) : [];
  if (prefixed.length === 1) return prefixed[0] as JobRecord;
  if (prefixed.length > 1) {
    throw new RemoteError("AMBIGUOUS_JOB", `Cannot pick job '${ref}': it matches ${prefixed.map((j) => j.id).join(", ")}`, "Use the full id from `remote jobs ls`.", "usage");
  }
  throw new RemoteError("JOB_NOT_FOUND", `Cannot find job '${ref}': no job has that id or name`, "Run `remote jobs ls` to see jobs.", "not-found");
}

export function findJob(deps: Pick<AppDeps, "jobStore">, ref: string): JobRecord {
  const store = deps.jobStore();
  return store.get(ref) ?? resolveJobRef(store.list(), ref);
}

/** Every job, oldest first, after noticing the ones whose process is gone. */
export async function listJobs(deps: AppDeps, events: JobEvents): Promise<JobRecord[]> {
  await observeRunning(deps, events);
  const jobs = deps.jobStore().list();
  // Jobs waiting on a conductor that is gone (killed, reboot) get one again when someone looks.
  if (jobs.some((j) => j.state === "pending" || j.state === "throttled")) ensureConductor(deps);
  return jobs;
}

export async function jobStatus(deps: AppDeps, ref: string, events: JobEvents): Promise<JobRecord> {
  return observeJob(deps, findJob(deps, ref), events);
}

/** The exit code `jobs wait` exits with: the job's, or 1 for a failure without one. */
export const waitExitCode = (job: JobRecord): number => (job.state === "done" ? (job.exitCode ?? 0) : (job.exitCode ?? 1));

/** Polls until the job is final (noticing a lost runner on the way); resolves with it. */
export async function waitJob(deps: AppDeps, ref: string, events: JobEvents, options: { readonly pollMs?: number; readonly signal?: AbortSignal } = {}): Promise<JobRecord> {
  const id = findJob(deps, ref).id;
  let hinted = false;
  for (;;) {
    const job = deps.jobStore().get(id);
    if (job === undefined) throw new RemoteError("JOB_NOT_FOUND", `Cannot wait for job '${id}': it vanished`, "Run `remote jobs ls`.", "not-found");
    const seen = await observeJob(deps, job, events);
    if (isFinal(seen.state)) return seen;
    if (!hinted && (seen.state === "pending" || seen.state === "throttled")) {
      hinted = true;
      const when = seen.state === "throttled" ? ` (retry at ${seen.throttle?.nextRetryAt})` : "";
      // Someone waiting on it must not wait on a conductor that died (killed, reboot): make sure one runs.
      ensureConductor(deps);
      const who = deps.config.jobs.autoConduct ? "the automatic conductor starts it" : "the conductor starts it: `remote jobs conduct --watch 1`";
      deps.stderr(`remote: job ${id} is ${seen.state}${when}; ${who}\n`);
    }
    if (options.signal?.aborted) return seen;
    await Bun.sleep(options.pollMs ?? 200);
  }
}

/**
 * Cancel: the move (→ failed "cancelled") is committed first, so nothing starts or
 * resumes the job again; then its runner and agent (or session) are stopped.
 * A final job refuses with ILLEGAL_TRANSITION.
 */
export async function cancelJob(deps: AppDeps, ref: string, events: JobEvents): Promise<JobRecord> {
  const target = findJob(deps, ref);
  const now = deps.clock.now();
  const cancelled = deps.jobStore().mutate(target.id, (cur) => transition(cur, { type: "cancel" }, now));
  if (cancelled === undefined) throw new RemoteError("JOB_NOT_FOUND", `Cannot cancel job '${ref}': it vanished`, "Run `remote jobs ls`.", "not-found");
  const signal = (who: JobRecord["runner"], group: boolean) => {
    if (who !== undefined && deps.process.isAlive(who)) {
      if (!group || !deps.process.signal(who.pid, "SIGTERM", true)) deps.process.signal(who.pid, "SIGTERM");
    }
  };
  signal(target.agent, true);
  signal(target.runner, false);
  if (target.remoteTarget !== undefined && target.sessionId !== undefined && target.state === "running") {
    try {
      await remoteClientFor(deps, target).stop(target.sessionId, `job ${target.id} cancelled`);
    } catch (error) {
      deps.log.warn(`job ${target.id}: could not stop control-plane session ${target.sessionId}: ${errorMessage(error)}`);
    }
  } else if (!target.headless && target.sessionId !== undefined && (target.state === "running" || (target.state === "throttled" && sessionOpen(deps, target.sessionId)))) {
    // A throttled interactive job may still have its session open on the rate-limit message.
    try {
      await stopSession(deps, target.sessionId, `job ${target.id} cancelled`);
    } catch (error) {
      deps.log.warn(`job ${target.id}: could not stop session ${target.sessionId}: ${errorMessage(error)}`);
    }
  }
  writeResult(cancelled, resultOf(cancelled));
  await events.emit("job:fail", cancelled);
  return cancelled;
}

const sessionOpen = (deps: Pick<AppDeps, "store" | "process">, sessionId: string) => {
  const session = deps.store().get(sessionId);
  return session !== undefined && isLive(viewState(session, deps.process.isAlive));
};

/** Headless output from `offset` on; with `follow`, keeps reading until the job is final. */
export async function jobOutput(deps: AppDeps, job: JobRecord, onText: (text: string) => void, options: { readonly follow?: boolean; readonly pollMs?: number } = {}): Promise<void> {
  const path = outputPath(job);
  let offset = 0;
  const decoder = new TextDecoder();
  const drain = () => {
    const bytes = readBytesFrom(path, offset, Number.MAX_SAFE_INTEGER);
    if (bytes.length === 0) return;
    offset += bytes.length;
    // Streaming: a character split across two reads is printed whole.
    onText(decoder.decode(bytes, { stream: true }));
  };
  drain();
  if (!options.follow) return;
  for (;;) {
    const current = deps.jobStore().get(job.id);
    drain();
    if (current === undefined || isFinal(current.state)) return drain();
    await Bun.sleep(options.pollMs ?? 150);
  }
}
