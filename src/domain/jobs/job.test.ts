import { describe, expect, test } from "bun:test";
import { isRemoteError } from "../errors.ts";
import {
  CANCELLED,
  EVENT_TARGET,
  JOB_EVENT_TYPES,
  JOB_STATES,
  canMove,
  createJob,
  holdsSlot,
  isFinal,
  transition,
  type JobEvent,
  type JobEventType,
  type JobRecord,
  type JobState,
} from "./job.ts";

const t0 = new Date("2026-01-01T00:00:00.000Z");
const t1 = new Date("2026-01-01T00:05:00.000Z");

const base = createJob(
  { id: "j1", profile: "claude", task: "fix the tests", headless: true, cwd: "/w/wt", originCwd: "/w", depthBudget: 2, seq: 7, jobDir: "/w/.remote/jobs/j1", maxConcurrent: 4 },
  t0,
);
const inState = (state: JobState): JobRecord => ({ ...base, state });

const sample: Record<JobEventType, JobEvent> = {
  start: { type: "start" },
  throttle: { type: "throttle", signature: "claude:rate-limit", attempts: 1, nextRetryAt: new Date("2026-01-01T00:06:00.000Z") },
  resume: { type: "resume" },
  succeed: { type: "succeed" },
  fail: { type: "fail", reason: "exit code 2", exitCode: 2 },
  cancel: { type: "cancel" },
};

// The spec's machine, written out by hand so the table in job.ts is checked, not copied.
const legal = new Set([
  "pending:start",
  "pending:cancel",
  "running:throttle",
  "running:succeed",
  "running:fail",
  "running:cancel",
  "throttled:resume",
  "throttled:cancel",
]);

describe("every (state, event) pair", () => {
  for (const state of JOB_STATES) {
    for (const event of JOB_EVENT_TYPES) {
      const to = EVENT_TARGET[event];
      if (legal.has(`${state}:${event}`)) {
        test(`${state} --${event}--> ${to}`, () => {
          const next = transition(inState(state), sample[event], t1);
          expect(next.state).toBe(to);
        });
      } else {
        test(`${state} --${event}--> refused`, () => {
          let caught: unknown;
          try {
            transition(inState(state), sample[event], t1);
          } catch (error) {
            caught = error;
          }
          expect(isRemoteError(caught)).toBe(true);
          if (!isRemoteError(caught)) return;
          expect(caught.code).toBe("ILLEGAL_TRANSITION");
          expect(caught.kind).toBe("conflict");
          expect(caught.message).toBe(`Cannot ${event} job 'j1': ${state} → ${to} is not allowed`);
          expect(caught.hint).toBeString();
        });
      }
    }
  }
});

describe("every (from, to) state pair", () => {
  const moves = new Set(["pending>running", "pending>failed", "running>throttled", "running>done", "running>failed", "throttled>running", "throttled>failed"]);
  for (const from of JOB_STATES) {
    for (const to of JOB_STATES) {
      test(`${from} → ${to}: ${moves.has(`${from}>${to}`) ? "legal" : "illegal"}`, () => {
        expect(canMove(from, to)).toBe(moves.has(`${from}>${to}`));
      });
    }
  }
});

describe("what each transition records", () => {
  test("a new job is pending with its creation time", () => {
    expect(base.state).toBe("pending");
    expect(base.createdAt).toBe(t0.toISOString());
    expect(base.seq).toBe(7);
  });

  test("start stamps startedAt", () => {
    expect(transition(base, sample.start, t1).startedAt).toBe(t1.toISOString());
  });

  test("throttle counts attempts and keeps the first throttle time across resumes", () => {
    const running = transition(base, sample.start, t0);
    const first = transition(running, sample.throttle, t1);
    expect(first.throttle).toEqual({ attempts: 1, firstAt: t1.toISOString(), nextRetryAt: "2026-01-01T00:06:00.000Z", lastSignature: "claude:rate-limit", lastAt: t1.toISOString() });
    const later = new Date("2026-01-01T01:00:00.000Z");
    const again = transition(transition(first, sample.resume, later), { type: "throttle", signature: "claude:overloaded", attempts: 2, nextRetryAt: later }, later);
    expect(again.throttle).toEqual({ attempts: 2, firstAt: t1.toISOString(), nextRetryAt: later.toISOString(), lastSignature: "claude:overloaded", lastAt: later.toISOString() });
  });

  test("a throttle keeps the line it was detected by, and only the latest one", () => {
    const line = "API Error: Request rejected (429) · slow down";
    const first = transition(inState("running"), { type: "throttle", signature: "claude:rate-limit", attempts: 1, nextRetryAt: t1, line }, t1);
    expect(first.throttle?.lastLine).toBe(line);
    const again = transition(transition(first, sample.resume, t1), sample.throttle, t1);
    expect(again.throttle?.lastLine).toBeUndefined();
  });

  test("succeed records exit code 0 and the end", () => {
    const done = transition(inState("running"), sample.succeed, t1);
    expect(done).toMatchObject({ state: "done", exitCode: 0, endedAt: t1.toISOString() });
    expect(done.failReason).toBeUndefined();
  });

  test("fail records reason and exit code; without an exit code none is invented", () => {
    expect(transition(inState("running"), sample.fail, t1)).toMatchObject({ state: "failed", failReason: "exit code 2", exitCode: 2 });
    const noCode = transition(inState("running"), { type: "fail", reason: "spawn failed" }, t1);
    expect("exitCode" in noCode).toBe(false);
  });

  test("cancel fails with reason cancelled from pending, running and throttled", () => {
    for (const state of ["pending", "running", "throttled"] as const) {
      expect(transition(inState(state), sample.cancel, t1)).toMatchObject({ state: "failed", failReason: CANCELLED, endedAt: t1.toISOString() });
    }
  });

  test("transition never mutates its input", () => {
    const before = structuredClone(base);
    transition(base, sample.start, t1);
    expect(base).toEqual(before);
  });

  test("final states and slots", () => {
    expect(JOB_STATES.filter(isFinal)).toEqual(["done", "failed"]);
    expect(JOB_STATES.filter(holdsSlot)).toEqual(["running", "throttled"]);
  });

  test("a refusal from a final state says so in the hint", () => {
    expect(() => transition(inState("done"), sample.cancel, t1)).toThrow(/done → failed is not allowed/);
    try {
      transition(inState("done"), sample.cancel, t1);
    } catch (error) {
      expect(isRemoteError(error) && error.hint).toContain("final");
    }
  });

  test("createJob refuses a bad seq", () => {
    expect(() => createJob({ ...base, seq: -1 }, t0)).toThrow(/seq -1/);
  });
});
