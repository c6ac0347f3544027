/**
 * What an agent in a session is doing, as far as a person deciding where to look cares:
 * is it busy, is it waiting for them, is it blocked on a permission, is it throttled.
 * The state is a fold of signals (src/domain/agent-state/fold.ts); this file holds the
 * vocabulary every reader shares (ls, GET /sessions, /events, `remote wait`, plugins).
 */
import type { SessionRecord } from "../session.ts";
import type { AgentStatus } from "./vocabulary.ts";

export * from "./vocabulary.ts";

/**
 * Payload of the `session:state` plugin hook (src/domain/hooks.ts), emitted once per real
 * change of state (not for a signal that leaves the state as it was). `previous` is absent
 * for the first state of a session.
 */
export type SessionStateEvent = {
  readonly session: SessionRecord;
  readonly previous?: AgentStatus | undefined;
  readonly current: AgentStatus;
};
