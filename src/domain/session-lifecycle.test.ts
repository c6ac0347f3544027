import { describe, expect, test } from "bun:test";
import { assertTransition, canTransition, describeState, isFinal, storeRetryDelay, type SessionState } from "./session-lifecycle.ts";
import { viewReason, viewState, type SessionRecord } from "./session.ts";

const STATES: SessionState[] = ["starting", "running", "exited", "failed"];

describe("transitions", () => {
  test("a run session only moves forward: starting -> running -> exited, and to failed before it ends", () => {
    const allowed = STATES.flatMap((from) => STATES.filter((to) => from !== to && canTransition(from, to, "run")).map((to) => `${from}->${to}`));
    expect(allowed).toEqual(["starting->running", "starting->failed", "running->exited", "running->failed"]);
  });

  test("exited and failed are final: nothing brings them back to starting or running", () => {
    for (const from of STATES.filter(isFinal)) for (const to of ["starting", "running"] as const) expect(canTransition(from, to, "run")).toBe(false);
  });

  test("a hook-enrolled session revives when Claude resumes the conversation; a failed one does not", () => {
    expect(canTransition("exited", "running", "hook")).toBe(true);
    expect(canTransition("failed", "running", "hook")).toBe(false);
  });

  test("the refusal names the session and how it ended", () => {
    const failed = { id: "a", name: "demo", source: "run", state: "failed", reason: "host not ready within 100 ms" } as const;
    expect(() => assertTransition(failed, "running")).toThrow("Cannot mark session 'demo' running: it has already ended (failed: host not ready within 100 ms)");
    expect(() => assertTransition(failed, "failed")).not.toThrow();
  });
});

describe("describeState (the words of ls and stop)", () => {
  test.each([
    [{ state: "exited", exitCode: 0 }, "exited(0)"],
    [{ state: "exited", exitCode: null, signal: "SIGHUP" }, "killed(SIGHUP)"],
    [{ state: "exited", exitCode: null }, "exited(?)"],
    [{ state: "failed", reason: "host not ready within 10000 ms" }, "failed: host not ready within 10000 ms"],
    [{ state: "running" }, "running"],
    [{ state: "lost" }, "lost"],
  ])("%o -> %s", (s, words) => expect(describeState(s)).toBe(words));
});

describe("viewState", () => {
  const me = { pid: 10, startTime: "b:1" };
  const gone = { pid: 11, startTime: "b:2" };
  const alive = (who: { pid: number }) => who.pid === me.pid;
  const rec = (over: Partial<SessionRecord>) => ({ id: "s", name: "s", source: "run", state: "starting", clients: 0, meta: {}, ...over }) as SessionRecord;

  test("starting answers to its launcher until it has a host, then to the host", () => {
    expect(viewState(rec({ launcher: me }), alive)).toBe("starting");
    expect(viewState(rec({ launcher: gone }), alive)).toBe("lost");
    expect(viewState(rec({ launcher: gone, host: me }), alive)).toBe("starting");
    expect(viewState(rec({ launcher: me, host: gone }), alive)).toBe("lost");
  });

  test("a starting record that names no launcher (an older version's) and no host is lost", () => {
    expect(viewState(rec({}), alive)).toBe("lost");
  });

  test("final states are shown as stored, whatever the processes", () => {
    expect(viewState(rec({ state: "failed", reason: "x", host: me }), alive)).toBe("failed");
    expect(viewState(rec({ state: "exited", host: gone }), alive)).toBe("exited");
  });

  test("a hook session without an agent identity trusts its events", () => {
    expect(viewState(rec({ source: "hook", state: "running" }), alive)).toBe("running");
  });

  test("the reason says which process vanished", () => {
    expect(viewReason(rec({ launcher: gone }), "lost")).toMatch(/launching it is gone/);
    expect(viewReason(rec({ state: "running", host: gone }), "lost")).toMatch(/session host is gone without recording/);
    expect(viewReason(rec({ state: "failed", reason: "r" }), "failed")).toBe("r");
    expect(viewReason(rec({ state: "running", host: me }), "running")).toBeUndefined();
  });
});

describe("storeRetryDelay", () => {
  test("doubles from 100 ms, caps at 2 s, and stops at the budget", () => {
    expect([0, 1, 2, 3, 4, 5, 40].map((a) => storeRetryDelay(a, 0, 60_000))).toEqual([100, 200, 400, 800, 1600, 2000, 2000]);
    expect(storeRetryDelay(3, 59_950, 60_000)).toBe(50);
    expect(storeRetryDelay(0, 60_000, 60_000)).toBeUndefined();
  });
});
