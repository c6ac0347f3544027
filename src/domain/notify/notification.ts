/**
 * What a person is told when a session's agent changes state (issue 13): which states are
 * worth a notification, and the words of one. The desktop, terminal and webhook notifiers
 * (src/app/notify/) all send this same message.
 */
import type { AgentState, SessionStateEvent } from "../agent-state/agent-state.ts";

/** States that mean "look at me": the default of config.toml notify_states. */
export const DEFAULT_NOTIFY_STATES: readonly AgentState[] = ["waiting", "needs-approval", "throttled"];

export type Notification = {
  readonly sessionId: string;
  readonly title: string;
  readonly body: string;
  /** ntfy tags (emoji short codes or words): the state, then the profile. */
  readonly tags: readonly string[];
  /** ntfy priority 1 (min) .. 5 (max): a permission prompt blocks the agent, so it rings louder. */
  readonly priority: 1 | 2 | 3 | 4 | 5;
};

const PHRASE: Readonly<Record<AgentState, string>> = {
  starting: "is starting",
  working: "is working",
  waiting: "is waiting for you",
  "needs-approval": "needs your approval",
  throttled: "is throttled",
  idle: "is idle",
  exited: "has exited",
};

const PRIORITY: Readonly<Record<AgentState, Notification["priority"]>> = {
  "needs-approval": 4,
  waiting: 3,
  throttled: 3,
  exited: 3,
  idle: 2,
  working: 2,
  starting: 2,
};

/** The notification for a change of state, or undefined when `states` does not ask for this one. */
export function notificationFor(event: SessionStateEvent, states: readonly AgentState[]): Notification | undefined {
  const { session, current } = event;
  if (!states.includes(current.state)) return undefined;
  // A repeat of the same state (a re-emit after a restart) is no news.
  if (event.previous?.state === current.state) return undefined;
  const resets = current.state === "throttled" && current.resetAt ? ` until ${current.resetAt}` : "";
  const detail = current.detail ? `: ${current.detail}` : "";
  return {
    sessionId: session.id,
    title: `${session.name} ${PHRASE[current.state]}`,
    body: `${session.profile} session ${session.id} ${PHRASE[current.state]}${resets}${detail}`,
    tags: [current.state, session.profile],
    priority: PRIORITY[current.state],
  };
}

/** Says in the body how many changes the rate limit held back since the last notification. */
export function withHeldBack(notification: Notification, held: number): Notification {
  if (held <= 0) return notification;
  return { ...notification, body: `${notification.body} (+${held} earlier change${held === 1 ? "" : "s"} not sent)` };
}
