import type { Entry, Manifest } from "../../domain/workspace/entry.ts";
import type { WorkspaceStorePort } from "../../domain/workspace/ports.ts";
import type { WorkspaceRecord } from "../../domain/workspace/workspace.ts";
import { RemoteError } from "../../domain/errors.ts";
import { guardStore } from "../store/sqlite-job-store.ts";
import { openSqliteDatabase } from "../store/sqlite-store.ts";

/** One row per workspace (its record as JSON, lock included) and one row per path, so a commit touches only what changed. */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS workspaces (id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS workspace_files (
  workspace_id TEXT NOT NULL, path TEXT NOT NULL, type TEXT NOT NULL,
  sha256 TEXT, size INTEGER, mode INTEGER, target TEXT,
  PRIMARY KEY (workspace_id, path)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS workspace_files_sha256 ON workspace_files (sha256);`;

type FileRow = { path: string; type: string; sha256: string | null; size: number | null; mode: number | null; target: string | null };
const toEntry = (row: FileRow): Entry =>
  row.type === "link" ? { type: "link", target: row.target ?? "" } : { type: "file", sha256: row.sha256 ?? "", size: row.size ?? 0, mode: row.mode ?? 0o644 };

/** Workspaces in the session store's SQLite file (WAL, IMMEDIATE transactions for every read-modify-write). */
export function createSqliteWorkspaceStore(options: { readonly path: string; readonly busyTimeoutMs?: number | undefined }): WorkspaceStorePort {
  const db = openSqliteDatabase(options.path, options.busyTimeoutMs);
  db.run(SCHEMA);
  const guard = <T>(fn: () => T) => guardStore(options.path, fn);
  const selectOne = db.query<{ data: string }, [string]>("SELECT data FROM workspaces WHERE id = ?");
  const selectAll = db.query<{ data: string }, []>("SELECT data FROM workspaces ORDER BY id");
  const insertRow = db.query<null, [string, string]>("INSERT INTO workspaces (id, data) VALUES (?, ?)");
  const updateRow = db.query<null, [string, string]>("UPDATE workspaces SET data = ? WHERE id = ?");
  const deleteRow = db.query<null, [string]>("DELETE FROM workspaces WHERE id = ?");
  const selectFiles = db.query<FileRow, [string]>("SELECT path, type, sha256, size, mode, target FROM workspace_files WHERE workspace_id = ?");
  const upsertFile = db.query<null, [string, string, string, string | null, number | null, number | null, string | null]>(
    "INSERT OR REPLACE INTO workspace_files (workspace_id, path, type, sha256, size, mode, target) VALUES (?, ?, ?, ?, ?, ?, ?)",
  );
  const deleteFile = db.query<null, [string, string]>("DELETE FROM workspace_files WHERE workspace_id = ? AND path = ?");
  const totals = db.query<{ files: number; bytes: number | null }, [string]>("SELECT count(*) AS files, sum(size) AS bytes FROM workspace_files WHERE workspace_id = ?");
  const orphans = db.query<{ sha256: string }, [string, string]>(
    "SELECT DISTINCT sha256 FROM workspace_files WHERE workspace_id = ? AND sha256 IS NOT NULL AND sha256 NOT IN (SELECT sha256 FROM workspace_files WHERE workspace_id != ? AND sha256 IS NOT NULL)",
  );
  const deleteFiles = db.query<null, [string]>("DELETE FROM workspace_files WHERE workspace_id = ?");

  const get = (id: string) => {
    const row = selectOne.get(id);
    return row ? (JSON.parse(row.data) as WorkspaceRecord) : undefined;
  };
  const put = (record: WorkspaceRecord) => updateRow.run(JSON.stringify(record), record.id);

  const create = db.transaction((record: WorkspaceRecord) => {
    if (get(record.id)) throw new RemoteError("WORKSPACE_EXISTS", `Cannot create workspace '${record.id}': it exists`, "Pick another id.", "conflict");
    insertRow.run(record.id, JSON.stringify(record));
  });
  const setLock = db.transaction((id: string, decide: Parameters<WorkspaceStorePort["setLock"]>[1]) => {
    const current = get(id);
    if (!current) return undefined;
    const lock = decide(current);
    const { lock: _old, ...rest } = current;
    const next: WorkspaceRecord = lock === undefined ? rest : { ...rest, lock };
    put(next);
    return next;
  });
  const commit = db.transaction((id: string, check: (current: WorkspaceRecord) => void, change: Parameters<WorkspaceStorePort["commit"]>[2], now: Date) => {
    const current = get(id);
    if (!current) return undefined;
    check(current);
    for (const path of change.deleted) deleteFile.run(id, path);
    for (const [path, entry] of Object.entries(change.set)) {
      if (entry.type === "link") upsertFile.run(id, path, "link", null, null, null, entry.target);
      else upsertFile.run(id, path, "file", entry.sha256, entry.size, entry.mode, null);
    }
    const sum = totals.get(id);
    const next: WorkspaceRecord = { ...current, version: current.version + 1, files: sum?.files ?? 0, bytes: sum?.bytes ?? 0, updatedAt: now.toISOString() };
    put(next);
    return next;
  });
  const remove = db.transaction((id: string, check: (current: WorkspaceRecord) => void) => {
    const current = get(id);
    if (!current) return undefined;
    check(current);
    const unreferenced = orphans.all(id, id).map((r) => r.sha256);
    deleteFiles.run(id);
    deleteRow.run(id);
    return unreferenced;
  });

  return {
    create: (record) => guard(() => create.immediate(record)),
    get: (id) => guard(() => get(id)),
    list: () => guard(() => selectAll.all().map((r) => JSON.parse(r.data) as WorkspaceRecord)),
    manifest: (id) =>
      guard(
        db.transaction(() => {
          const record = get(id);
          if (!record) return undefined;
          const entries: Record<string, Entry> = {};
          for (const row of selectFiles.all(id)) entries[row.path] = toEntry(row);
          return { version: record.version, entries: entries as Manifest };
        }).deferred,
      ),
    setLock: (id, decide) => guard(() => setLock.immediate(id, decide)),
    commit: (id, check, change, now) => guard(() => commit.immediate(id, check, change, now)),
    remove: (id, check) => guard(() => remove.immediate(id, check)),
  };
}
