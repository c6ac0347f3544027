/**
 * A delegated job and its lifecycle (SPEC §5):
 *
 *   pending → running → (throttled ⇄ running) → done | failed
 *   cancel: pending | running | throttled → failed (reason "cancelled")
 *
 * `transition` is the only way a job changes state; anything else is refused with
 * ILLEGAL_TRANSITION, so two writers racing on one job cannot both "win" a move that
 * the table forbids (the store applies it inside its read-modify-write).
 */
import { RemoteError } from "../errors.ts";
import type { ProcessIdentity } from "../session.ts";

export type JobState = "pending" | "running" | "throttled" | "done" | "failed";
export const JOB_STATES: readonly JobState[] = Object.freeze(["pending", "running", "throttled", "done", "failed"]);

/** Rate-limit bookkeeping: how often this job was throttled and when it may try again. */
export type JobThrottle = {
  readonly attempts: number;
  /** ISO time of the first throttle of this job. */
  readonly firstAt: string;
  /** ISO time at which the conductor resumes the job. */
  readonly nextRetryAt: string;
  /** e.g. "claude:rate-limit", from throttle.ts. */
  readonly lastSignature?: string | undefined;
  /** ISO time of the latest throttle (the store logs it for the AIMD cap). */
  readonly lastAt?: string | undefined;
  /** The rate-limit line of the latest throttle, as detected. */
  readonly lastLine?: string | undefined;
};

/**
 * Who may run the job now. Every start, resume or restart writes a fresh token in the
 * same transaction as the state move; a runner proves it is the current one by its
 * token, so a run launched twice (a conductor killed between claiming and launching,
 * then restarted) is executed once: the stale runner finds another token and exits.
 */
export type JobClaim = {
  readonly token: string;
  /** ISO time of the claim: a claim with no runner long after it was never launched. */
  readonly at: string;
};

export type JobRecord = {
  readonly id: string;
  readonly profile: string;
  /** One argv element, never concatenated into a shell string. */
  readonly task: string;
  readonly state: JobState;
  readonly headless: boolean;
  /** Where the agent runs: the worktree when there is one, else the origin. */
  readonly cwd: string;
  /** Where `remote delegate` was typed. */
  readonly originCwd: string;
  readonly worktree?: string | undefined;
  readonly name?: string | undefined;
  readonly model?: string | undefined;
  readonly effort?: string | undefined;
  readonly accountId?: string | undefined;
  /** The budget this job's own delegations start from (REMOTE_DELEGATE_DEPTH in its env). */
  readonly depthBudget: number;
  /** The job or session that delegated this one. */
  readonly parent?: string | undefined;
  /** Control-plane URL for `--remote`; absent for local jobs. */
  readonly remoteTarget?: string | undefined;
  readonly createdAt: string;
  readonly startedAt?: string | undefined;
  readonly endedAt?: string | undefined;
  readonly exitCode?: number | undefined;
  readonly failReason?: string | undefined;
  readonly throttle?: JobThrottle | undefined;
  /** FIFO order number: pending jobs start by ascending seq. */
  readonly seq: number;
  /** This job's files: output.log, result.json, runner.log (and its worktree `wt`). */
  readonly jobDir: string;
  /** `--max-concurrent` of its delegation: it starts only while fewer jobs hold a slot. */
  readonly maxConcurrent: number;
  /** `--account`: always this account, never rotated. */
  readonly forcedAccount?: string | undefined;
  /** The profile it was delegated with, when it fell back to another provider's. */
  readonly fallbackFrom?: string | undefined;
  /** The current run's claim (set by start, resume and restart). */
  readonly claim?: JobClaim | undefined;
  /** The `remote __job` runner process of the current run (headless jobs). */
  readonly runner?: ProcessIdentity | undefined;
  /** The agent CLI of the current run (headless jobs), so cancel can stop it. */
  readonly agent?: ProcessIdentity | undefined;
  /** The session running an interactive job (local), or the control-plane session of a remote one. */
  readonly sessionId?: string | undefined;
  /**
   * Interactive local jobs: the offset in the session host's output up to which this run's
   * output was read for a throttle (0 for a new session; the host's end when a throttled
   * job is continued in its open session, so the message still on screen does not count).
   */
  readonly watchOffset?: number | undefined;
  /** Runs launched so far (first start, resumes, restarts of a lost launch). */
  readonly launches?: number | undefined;
};

export type JobEvent =
  | { readonly type: "start" }
  | { readonly type: "throttle"; readonly signature: string; readonly attempts: number; readonly nextRetryAt: Date; readonly line?: string | undefined }
  | { readonly type: "resume" }
  | { readonly type: "succeed"; readonly exitCode?: number | undefined }
  | { readonly type: "fail"; readonly reason: string; readonly exitCode?: number | undefined }
  | { readonly type: "cancel" };
export type JobEventType = JobEvent["type"];
export const JOB_EVENT_TYPES: readonly JobEventType[] = Object.freeze(["start", "throttle", "resume", "succeed", "fail", "cancel"]);

/** Each event leads to exactly one state, so a refusal can always name from and to. */
export const EVENT_TARGET: Readonly<Record<JobEventType, JobState>> = Object.freeze({
  start: "running",
  throttle: "throttled",
  resume: "running",
  succeed: "done",
  fail: "failed",
  cancel: "failed",
});

/** The whole state machine: which events each state accepts. */
export const LEGAL_EVENTS: Readonly<Record<JobState, readonly JobEventType[]>> = Object.freeze({
  pending: ["start", "cancel"],
  running: ["throttle", "succeed", "fail", "cancel"],
  throttled: ["resume", "cancel"],
  done: [],
  failed: [],
});

export const CANCELLED = "cancelled";

export const isFinal = (state: JobState): boolean => LEGAL_EVENTS[state].length === 0;
export const canApply = (state: JobState, event: JobEventType): boolean => LEGAL_EVENTS[state].includes(event);
/** Whether some event moves a job from `from` to `to`. */
export const canMove = (from: JobState, to: JobState): boolean => LEGAL_EVENTS[from].some((e) => EVENT_TARGET[e] === to);
/** Holds a concurrency slot: a throttled job keeps its slot while it waits (SPEC §5). */
export const holdsSlot = (state: JobState): boolean => state === "running" || state === "throttled";

export type NewJob = Omit<
  JobRecord,
  "state" | "createdAt" | "startedAt" | "endedAt" | "exitCode" | "failReason" | "throttle" | "claim" | "runner" | "agent" | "sessionId" | "watchOffset" | "launches"
>;

export function createJob(fields: NewJob, now: Date): JobRecord {
  if (!Number.isInteger(fields.seq) || fields.seq < 0) {
    throw new RemoteError("INVALID_JOB", `Cannot create job '${fields.id}': seq ${fields.seq} is not a non-negative integer`, "The store assigns seq; pass the next number from it.", "internal");
  }
  return { ...fields, state: "pending", createdAt: now.toISOString() };
}

/** Applies one event, or throws ILLEGAL_TRANSITION naming from and to. Never mutates `job`. */
export function transition(job: JobRecord, event: JobEvent, now: Date): JobRecord {
  const from = job.state;
  const to = EVENT_TARGET[event.type];
  if (!canApply(from, event.type)) throw illegal(job, event.type, to);
  const at = now.toISOString();
  switch (event.type) {
    case "start":
      return { ...job, state: to, startedAt: at };
    case "throttle":
      return {
        ...job,
        state: to,
        throttle: {
          attempts: event.attempts,
          firstAt: job.throttle?.firstAt ?? at,
          nextRetryAt: event.nextRetryAt.toISOString(),
          lastSignature: event.signature,
          lastAt: at,
          ...(event.line === undefined ? {} : { lastLine: event.line }),
        },
      };
    case "resume":
      return { ...job, state: to };
    case "succeed":
      return withOptional({ ...job, state: to, endedAt: at }, "exitCode", event.exitCode ?? 0);
    case "fail":
      return withOptional({ ...job, state: to, endedAt: at, failReason: event.reason }, "exitCode", event.exitCode);
    case "cancel":
      return { ...job, state: to, endedAt: at, failReason: CANCELLED };
  }
}

function withOptional<K extends keyof JobRecord>(job: JobRecord, key: K, value: JobRecord[K] | undefined): JobRecord {
  if (value === undefined) return job;
  return { ...job, [key]: value };
}

function illegal(job: JobRecord, event: JobEventType, to: JobState): RemoteError {
  const from = job.state;
  const next = LEGAL_EVENTS[from].map((e) => `${e} → ${EVENT_TARGET[e]}`);
  const hint = next.length === 0
    ? `A ${from} job is final; delegate a new job instead.`
    : `From ${from} a job accepts only: ${next.join(", ")}. Check \`remote jobs status ${job.id}\`.`;
  return new RemoteError("ILLEGAL_TRANSITION", `Cannot ${event} job '${job.id}': ${from} → ${to} is not allowed`, hint, "conflict");
}
