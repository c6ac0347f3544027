import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemorySessionStore } from "../../src/adapters/store/memory-store.ts";
import { createSqliteSessionStore } from "../../src/adapters/store/sqlite-store.ts";
import { createSnapshotStore } from "../../src/adapters/store/snapshot-store.ts";
import type { SessionStorePort } from "../../src/domain/ports.ts";
import type { SessionRecord } from "../../src/domain/session.ts";

const record = (id: string, over: Partial<SessionRecord> = {}): SessionRecord => ({
  id,
  name: `n-${id}`,
  profile: "shell",
  command: "/bin/bash",
  args: [],
  cwd: "/tmp",
  source: "run",
  state: "running",
  clients: 0,
  createdAt: `2026-01-01T00:00:0${id.length % 10}.000Z`,
  meta: {},
  ...over,
});

function storeContract(name: string, open: () => { store: SessionStorePort; done: () => void }) {
  describe(`${name} session store`, () => {
    const withStore = (fn: (s: SessionStorePort) => void) => () => {
      const { store, done } = open();
      try {
        fn(store);
      } finally {
        done();
      }
    };

    test("insert, get, list, remove", withStore((s) => {
      s.insert(record("a"));
      s.insert(record("bb"));
      expect(s.get("a")?.name).toBe("n-a");
      expect(s.list().map((r) => r.id)).toEqual(["a", "bb"]);
      expect(s.remove("a")).toBe(true);
      expect(s.remove("a")).toBe(false);
      expect(s.get("a")).toBeUndefined();
    }));

    test("update merges a patch; undefined deletes a field; unknown id is undefined", withStore((s) => {
      s.insert(record("a", { pid: 5 }));
      expect(s.update("a", { state: "exited", exitCode: 3, pid: undefined })).toMatchObject({ state: "exited", exitCode: 3 });
      expect(s.get("a")?.pid).toBeUndefined();
      expect(s.update("zz", { clients: 1 })).toBeUndefined();
    }));

    test("a live name is unique; an exited session frees its name", withStore((s) => {
      s.insert(record("a", { name: "demo" }));
      expect(() => s.insert(record("b", { name: "demo" }))).toThrow(/already has that name/);
      expect(() => s.update("a", { name: "demo" })).not.toThrow();
      s.insert(record("c", { name: "other" }));
      expect(() => s.update("c", { name: "demo" })).toThrow(/already has that name/);
      s.update("a", { state: "exited" });
      expect(() => s.insert(record("b", { name: "demo" }))).not.toThrow();
    }));

    test("a final record is never made running again: the write is refused and nothing changes", withStore((s) => {
      s.insert(record("a", { name: "demo", state: "starting" }));
      expect(s.update("a", { state: "failed", reason: "host not ready within 100 ms" })?.state).toBe("failed");
      // The late host: its whole patch is refused, not just the state.
      expect(() => s.update("a", { state: "running", pid: 77 })).toThrow(/Cannot mark session 'demo' running: it has already ended \(failed: host not ready/);
      expect(() => s.mutate("a", () => ({ state: "starting" }))).toThrow(/ILLEGAL|already ended/);
      expect(s.get("a")).toMatchObject({ state: "failed", reason: "host not ready within 100 ms" });
      expect(s.get("a")?.pid).toBeUndefined();
      // Fields other than the state may still change (the launcher noting the host it killed).
      expect(s.update("a", { clients: 0, host: { pid: 1, startTime: "x" } })?.state).toBe("failed");
      // Its name is free for a new session.
      expect(() => s.insert(record("b", { name: "demo", state: "starting" }))).not.toThrow();
    }));

    test("exited is final for a run session; a hook session revives only if its name is free", withStore((s) => {
      s.insert(record("r", { state: "running" }));
      s.update("r", { state: "exited", exitCode: 0 });
      expect(() => s.update("r", { state: "running" })).toThrow(/already ended \(exited\(0\)\)/);
      s.insert(record("h", { source: "hook", name: "claude-x", state: "exited" }));
      s.insert(record("other", { name: "claude-x", state: "running" }));
      expect(() => s.update("h", { state: "running" })).toThrow(/already has that name/);
      s.update("other", { state: "exited" });
      expect(s.update("h", { state: "running" })?.state).toBe("running");
    }));

    test("upsert inserts, then patches", withStore((s) => {
      expect(s.upsert(record("h", { source: "hook" }), { state: "exited" }).state).toBe("running");
      expect(s.upsert(record("h", { source: "hook" }), { state: "exited" }).state).toBe("exited");
      expect(s.list()).toHaveLength(1);
    }));
  });
}

storeContract("memory", () => ({ store: createMemorySessionStore(), done: () => {} }));
storeContract("sqlite", () => {
  const dir = mkdtempSync(join(tmpdir(), "remote-store-"));
  const store = createSqliteSessionStore({ path: join(dir, "remote.db") });
  return { store, done: () => (store.close(), rmSync(dir, { recursive: true, force: true })) };
});

// A snapshot of an empty store: its first write opens the real one, and the contract holds from there.
storeContract("snapshot over sqlite", () => {
  const dir = mkdtempSync(join(tmpdir(), "remote-store-"));
  const store = createSnapshotStore([], () => createSqliteSessionStore({ path: join(dir, "remote.db") }));
  return { store, done: () => (store.close(), rmSync(dir, { recursive: true, force: true })) };
});

test("snapshot: reads come from the records given until the first write, then from the store itself", () => {
  const real = createMemorySessionStore();
  real.insert(record("a", { name: "stored" }));
  let opened = 0;
  const store = createSnapshotStore([record("a", { name: "snapshot" }), record("bb")], () => (opened++, real));
  expect(store.get("a")?.name).toBe("snapshot");
  expect(store.list().map((r) => r.id)).toEqual(["a", "bb"]);
  expect(store.get("zz")).toBeUndefined();
  expect(opened).toBe(0);
  // The write is decided on what is stored, and what it wrote is read back.
  expect(store.update("a", { clients: 3 })).toMatchObject({ name: "stored", clients: 3 });
  expect(store.get("a")).toMatchObject({ name: "stored", clients: 3 });
  expect(store.list().map((r) => r.id)).toEqual(["a"]);
  expect(opened).toBe(1);
});

test("sqlite: concurrent writer processes lose no update", async () => {
  const dir = mkdtempSync(join(tmpdir(), "remote-store-"));
  try {
    const path = join(dir, "remote.db");
    createSqliteSessionStore({ path }).close();
    const writer = join(import.meta.dir, "store-writer.ts");
    const procs = Array.from({ length: 8 }, (_, w) => Bun.spawn([process.execPath, writer, path, String(w), "40"], { stderr: "pipe" }));
    const codes = await Promise.all(procs.map((p) => p.exited));
    expect(codes).toEqual(procs.map(() => 0));
    const store = createSqliteSessionStore({ path });
    expect(store.list()).toHaveLength(8 * 40 + 1);
    // Every writer also bumped its own field of one shared record: all 8 fields survive.
    const shared = store.get("shared");
    for (let w = 0; w < 8; w++) expect(shared?.meta[`w${w}`]).toBe(40);
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("sqlite: two handles racing: whoever marks the session failed first wins, the late running write is refused", () => {
  const dir = mkdtempSync(join(tmpdir(), "remote-store-"));
  try {
    const path = join(dir, "remote.db");
    const launcher = createSqliteSessionStore({ path });
    const host = createSqliteSessionStore({ path });
    launcher.insert(record("s1", { state: "starting" }));
    // The host read the record while it was starting...
    expect(host.get("s1")?.state).toBe("starting");
    launcher.update("s1", { state: "failed", reason: "host not ready within 5 ms" });
    // ...but its write is decided on what is stored now, not on what it read.
    expect(() => host.update("s1", { state: "running", pid: 9 })).toThrow(/already ended/);
    expect(launcher.get("s1")).toMatchObject({ state: "failed", reason: "host not ready within 5 ms" });
    launcher.close();
    host.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("sqlite: the database and its -wal/-shm files are private (0600), whatever the umask", () => {
  const dir = mkdtempSync(join(tmpdir(), "remote-store-"));
  const old = process.umask(0o022);
  try {
    const path = join(dir, "remote.db");
    const store = createSqliteSessionStore({ path });
    store.insert({ id: "m1", name: "m1", profile: "shell", command: "/bin/bash", args: [], cwd: "/", source: "run", state: "running", clients: 0, createdAt: new Date(0).toISOString(), meta: {} });
    for (const file of [path, `${path}-wal`, `${path}-shm`]) expect({ file, mode: statSync(file).mode & 0o777 }).toEqual({ file, mode: 0o600 });
    store.close();
  } finally {
    process.umask(old);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("sqlite: a list kept between reads still shows every write, this handle's and another's (process)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "remote-store-list-"));
  const path = join(dir, "remote.db");
  const host = createSqliteSessionStore({ path });
  const other = createSqliteSessionStore({ path });
  try {
    host.insert(record("a"));
    expect(host.list().map((r) => [r.id, r.state])).toEqual([["a", "running"]]);
    // Another handle's commits (a CLI's `stop`, `rename`): seen at the next list.
    other.update("a", { state: "exited" });
    expect(host.list().map((r) => [r.id, r.state])).toEqual([["a", "exited"]]);
    other.insert(record("bb"));
    expect(host.list().map((r) => r.id)).toEqual(["a", "bb"]);
    // And its own writes.
    host.update("bb", { name: "renamed" });
    expect(host.list().map((r) => r.name)).toEqual(["n-a", "renamed"]);
    host.remove("a");
    expect(host.list().map((r) => r.id)).toEqual(["bb"]);
    // Another process entirely.
    const child = Bun.spawn([process.execPath, "-e", `const { createSqliteSessionStore } = await import(${JSON.stringify(join(import.meta.dir, "../../src/adapters/store/sqlite-store.ts"))}); createSqliteSessionStore({ path: ${JSON.stringify(path)} }).update("bb", { clients: 3 });`]);
    expect(await child.exited).toBe(0);
    expect(host.list().map((r) => r.clients)).toEqual([3]);
    // A list read inside a write's own callback is not what the next list shows.
    host.mutate("bb", () => (host.list(), { clients: 4 }));
    expect(host.list().map((r) => r.clients)).toEqual([4]);
    // What a caller does with the list it got changes nothing kept.
    (host.list() as SessionRecord[]).length = 0;
    expect(host.list().map((r) => r.id)).toEqual(["bb"]);
  } finally {
    host.close();
    other.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
