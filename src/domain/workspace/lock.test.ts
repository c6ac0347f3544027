import { describe, expect, test } from "bun:test";
import { acquireLock, checkHolder, publicLock, releaseLock } from "./lock.ts";

const t0 = new Date("2026-01-01T00:00:00.000Z");
const at = (ms: number) => new Date(t0.getTime() + ms);
const mine = { holder: "h-mine", owner: "me", ttlMs: 1000 };
const theirs = { holder: "h-theirs", owner: "them", ttlMs: 1000 };

describe("the workspace lock lease", () => {
  test("a free lock is taken; a live one is refused to others and renewed for its holder", () => {
    const first = acquireLock(undefined, mine, t0);
    expect(first).toEqual({ ok: true, lock: { holder: "h-mine", owner: "me", expiresAt: "2026-01-01T00:00:01.000Z" } });
    if (!first.ok) throw new Error("unreachable");
    expect(acquireLock(first.lock, theirs, at(500))).toEqual({ ok: false, heldBy: first.lock });
    expect(acquireLock(first.lock, mine, at(500))).toMatchObject({ ok: true, lock: { expiresAt: "2026-01-01T00:00:01.500Z" } });
  });

  test("an expired lock is taken by the next writer", () => {
    const first = acquireLock(undefined, mine, t0);
    if (!first.ok) throw new Error("unreachable");
    expect(acquireLock(first.lock, theirs, at(1000))).toMatchObject({ ok: true, lock: { holder: "h-theirs" } });
  });

  test("only a live lock of the same holder may write: expired means lost, even when nobody took it", () => {
    const first = acquireLock(undefined, mine, t0);
    if (!first.ok) throw new Error("unreachable");
    expect(checkHolder(first.lock, "h-mine", at(999))).toEqual({ ok: true });
    expect(checkHolder(first.lock, "h-mine", at(1000))).toEqual({ ok: false, reason: "expired", current: first.lock });
    expect(checkHolder(first.lock, "h-theirs", at(10))).toEqual({ ok: false, reason: "other", current: first.lock });
    expect(checkHolder(undefined, "h-mine", t0)).toEqual({ ok: false, reason: "none" });
  });

  test("release checks the holder: another's lock is never released", () => {
    const first = acquireLock(undefined, mine, t0);
    if (!first.ok) throw new Error("unreachable");
    expect(releaseLock(first.lock, "h-theirs")).toEqual({ ok: false });
    expect(releaseLock(undefined, "h-mine")).toEqual({ ok: false });
    expect(releaseLock(first.lock, "h-mine")).toEqual({ ok: true });
  });

  test("others see the owner and expiry of a live lock, never its holder token", () => {
    const first = acquireLock(undefined, mine, t0);
    if (!first.ok) throw new Error("unreachable");
    expect(publicLock(first.lock, t0)).toEqual({ owner: "me", expiresAt: first.lock.expiresAt });
    expect(publicLock(first.lock, at(1000))).toBeUndefined();
  });
});
