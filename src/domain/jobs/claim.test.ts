import { describe, expect, test } from "bun:test";
import { claimRun, holdsClaim, isAbandoned, isLaunched } from "./claim.ts";
import { createJob, type JobRecord } from "./job.ts";

const t0 = new Date("2026-01-01T00:00:00.000Z");
const t1 = new Date("2026-01-01T00:00:10.000Z");
const pending = createJob({ id: "j1", profile: "claude", task: "fix it", headless: true, cwd: "/w/wt", originCwd: "/w", depthBudget: 2, seq: 1, jobDir: "/w/.remote/jobs/j1", maxConcurrent: 4 }, t0);
const identity = { pid: 42, startTime: "99" };

describe("the claim rule", () => {
  test("start moves pending → running under the token and counts the launch", () => {
    const started = claimRun(pending, "start", "a", t0);
    expect(started).toMatchObject({ state: "running", startedAt: t0.toISOString(), claim: { token: "a", at: t0.toISOString() }, launches: 1 });
    expect(holdsClaim(started, "a")).toBe(true);
    expect(holdsClaim(started, "b")).toBe(false);
    expect(holdsClaim(started, undefined)).toBe(false);
    expect(() => claimRun(started, "start", "b", t1)).toThrow(/running → running is not allowed/);
  });

  test("resume forgets the previous run's processes and session unless told to keep them", () => {
    const throttled: JobRecord = { ...claimRun(pending, "start", "a", t0), state: "throttled", runner: identity, agent: identity, sessionId: "s1", watchOffset: 7 };
    const resumed = claimRun(throttled, "resume", "b", t1);
    expect(resumed).toMatchObject({ state: "running", claim: { token: "b" }, launches: 2 });
    expect([resumed.runner, resumed.agent, resumed.sessionId, resumed.watchOffset]).toEqual([undefined, undefined, undefined, undefined]);
    expect(claimRun(throttled, "resume", "b", t1, { sessionId: "s1", watchOffset: 99 })).toMatchObject({ sessionId: "s1", watchOffset: 99 });
    expect(holdsClaim(throttled, "a")).toBe(false); // throttled holds no run
  });

  test("a claim never launched is abandoned after its grace period, and only then", () => {
    const started = claimRun(pending, "start", "a", t0);
    expect(isLaunched(started)).toBe(false);
    expect(isAbandoned(started, t1, 10_000)).toBe(true);
    expect(isAbandoned(started, t1, 10_001)).toBe(false);
    expect(isAbandoned({ ...started, runner: identity }, t1, 0)).toBe(false);
    expect(isAbandoned(pending, t1, 0)).toBe(false);
    const interactive = { ...started, headless: false };
    expect(isLaunched({ ...interactive, runner: identity })).toBe(false);
    expect(isLaunched({ ...interactive, sessionId: "s1" })).toBe(true);
    const restarted = claimRun(started, "restart", "c", t1);
    expect(restarted).toMatchObject({ state: "running", claim: { token: "c", at: t1.toISOString() }, launches: 2, startedAt: t0.toISOString() });
  });
});
