import type { SessionStorePort } from "../../domain/ports.ts";
import type { SessionRecord } from "../../domain/session.ts";
import { applySessionPatch, assertNameFree, claimsName } from "../../domain/session-store-rules.ts";

/** The in-memory store: the test fake and the --dry-run store. Same rules as SQLite. */
export function createMemorySessionStore(): SessionStorePort {
  const rows = new Map<string, SessionRecord>();
  const named = (name: string) => [...rows.values()].filter((r) => r.name === name);
  const add = (record: SessionRecord) => {
    if (rows.has(record.id)) throw new Error(`UNIQUE constraint failed: sessions.id (${record.id})`);
    assertNameFree(named(record.name), record);
    rows.set(record.id, record);
  };
  const patch = (current: SessionRecord, change: Parameters<typeof applySessionPatch>[1]) => {
    const next = applySessionPatch(current, change);
    if (claimsName(current, next)) assertNameFree(named(next.name), next);
    rows.set(next.id, next);
    return next;
  };
  return {
    insert: add,
    get: (id) => rows.get(id),
    list: () => [...rows.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)),
    update: (id, change) => {
      const current = rows.get(id);
      return current ? patch(current, change) : undefined;
    },
    mutate: (id, change) => {
      const current = rows.get(id);
      if (!current) return undefined;
      const delta = change(current);
      return delta === undefined ? current : patch(current, delta);
    },
    upsert: (record, change) => {
      const current = rows.get(record.id);
      if (!current) {
        add(record);
        return record;
      }
      return patch(current, change);
    },
    remove: (id) => rows.delete(id),
    close: () => {},
  };
}
