/**
 * Noticing that a running job's process is gone, and recording why. Never launches
 * anything (the conductor does that), so `jobs ls`, `status` and `wait` may call it.
 *  - headless: the runner died before recording its outcome → the outcome from its
 *    result.json when that file belongs to this run, else failed "runner lost";
 *  - interactive: the job's session exited → done/failed by its exit code, or throttled
 *    when its last lines are a provider's rate-limit message; the host vanished → failed.
 * Each finish is one compare-and-set on (state running, same claim).
 */
import { nextRetry } from "../../domain/jobs/backoff.ts";
import { transition, type JobEvent, type JobRecord } from "../../domain/jobs/job.ts";
import { detectThrottle } from "../../domain/jobs/throttle.ts";
import { sessionDirFor } from "../../domain/config.ts";
import { viewState } from "../../domain/session.ts";
import { isRemoteError } from "../../domain/errors.ts";
import type { AppDeps } from "../deps.ts";
import { remoteClientFor } from "./remote-jobs.ts";
import { holdsClaim } from "./claims.ts";
import { finalEvent, type JobEvents } from "./events.ts";
import { readFrom, readResult, resultOf, writeResult, type JobResult } from "./files.ts";

export const RUNNER_LOST = "runner lost: its process ended without recording an outcome";

type Deps = Pick<AppDeps, "jobStore" | "store" | "process" | "clock" | "random" | "config" | "accounts" | "env">;

/** Returns the job as now stored (unchanged while its process lives). */
export async function observeJob(deps: Deps, job: JobRecord, events: JobEvents): Promise<JobRecord> {
  if (job.state !== "running") return job;
  if (job.remoteTarget !== undefined) return observeRemote(deps, job, events);
  if (job.headless) {
    if (job.runner === undefined || deps.process.isAlive(job.runner)) return job;
    return finish(deps, job, events, eventFromResult(job, readResult(job)) ?? { type: "fail", reason: RUNNER_LOST }, (cur) => cur.runner?.pid === job.runner?.pid);
  }
  if (job.sessionId === undefined) return job;
  const session = deps.store().get(job.sessionId);
  if (session === undefined) return finish(deps, job, events, { type: "fail", reason: `its session ${job.sessionId} is no longer recorded` }, sameSession(job));
  const view = viewState(session, deps.process.isAlive);
  if (view === "running" || view === "starting") return job;
  if (view === "lost") return finish(deps, job, events, { type: "fail", reason: `its session host ${session.name} is gone` }, sameSession(job));
  const tail = readFrom(`${sessionDirFor(deps.config.paths, session.id)}/scrollback.txt`, 0, 64 * 1024);
  return finishExited(deps, job, events, session.exitCode ?? null, tail);
}

/** A session that exited: throttled when its last lines say so, else done/failed by its exit code. */
async function finishExited(deps: Deps, job: JobRecord, events: JobEvents, exitCode: number | null, tail: string): Promise<JobRecord> {
  const now = deps.clock.now();
  const hit = detectThrottle(job.profile, tail, { now, timeZone: deps.config.jobs.timeZone });
  if (hit !== undefined) {
    const decision = nextRetry(job, { now, random: deps.random.random(), base: deps.config.jobs.backoffBaseMs, cap: deps.config.jobs.backoffCapMs, resetAt: hit.resetAt });
    if (decision.kind === "retry") {
      if (job.accountId !== undefined) deps.accounts().markExhausted(job.accountId, decision.nextRetryAt);
      return finish(deps, job, events, { type: "throttle", signature: hit.signature, attempts: decision.attempts, nextRetryAt: decision.nextRetryAt }, sameSession(job), exitCode);
    }
    return finish(deps, job, events, { type: "fail", reason: decision.reason, exitCode: exitCode ?? undefined }, sameSession(job), exitCode);
  }
  if (exitCode === 0) return finish(deps, job, events, { type: "succeed", exitCode: 0 }, sameSession(job), exitCode);
  const reason = exitCode === null ? "its session ended without an exit code" : `exit code ${exitCode}`;
  return finish(deps, job, events, { type: "fail", reason, exitCode: exitCode ?? undefined }, sameSession(job), exitCode);
}

/** A remote job's outcome, as the control plane recorded it (an unreachable control plane: try later). */
async function observeRemote(deps: Deps, job: JobRecord, events: JobEvents): Promise<JobRecord> {
  if (job.sessionId === undefined) return job;
  let session;
  try {
    session = await remoteClientFor(deps, job).get(job.sessionId);
  } catch (error) {
    if (isRemoteError(error) && error.kind === "not-found") return finish(deps, job, events, { type: "fail", reason: `its control-plane session ${job.sessionId} is gone` }, sameSession(job));
    return job;
  }
  if (session.state === "running" || session.state === "starting") return job;
  if (session.state !== "exited") return finish(deps, job, events, { type: "fail", reason: `its control-plane session ${session.name} is ${session.state}` }, sameSession(job));
  const exitCode = session.exitCode ?? null;
  let tail = "";
  try {
    tail = (await remoteClientFor(deps, job).logs(job.sessionId, 40)).text;
  } catch {
    // No logs: no throttle detection, the exit code still decides.
  }
  return finishExited(deps, job, events, exitCode, tail);
}

const sameSession = (job: JobRecord) => (cur: JobRecord) => cur.sessionId === job.sessionId;

/** The outcome a dead runner left in result.json, if that file is this run's. */
function eventFromResult(job: JobRecord, result: JobResult | undefined): JobEvent | undefined {
  if (result === undefined || result.claim === undefined || result.claim !== job.claim?.token) return undefined;
  const exitCode = result.exitCode ?? undefined;
  switch (result.state) {
    case "done":
      return { type: "succeed", exitCode: exitCode ?? 0 };
    case "failed":
      return { type: "fail", reason: result.reason ?? `exit code ${exitCode ?? "unknown"}`, exitCode };
    case "throttled":
      if (result.nextRetryAt === undefined || result.signature === undefined || result.attempts === undefined) return undefined;
      return { type: "throttle", signature: result.signature, attempts: result.attempts, nextRetryAt: new Date(result.nextRetryAt) };
    default:
      return undefined;
  }
}

async function finish(deps: Deps, job: JobRecord, events: JobEvents, event: JobEvent, same: (cur: JobRecord) => boolean, exitCode?: number | null): Promise<JobRecord> {
  const token = job.claim?.token;
  let applied = false;
  const now = deps.clock.now();
  const next = deps.jobStore().mutate(job.id, (cur) => {
    if (!holdsClaim(cur, token) || !same(cur)) return undefined;
    applied = true;
    return { ...transition(cur, event, now), agent: undefined };
  });
  if (!applied || next === undefined) return next ?? job;
  // A runner that died may have left its agent running: stop it, nobody would record it.
  if (job.agent !== undefined && deps.process.isAlive(job.agent)) deps.process.signal(job.agent.pid, "SIGTERM", true);
  const result = resultOf(next);
  writeResult(next, next.state === "throttled" ? { ...result, exitCode: exitCode ?? null, nextRetryAt: next.throttle?.nextRetryAt, signature: next.throttle?.lastSignature, attempts: next.throttle?.attempts } : result);
  await events.emit(next.state === "throttled" ? "job:throttle" : finalEvent(next), next);
  return next;
}

/** Observes every running job; returns those it finished. */
export async function observeRunning(deps: Deps, events: JobEvents): Promise<JobRecord[]> {
  const changed: JobRecord[] = [];
  for (const job of deps.jobStore().list({ states: ["running"] })) {
    const after = await observeJob(deps, job, events);
    if (after.state !== "running") changed.push(after);
  }
  return changed;
}
