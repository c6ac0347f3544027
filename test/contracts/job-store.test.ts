/** The JobStorePort contract, run on the SQLite store and on the memory store. */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryJobStore } from "../../src/adapters/store/memory-job-store.ts";
import { createSqliteJobStore } from "../../src/adapters/store/sqlite-job-store.ts";
import { transition } from "../../src/domain/jobs/job.ts";
import type { JobStorePort } from "../../src/domain/ports.ts";

const t0 = new Date("2026-01-01T00:00:00.000Z");
const t1 = new Date("2026-01-01T00:01:00.000Z");
const fields = (id: string, maxConcurrent = 100) => ({ id, profile: "claude", task: `task ${id}`, headless: true, cwd: "/w", originCwd: "/w", depthBudget: 2, jobDir: `/w/.remote/jobs/${id}`, maxConcurrent });

function jobStoreContract(name: string, open: () => { store: JobStorePort; done: () => void }) {
  describe(`${name} job store`, () => {
    const withStore = (fn: (s: JobStorePort) => void) => () => {
      const { store, done } = open();
      try {
        fn(store);
      } finally {
        done();
      }
    };

    test("insert assigns increasing seq and records the job pending", withStore((s) => {
      expect(s.insert(fields("a"), t0)).toMatchObject({ id: "a", state: "pending", seq: 1, createdAt: t0.toISOString() });
      expect(s.insert(fields("b"), t0).seq).toBe(2);
      expect(() => s.insert(fields("a"), t0)).toThrow();
      expect(s.get("a")?.task).toBe("task a");
      expect(s.get("zz")).toBeUndefined();
      expect(s.list().map((j) => j.id)).toEqual(["a", "b"]);
      expect(s.counts()).toEqual({ pending: 2, running: 0, throttled: 0, done: 0, failed: 0 });
    }));

    test("claimNext: oldest first, under the cap and the head's own cap, onlyId only for the head", withStore((s) => {
      for (const id of ["a", "b", "c"]) s.insert(fields(id, id === "b" ? 1 : 100), t0);
      expect(s.claimNext({ cap: 5, now: t0, token: "x", onlyId: "c" })).toBeUndefined();
      expect(s.claimNext({ cap: 5, now: t0, token: "t1" })).toMatchObject({ id: "a", state: "running", claim: { token: "t1", at: t0.toISOString() }, launches: 1, startedAt: t0.toISOString() });
      // b allows one slot holder, and a holds it: b waits, and c waits behind b.
      expect(s.claimNext({ cap: 5, now: t0, token: "t2" })).toBeUndefined();
      s.mutate("a", (cur) => transition(cur, { type: "succeed", exitCode: 0 }, t1));
      expect(s.claimNext({ cap: 5, now: t1, token: "t3" })?.id).toBe("b");
      expect(s.claimNext({ cap: 1, now: t1, token: "t4" })).toBeUndefined();
      expect(s.list({ states: ["running"] }).map((j) => j.id)).toEqual(["b"]);
    }));

    test("claimNext reads a clock only when it claims (claim times follow claim order across processes)", withStore((s) => {
      s.insert(fields("a"), t0);
      let reads = 0;
      const clock = () => (reads++, t1);
      expect(s.claimNext({ cap: 5, now: clock, token: "t1" })).toMatchObject({ id: "a", startedAt: t1.toISOString(), claim: { at: t1.toISOString() } });
      expect(reads).toBe(1);
      expect(s.claimNext({ cap: 5, now: clock, token: "t2" })).toBeUndefined();
      expect(reads).toBe(1);
    }));

    test("removeEnded deletes only a done or failed job", withStore((s) => {
      for (const id of ["a", "b", "c"]) s.insert(fields(id), t0);
      s.claimNext({ cap: 5, now: t0, token: "t" });
      expect(s.removeEnded("a")).toBe(false); // running
      expect(s.removeEnded("b")).toBe(false); // pending
      expect(s.removeEnded("zz")).toBe(false);
      s.mutate("a", (cur) => transition(cur, { type: "succeed", exitCode: 0 }, t1));
      s.mutate("b", (cur) => transition(cur, { type: "cancel" }, t1));
      expect(s.removeEnded("a")).toBe(true);
      expect(s.removeEnded("b")).toBe(true);
      expect(s.removeEnded("a")).toBe(false);
      expect(s.list().map((j) => j.id)).toEqual(["c"]);
      expect(s.counts()).toEqual({ pending: 1, running: 0, throttled: 0, done: 0, failed: 0 });
    }));

    test("mutate applies the state machine, keeps id and seq, and logs throttles", withStore((s) => {
      s.insert(fields("a"), t0);
      expect(() => s.mutate("a", (cur) => ({ ...cur, seq: 9 }))).toThrow(/may not alter its id or seq/);
      expect(() => s.mutate("a", (cur) => transition(cur, { type: "succeed" }, t1))).toThrow(/Cannot succeed job 'a': pending → done is not allowed/);
      expect(s.get("a")?.state).toBe("pending");
      expect(s.mutate("zz", (cur) => cur)).toBeUndefined();
      expect(s.mutate("a", () => undefined)?.state).toBe("pending");
      s.claimNext({ cap: 1, now: t0, token: "t" });
      s.mutate("a", (cur) => transition(cur, { type: "throttle", signature: "claude:rate-limit", attempts: 1, nextRetryAt: t1 }, t1));
      expect(s.throttleTimes(t0)).toEqual([t1]);
      expect(s.throttleTimes(t1)).toEqual([]);
      expect(s.counts().throttled).toBe(1);
    }));

    test("admission state round-trips", withStore((s) => {
      expect(s.admission()).toBeUndefined();
      s.saveAdmission({ cap: 3, lastPassAt: t1.toISOString() });
      expect(s.admission()).toEqual({ cap: 3, lastPassAt: t1.toISOString() });
    }));
  });
}

jobStoreContract("memory", () => ({ store: createMemoryJobStore(), done: () => {} }));
jobStoreContract("sqlite", () => {
  const dir = mkdtempSync(join(tmpdir(), "job-store-"));
  const store = createSqliteJobStore({ path: join(dir, "remote.db") });
  return { store, done: () => (store.close(), rmSync(dir, { recursive: true, force: true })) };
});
