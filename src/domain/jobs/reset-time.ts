/**
 * When a provider says the limit lifts, read off its rate-limit message. The shapes the
 * real CLIs print (see throttle.ts for the pinned versions):
 *   claude  "You've hit your session limit · resets 3pm (Europe/Paris)"
 *           "… · resets Jan 5, 3:30pm (Europe/Paris)" (another day; the year only when it differs)
 *           older: "Claude AI usage limit reached|1767283200" (epoch seconds)
 *   codex   "… or try again at 6:14 AM." / "… try again at Nov 27th, 2026 5:14 AM." (the
 *           machine's local zone, which the message does not name: the caller's timeZone)
 *   gemini  "Access resets at 3:04 PM UTC." (Intl short zone name), "Please retry in 41.6s."
 *   openai  "Please try again in 20ms."
 * Pure: `now` and the fallback zone are arguments.
 */

/** An IANA name, or a fixed offset for "GMT+2" style names that Intl may not accept. */
type Zone = { readonly iana: string } | { readonly offsetMinutes: number };
type Wall = { readonly year: number; readonly month: number; readonly day: number; readonly hour: number; readonly minute: number };

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const KEY = String.raw`(?:resets?(?:\s+at)?|reset\s+after|(?:re)?try(?:\s+again)?\s+at|available(?:\s+again)?\s+at)`;
const CLOCK = new RegExp(
  String.raw`\b${KEY}\s+` +
    String.raw`(?:(?<mon>${MONTHS.join("|")})[a-z]*\.?\s+(?<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?:(?<year>\d{4}),?\s+)?(?:at\s+)?)?` +
    String.raw`(?<hour>\d{1,2})(?::(?<minute>\d{2}))?(?!\d)\s*(?<ampm>[ap]\.?m(?![a-z])\.?)?` +
    String.raw`(?:\s*\((?<paren>[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)*)\)|\s+(?<abbr>UTC|GMT)(?<off>[+-]\d{1,2}(?::?\d{2})?)?(?![a-z]))?`,
  "gi",
);
const ISO = new RegExp(
  String.raw`\b(?:${KEY}|until)\s*:?\s*(?<date>\d{4}-\d{2}-\d{2})[T ](?<time>\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(?<zone>Z|[+-]\d{2}:?\d{2})?`,
  "i",
);
const EPOCH = /usage limit reached\|(\d{10,13})(?!\d)/i;
const UNIT = String.raw`(?:milliseconds?|ms|minutes?|mins?|m|seconds?|secs?|s|hours?|hrs?|h|days?|d)(?![a-z])`;
const RELATIVE = new RegExp(String.raw`\b(?:(?:re)?try(?:\s+again)?|resets?)\s+(?:in|after)\s+((?:\d+(?:\.\d+)?\s*${UNIT}[\s,]*(?:and\s+)?)+)`, "i");
const PART = new RegExp(String.raw`(\d+(?:\.\d+)?)\s*(${UNIT})`, "gi");

export function isValidTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * The reset time a message names, or undefined. A bare clock time means its next
 * occurrence after `now`; a month and day without a year, the next such day.
 * `timeZone` (IANA, default "UTC"; an invalid one falls back to UTC) is used when the
 * message names no zone of its own.
 */
export function parseResetTime(text: string, now: Date, timeZone = "UTC"): Date | undefined {
  const zone: Zone = { iana: isValidTimeZone(timeZone) ? timeZone : "UTC" };
  return fromEpoch(text) ?? fromIso(text, zone) ?? fromClock(text, now, zone) ?? fromRelative(text, now);
}

function fromEpoch(text: string): Date | undefined {
  const digits = EPOCH.exec(text)?.[1];
  if (digits === undefined) return undefined;
  const value = Number(digits);
  return new Date(digits.length > 10 ? value : value * 1000);
}

function fromIso(text: string, zone: Zone): Date | undefined {
  const g = ISO.exec(text)?.groups;
  if (!g?.date || !g.time) return undefined;
  if (g.zone) {
    const parsed = Date.parse(`${g.date}T${g.time}${g.zone.length === 5 ? `${g.zone.slice(0, 3)}:${g.zone.slice(3)}` : g.zone}`);
    return Number.isNaN(parsed) ? undefined : new Date(parsed);
  }
  const [year, month, day] = g.date.split("-").map(Number) as [number, number, number];
  const [hour, minute] = g.time.split(":").map(Number) as [number, number];
  const ms = fromWall({ year, month, day, hour, minute }, zone);
  return ms === undefined ? undefined : new Date(ms);
}

function fromClock(text: string, now: Date, fallback: Zone): Date | undefined {
  for (const match of text.matchAll(CLOCK)) {
    const g = match.groups ?? {};
    if (!g.minute && !g.ampm) continue; // "resets 3 times" is not a time
    let hour = Number(g.hour);
    const minute = g.minute ? Number(g.minute) : 0;
    if (minute > 59) continue;
    if (g.ampm) {
      if (hour < 1 || hour > 12) continue;
      hour = (hour % 12) + (g.ampm.toLowerCase().startsWith("p") ? 12 : 0);
    } else if (hour > 23) continue;
    const zone = zoneFrom(g.paren, g.abbr, g.off) ?? fallback;
    const at = g.mon ? onDay(g.mon, Number(g.day), g.year, hour, minute, now, zone) : nextClock(hour, minute, now, zone);
    if (at !== undefined) return new Date(at);
  }
  return undefined;
}

function nextClock(hour: number, minute: number, now: Date, zone: Zone): number | undefined {
  const today = wallOf(now.getTime(), zone);
  for (let offset = 0; offset <= 2; offset++) {
    const day = addDays(today, offset);
    const at = fromWall({ ...day, hour, minute }, zone);
    if (at !== undefined && at > now.getTime()) return at;
  }
  return undefined;
}

function onDay(mon: string, day: number, year: string | undefined, hour: number, minute: number, now: Date, zone: Zone): number | undefined {
  const month = MONTHS.indexOf(mon.slice(0, 3).toLowerCase()) + 1;
  if (year !== undefined) return fromWall({ year: Number(year), month, day, hour, minute }, zone);
  const thisYear = wallOf(now.getTime(), zone).year;
  const at = fromWall({ year: thisYear, month, day, hour, minute }, zone);
  if (at !== undefined && at > now.getTime()) return at;
  return fromWall({ year: thisYear + 1, month, day, hour, minute }, zone);
}

function fromRelative(text: string, now: Date): Date | undefined {
  const spec = RELATIVE.exec(text)?.[1];
  if (spec === undefined) return undefined;
  let ms = 0;
  for (const [, amount, unit] of spec.matchAll(PART)) ms += Number(amount) * unitMs((unit as string).toLowerCase());
  return new Date(now.getTime() + Math.round(ms));
}

function unitMs(unit: string): number {
  if (unit === "ms" || unit.startsWith("milli")) return 1;
  if (unit.startsWith("s")) return 1000;
  if (unit.startsWith("m")) return 60_000;
  if (unit.startsWith("h")) return 3_600_000;
  return 86_400_000;
}

function zoneFrom(paren: string | undefined, abbr: string | undefined, off: string | undefined): Zone | undefined {
  if (paren !== undefined) return isValidTimeZone(paren) ? { iana: paren } : undefined;
  if (abbr === undefined) return undefined;
  if (off === undefined) return { iana: "UTC" };
  const [, sign, h, m] = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(off) ?? [];
  const minutes = Number(h) * 60 + Number(m ?? 0);
  return { offsetMinutes: sign === "-" ? -minutes : minutes };
}

/** The wall-clock date and time in `zone` at instant `ms`. */
function wallOf(ms: number, zone: Zone): Wall {
  if ("offsetMinutes" in zone) return utcWall(ms + zone.offsetMinutes * 60_000);
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone.iana,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
  }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get("year"), month: get("month"), day: get("day"), hour: get("hour") % 24, minute: get("minute") };
}

function utcWall(ms: number): Wall {
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() };
}

const wallMs = (w: Wall) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
const addDays = (w: Wall, days: number): Wall => utcWall(Date.UTC(w.year, w.month - 1, w.day + days, w.hour, w.minute));

/** The instant whose wall clock in `zone` reads `w`; undefined for a date that does not exist (Feb 30). */
function fromWall(w: Wall, zone: Zone): number | undefined {
  const target = wallMs(w);
  const check = utcWall(target);
  if (check.month !== w.month || check.day !== w.day) return undefined;
  if ("offsetMinutes" in zone) return target - zone.offsetMinutes * 60_000;
  // Two rounds settle the offset except inside a DST gap, where the later instant is fine.
  let guess = target - (wallMs(wallOf(target, zone)) - target);
  guess = target - (wallMs(wallOf(guess, zone)) - guess);
  return guess;
}
