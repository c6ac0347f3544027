import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ProcessPort } from "../../domain/ports.ts";
import type { ProcessIdentity } from "../../domain/session.ts";
import { holdsLock, lockHolder, releaseLock, takeLock } from "./conductor-lock.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A lock path in a fresh dir, and deps whose live processes are exactly `alive`. */
function setup(alive: ProcessIdentity[]) {
  const dir = mkdtempSync(join(tmpdir(), "conductor-lock-"));
  dirs.push(dir);
  let n = 0;
  const process = { isAlive: (who: ProcessIdentity) => alive.some((a) => a.pid === who.pid && a.startTime === who.startTime) } as ProcessPort;
  return { dir, path: join(dir, "conductor.lock"), deps: { process, random: { random: () => 0.5, id: () => `r${n++}` } } };
}

const me = { pid: 100, startTime: "boot:1" };
const other = { pid: 200, startTime: "boot:2" };

test("a free lock is taken with the holder's identity, 0600; released only by its holder", () => {
  const { dir, path, deps } = setup([me, other]);
  expect(takeLock(deps, path, me)).toEqual({ taken: true, staleFrom: undefined });
  expect(lockHolder(path)).toEqual(me);
  expect(statSync(path).mode & 0o777).toBe(0o600);
  expect(takeLock(deps, path, other)).toEqual({ taken: false, holder: me });
  releaseLock(path, other);
  expect(holdsLock(path, me)).toBe(true);
  releaseLock(path, me);
  expect(lockHolder(path)).toBeUndefined();
  expect(readdirSync(dir)).toEqual([]); // no temp files left behind
});

test("a lock whose holder is dead, or whose pid was reused, or that names nobody, is taken over", () => {
  for (const stale of [JSON.stringify(other), JSON.stringify({ pid: me.pid, startTime: "boot:0" }), "garbage"]) {
    const { dir, path, deps } = setup([me]);
    writeFileSync(path, stale);
    const took = takeLock(deps, path, me);
    expect(took.taken).toBe(true);
    expect(readFileSync(path, "utf8")).toBe(`${JSON.stringify(me)}\n`);
    expect(readdirSync(dir)).toEqual(["conductor.lock"]);
  }
});

test("without its folder (REMOTE_HOME removed) the lock is not taken, and the folder is not made again", () => {
  const { dir, deps } = setup([me]);
  const path = join(dir, "gone", "conductor.lock");
  expect(takeLock(deps, path, me)).toEqual({ taken: false });
  expect(readdirSync(dir)).toEqual([]);
});
