import { describe, expect, test } from "bun:test";
import { isValidTimeZone, parseResetTime } from "./reset-time.ts";

const at = (iso: string) => new Date(iso);
const parse = (text: string, now: string, tz?: string) => parseResetTime(text, at(now), tz)?.toISOString();

describe("clock times mean their next occurrence after now", () => {
  test.each([
    // [message, now, timeZone, expected]
    ["You've hit your session limit · resets 3pm (UTC)", "2026-01-01T10:00:00Z", undefined, "2026-01-01T15:00:00.000Z"],
    ["You've hit your session limit · resets 3pm (UTC)", "2026-01-01T16:00:00Z", undefined, "2026-01-02T15:00:00.000Z"],
    ["resets 3pm", "2026-01-01T15:00:00Z", undefined, "2026-01-02T15:00:00.000Z"], // not "now": after now
    ["5-hour limit reached ∙ resets 3:30am (Europe/Paris)", "2026-01-01T10:00:00Z", undefined, "2026-01-02T02:30:00.000Z"],
    ["resets 3pm (Europe/Paris)", "2026-07-01T10:00:00Z", undefined, "2026-07-01T13:00:00.000Z"], // summer time, +2
    ["resets 12am", "2026-01-01T10:00:00Z", undefined, "2026-01-02T00:00:00.000Z"],
    ["resets 12pm", "2026-01-01T10:00:00Z", undefined, "2026-01-01T12:00:00.000Z"],
    ["resets 15:00", "2026-01-01T10:00:00Z", undefined, "2026-01-01T15:00:00.000Z"],
    // codex names no zone: the machine's, which the caller passes
    ["ERROR: You’ve hit your usage limit. Visit https://chatgpt.com/settings/usage to purchase more credits or try again at 6:14 AM.", "2026-11-25T03:14:37Z", "America/New_York", "2026-11-25T11:14:00.000Z"],
    ["… or try again at 6:14 AM.", "2026-11-25T03:14:37Z", undefined, "2026-11-25T06:14:00.000Z"],
    ["Try again at 3:04 PM.", "2026-03-29T00:30:00Z", "Europe/Paris", "2026-03-29T13:04:00.000Z"], // the day clocks go forward
    // gemini: Intl short zone names
    ["Access resets at 3:04 PM UTC.", "2026-01-01T10:00:00Z", "Europe/Paris", "2026-01-01T15:04:00.000Z"],
    ["Access resets at 3:04 PM GMT+1.", "2026-01-01T10:00:00Z", undefined, "2026-01-01T14:04:00.000Z"],
    ["Access resets at 3:04 PM GMT-5:30.", "2026-01-01T10:00:00Z", undefined, "2026-01-01T20:34:00.000Z"],
    ["Access resets at 3:04 PM PST.", "2026-01-01T10:00:00Z", "America/Los_Angeles", "2026-01-01T23:04:00.000Z"], // unknown abbreviation: caller's zone
  ])("%p at %p (%p)", (text, now, tz, expected) => {
    expect(parse(text, now, tz)).toBe(expected);
  });
});

describe("dates", () => {
  test.each([
    ["try again at Nov 27th, 2026 5:14 AM.", "2026-11-25T03:14:37Z", undefined, "2026-11-27T05:14:00.000Z"],
    ["try again at Sep 1st, 2026 10:37 PM", "2026-08-26T22:43:19Z", "Asia/Taipei", "2026-09-01T14:37:00.000Z"],
    ["You've hit your weekly limit · resets Jan 5, 3pm (UTC)", "2026-12-30T10:00:00Z", undefined, "2027-01-05T15:00:00.000Z"],
    ["You've hit your weekly limit · resets Jan 5, 2027, 3:30pm (Europe/Paris)", "2026-12-30T10:00:00Z", undefined, "2027-01-05T14:30:00.000Z"],
    ["resets Oct 6, 1pm (UTC)", "2026-10-01T00:00:00Z", undefined, "2026-10-06T13:00:00.000Z"],
    ["try again at 2026-01-01T12:00:00Z", "2026-01-01T10:00:00Z", undefined, "2026-01-01T12:00:00.000Z"],
    ["try again at 2026-01-01T12:00:00+0200", "2026-01-01T08:00:00Z", undefined, "2026-01-01T10:00:00.000Z"],
    ["resets at 2026-01-01 12:00", "2026-01-01T08:00:00Z", "Europe/Paris", "2026-01-01T11:00:00.000Z"],
    ["Claude AI usage limit reached|1767283200", "2026-01-01T10:00:00Z", undefined, "2026-01-01T16:00:00.000Z"],
  ])("%p at %p (%p)", (text, now, tz, expected) => {
    expect(parse(text, now, tz)).toBe(expected);
  });
});

describe("relative delays", () => {
  test.each([
    ["* Quota exceeded for metric: x, limit: 10 Please retry in 41.6s.", "2026-01-01T10:00:41.600Z"],
    ["Rate limit reached for gpt-5 … Please try again in 20ms.", "2026-01-01T10:00:00.020Z"],
    ["Suggested retry after 60s.", "2026-01-01T10:01:00.000Z"],
    ["retry in 1h2m3s", "2026-01-01T11:02:03.000Z"],
    ["resets in 2 hours and 5 minutes", "2026-01-01T12:05:00.000Z"],
  ])("%p", (text, expected) => {
    expect(parse(text, "2026-01-01T10:00:00Z")).toBe(expected);
  });
});

describe("no reset time", () => {
  test.each([
    ["API Error: Request rejected (429) · This request would exceed the rate limit for your organization of 50 requests per minute."],
    ["resets 3 times a day"],
    ["resets 13pm"],
    ["resets 25:00"],
    ["resets 3:75pm"],
    ["try again at Feb 30th, 2026 5:14 AM."],
    ["try again later."],
    [""],
  ])("%p", (text) => {
    expect(parse(text, "2026-01-01T10:00:00Z")).toBeUndefined();
  });
});

describe("zones", () => {
  test("an invalid caller zone falls back to UTC", () => {
    expect(parse("resets 3pm", "2026-01-01T10:00:00Z", "Not/AZone")).toBe("2026-01-01T15:00:00.000Z");
  });

  test("an unknown zone in the message falls back to the caller's", () => {
    expect(parse("resets 3pm (Mars/Olympus_Mons)", "2026-01-01T10:00:00Z", "Europe/Paris")).toBe("2026-01-01T14:00:00.000Z");
  });

  test("isValidTimeZone", () => {
    expect(isValidTimeZone("Europe/Paris")).toBe(true);
    expect(isValidTimeZone("UTC")).toBe(true);
    expect(isValidTimeZone("Nope/Nowhere")).toBe(false);
  });
});
