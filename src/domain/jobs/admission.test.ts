import { describe, expect, test } from "bun:test";
import { dueThrottled, effectiveCap, initialAdmission, nextToClaim, pickJobsToStart, type AdmissionState } from "./admission.ts";
import type { JobRecord, JobState } from "./job.ts";

const T = (min: number) => new Date(Date.UTC(2026, 0, 1, 0, 0) + min * 60_000);
const pass = (state: AdmissionState, min: number, throttles: number[], configuredCap = 8) =>
  effectiveCap(state, { configuredCap, now: T(min), throttleTimes: throttles.map(T) });

describe("effectiveCap (AIMD)", () => {
  test("starts at the configured cap", () => {
    expect(initialAdmission(4)).toEqual({ cap: 4 });
    expect(initialAdmission(0)).toEqual({ cap: 1 });
  });

  test("two throttles within ten minutes halve the cap", () => {
    expect(pass({ cap: 8 }, 10, [5, 9]).cap).toBe(4);
  });

  test("halves once per burst, not on every pass while the burst ages out", () => {
    let s = pass({ cap: 8 }, 10, [5, 9]);
    expect(s.cap).toBe(4);
    s = pass(s, 11, [5, 9]); // nothing new: a clean pass
    expect(s.cap).toBe(5);
  });

  test("a new throttle while others are recent halves again", () => {
    let s = pass({ cap: 8 }, 10, [5, 9]);
    s = pass(s, 12, [5, 9, 11]);
    expect(s.cap).toBe(2);
  });

  test("a single new throttle with none other recent holds the cap", () => {
    expect(pass({ cap: 6, lastPassAt: T(0).toISOString() }, 20, [1, 19]).cap).toBe(6); // 1 is older than ten minutes
  });

  test("+1 per clean pass, never above the configured cap", () => {
    let s: AdmissionState = { cap: 2, lastPassAt: T(0).toISOString() };
    const caps: number[] = [];
    for (let min = 1; min <= 5; min++) {
      s = pass(s, min, [], 4);
      caps.push(s.cap);
    }
    expect(caps).toEqual([3, 4, 4, 4, 4]);
  });

  test("never below 1", () => {
    let s: AdmissionState = { cap: 1 };
    s = pass(s, 10, [8, 9]);
    expect(s.cap).toBe(1);
    expect(pass({ cap: 3 }, 10, [8, 9], 0).cap).toBe(1);
  });

  test("a lowered configured cap applies at once", () => {
    expect(pass({ cap: 8, lastPassAt: T(0).toISOString() }, 1, [], 3).cap).toBe(3);
  });

  test("records the pass time; throttles after it are the new ones", () => {
    const s = pass({ cap: 8 }, 10, []);
    expect(s.lastPassAt).toBe(T(10).toISOString());
    expect(pass(s, 11, [9, 10]).cap).toBe(8); // both at or before the last pass: clean
    expect(pass(s, 11, [9, 10.5]).cap).toBe(4);
  });

  test("throttle times in the future are ignored", () => {
    expect(pass({ cap: 8, lastPassAt: T(0).toISOString() }, 1, [5, 6]).cap).toBe(8);
  });
});

let seq = 0;
const job = (state: JobState, extra: Partial<JobRecord> = {}): JobRecord => ({
  id: `j${++seq}`,
  profile: "claude",
  task: "t",
  state,
  headless: true,
  cwd: "/w",
  originCwd: "/w",
  depthBudget: 2,
  createdAt: T(0).toISOString(),
  seq,
  jobDir: "/w/.remote/jobs/j",
  maxConcurrent: 8,
  ...extra,
});

describe("pickJobsToStart", () => {
  test("pending jobs start FIFO by seq, not by list order", () => {
    const jobs = [job("pending", { seq: 30, id: "c" }), job("pending", { seq: 10, id: "a" }), job("pending", { seq: 20, id: "b" })];
    expect(pickJobsToStart(jobs, 2).map((j) => j.id)).toEqual(["a", "b"]);
  });

  test("running and throttled jobs hold slots; done and failed do not", () => {
    const jobs = [job("running"), job("throttled"), job("done"), job("failed"), job("pending", { id: "p1" }), job("pending", { id: "p2" })];
    expect(pickJobsToStart(jobs, 3).map((j) => j.id)).toEqual(["p1"]);
    expect(pickJobsToStart(jobs, 2)).toEqual([]);
  });

  test("over the cap (after a halving) starts nothing", () => {
    expect(pickJobsToStart([job("running"), job("running"), job("running"), job("pending")], 1)).toEqual([]);
  });

  test("nothing pending, nothing to start", () => {
    expect(pickJobsToStart([job("running")], 5)).toEqual([]);
  });
});

describe("dueThrottled", () => {
  const throttle = (min: number) => ({ attempts: 1, firstAt: T(0).toISOString(), nextRetryAt: T(min).toISOString() });

  test("throttled jobs whose nextRetryAt is now or past, earliest first", () => {
    const jobs = [
      job("throttled", { id: "late", throttle: throttle(9) }),
      job("throttled", { id: "now", throttle: throttle(5) }),
      job("throttled", { id: "early", throttle: throttle(1) }),
      job("throttled", { id: "future", throttle: throttle(6) }),
      job("running", { id: "running", throttle: throttle(1) }),
    ];
    expect(dueThrottled(jobs, T(5)).map((j) => j.id)).toEqual(["early", "now"]);
    expect(dueThrottled(jobs, T(10)).map((j) => j.id)).toEqual(["early", "now", "future", "late"]);
  });

  test("ties go FIFO", () => {
    const jobs = [job("throttled", { id: "b", seq: 2, throttle: throttle(1) }), job("throttled", { id: "a", seq: 1, throttle: throttle(1) })];
    expect(dueThrottled(jobs, T(2)).map((j) => j.id)).toEqual(["a", "b"]);
  });
});

describe("nextToClaim", () => {
  test("the oldest pending job, while slot holders are under the cap", () => {
    const jobs = [job("pending", { id: "b", seq: 20 }), job("running", { seq: 1 }), job("pending", { id: "a", seq: 10 })];
    expect(nextToClaim(jobs, 2)?.id).toBe("a");
    expect(nextToClaim(jobs, 1)).toBeUndefined();
  });

  test("a throttled job keeps its slot", () => {
    expect(nextToClaim([job("throttled", { seq: 1 }), job("pending", { seq: 2 })], 1)).toBeUndefined();
  });

  test("the head's own --max-concurrent binds too, and it blocks later jobs (strict FIFO)", () => {
    const jobs = [job("running", { seq: 1 }), job("pending", { id: "small", seq: 2, maxConcurrent: 1 }), job("pending", { id: "big", seq: 3, maxConcurrent: 8 })];
    expect(nextToClaim(jobs, 8)).toBeUndefined();
  });

  test("onlyId claims only when that job is the head", () => {
    const jobs = [job("pending", { id: "old", seq: 1 }), job("pending", { id: "new", seq: 2 })];
    expect(nextToClaim(jobs, 4, "new")).toBeUndefined();
    expect(nextToClaim(jobs, 4, "old")?.id).toBe("old");
  });
});
