/**
 * Noticing that a running job's process is gone, and recording why. Never launches
 * anything (the conductor does that), so `jobs ls`, `status` and `wait` may call it.
 *  - headless: the runner died before recording its outcome → the outcome from its
 *    result.json when that file belongs to this run, else failed "runner lost";
 *  - interactive, session live: its TUI stays open on a rate-limit message, so the output
 *    it printed since the last look is read from the host: a provider's message moves
 *    the job to throttled with the session left open (it keeps its slot; the conductor
 *    types the continue prompt when the retry is due);
 *  - interactive, session exited: done/failed by its exit code, or throttled when its
 *    last lines are a provider's rate-limit message; the host vanished → failed.
 * Each move is one compare-and-set on (state running, same claim, same session).
 */
import { transition, type JobEvent, type JobRecord } from "../../domain/jobs/job.ts";
import { detectThrottle } from "../../domain/jobs/throttle.ts";
import { sessionDirFor } from "../../domain/config.ts";
import { continuePrompt } from "../../domain/profiles.ts";
import { viewState } from "../../domain/session.ts";
import { isRemoteError } from "../../domain/errors.ts";
import type { OutputReply } from "../../domain/host-protocol.ts";
import type { AppDeps } from "../deps.ts";
import { requestHost } from "../sessions/host-request.ts";
import { remoteClientFor } from "./remote-jobs.ts";
import { holdsClaim } from "../../domain/jobs/claim.ts";
import { finalEvent, type JobEvents } from "./events.ts";
import { readFrom, readResult, resultOf, writeResult, type JobResult } from "./files.ts";
import { throttleOutcome } from "./throttle-outcome.ts";

export const RUNNER_LOST = "runner lost: its process ended without recording an outcome";

type Deps = Pick<AppDeps, "jobStore" | "store" | "process" | "clock" | "random" | "config" | "accounts" | "env" | "connector">;

/** How long one look at a live session's output may take; a busy host is looked at next time. */
const WATCH_TIMEOUT_MS = 3000;

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
  if (view === "starting") return job;
  if (view === "running") return watchSession(deps, job, events, session.socketPath);
  if (view === "lost") return finish(deps, job, events, { type: "fail", reason: `its session host ${session.name} is gone` }, sameSession(job));
  if (view === "failed") return finish(deps, job, events, { type: "fail", reason: `its session ${session.name} failed: ${session.reason ?? "no reason recorded"}` }, sameSession(job));
  const tail = readFrom(`${sessionDirFor(deps.config.paths, session.id)}/scrollback.txt`, 0, 64 * 1024);
  return finishExited(deps, job, events, session.exitCode ?? null, tail);
}

/**
 * A live session: reads what it printed since the last look (from watchOffset) for a
 * provider's rate-limit message. A hit throttles the job, the session left open; either
 * way watchOffset moves to the end of what was read, in the same compare-and-set.
 */
async function watchSession(deps: Deps, job: JobRecord, events: JobEvents, socketPath: string | undefined): Promise<JobRecord> {
  if (socketPath === undefined) return job;
  const from = job.watchOffset ?? 0;
  let reply: OutputReply;
  try {
    reply = await requestHost<OutputReply>(deps, socketPath, { op: "output", from }, WATCH_TIMEOUT_MS);
  } catch {
    return job; // a busy host, or a session that just ended: the next look decides
  }
  // A host started before the output op existed answers {error}.
  if (typeof reply?.to !== "number" || typeof reply.text !== "string") return job;
  const unread = (cur: JobRecord) => cur.sessionId === job.sessionId && (cur.watchOffset ?? 0) === from;
  const now = deps.clock.now();
  const hit = detectThrottle(job.profile, reply.text, detectOptions(deps, job, now));
  if (hit !== undefined) return finish(deps, job, events, throttleOutcome(deps, job, hit, now), unread, null, { watchOffset: reply.to, at: now });
  if (reply.to === from) return job;
  const token = job.claim?.token;
  return deps.jobStore().mutate(job.id, (cur) => (holdsClaim(cur, token) && unread(cur) ? { ...cur, watchOffset: reply.to } : undefined)) ?? job;
}

/** A session that exited: throttled when its last lines say so, else done/failed by its exit code. */
async function finishExited(deps: Deps, job: JobRecord, events: JobEvents, exitCode: number | null, tail: string): Promise<JobRecord> {
  const now = deps.clock.now();
  const hit = detectThrottle(job.profile, tail, detectOptions(deps, job, now));
  if (hit !== undefined) return finish(deps, job, events, throttleOutcome(deps, job, hit, now, exitCode ?? undefined), sameSession(job), exitCode, { at: now });
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

/**
 * A session continued after a throttle may show the old message again (still on its final
 * screen, or printed again by a TUI redraw) before the continue prompt typed after it:
 * only what follows that prompt's echo counts.
 */
const detectOptions = (deps: Deps, job: JobRecord, now: Date) => ({ now, timeZone: deps.config.jobs.timeZone, continuedWith: continuePrompt(job.profile) });

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

async function finish(
  deps: Deps,
  job: JobRecord,
  events: JobEvents,
  event: JobEvent,
  same: (cur: JobRecord) => boolean,
  exitCode?: number | null,
  more: Pick<JobRecord, "watchOffset"> & { readonly at?: Date } = {},
): Promise<JobRecord> {
  const token = job.claim?.token;
  let applied = false;
  // A throttle's retry time was reckoned from `at`: recording it at a later reading could put lastAt after nextRetryAt.
  const { at, ...extra } = more;
  const now = at ?? deps.clock.now();
  const next = deps.jobStore().mutate(job.id, (cur) => {
    if (!holdsClaim(cur, token) || !same(cur)) return undefined;
    applied = true;
    return { ...transition(cur, event, now), agent: undefined, ...extra };
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
