import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { detectThrottle, rulesFor, tailLines } from "./throttle.ts";

const now = new Date("2026-11-25T03:31:54Z");
const detect = (profile: string, output: string, timeZone?: string) => detectThrottle(profile, output, { now, timeZone });
const golden = (name: string) => readFileSync(join(import.meta.dir, "../../../test/fixtures/throttle", name), "utf8");

describe("real CLI output captured against a local fake API (test/fixtures/throttle)", () => {
  test.each([
    ["claude", "claude-2.1.197-api-key-429.txt", "claude:rate-limit", undefined],
    ["claude", "claude-2.1.197-529.txt", "claude:overloaded", undefined],
    ["codex", "codex-0.169.0-exec-429.txt", "codex:rate-limit", undefined],
    ["codex", "codex-0.169.0-exec-usage-limit.txt", "codex:usage-limit", "2026-11-27T05:31:00.000Z"],
    ["gemini", "gemini-0.61.0-429-retryable.txt", "gemini:rate-limit", undefined],
    ["gemini", "gemini-0.61.0-429-terminal.txt", "gemini:quota", "2026-11-25T03:38:34.000Z"],
    ["opencode", "opencode-1.18.33-run-429-anthropic.txt", "opencode:rate-limit", undefined],
    ["opencode", "opencode-1.18.33-run-429-openai.txt", "opencode:rate-limit", "2026-11-25T03:31:56.000Z"],
    ["opencode", "opencode-1.18.33-run-429-plain.txt", "opencode:rate-limit", undefined],
    ["opencode", "opencode-1.18.33-run-529-anthropic.txt", "opencode:overloaded", undefined],
  ])("%s %s -> %s", (profile, file, signature, resetAt) => {
    const hit = detect(profile, golden(file));
    expect(hit?.signature).toBe(signature);
    expect(hit?.resetAt?.toISOString()).toBe(resetAt);
  });
});

describe("every pinned shape, per profile", () => {
  test.each([
    ["claude", "API Error: Request rejected (429) · This request would exceed the rate limit for your organization of 50 requests per minute.", "claude:rate-limit"],
    ["claude", "API Error: Server is temporarily limiting requests (not your usage limit) · this may be a temporary capacity issue.", "claude:rate-limit"],
    ["claude", 'API Error: 429 {"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"}}', "claude:rate-limit"],
    ["claude", "  ⎿  API Error: Request rejected (429) · slow down", "claude:rate-limit"],
    ["claude", 'API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}', "claude:overloaded"],
    ["claude", "API Error: Repeated 529 Overloaded errors. The API is at capacity — this is usually temporary. Try again in a moment.", "claude:overloaded"],
    ["claude", "You've hit your session limit · resets 3pm (Europe/Paris)", "claude:usage-limit"],
    ["claude", "You’ve hit your org's monthly usage limit", "claude:usage-limit"],
    ["claude", "Claude usage limit reached. Your limit will reset at 3pm (Europe/Paris).", "claude:usage-limit"],
    ["claude", "Claude AI usage limit reached|1767283200", "claude:usage-limit"],
    ["claude", "5-hour limit reached ∙ resets 3pm", "claude:usage-limit"],
    ["claude", "Opus weekly limit reached ∙ resets Oct 6, 1pm", "claude:usage-limit"],
    ["codex", "ERROR: exceeded retry limit, last status: 429 Too Many Requests", "codex:rate-limit"],
    ["codex", "stream error: exceeded retry limit, last status: 429 Too Many Requests; retrying 5/5 in 3.1s…", "codex:rate-limit"],
    ["codex", "ERROR: rate limit exceeded: Rate limit reached for gpt-5 in organization org-x on tokens per min (TPM): Limit 30000. Please try again in 20ms.", "codex:rate-limit"],
    ["codex", "You've hit your usage limit. Upgrade to Plus to continue using Codex (https://chatgpt.com/explore/plus), or try again at 3:04 PM.", "codex:usage-limit"],
    ["codex", "ERROR: Quota exceeded. Check your plan and billing details.", "codex:quota"],
    ["codex", "ERROR: Selected model is at capacity. Please try a different model.", "codex:overloaded"],
    ["gemini", 'Attempt 1 failed with status 429. Retrying with backoff... _ApiError: {"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}}', "gemini:rate-limit"],
    ["gemini", "Quota exceeded for quota metric 'Gemini 2.5 Pro Requests' and limit 'Gemini 2.5 Pro Requests per day'", "gemini:quota"],
    ["gemini", "Usage limit reached for all Pro models.", "gemini:usage-limit"],
    ["gemini", "We are currently experiencing high demand for gemini-3-pro.", "gemini:overloaded"],
    ["agy", "RESOURCE_EXHAUSTED: Quota exceeded", "agy:rate-limit"],
    ["opencode", 'AI_APICallError: {"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}', "opencode:rate-limit"],
    ["opencode", "AI_APICallError: Too Many Requests", "opencode:rate-limit"],
    ["mistral", "vibe.core.types.RateLimitError: Rate limits exceeded. Please wait a moment before trying again.", "mistral:rate-limit"],
    ["mistral", "Rate limits exceeded. Please wait a moment before trying again, or upgrade to Pro for higher rate limits and uninterrupted access.", "mistral:rate-limit"],
  ])("%s: %s", (profile, line, signature) => {
    expect(detect(profile, `working on it...\n${line}\n`)?.signature).toBe(signature);
  });

  test("case-insensitive", () => {
    expect(detect("codex", "error: EXCEEDED RETRY LIMIT, LAST STATUS: 429 too many requests")?.signature).toBe("codex:rate-limit");
    expect(detect("gemini", "resource_exhausted")?.signature).toBe("gemini:rate-limit");
  });

  test("ANSI colours and redrawn lines are stripped first", () => {
    expect(detect("claude", "\x1b[31mAPI Error:\x1b[0m Request rejected (429) · x")?.signature).toBe("claude:rate-limit");
    expect(detect("codex", "Reconnecting... 5/5\r\x1b[2KERROR: exceeded retry limit, last status: 429 Too Many Requests\r\n")?.line).toBe(
      "ERROR: exceeded retry limit, last status: 429 Too Many Requests",
    );
  });

  test("rules are per profile: another CLI's message is not this one's throttle", () => {
    expect(detect("claude", "ERROR: exceeded retry limit, last status: 429 Too Many Requests")).toBeUndefined();
    expect(detect("codex", "API Error: Request rejected (429) · x")).toBeUndefined();
    expect(rulesFor("shell")).toBe(rulesFor("no-such-cli"));
    expect(detect("opencode", "API Error: Request rejected (429) · x")).toBeUndefined();
  });
});

describe("reset times come with the match", () => {
  test("claude: the zone in parentheses", () => {
    expect(detect("claude", "You've hit your session limit · resets 3pm (Europe/Paris)")?.resetAt?.toISOString()).toBe("2026-11-25T14:00:00.000Z");
  });

  test("codex: the caller's zone", () => {
    const line = "ERROR: You’ve hit your usage limit. Visit https://chatgpt.com/settings/usage to purchase more credits or try again at 6:14 AM.";
    expect(detect("codex", line, "America/New_York")?.resetAt?.toISOString()).toBe("2026-11-25T11:14:00.000Z");
  });

  test("gemini: the reset is on the line after the match", () => {
    const out = "Usage limit reached for gemini-2.5-pro.\nAccess resets at 3:04 PM UTC.\n/stats model for usage details\n/model to switch models.";
    expect(detect("gemini", out)).toEqual({ signature: "gemini:usage-limit", line: "Usage limit reached for gemini-2.5-pro.", resetAt: new Date("2026-11-25T15:04:00.000Z") });
  });

  test("no reset time: none invented", () => {
    const hit = detect("claude", "API Error: Request rejected (429) · x");
    expect(hit).toBeDefined();
    expect(hit && "resetAt" in hit).toBe(false);
  });
});

describe("negatives: prose and old history are not throttles", () => {
  const prose = [
    "I added rate limiting to the API.",
    "The rate limit for this endpoint is 429 requests per minute.",
    "if (response.status === 429) { await sleep(retryAfter); }",
    "- Rate limit exceeded errors are now retried with backoff",
    "Handles `Too Many Requests` by backing off.",
    "When the API returns 429 Too Many Requests we retry.",
    "A usage limit reached event is logged, then the user sees a banner.",
    "Usage limit reached? Then the app shows a banner and retries later.",
    "Done: quota checks now happen before each request.",
    "The resource was exhausted so I freed some memory.",
    "- rate limit reached - resets the counter every minute",
    "Rate limit reached · resets are handled by the middleware",
    "This request would exceed the rate limit for your organization, so I batched the calls.",
    "Overloaded",
  ];
  for (const profile of ["claude", "codex", "gemini", "agy", "opencode", "mistral", "shell"]) {
    test(`${profile}: model prose that mentions rate limits`, () => {
      expect(detect(profile, prose.join("\n"))).toBeUndefined();
    });
  }

  test("a rate-limit message that is not in the last lines is history", () => {
    const old = "API Error: Request rejected (429) · x\n";
    const work = Array.from({ length: 30 }, (_, i) => `step ${i + 1} done`).join("\n");
    expect(detect("claude", old + work)).toBeUndefined();
    expect(detect("claude", old + work.split("\n").slice(1).join("\n"))?.signature).toBe("claude:rate-limit");
    expect(detectThrottle("claude", `${old}a\nb\nc`, { now, lastLines: 3 })).toBeUndefined();
  });

  test("blank lines do not push a message out of the window", () => {
    expect(detect("claude", `API Error: Request rejected (429) · x${"\n\n   \n".repeat(50)}`)?.signature).toBe("claude:rate-limit");
  });

  test("the ok answers of the real CLIs", () => {
    expect(detect("claude", "Hello! How can I help you today?\n")).toBeUndefined();
    expect(detect("codex", "OpenAI Codex v0.169.0\n--------\nuser\nhello\ncodex\nHi!\ntokens used\n1,234\n")).toBeUndefined();
  });
});

describe("continuedWith: what came before the echo of the continue prompt is history", () => {
  const message = "⎿  API Error: Request rejected (429) · This request would exceed the rate limit";
  const continued = (output: string) => detectThrottle("claude", output, { now, continuedWith: "continue" });

  test("the old message, printed again by a redraw before the echo, does not count", () => {
    expect(continued(`╭─ banner ─╮\n> go\n${message}\n> continue\nPicking up where we left off.\n>`)).toBeUndefined();
    expect(continued(`${message}\n│ > continue │\nworking...`)).toBeUndefined();
    expect(continued(`${message}\n› CONTINUE\n`)).toBeUndefined();
  });

  test("a new throttle after the echo counts; so does one with no echo at all", () => {
    expect(continued(`${message}\n> continue\nworking...\n${message}\n>`)?.signature).toBe("claude:rate-limit");
    expect(continued(`> go\n${message}\n>`)?.signature).toBe("claude:rate-limit");
  });

  test("only a line that is the prompt itself is an echo, not prose or hints that contain it", () => {
    expect(continued(`${message}\nPress Enter to continue\n>`)?.signature).toBe("claude:rate-limit");
    expect(continued(`${message}\n> continue with the tests\n`)?.signature).toBe("claude:rate-limit");
    // Without the option the old message counts, echo or not.
    expect(detect("claude", `${message}\n> continue\nPicking up.`)?.signature).toBe("claude:rate-limit");
  });
});

describe("tailLines", () => {
  test("the last N non-empty lines, stripped", () => {
    expect(tailLines("a\n\n\x1b[1mb\x1b[0m\r\nc  \n\n", 2)).toEqual(["b", "c"]);
    expect(tailLines("a\nb", 0)).toEqual([]);
  });
});
