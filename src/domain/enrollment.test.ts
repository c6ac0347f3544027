import { describe, expect, test } from "bun:test";
import { applyHookEvent, byTime, enrolledSessionId, parseHookInput, type HookEvent } from "./enrollment.ts";
import type { SessionRecord } from "./session.ts";

const now = new Date("2026-11-27T10:00:00.000Z");
const agent = { pid: 4242, startTime: "boot:123" };
const start = (at: string, extra: Partial<HookEvent> = {}): HookEvent => ({ kind: "claude-start", claudeSessionId: "s-1", cwd: "/w", at, agent, ...extra });
const end = (at: string): HookEvent => ({ kind: "claude-end", claudeSessionId: "s-1", cwd: "/w", at });

/** Applies events the way the store does, returning the final record. */
function replay(events: HookEvent[], initial?: SessionRecord): SessionRecord | undefined {
  let record = initial;
  for (const e of events) {
    const effect = applyHookEvent(record, e);
    if ("insert" in effect) record = effect.insert;
    else if ("patch" in effect && record) record = { ...record, ...effect.patch } as SessionRecord;
  }
  return record;
}

describe("parseHookInput", () => {
  test("reads Claude Code's SessionStart input", () => {
    const e = parseHookInput("claude-start", JSON.stringify({ session_id: "abc-1", cwd: "/repo", transcript_path: "/t.jsonl", hook_event_name: "SessionStart", source: "resume" }), { now, fallbackCwd: "/here", agent });
    expect(e).toEqual({ kind: "claude-start", claudeSessionId: "abc-1", cwd: "/repo", at: now.toISOString(), transcriptPath: "/t.jsonl", detail: "resume", agent });
  });

  test("falls back to the hook's cwd", () => {
    expect(parseHookInput("claude-end", '{"session_id":"a","reason":"logout"}', { now, fallbackCwd: "/here" })).toMatchObject({ cwd: "/here", detail: "logout" });
  });

  test.each([
    ["", "stdin was empty"],
    ["{", "not JSON"],
    ["{}", "session_id"],
    ['{"session_id":"../../etc"}', "session_id"],
  ])("refuses %p (%s)", (text, why) => {
    expect(() => parseHookInput("claude-start", text, { now, fallbackCwd: "/" })).toThrow(expect.objectContaining({ code: "HOOK_INPUT_INVALID", message: expect.stringContaining(why) }));
  });
});

describe("applyHookEvent", () => {
  test("a start records a running hook session owned by the agent process", () => {
    const r = replay([start("2026-11-27T10:00:00.000Z")]);
    expect(r).toMatchObject({ id: enrolledSessionId("s-1"), name: "claude-s1", profile: "claude", source: "hook", state: "running", host: agent, pid: 4242, cwd: "/w" });
  });

  test("an end closes it; replaying both changes nothing", () => {
    const events = [start("2026-11-27T10:00:00.000Z"), end("2026-11-27T10:05:00.000Z")];
    const once = replay(events);
    expect(once).toMatchObject({ state: "exited", exitCode: null, endedAt: "2026-11-27T10:05:00.000Z" });
    for (const e of events) expect(applyHookEvent(once, e)).toEqual({ skip: true });
  });

  test("an end without a start still records the session, as exited", () => {
    expect(replay([end("2026-11-27T10:05:00.000Z")])).toMatchObject({ state: "exited", createdAt: "2026-11-27T10:05:00.000Z" });
  });

  test("a failed record is final even for Claude's events", () => {
    const failed = { ...replay([start("2026-11-27T10:00:00.000Z")])!, state: "failed", reason: "r" } as SessionRecord;
    expect(applyHookEvent(failed, start("2026-11-27T11:00:00.000Z"))).toEqual({ skip: true });
    expect(applyHookEvent(failed, end("2026-11-27T11:00:00.000Z"))).toEqual({ skip: true });
  });

  test("a later start (claude --resume) revives the session", () => {
    const r = replay([start("2026-11-27T10:00:00.000Z"), end("2026-11-27T10:05:00.000Z"), start("2026-11-27T11:00:00.000Z", { detail: "resume" })]);
    expect(r).toMatchObject({ state: "running", endedAt: undefined, meta: expect.objectContaining({ startSource: "resume" }) });
  });

  test("byTime puts a start before an end of the same instant", () => {
    const t = "2026-11-27T10:00:00.000Z";
    expect([end(t), start(t)].sort(byTime).map((e) => e.kind)).toEqual(["claude-start", "claude-end"]);
  });
});
