import { describe, expect, test } from "bun:test";
import { BACKOFF_CAP_MS, delayMs, nextRetry } from "./backoff.ts";
import type { JobThrottle } from "./job.ts";

const now = new Date("2026-01-01T00:00:00.000Z");
const throttled = (attempts: number, lastSignature = "claude:rate-limit"): { throttle: JobThrottle } => ({
  throttle: { attempts, firstAt: now.toISOString(), nextRetryAt: now.toISOString(), lastSignature },
});

describe("delayMs = random * min(cap, base * 2^attempt)", () => {
  test.each([
    [0, 1, 60_000],
    [1, 1, 120_000],
    [2, 1, 240_000],
    [4, 1, 960_000],
    [5, 1, BACKOFF_CAP_MS], // 32 min is over the 30 min cap
    [20, 1, BACKOFF_CAP_MS],
    [3, 0.5, 240_000],
    [3, 0, 0],
  ])("attempt %p, random %p -> %p ms", (attempt, random, expected) => {
    expect(delayMs(attempt, random)).toBe(expected);
  });

  test("custom base and cap", () => {
    expect(delayMs(3, 1, 1000, 5000)).toBe(5000);
    expect(delayMs(1, 0.25, 1000, 5000)).toBe(500);
  });

  test("a random outside [0, 1] is clamped, never negative or over the window", () => {
    expect(delayMs(0, -3)).toBe(0);
    expect(delayMs(0, 7)).toBe(60_000);
    expect(delayMs(0, Number.NaN)).toBe(60_000);
  });
});

describe("nextRetry", () => {
  test("a first throttle waits within the first window", () => {
    expect(nextRetry({}, { now, random: 0.5 })).toEqual({ kind: "retry", attempts: 1, nextRetryAt: new Date("2026-01-01T00:00:30.000Z"), source: "backoff" });
  });

  test("the window doubles with each attempt", () => {
    const decision = nextRetry(throttled(2), { now, random: 1 });
    expect(decision).toEqual({ kind: "retry", attempts: 3, nextRetryAt: new Date("2026-01-01T00:04:00.000Z"), source: "backoff" });
  });

  test("a reset time in the future beats the formula", () => {
    const resetAt = new Date("2026-01-01T03:00:00.000Z");
    expect(nextRetry(throttled(1), { now, random: 0, resetAt })).toEqual({ kind: "retry", attempts: 2, nextRetryAt: resetAt, source: "reset" });
  });

  test("a reset time in the past (or now) is ignored", () => {
    for (const resetAt of [new Date("2025-12-31T23:00:00.000Z"), now]) {
      expect(nextRetry({}, { now, random: 1, resetAt })).toMatchObject({ kind: "retry", source: "backoff", nextRetryAt: new Date("2026-01-01T00:01:00.000Z") });
    }
  });

  test("at most 6 retries, then give up naming the signature", () => {
    expect(nextRetry(throttled(5), { now, random: 1 })).toMatchObject({ kind: "retry", attempts: 6 });
    expect(nextRetry(throttled(6), { now, random: 1 })).toEqual({ kind: "give-up", attempts: 6, reason: "rate-limited (claude:rate-limit): gave up after 6 retries" });
    // a known reset does not buy more attempts
    expect(nextRetry(throttled(6), { now, random: 1, resetAt: new Date("2026-01-01T01:00:00Z") }).kind).toBe("give-up");
  });

  test("maxAttempts, base and cap are options", () => {
    expect(nextRetry(throttled(2), { now, random: 1, maxAttempts: 2 }).kind).toBe("give-up");
    expect(nextRetry(throttled(1), { now, random: 1, base: 1000, cap: 1500 })).toMatchObject({ nextRetryAt: new Date("2026-01-01T00:00:01.500Z") });
  });

  test("never mutates the job", () => {
    const job = throttled(1);
    const before = structuredClone(job);
    nextRetry(job, { now, random: 0.3 });
    expect(job).toEqual(before);
  });
});
