/**
 * One change of state, as `GET /events` streams it and `remote wait` reads it: a session's
 * agent state (working, waiting, ...) or a job's state (pending, running, ...). Ids increase
 * in the order the changes were recorded, so a client resumes from the last id it saw.
 */
export type StateEventSubject = "session" | "job";

export type StateEvent = {
  readonly id: number;
  readonly subject: StateEventSubject;
  /** The session or job id. */
  readonly subjectId: string;
  readonly name?: string | undefined;
  readonly state: string;
  readonly previous?: string | undefined;
  /** When the change happened (ISO 8601). */
  readonly at: string;
  /** Throttled: when the limit resets. */
  readonly resetAt?: string | undefined;
  readonly detail?: string | undefined;
};

export type NewStateEvent = Omit<StateEvent, "id">;

/**
 * Where state changes are kept for readers in other processes. Bounded: the oldest are
 * dropped past `retain`, and `oldestId` lets a reader that resumes from further back
 * know it missed some (rather than silently believe it saw everything).
 */
export type EventLogPort = {
  readonly append: (event: NewStateEvent) => StateEvent;
  /** Events with id > `afterId`, oldest first, at most `limit`. */
  readonly after: (afterId: number, limit?: number) => readonly StateEvent[];
  /** The id of the oldest event kept, or undefined when there is none. */
  readonly oldestId: () => number | undefined;
  /** The id of the newest event, 0 when there is none. */
  readonly lastId: () => number;
};

/** How many events the log keeps (a day of ten busy agents; resuming from further back is reported as a gap). */
export const EVENT_LOG_RETAIN = 10_000;

/** Parses a Last-Event-ID header value: a non-negative integer, else undefined (then the client starts from now). */
export function parseLastEventId(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || !/^\d{1,15}$/.test(value.trim())) return undefined;
  return Number(value.trim());
}
