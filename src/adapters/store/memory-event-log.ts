import { EVENT_LOG_RETAIN, type EventLogPort, type StateEvent } from "../../domain/agent-state/state-event.ts";

/** The event log in memory, for tests and the API without a store file. Same pruning as SQLite's. */
export function createMemoryEventLog(retain = EVENT_LOG_RETAIN): EventLogPort {
  let events: StateEvent[] = [];
  let next = 1;
  return {
    append: (event) => {
      const stored = { id: next++, ...event };
      events.push(stored);
      if (events.length > retain) events = events.slice(-retain);
      return stored;
    },
    after: (afterId, limit = 1000) => events.filter((e) => e.id > afterId).slice(0, limit),
    oldestId: () => events[0]?.id,
    lastId: () => next - 1,
  };
}
