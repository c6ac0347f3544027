import { EVENT_LOG_RETAIN, type EventLogPort, type NewStateEvent, type StateEvent } from "../../domain/agent-state/state-event.ts";
import { guardStore } from "./sqlite-job-store.ts";
import { openSqliteDatabase } from "./sqlite-store.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS state_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  data TEXT NOT NULL
);
`;

/**
 * The state-change log in the session store's file: session hosts, job runners and the
 * conductor append (many processes), `remote serve` and `remote wait` read after an id.
 * AUTOINCREMENT: an id is never reused, even after the oldest rows are pruned.
 */
export function createSqliteEventLog(options: { readonly path: string; readonly retain?: number; readonly busyTimeoutMs?: number | undefined }): EventLogPort {
  const db = openSqliteDatabase(options.path, options.busyTimeoutMs);
  db.run(SCHEMA);
  const retain = options.retain ?? EVENT_LOG_RETAIN;
  const insert = db.query<{ id: number }, [string]>("INSERT INTO state_events (data) VALUES (?) RETURNING id");
  const prune = db.query("DELETE FROM state_events WHERE id <= ?");
  const after = db.query<{ id: number; data: string }, [number, number]>("SELECT id, data FROM state_events WHERE id > ? ORDER BY id LIMIT ?");
  const oldest = db.query<{ id: number | null }, []>("SELECT min(id) AS id FROM state_events");
  const newest = db.query<{ id: number | null }, []>("SELECT max(id) AS id FROM state_events");
  const append = db.transaction((event: NewStateEvent): StateEvent => {
    const row = insert.get(JSON.stringify(event)) as { id: number };
    // Pruned in steps of a hundredth, not on every append.
    if (row.id % Math.max(1, Math.floor(retain / 100)) === 0) prune.run(row.id - retain);
    return { id: row.id, ...event };
  });
  const guard = <T>(fn: () => T) => guardStore(options.path, fn);
  return {
    append: (event) => guard(() => append.immediate(event)),
    after: (afterId, limit = 1000) => guard(() => after.all(afterId, limit).map((r) => ({ id: r.id, ...(JSON.parse(r.data) as NewStateEvent) }))),
    oldestId: () => guard(() => oldest.get()?.id ?? undefined),
    lastId: () => guard(() => newest.get()?.id ?? 0),
  };
}
