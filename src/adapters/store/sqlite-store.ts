import type { Database, SQLQueryBindings } from "bun:sqlite";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { RemoteError, errorMessage } from "../../domain/errors.ts";
import type { SessionStorePort } from "../../domain/ports.ts";
import type { SessionPatch, SessionRecord } from "../../domain/session.ts";
import { applySessionPatch, assertNameFree, claimsName } from "../../domain/session-store-rules.ts";

export type SqliteStoreOptions = {
  /** Path of the database file. */
  readonly path: string;
  /**
   * How long a writer waits for the lock. Past it the write fails loudly:
   * there is no "gave up waiting, wrote anyway" fallback.
   * @default 15000
   */
  readonly busyTimeoutMs?: number | undefined;
};

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  state TEXT NOT NULL,
  created_at TEXT NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_name ON sessions(name);
`;

const corrupt = (path: string, cause: unknown) =>
  new RemoteError(
    "STORE_CORRUPT",
    `Cannot open the session store '${path}': ${errorMessage(cause)}`,
    `Move the file aside (mv '${path}' '${path}.broken') and run the command again; a fresh store is created. Running session hosts keep running.`,
    "corrupt",
  );

const isBusy = (error: unknown) => error instanceof Error && /SQLITE_BUSY|SQLITE_LOCKED|database is locked/i.test(`${(error as { code?: string }).code ?? ""} ${error.message}`);

/** Opens (creating when missing) the SQLite registry in WAL mode. */
export function openSqliteDatabase(path: string, busyTimeoutMs = 15000): Database {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // Created 0600 before SQLite opens it: its -wal and -shm files take the database's mode.
  // Looked for first: a thrown error costs a quick command ~3 ms (its first stack trace).
  if (!existsSync(path)) {
    try {
      writeFileSync(path, "", { mode: 0o600, flag: "wx" });
    } catch {
      // Another process made it in between (an empty file is a valid empty database).
    }
  }
  let db: Database;
  try {
    // Required here, not imported: commands that never open the store (a hook, --version, a
    // reader served by the host server) do not pay for loading bun:sqlite.
    const { Database: SqliteDatabase } = require("bun:sqlite") as typeof import("bun:sqlite");
    db = new SqliteDatabase(path, { create: true, strict: true });
    db.run(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    db.run("PRAGMA journal_mode = WAL");
    db.run("PRAGMA synchronous = NORMAL");
    db.run(SCHEMA);
    db.query("SELECT count(*) FROM sessions").get();
  } catch (error) {
    if (isBusy(error)) {
      throw new RemoteError("STORE_BUSY", `Cannot open the session store '${path}': another process holds its lock`, "Try again; if it persists, look for a stuck `remote` process.", "unavailable");
    }
    throw corrupt(path, error);
  }
  try {
    chmodSync(path, 0o600);
  } catch {
    // A store on a filesystem without modes is still usable.
  }
  return db;
}

export function createSqliteSessionStore(options: SqliteStoreOptions): SessionStorePort {
  const db = openSqliteDatabase(options.path, options.busyTimeoutMs);
  const guard = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      if (error instanceof RemoteError) throw error;
      if (error instanceof Error && /malformed|not a database|corrupt/i.test(error.message)) throw corrupt(options.path, error);
      // Another process held the write lock past busy_timeout: a typed error callers may retry.
      if (isBusy(error)) throw new RemoteError("STORE_BUSY", `Cannot write to the session store '${options.path}': another process holds its lock`, "Try again; if it persists, look for a stuck `remote` process.", "unavailable");
      throw error;
    }
  };
  const decode = (row: { data: string } | null | undefined): SessionRecord | undefined => (row ? (JSON.parse(row.data) as SessionRecord) : undefined);

  // Statements and transactions are made on first use: a quick command uses one or two of them.
  const statement = <Row, Params extends SQLQueryBindings[]>(sql: string) => once(() => db.query<Row, Params>(sql));
  const selectOne = statement<{ data: string }, [string]>("SELECT data FROM sessions WHERE id = ?");
  const selectAll = statement<{ data: string }, []>("SELECT data FROM sessions ORDER BY created_at, id");
  const selectNamed = statement<{ data: string }, [string]>("SELECT data FROM sessions WHERE name = ?");
  const insertRow = statement<unknown, [string, string, string, string, string]>("INSERT INTO sessions (id, name, state, created_at, data) VALUES (?, ?, ?, ?, ?)");
  // Compare-and-set on the state read: a write never lands on a record whose state moved under it.
  const updateRow = statement<unknown, [string, string, string, string, string]>("UPDATE sessions SET name = ?, state = ?, data = ? WHERE id = ? AND state = ?");
  const deleteRow = statement<unknown, [string]>("DELETE FROM sessions WHERE id = ?");

  const named = (name: string) => selectNamed().all(name).map((r) => JSON.parse(r.data) as SessionRecord);
  const write = (record: SessionRecord, readState: string) => {
    if (updateRow().run(record.name, record.state, JSON.stringify(record), record.id, readState).changes === 0) {
      throw new RemoteError("STORE_CONFLICT", `Cannot update session '${record.name}': its state changed during the write`, "Try again.", "conflict");
    }
  };
  const add = (record: SessionRecord) => {
    assertNameFree(named(record.name), record);
    insertRow().run(record.id, record.name, record.state, record.createdAt, JSON.stringify(record));
  };
  const patch = (current: SessionRecord, change: SessionPatch) => {
    const next = applySessionPatch(current, change);
    if (claimsName(current, next)) assertNameFree(named(next.name), next);
    write(next, current.state);
    return next;
  };

  // IMMEDIATE takes the write lock up front, so read-modify-write cycles never interleave.
  const insert = once(() => db.transaction((record: SessionRecord) => add(record)));
  const update = once(() => db.transaction((id: string, change: SessionPatch) => {
    const current = decode(selectOne().get(id));
    return current ? patch(current, change) : undefined;
  }));
  const mutate = once(() => db.transaction((id: string, change: (current: SessionRecord) => SessionPatch | undefined) => {
    const current = decode(selectOne().get(id));
    if (!current) return undefined;
    const delta = change(current);
    return delta === undefined ? current : patch(current, delta);
  }));
  const upsert = once(() => db.transaction((record: SessionRecord, change: SessionPatch) => {
    const current = decode(selectOne().get(record.id));
    if (!current) {
      add(record);
      return record;
    }
    return patch(current, change);
  }));

  // The host server answers every ls, send and attach with the whole list: it is read again only after a
  // write, this connection's (counted here) or another's (SQLite's data_version moves on their commits).
  const dataVersion = statement<{ data_version: number }, []>("PRAGMA data_version");
  let writes = 0;
  let listed: { readonly version: number; readonly writes: number; readonly records: readonly SessionRecord[] } | undefined;
  const list = (): SessionRecord[] => {
    const version = dataVersion().get()?.data_version ?? -1;
    if (listed?.version !== version || listed.writes !== writes) listed = { version, writes, records: selectAll().all().map((r) => JSON.parse(r.data) as SessionRecord) };
    return [...listed.records];
  };
  // Counted once the write is over (committed or not): a list read inside a mutate's callback is not kept past it.
  const writing = <T>(fn: () => T): T => {
    try {
      return guard(fn);
    } finally {
      writes++;
    }
  };

  return {
    insert: (record) => writing(() => insert().immediate(record)),
    get: (id) => guard(() => decode(selectOne().get(id))),
    list: () => guard(list),
    update: (id, change) => writing(() => update().immediate(id, change)),
    mutate: (id, change) => writing(() => mutate().immediate(id, change)),
    upsert: (record, change) => writing(() => upsert().immediate(record, change)),
    remove: (id) => writing(() => deleteRow().run(id).changes > 0),
    close: () => db.close(),
  };
}

/** The value `make` returns, made on the first call only. */
function once<T>(make: () => T): () => T {
  let made: { readonly value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}
