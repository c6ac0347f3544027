/**
 * The webhook notifier's request, ntfy-compatible (https://docs.ntfy.sh/publish/): the
 * message is the plain-text body, the rest travels in headers (Title, Tags, Priority).
 * Any other receiver gets a readable text POST. And when to try again: a 429 or 5xx or no
 * answer at all, after an exponential backoff capped at `capMs`.
 */
import type { Notification } from "./notification.ts";
import { plainText } from "./terminal-sequence.ts";

export type WebhookRequest = { readonly body: string; readonly headers: Readonly<Record<string, string>> };

/** Header values must be ISO-8859-1 without line breaks; ntfy reads RFC 2047 for the rest, which we avoid by keeping ASCII. */
const headerText = (text: string) => plainText(text).replace(/[^\x20-\x7e]/g, "?");

export function webhookRequest(notification: Notification): WebhookRequest {
  return {
    body: notification.body,
    headers: {
      "content-type": "text/plain; charset=utf-8",
      title: headerText(notification.title),
      tags: notification.tags.map(headerText).join(","),
      priority: String(notification.priority),
    },
  };
}

/** status 0: no answer (refused, timed out). */
export const isRetryable = (status: number): boolean => status === 0 || status === 408 || status === 429 || status >= 500;

/** Delay before retry `attempt` (0 = the first retry): base * 2^attempt, at most capMs. */
export const retryDelayMs = (attempt: number, baseMs: number, capMs: number): number => Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
