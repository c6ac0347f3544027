/**
 * Is this job throttled by its provider? Read off the LAST lines of its output only
 * (an error the CLI died of is at the end; the same words earlier are history or model
 * prose), ANSI stripped, case-insensitive. A bare "rate limit" never matches: each rule
 * is a shape a real CLI prints, pinned from its npm package (strings on the bundle, and
 * the real CLI run against a local fake API answering 429/529):
 *
 * @anthropic-ai/claude-code 2.1.197 (stdout of `claude -p`):
 *   "API Error: Request rejected (429) · This request would exceed the rate limit for your organization of 50 requests per minute."
 *   "API Error: Server is temporarily limiting requests (not your usage limit) · …"
 *   "API Error: 529 Overloaded. This is a server-side issue, usually temporary — try again in a moment. …"
 *   "API Error: Repeated 529 Overloaded errors. The API is at capacity — …"
 *   "You've hit your session limit · resets 3pm (Europe/Paris)" (also weekly/Opus/Sonnet/usage limit)
 *   older releases: "API Error: 429 {…"type":"rate_limit_error"…}", "API Error: 529 {…"overloaded_error"…}",
 *   "Claude AI usage limit reached|<epoch>", "5-hour limit reached ∙ resets 3pm"
 * @openai/codex 0.169.0 (stderr of `codex exec`; note the typographic apostrophe):
 *   "ERROR: exceeded retry limit, last status: 429 Too Many Requests" (TUI: "stream error: … last status: 429 …")
 *   "ERROR: You’ve hit your usage limit. Upgrade to Pro (https://chatgpt.com/explore/pro), visit https://chatgpt.com/settings/usage to purchase more credits or try again at 6:14 AM."
 *   "ERROR: rate limit exceeded: Rate limit reached for gpt-5 in organization … Please try again in 20ms."
 *   "ERROR: Quota exceeded. Check your plan and billing details."
 *   "ERROR: Selected model is at capacity. Please try a different model."
 *   in the binary too: "Usage limit reached. You've reached your usage limit. Increase your limits to continue using codex."
 * @google/gemini-cli 0.61.0 (stderr of `gemini -p`):
 *   "Attempt 10 failed: Resource has been exhausted (e.g. check quota).. Max attempts reached"
 *   "Error when talking to Gemini API Full report available at: … RetryableQuotaError: Resource has been exhausted (e.g. check quota)."
 *   "… TerminalQuotaError: You exceeded your current quota, … * Quota exceeded for metric: …, limit: 0 Please retry in 400s."
 *   "Attempt 9 failed with status 429. … {"error":{"code":429,…,"status":"RESOURCE_EXHAUSTED"}}"
 *   interactive: "Usage limit reached for gemini-2.5-pro." + "Access resets at 3:04 PM UTC."
 * opencode-ai 1.18.33 (stderr of `opencode run`, after its retries): "Error: " and the provider's message:
 *   "Error: This request would exceed the rate limit for your organization of 50 requests per minute." (Anthropic 429)
 *   "Error: Rate limit reached for gpt-5 in organization org-x on tokens per min (TPM): …" (OpenAI 429)
 *   "Error: Too Many Requests: Too Many Requests" (a 429 with a plain body), "Error: Overloaded" (Anthropic 529)
 * mistral-vibe 2.18.4 (read off its source, vibe/core/types.py; `vibe -p` lets the exception
 * end the run with a traceback, the TUI shows the message):
 *   "vibe.core.types.RateLimitError: Rate limits exceeded. Please wait a moment before trying again."
 */
import { stripAnsi } from "../ansi.ts";
import { parseResetTime } from "./reset-time.ts";

export type ThrottleKind = "rate-limit" | "overloaded" | "usage-limit" | "quota";
export type ThrottleRule = { readonly kind: ThrottleKind; readonly pattern: RegExp };
export type ThrottleMatch = {
  /** `<profile>:<kind>`, e.g. "claude:rate-limit". */
  readonly signature: string;
  /** When the provider says the limit lifts; beats the backoff formula. */
  readonly resetAt?: Date | undefined;
  /** The line that matched (at most 500 characters), for logs and `jobs status`. */
  readonly line: string;
};
export type DetectOptions = {
  readonly now: Date;
  /** IANA zone for reset times the message names no zone for (codex prints local time). @default "UTC" */
  readonly timeZone?: string | undefined;
  /** @default 30 */
  readonly lastLines?: number | undefined;
  /**
   * The prompt typed into the CLI's open TUI to continue after an earlier throttle. A line
   * that is its echo (the prompt and TUI decoration only, e.g. "> continue") makes what
   * came before it history: a TUI that prints its transcript again (a redraw on resize)
   * shows the old message before it, a new throttle comes after it.
   */
  readonly continuedWith?: string | undefined;
};

export const DEFAULT_LAST_LINES = 30;
const MAX_LINE = 500;

/** Where a CLI's own error line starts: TUI decorations (⎿ ● │ ■ …) and an "ERROR:" tag, nothing a sentence has. */
const LEAD = String.raw`^[\s⎿●•·│■✕×⚠]*(?:error:\s*)?`;
const rule = (kind: ThrottleKind, source: string): ThrottleRule => ({ kind, pattern: new RegExp(source, "i") });

const CLAUDE: readonly ThrottleRule[] = [
  rule("rate-limit", String.raw`${LEAD}API Error:\s*(?:Request rejected \(429\)|429\b)`),
  rule("rate-limit", String.raw`${LEAD}(?:API Error:.*)?Server is temporarily limiting requests`),
  rule("overloaded", String.raw`${LEAD}API Error:\s*(?:529\b|Repeated 529 Overloaded errors)`),
  rule("usage-limit", String.raw`${LEAD}You['’]ve hit your [^·∙\n]{0,40}?limit\b`),
  // "Claude [AI] usage limit reached…"; a bare "Usage limit reached" only with the epoch claude appends (prose can start that way too).
  rule("usage-limit", String.raw`${LEAD}(?:Claude (?:AI )?usage limit reached\b|usage limit reached\|\d{9,})`),
  // "5-hour limit reached ∙ resets 3pm": only with a time after "resets", not prose about resets
  rule("usage-limit", String.raw`${LEAD}[\w']+(?:[ -][\w']+){0,3} limit reached\s*[∙·•]\s*resets\s+(?:[a-z]{3}[a-z]*\.?\s+)?\d`),
];

const CODEX: readonly ThrottleRule[] = [
  rule("rate-limit", String.raw`last status:\s*429\b`),
  rule("rate-limit", String.raw`${LEAD}(?:stream error:\s*)?rate limit exceeded:`),
  rule("rate-limit", String.raw`Rate limit reached for \S+ in organization`),
  rule("usage-limit", String.raw`${LEAD}You['’]ve (?:hit|reached) your usage limit`),
  rule("usage-limit", String.raw`${LEAD}Usage limit reached\.`),
  rule("quota", String.raw`${LEAD}Quota exceeded\. Check your plan and billing details`),
  rule("overloaded", String.raw`${LEAD}Selected model is at capacity`),
];

const GEMINI: readonly ThrottleRule[] = [
  rule("quota", String.raw`\bTerminalQuotaError\b`),
  rule("quota", String.raw`You have exhausted your daily quota`),
  rule("rate-limit", String.raw`\bRetryableQuotaError\b`),
  rule("rate-limit", String.raw`\bRESOURCE_EXHAUSTED\b`),
  rule("rate-limit", String.raw`Resource has been exhausted \(e\.g\. check quota\)`),
  rule("quota", String.raw`You exceeded your current quota|\bQuota exceeded for (?:metric|quota)\b|${LEAD}Quota exceeded\b`),
  rule("usage-limit", String.raw`${LEAD}Usage limit reached for\b`),
  rule("overloaded", String.raw`${LEAD}We are currently experiencing high demand for\b|exhausted your capacity|MODEL_CAPACITY_EXHAUSTED`),
];

/** Unpinned profiles (shell, any other): only shapes no sentence has. */
const GENERIC: readonly ThrottleRule[] = [
  rule("rate-limit", String.raw`"type"\s*:\s*"rate_limit_error"`),
  rule("overloaded", String.raw`"type"\s*:\s*"overloaded_error"`),
  rule("rate-limit", String.raw`\bRESOURCE_EXHAUSTED\b`),
  rule("rate-limit", String.raw`${LEAD}[\w.]*Error:\s*(?:429\s*)?Too Many Requests\b|(?:status|HTTP)[: ]*429 Too Many Requests\b`),
];

/** opencode's own error line: the provider's message after "Error: " (prose lacks that start). */
const OPENCODE: readonly ThrottleRule[] = [
  rule("rate-limit", String.raw`^\s*Error:\s*(?:Too Many Requests\b|This request would exceed the rate limit\b|Rate limit reached for \S+ in organization\b)`),
  rule("overloaded", String.raw`^\s*Error:\s*Overloaded\s*$`),
  ...GENERIC,
];

const MISTRAL: readonly ThrottleRule[] = [
  rule("rate-limit", String.raw`${LEAD}(?:[\w.]*RateLimitError:\s*)?Rate limits exceeded\. Please wait a moment before trying again`),
  ...GENERIC,
];

export const THROTTLE_RULES: Readonly<Record<string, readonly ThrottleRule[]>> = Object.freeze({
  claude: CLAUDE,
  codex: CODEX,
  gemini: GEMINI,
  opencode: OPENCODE,
  mistral: MISTRAL,
  // Antigravity talks to the same Google backend and prints its errors.
  agy: GEMINI,
});

export const rulesFor = (profile: string): readonly ThrottleRule[] => THROTTLE_RULES[profile] ?? GENERIC;

/** The last `count` non-empty lines, ANSI stripped; a lone CR (a redrawn line) ends a line too. */
export function tailLines(output: string, count = DEFAULT_LAST_LINES): string[] {
  const lines = stripAnsi(output.replace(/\r(?!\n)/g, "\n"))
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== "");
  return count <= 0 ? [] : lines.slice(-count);
}

/**
 * The provider throttle this output ends with, or undefined. The LAST matching line
 * wins (the most recent state); a reset time is read from that line or the lines after
 * it (gemini prints "Access resets at …" on the next line).
 */
export function detectThrottle(profile: string, output: string, options: DetectOptions): ThrottleMatch | undefined {
  const lines = sinceContinued(tailLines(output, options.lastLines ?? DEFAULT_LAST_LINES), options.continuedWith);
  const rules = rulesFor(profile);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] as string;
    const hit = rules.find((r) => r.pattern.test(line));
    if (hit === undefined) continue;
    const resetAt = firstReset(lines.slice(i), options);
    const match = { signature: `${profile}:${hit.kind}`, line: line.trim().slice(0, MAX_LINE) };
    return resetAt === undefined ? match : { ...match, resetAt };
  }
  return undefined;
}

/** The lines after the last echo of the continue prompt (all of them when there is none). */
function sinceContinued(lines: string[], prompt: string | undefined): string[] {
  if (prompt === undefined || prompt.trim() === "") return lines;
  const escaped = prompt.trim().replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const echo = new RegExp(String.raw`^[^\p{L}\p{N}]*${escaped}[^\p{L}\p{N}]*$`, "iu");
  for (let i = lines.length - 1; i >= 0; i--) if (echo.test(lines[i] as string)) return lines.slice(i + 1);
  return lines;
}

function firstReset(lines: readonly string[], options: DetectOptions): Date | undefined {
  for (const line of lines) {
    const at = parseResetTime(line, options.now, options.timeZone ?? "UTC");
    if (at !== undefined) return at;
  }
  return undefined;
}
