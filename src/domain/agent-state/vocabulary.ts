/**
 * The words of agent state (issue 13): states, signals, and the status a session record
 * carries. Imports nothing, so the session record can use it (agent-state.ts re-exports it).
 */
export const AGENT_STATES = ["starting", "working", "waiting", "needs-approval", "throttled", "idle", "exited"] as const;
export type AgentState = (typeof AGENT_STATES)[number];

/** Where a signal came from: an agent CLI's own hook, our output watch, our throttle detection, or the session host. */
export type SignalSource = "claude" | "gemini" | "codex" | "output" | "throttle" | "host";

/**
 * One thing that happened to a session's agent. Signals may arrive late, twice, or out of
 * order (hooks run in parallel processes); `at` (ISO time) and then `seq` order them.
 *  - start: the agent began (SessionStart)           -> waiting (it shows its prompt)
 *  - prompt: the person handed it a turn              -> working
 *  - turn-end: its turn ended                          -> waiting
 *  - permission: it asks for approval / a question     -> needs-approval
 *  - idle-prompt: it reminds the person it waits       -> waiting
 *  - tool: it ran a tool (after an approval)           -> working
 *  - throttle: a provider rate limit, `resetAt` if known -> throttled
 *  - output / quiet: output flowed / stopped (agents without hooks) -> working / idle
 *  - end: the agent process ended                      -> exited
 */
export type SignalKind = "start" | "prompt" | "turn-end" | "permission" | "idle-prompt" | "tool" | "throttle" | "output" | "quiet" | "end";

export type AgentSignal = {
  readonly kind: SignalKind;
  readonly source: SignalSource;
  /** When it happened (ISO 8601), stamped by whoever observed it. */
  readonly at: string;
  /** Tie-break among signals of the same instant; per emitter, increasing. */
  readonly seq?: number | undefined;
  /** For throttle: when the provider said the limit resets (ISO 8601), when it said so. */
  readonly resetAt?: string | undefined;
  /** A short human note (the Notification's message, the rate-limit line). Never a secret. */
  readonly detail?: string | undefined;
};

/** A session's agent state as stored on its record and shown everywhere. */
export type AgentStatus = {
  readonly state: AgentState;
  /** Since when it has been in this state (ISO 8601): `waiting 3m` is now - since. */
  readonly since: string;
  /** The (at, seq) of the last signal folded in, so a late or repeated one changes nothing. */
  readonly lastAt: string;
  readonly lastSeq?: number | undefined;
  readonly lastKind?: SignalKind | undefined;
  readonly source: SignalSource;
  /** Only for throttled: when the limit resets, when known. */
  readonly resetAt?: string | undefined;
  readonly detail?: string | undefined;
  /** True once an agent hook has spoken: output activity no longer decides (a TUI redraws while it waits). */
  readonly hooked?: boolean | undefined;
};

/** Who needs the person first: the browser view and `ls` sort by this (lower first). */
export const ATTENTION_ORDER: Readonly<Record<AgentState, number>> = {
  "needs-approval": 0,
  waiting: 1,
  throttled: 2,
  idle: 3,
  working: 4,
  starting: 5,
  exited: 6,
};
