import type { Database } from "bun:sqlite";
import { nextToClaim, type AdmissionState } from "../../domain/jobs/admission.ts";
import { claimRun } from "../../domain/jobs/claim.ts";
import { createJob, type JobRecord, type JobState } from "../../domain/jobs/job.ts";
import { RemoteError } from "../../domain/errors.ts";
import type { JobStorePort } from "../../domain/ports.ts";
import { openSqliteDatabase } from "./sqlite-store.ts";

export type SqliteJobStoreOptions = {
  /** The session store's database file: jobs live beside sessions. */
  readonly path: string;
  /** @default 15000 */
  readonly busyTimeoutMs?: number;
};

const SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state, seq);
CREATE TABLE IF NOT EXISTS job_throttles (at TEXT NOT NULL, job_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS job_throttles_at ON job_throttles(at);
CREATE TABLE IF NOT EXISTS job_admission (k INTEGER PRIMARY KEY CHECK (k = 1), data TEXT NOT NULL);
`;

const ACTIVE: readonly JobState[] = ["pending", "running", "throttled"];
/** Throttles older than this no longer matter to the AIMD window (ten minutes); keep a day for people. */
const THROTTLE_LOG_KEEP_MS = 24 * 3600_000;

export function openJobDatabase(path: string, busyTimeoutMs?: number): Database {
  const db = openSqliteDatabase(path, busyTimeoutMs);
  db.run(SCHEMA);
  return db;
}

/** Maps lock timeouts to a clear error; a busy store never "writes anyway". */
export function guardStore<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof RemoteError) throw error;
    if (error instanceof Error && /SQLITE_BUSY|database is locked/i.test(error.message)) {
      throw new RemoteError("STORE_BUSY", `Cannot write the job store '${path}': another process held its lock too long`, "Try again; if it persists, look for a stuck `remote` process.", "unavailable");
    }
    if (error instanceof Error && /malformed|not a database|corrupt/i.test(error.message)) {
      throw new RemoteError("STORE_CORRUPT", `Cannot read the job store '${path}': ${error.message}`, `Move the file aside (mv '${path}' '${path}.broken') and run the command again.`, "corrupt");
    }
    throw error;
  }
}

/**
 * Jobs in the session store's SQLite file (WAL). Every write is an IMMEDIATE
 * transaction (the write lock is taken before reading), so a claim's count of slot
 * holders and its move pending → running commit together: two conductors or delegates
 * racing can never exceed the cap, and no state move is half done after a crash.
 */
export function createSqliteJobStore(options: SqliteJobStoreOptions): JobStorePort {
  const db = openJobDatabase(options.path, options.busyTimeoutMs);
  const guard = <T>(fn: () => T) => guardStore(options.path, fn);
  const decode = (row: { data: string } | null | undefined): JobRecord | undefined => (row ? (JSON.parse(row.data) as JobRecord) : undefined);

  const selectOne = db.query<{ data: string }, [string]>("SELECT data FROM jobs WHERE id = ?");
  const selectAll = db.query<{ data: string }, []>("SELECT data FROM jobs ORDER BY seq");
  const selectActive = db.query<{ data: string }, []>(`SELECT data FROM jobs WHERE state IN (${ACTIVE.map((s) => `'${s}'`).join(",")}) ORDER BY seq`);
  const insertRow = db.query<null, [string, string]>("INSERT INTO jobs (id, state, data) VALUES (?, ?, '{}')");
  const updateRow = db.query<null, [string, string, string]>("UPDATE jobs SET state = ?, data = ? WHERE id = ?");
  const logThrottle = db.query<null, [string, string]>("INSERT INTO job_throttles (at, job_id) VALUES (?, ?)");
  const selectThrottles = db.query<{ at: string }, [string]>("SELECT at FROM job_throttles WHERE at > ? ORDER BY at");
  const pruneThrottles = db.query<null, [string]>("DELETE FROM job_throttles WHERE at < ?");
  const selectAdmission = db.query<{ data: string }, []>("SELECT data FROM job_admission WHERE k = 1");
  const saveAdmissionRow = db.query<null, [string]>("INSERT OR REPLACE INTO job_admission (k, data) VALUES (1, ?)");
  const deleteEnded = db.query<null, [string]>("DELETE FROM jobs WHERE id = ? AND state IN ('done', 'failed')");
  const countRows = db.query<{ state: JobState; n: number }, []>("SELECT state, count(*) AS n FROM jobs GROUP BY state");
  const byStates = new Map<string, ReturnType<typeof db.query<{ data: string }, string[]>>>();

  const list = (states?: readonly JobState[]): JobRecord[] => {
    if (states === undefined) return selectAll.all().map((r) => JSON.parse(r.data) as JobRecord);
    const key = [...states].sort().join(",");
    if (key === [...ACTIVE].sort().join(",")) return selectActive.all().map((r) => JSON.parse(r.data) as JobRecord);
    let q = byStates.get(key);
    if (q === undefined) {
      q = db.query<{ data: string }, string[]>(`SELECT data FROM jobs WHERE state IN (${states.map(() => "?").join(",")}) ORDER BY seq`);
      byStates.set(key, q);
    }
    return q.all(...states).map((r) => JSON.parse(r.data) as JobRecord);
  };

  const write = (before: JobRecord, next: JobRecord) => {
    if (next.id !== before.id || next.seq !== before.seq) {
      throw new RemoteError("INVALID_JOB", `Cannot update job '${before.id}': a change may not alter its id or seq`, "This is a bug in the caller.", "internal");
    }
    updateRow.run(next.state, JSON.stringify(next), next.id);
    // Every move into throttled is logged, for the AIMD window (same transaction as the move).
    if (before.state !== "throttled" && next.state === "throttled") logThrottle.run(next.throttle?.lastAt ?? next.throttle?.firstAt ?? new Date(0).toISOString(), next.id);
    return next;
  };

  const insert = db.transaction((fields: Parameters<JobStorePort["insert"]>[0], now: Date) => {
    const seq = Number(insertRow.run(fields.id, "pending").lastInsertRowid);
    const job = createJob({ ...fields, seq }, now);
    updateRow.run(job.state, JSON.stringify(job), job.id);
    return job;
  });
  const mutate = db.transaction((id: string, change: (current: JobRecord) => JobRecord | undefined) => {
    const current = decode(selectOne.get(id));
    if (current === undefined) return undefined;
    const next = change(current);
    return next === undefined ? current : write(current, next);
  });
  const claimNext = db.transaction((input: Parameters<JobStorePort["claimNext"]>[0]) => {
    const head = nextToClaim(list(ACTIVE), input.cap, input.onlyId);
    if (head === undefined) return undefined;
    return write(head, claimRun(head, "start", input.token, typeof input.now === "function" ? input.now() : input.now));
  });
  const saveAdmission = db.transaction((state: AdmissionState) => {
    saveAdmissionRow.run(JSON.stringify(state));
    if (state.lastPassAt !== undefined) pruneThrottles.run(new Date(Date.parse(state.lastPassAt) - THROTTLE_LOG_KEEP_MS).toISOString());
  });

  return {
    insert: (fields, now) => guard(() => insert.immediate(fields, now)),
    get: (id) => guard(() => decode(selectOne.get(id))),
    list: (filter) => guard(() => list(filter?.states)),
    mutate: (id, change) => guard(() => mutate.immediate(id, change)),
    claimNext: (input) => guard(() => claimNext.immediate(input)),
    removeEnded: (id) => guard(() => deleteEnded.run(id).changes > 0),
    throttleTimes: (since) => guard(() => selectThrottles.all(since.toISOString()).map((r) => new Date(r.at))),
    counts: () =>
      guard(() => {
        const counts: Record<JobState, number> = { pending: 0, running: 0, throttled: 0, done: 0, failed: 0 };
        for (const row of countRows.all()) counts[row.state] = row.n;
        return counts;
      }),
    admission: () => guard(() => {
      const row = selectAdmission.get();
      return row ? (JSON.parse(row.data) as AdmissionState) : undefined;
    }),
    saveAdmission: (state) => guard(() => saveAdmission.immediate(state)),
    close: () => db.close(),
  };
}
