import { expect, test } from "bun:test";
import type { ProcessIdentity, SessionRecord } from "../../domain/session.ts";
import { listSessions } from "./find.ts";

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
