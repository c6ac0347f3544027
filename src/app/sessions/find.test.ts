import { expect, test } from "bun:test";
import type { ProcessIdentity, SessionRecord } from "../../domain/session.ts";
import { findSession, listSessions } from "./find.ts";

const record = (id: string, host: ProcessIdentity): SessionRecord => ({ id, name: id, profile: "shell", command: "/bin/sh", args: [], cwd: "/", source: "run", state: "running", host, clients: 0, createdAt: "2026-12-01T00:00:00.000Z", meta: {} });

test("a listing looks at each host process once, however many sessions it hosts, and still tells a dead host's sessions apart", () => {
  const server = { pid: 100, startTime: "boot:1" };
  const gone = { pid: 200, startTime: "boot:2" };
  const records = [record("a", server), record("b", server), record("c", gone), record("d", server), record("e", gone)];
  const asked: number[] = [];
  const isAlive = (who: ProcessIdentity) => (asked.push(who.pid), who.pid === server.pid);
  const listed = listSessions({ store: () => ({ list: () => records }) as never, process: { isAlive } as never });
  expect(listed.map((s) => [s.id, s.view])).toEqual([["a", "running"], ["b", "running"], ["c", "lost"], ["d", "running"], ["e", "lost"]]);
  expect(asked.sort()).toEqual([100, 200]);
});

test("finding a session by name looks only at the hosts of the records that bear the name, and answers as the listing would", () => {
  const server = { pid: 100, startTime: "boot:1" };
  const gone = { pid: 200, startTime: "boot:2" };
  const other = { pid: 300, startTime: "boot:3" };
  const records = [record("a", server), { ...record("b", gone), name: "dup" }, { ...record("c", server), name: "dup" }, record("d", other)];
  const asked: number[] = [];
  const isAlive = (who: ProcessIdentity) => (asked.push(who.pid), who.pid !== gone.pid);
  const deps = { store: () => ({ list: () => records }) as never, process: { isAlive } as never };
  const found = findSession(deps, "dup");
  // The live one of the two named dup; the others' hosts are never looked at.
  expect([found.id, found.view]).toEqual(["c", "running"]);
  expect([...new Set(asked)].sort()).toEqual([100, 200]);
  expect(listSessions(deps).find((s) => s.id === found.id)?.view).toBe(found.view);
});
