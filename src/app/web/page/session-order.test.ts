import { expect, test } from "bun:test";
import type { ApiSession } from "./api.ts";
import { badgeText, needsYouFirst, newlyNeedingYou, seenStates, shortAge } from "./session-order.ts";

const at = (minutesAgo: number) => new Date(Date.parse("2026-12-01T08:00:00.000Z") - minutesAgo * 60_000).toISOString();
const NOW = Date.parse("2026-12-01T08:00:00.000Z");
const session = (id: string, agent?: string, minutesAgo = 0, over: Partial<ApiSession> = {}): ApiSession => ({
  id,
  name: id,
  profile: "claude",
  state: "running",
  exitCode: null,
  clients: 0,
  createdAt: at(100),
  cwd: "/w",
  ...(agent ? { agent: { state: agent, since: at(minutesAgo) } } : {}),
  ...over,
});

test("who needs you first: approval, waiting (longest first), throttled, idle or unknown, working, starting, then ended", () => {
  const list = [
    session("working", "working", 1),
    session("ended", undefined, 0, { state: "exited", exitCode: 0 }),
    session("waiting-new", "waiting", 1),
    session("unknown"),
    session("approval", "needs-approval", 0),
    session("waiting-old", "waiting", 9),
    session("throttled", "throttled", 3),
    session("starting", "starting", 0),
  ];
  expect(needsYouFirst(list).map((s) => s.id)).toEqual(["approval", "waiting-old", "waiting-new", "throttled", "unknown", "working", "starting", "ended"]);
});

test("badges say the state and for how long; ended sessions say how they ended", () => {
  expect(badgeText(session("a", "waiting", 3), NOW)).toBe("waiting 3m");
  expect(badgeText(session("a", "needs-approval", 0.5), NOW)).toBe("needs-approval 30s");
  expect(badgeText(session("a"), NOW)).toBe("running");
  expect(badgeText(session("a", "waiting", 1, { state: "exited", exitCode: 3 }), NOW)).toBe("exited 3");
  expect(badgeText(session("a", undefined, 0, { state: "lost" }), NOW)).toBe("lost");
  expect([0, 59, 60, 3599, 3600, 86_400].map((s) => shortAge(new Date(NOW - s * 1000).toISOString(), NOW))).toEqual(["0s", "59s", "1m", "59m", "1h", "1d"]);
});

test("a notification is due for a session that moved into waiting or needs-approval, not at the first look nor for a repeat", () => {
  const first = [session("a", "working"), session("b", "waiting")];
  expect(newlyNeedingYou(undefined, first)).toEqual([]);
  const seen = seenStates(first);
  const next = [session("a", "waiting"), session("b", "waiting"), session("c", "needs-approval")];
  expect(newlyNeedingYou(seen, next).map((s) => s.id)).toEqual(["a", "c"]);
  expect(newlyNeedingYou(seenStates(next), [session("a", "needs-approval"), session("b", "working")]).map((s) => s.id)).toEqual(["a"]);
});
