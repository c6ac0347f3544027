import { RemoteError } from "./errors.ts";

/**
 * The stored lifecycle of a session:
 *
 *   starting ──> running ──> exited   (the agent ended: exit code or signal)
 *       │           │
 *       └───────────┴──────> failed   (it never got going, or we lost it: `reason` says why)
 *
 * `exited` and `failed` are final: a host that turns up late can never make such a record
 * `running` again (two live sessions would share a name). One exception, hook-enrolled
 * Claude Code sessions: Claude resuming a conversation revives its `exited` record.
 */
export type SessionState = "starting" | "running" | "exited" | "failed";

/**
 * What a reader sees: the stored state, corrected by a liveness check. `lost` is a
 * record that is not final while the process responsible for it (its host, or the
 * process launching it) is gone: nobody will ever record how it ended. `stop` settles
 * it to `failed`; `prune` removes it.
 */
export type SessionView = SessionState | "lost";

const NEXT: Readonly<Record<SessionState, readonly SessionState[]>> = {
  starting: ["running", "failed"],
  running: ["exited", "failed"],
  exited: [],
  failed: [],
};

export const isFinal = (state: SessionState): boolean => state === "exited" || state === "failed";

/** Whether a record may move from one state to the other (staying put is always allowed). */
export function canTransition(from: SessionState, to: SessionState, source: "run" | "hook"): boolean {
  if (from === to) return true;
  if (source === "hook" && from === "exited" && to === "running") return true;
  return NEXT[from].includes(to);
}

type Described = {
  readonly state: string;
  readonly exitCode?: number | null | undefined;
  readonly signal?: string | null | undefined;
  readonly reason?: string | null | undefined;
};

/** How a session stands, in the words `ls` and `stop` both use: `exited(0)`, `killed(SIGHUP)`, `failed: <reason>`. */
export function describeState(s: Described): string {
  if (s.state === "exited") return (s.exitCode === null || s.exitCode === undefined) && s.signal ? `killed(${s.signal})` : `exited(${s.exitCode ?? "?"})`;
  if (s.state === "failed") return `failed: ${s.reason ?? "no reason recorded"}`;
  return s.state;
}

type Transitioning = { readonly id: string; readonly name: string; readonly source: "run" | "hook"; readonly state: SessionState; readonly exitCode?: number | null | undefined; readonly exitSignal?: string | undefined; readonly reason?: string | undefined };

/** Refuses a change of state the lifecycle does not allow (the store calls it inside its write). */
export function assertTransition(current: Transitioning, to: SessionState): void {
  if (canTransition(current.state, to, current.source)) return;
  const now = describeState({ ...current, signal: current.exitSignal });
  throw new RemoteError(
    "ILLEGAL_TRANSITION",
    `Cannot mark session '${current.name}' ${to}: it has already ended (${now})`,
    "A session that ended stays ended: start a new one with `remote run`.",
    "conflict",
  );
}

/** A session that could not be started; `reason` is what its record keeps ("host not ready within 10000 ms"). */
export class SessionStartError extends RemoteError {
  constructor(
    sessionId: string,
    readonly reason: string,
    hint?: string,
  ) {
    super("HOST_START_FAILED", `Cannot start session '${sessionId}': ${reason}`, hint, "unavailable");
  }
}

/** Why a record is `lost`: which process vanished, and when in its life. */
export function lostReason(state: SessionState, hadHost: boolean): string {
  if (state === "starting") return hadHost ? "its session host is gone before it was ready" : "the process launching it is gone before a session host started";
  return "its session host is gone without recording how the session ended";
}

/** How long a host keeps trying to record its session's end in a busy store before it ends anyway. */
export const EXIT_RECORD_BUDGET_MS = 60_000;

/**
 * The wait before the next try at a store write that found the store busy: doubling from
 * 100 ms to at most 2 s, and none once `budgetMs` has passed (the caller gives up; readers
 * then see the session `lost`, since its host is gone).
 */
export function storeRetryDelay(attempt: number, elapsedMs: number, budgetMs = EXIT_RECORD_BUDGET_MS): number | undefined {
  if (elapsedMs >= budgetMs) return undefined;
  return Math.max(0, Math.min(100 * 2 ** Math.min(attempt, 10), 2000, budgetMs - elapsedMs));
}
