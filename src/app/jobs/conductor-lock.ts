/**
 * REMOTE_HOME/conductor.lock: at most one automatic conductor at a time. The file holds
 * its holder's ProcessIdentity ({pid, startTime}) and appears complete or not at all
 * (createFileAtomically: a link of a fully written temp file, which fails if the lock
 * exists). A lock whose holder is not alive (pid reuse is not alive) is stale: it is moved aside under a
 * unique name, and removed only if what was moved is that same stale lock; a fresh lock
 * moved by mistake is put back.
 */
import { linkSync, readFileSync, renameSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import type { RemotePaths } from "../../domain/config.ts";
import type { ProcessIdentity } from "../../domain/session.ts";
import type { AppDeps } from "../deps.ts";
import { createFileAtomically } from "../../shared/atomic-file.ts";

export const conductorLockPath = (paths: Pick<RemotePaths, "home">) => join(paths.home, "conductor.lock");
export const conductorLogPath = (paths: Pick<RemotePaths, "home">) => join(paths.home, "conductor.log");

type LockDeps = Pick<AppDeps, "process" | "random">;

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code;

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw error;
  }
}

function parseIdentity(text: string): ProcessIdentity | undefined {
  try {
    const parsed = JSON.parse(text) as Partial<ProcessIdentity>;
    return Number.isInteger(parsed.pid) && typeof parsed.startTime === "string" ? { pid: parsed.pid as number, startTime: parsed.startTime } : undefined;
  } catch {
    return undefined;
  }
}

/** The identity the lock names; undefined when there is no lock (or it names nobody). */
export function lockHolder(path: string): ProcessIdentity | undefined {
  const text = readText(path);
  return text === undefined ? undefined : parseIdentity(text);
}

const sameIdentity = (a: ProcessIdentity | undefined, b: ProcessIdentity) => a !== undefined && a.pid === b.pid && a.startTime === b.startTime;

/** Whether the lock still names `self` (it may have been taken over, or its folder removed). */
export const holdsLock = (path: string, self: ProcessIdentity): boolean => sameIdentity(lockHolder(path), self);

export type TakeResult = { readonly taken: true; readonly staleFrom?: ProcessIdentity | undefined } | { readonly taken: false; readonly holder?: ProcessIdentity | undefined };

/**
 * Takes the lock for `self` unless a live process holds it. Never creates REMOTE_HOME:
 * without it there are no jobs to conduct (and a conductor outliving a removed home
 * must not bring it back).
 */
export function takeLock(deps: LockDeps, path: string, self: ProcessIdentity): TakeResult {
  const unique = `${path}.${self.pid}.${deps.random.id(8)}`;
  let staleFrom: ProcessIdentity | undefined;
  // A few rounds: each either takes the lock, finds a live holder, or clears one stale lock.
  for (let round = 0; round < 5; round++) {
    try {
      if (createFileAtomically(path, `${JSON.stringify(self)}\n`, 0o600)) return { taken: true, staleFrom };
    } catch (error) {
      if (errorCode(error) === "ENOENT") return { taken: false };
      throw error;
    }
    const text = readText(path);
    if (text === undefined) continue; // released meanwhile
    const holder = parseIdentity(text);
    if (holder !== undefined && deps.process.isAlive(holder)) return { taken: false, holder };
    staleFrom = holder;
    clearStale(path, text, `${unique}.stale`);
  }
  return { taken: false, holder: lockHolder(path) };
}

/** Moves the lock aside; deletes it if it is the stale one we read, else puts it back. */
function clearStale(path: string, staleText: string, aside: string) {
  try {
    renameSync(path, aside);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return; // someone else cleared it
    throw error;
  }
  if (readText(aside) !== staleText) {
    // A contender took the lock after the stale one was cleared: it is theirs, restore it.
    // (If a third one got in meanwhile, the displaced holder sees it on its next check and stops.)
    try {
      linkSync(aside, path);
    } catch (error) {
      if (errorCode(error) !== "EEXIST") throw error;
    }
  }
  unlinkSync(aside);
}

/** Removes the lock if it is still ours. */
export function releaseLock(path: string, self: ProcessIdentity): void {
  if (!holdsLock(path, self)) return;
  try {
    unlinkSync(path);
  } catch (error) {
    if (errorCode(error) !== "ENOENT") throw error;
  }
}
