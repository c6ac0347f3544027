/** A child process for the concurrency test: inserts records and bumps one shared record. */
import { createSqliteSessionStore } from "../../src/adapters/store/sqlite-store.ts";
import type { SessionRecord } from "../../src/domain/session.ts";

const [path, worker, count] = process.argv.slice(2) as [string, string, string];
const store = createSqliteSessionStore({ path });
const base = { profile: "shell", command: "sh", args: [], cwd: "/", source: "run", state: "running", clients: 0, createdAt: "2026-01-01T00:00:00.000Z" } as const;
store.upsert({ ...base, id: "shared", name: "shared", meta: {} } as SessionRecord, {});
for (let i = 1; i <= Number(count); i++) {
  store.insert({ ...base, id: `w${worker}-${i}`, name: `w${worker}-${i}`, meta: {} } as SessionRecord);
  // Read-modify-write of the shared record's meta, made atomic by the store's transaction.
  store.mutate("shared", (r) => ({ meta: { ...r.meta, [`w${worker}`]: i } }));
}
store.close();
