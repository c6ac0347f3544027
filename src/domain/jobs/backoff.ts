/**
 * When a throttled job tries again (SPEC §5): full-jitter exponential backoff,
 * `random() * min(cap, base * 2^attempt)`, at most `maxAttempts` throttles per job.
 * Full jitter spreads jobs throttled together over the whole window instead of
 * sending them back in a herd. A reset time the provider names beats the formula.
 */
import type { JobRecord } from "./job.ts";

export const BACKOFF_BASE_MS = 60_000;
export const BACKOFF_CAP_MS = 30 * 60_000;
export const MAX_THROTTLE_ATTEMPTS = 6;

/**
 * The delay before retry number `attempt` (0 for the first retry). `random` is a draw
 * in [0, 1]; values outside are clamped, so a bad source can never produce a negative
 * or over-cap wait.
 */
export function delayMs(attempt: number, random: number, base = BACKOFF_BASE_MS, cap = BACKOFF_CAP_MS): number {
  const window = Math.min(cap, base * 2 ** Math.max(0, attempt));
  const r = Number.isNaN(random) ? 1 : Math.min(1, Math.max(0, random));
  return Math.round(r * window);
}

export type RetryOptions = {
  readonly now: Date;
  /** A draw in [0, 1] from the RandomPort. */
  readonly random: number;
  /** @default 60_000 */
  readonly base?: number | undefined;
  /** @default 1_800_000 (30 min) */
  readonly cap?: number | undefined;
  /** @default 6 */
  readonly maxAttempts?: number | undefined;
  /** From detectThrottle: used instead of the formula when it lies in the future. */
  readonly resetAt?: Date | undefined;
};

export type RetryDecision =
  | { readonly kind: "retry"; readonly nextRetryAt: Date; readonly attempts: number; readonly source: "reset" | "backoff" }
  | { readonly kind: "give-up"; readonly reason: string; readonly attempts: number };

/**
 * What to do with a job that was just throttled (again). `attempts` in the answer is the
 * count including this throttle, ready for the "throttle" event of transition().
 */
export function nextRetry(job: Pick<JobRecord, "throttle">, options: RetryOptions): RetryDecision {
  const previous = job.throttle?.attempts ?? 0;
  const maxAttempts = options.maxAttempts ?? MAX_THROTTLE_ATTEMPTS;
  if (previous >= maxAttempts) {
    const signature = job.throttle?.lastSignature ? ` (${job.throttle.lastSignature})` : "";
    return { kind: "give-up", attempts: previous, reason: `rate-limited${signature}: gave up after ${maxAttempts} retries` };
  }
  const attempts = previous + 1;
  const now = options.now.getTime();
  if (options.resetAt !== undefined && options.resetAt.getTime() > now) {
    return { kind: "retry", attempts, nextRetryAt: new Date(options.resetAt.getTime()), source: "reset" };
  }
  const wait = delayMs(previous, options.random, options.base, options.cap);
  return { kind: "retry", attempts, nextRetryAt: new Date(now + wait), source: "backoff" };
}
