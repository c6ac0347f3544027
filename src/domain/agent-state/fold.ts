/**
 * The agent state of a session as a fold of its signals. Pure: the caller stamps each
 * signal with its time; the fold keeps the newest (at, seq) it applied, so a signal that
 * arrives late (an older hook process finishing after a newer one) or twice changes nothing.
 */
import type { AgentSignal, AgentState, AgentStatus, SignalKind } from "./agent-state.ts";

/**
 * Which signals decide for a profile:
 *  - "hooks": the CLI reports its turns (claude, gemini): output activity is ignored (its TUI redraws while it waits).
 *  - "turn-end": the CLI reports only the end of a turn (codex's notify): output makes it working, quiet does not make it idle.
 *  - "activity": no agent signal (shell, opencode, agy, mistral): working while output flows, idle after quiet.
 */
export type SignalMode = "hooks" | "turn-end" | "activity";

export function signalModeFor(profile: string): SignalMode {
  if (profile === "claude" || profile === "gemini") return "hooks";
  if (profile === "codex") return "turn-end";
  return "activity";
}

/** Orders two signal stamps: by time, then by the emitter's sequence. */
export function compareStamp(a: { at: string; seq?: number | undefined }, b: { at: string; seq?: number | undefined }): number {
  const byTime = Date.parse(a.at) - Date.parse(b.at);
  if (byTime !== 0) return byTime;
  return (a.seq ?? 0) - (b.seq ?? 0);
}

/** When a rate limit without a stated reset time is taken to have lifted, for output-only agents. */
export const THROTTLE_HOLD_MS = 60_000;

const TARGET: Readonly<Record<Exclude<SignalKind, "output" | "quiet">, AgentState>> = {
  start: "waiting",
  prompt: "working",
  "turn-end": "waiting",
  permission: "needs-approval",
  "idle-prompt": "waiting",
  tool: "working",
  throttle: "throttled",
  end: "exited",
};

/** The state a signal asks for, or undefined when it says nothing in this mode and state. */
function wanted(current: AgentStatus | undefined, signal: AgentSignal, mode: SignalMode): AgentState | undefined {
  const state = current?.state ?? "starting";
  if (signal.kind === "output" || signal.kind === "quiet") {
    if (mode === "hooks") return undefined;
    if (state === "throttled" && current !== undefined) {
      // A throttled CLI keeps printing (retry countdowns): only output after the limit lifted means it works again.
      const lifts = current.resetAt !== undefined ? Date.parse(current.resetAt) : Date.parse(current.since) + THROTTLE_HOLD_MS;
      return signal.kind === "output" && Date.parse(signal.at) >= lifts ? "working" : undefined;
    }
    if (signal.kind === "output") return state === "needs-approval" ? undefined : "working";
    // Quiet: an output-only agent is idle. Codex: before its first turn-end (start-up: it
    // draws its prompt and waits) quiet means waiting; after, only its notify ends a turn.
    if (mode === "turn-end") return current?.hooked === true || state === "waiting" ? undefined : "waiting";
    return "idle";
  }
  // Idle reminders (Notification idle_prompt) must not hide a pending approval.
  if (signal.kind === "idle-prompt" && state === "needs-approval") return undefined;
  return TARGET[signal.kind];
}

/**
 * Folds one signal into the status. Returns the new status, or undefined when the signal
 * changes nothing (stale, duplicate, ignored in this mode, or the agent has exited).
 * A signal that keeps the state but is newer still moves the stamp (and a throttle's
 * reset time), without touching `since`.
 */
export function foldSignal(current: AgentStatus | undefined, signal: AgentSignal, mode: SignalMode): AgentStatus | undefined {
  if (current?.state === "exited") return undefined;
  if (current !== undefined && compareStamp(signal, { at: current.lastAt, seq: current.lastSeq }) <= 0) {
    // Same stamp and kind: a duplicate. Same stamp, other kind: two signals of one instant, applied in arrival order.
    if (compareStamp(signal, { at: current.lastAt, seq: current.lastSeq }) < 0 || current.lastKind === signal.kind) return undefined;
  }
  const next = wanted(current, signal, mode);
  if (next === undefined) return undefined;
  const changed = next !== current?.state;
  const hooked = current?.hooked === true || (signal.source !== "output" && signal.source !== "throttle" && signal.source !== "host");
  return {
    state: next,
    since: changed || current === undefined ? signal.at : current.since,
    lastAt: signal.at,
    lastSeq: signal.seq,
    lastKind: signal.kind,
    source: signal.source,
    resetAt: next === "throttled" ? signal.resetAt : undefined,
    detail: signal.detail,
    hooked,
  };
}

/** Folds signals in arrival order: the newest stamp wins, whatever order they came in. */
export function foldSignals(initial: AgentStatus | undefined, signals: readonly AgentSignal[], mode: SignalMode): AgentStatus | undefined {
  let status = initial;
  for (const signal of signals) status = foldSignal(status, signal, mode) ?? status;
  return status;
}

/** The first status of a session, before any signal: starting, since it was created. */
export const startingStatus = (createdAt: string): AgentStatus => ({ state: "starting", since: createdAt, lastAt: createdAt, source: "host" });
