import type { SessionStorePort } from "../../domain/ports.ts";
import type { SessionRecord } from "../../domain/session.ts";

/**
 * The session store as read a moment ago by a process that has it open (the host server), for
 * commands that mostly read: their reads come from `records` and they never open SQLite. The
 * first write opens the store itself and from then on every call goes there, so a write still
 * runs in its transaction against the current rows and is read back afterwards.
 */
export function createSnapshotStore(records: readonly SessionRecord[], open: () => SessionStorePort): SessionStorePort {
  let real: SessionStorePort | undefined;
  const store = () => (real ??= open());
  return {
    get: (id) => (real ? real.get(id) : records.find((r) => r.id === id)),
    list: () => (real ? real.list() : [...records]),
    insert: (record) => store().insert(record),
    update: (id, patch) => store().update(id, patch),
    mutate: (id, change) => store().mutate(id, change),
    upsert: (record, patch) => store().upsert(record, patch),
    remove: (id) => store().remove(id),
    close: () => real?.close(),
  };
}
