import { describe, expect, test } from "bun:test";
import { isRemoteError } from "../errors.ts";
import { DEFAULT_UNTIL, parseUntil, waitOutcome } from "./wait.ts";
import { agentView, describeAgent, formatAge } from "./view.ts";

describe("remote wait rules", () => {
  test("--until: comma-separated known states, default waiting or needs-approval", () => {
    expect(parseUntil(undefined)).toEqual(DEFAULT_UNTIL);
    expect(parseUntil("waiting,exited")).toEqual(["waiting", "exited"]);
    expect(parseUntil(["idle", "idle"])).toEqual(["idle"]);
    let error: unknown;
    try {
      parseUntil("done");
    } catch (e) {
      error = e;
    }
    expect(isRemoteError(error) && error.kind === "usage" && error.message).toBe("Cannot wait --until 'done': it is not an agent state");
  });

  test("reached on any state passed through, ended when the session is over first", () => {
    expect(waitOutcome(["waiting"], ["working", "waiting", "working"], undefined)).toEqual({ kind: "reached", state: "waiting" });
    expect(waitOutcome(["waiting"], ["working"], undefined)).toEqual({ kind: "pending" });
    expect(waitOutcome(["waiting"], ["working"], "exited")).toEqual({ kind: "ended", state: "exited" });
    expect(waitOutcome(["exited"], ["working"], "exited")).toEqual({ kind: "reached", state: "exited" });
    expect(waitOutcome(["exited"], ["working"], "lost")).toEqual({ kind: "ended", state: "lost" });
  });

  test("ls says how long: seconds, minutes, hours, days; throttled with its reset", () => {
    const now = Date.parse("2026-12-01T10:00:00Z");
    expect([0, 59_999, 60_000, 3_599_999, 3_600_000, 86_400_000 * 2, -5000].map((ago) => formatAge(now - ago, now))).toEqual(["0s", "59s", "1m", "59m", "1h", "2d", "0s"]);
    expect(describeAgent({ state: "waiting", since: "2026-12-01T09:57:00Z" }, now)).toBe("waiting 3m");
    expect(describeAgent({ state: "throttled", since: "2026-12-01T09:59:30Z", resetAt: "2026-12-01T14:05:00.000Z" }, now)).toBe("throttled 30s (resets 14:05 UTC)");
  });
});

describe("the agent view", () => {
  const base = { createdAt: "2026-12-01T10:00:00.000Z", endedAt: "2026-12-01T10:05:00.000Z" };
  const status = { state: "waiting" as const, since: "2026-12-01T10:01:00.000Z", lastAt: "2026-12-01T10:01:00.000Z", source: "claude" as const };
  test("live: the stored status; ended: exited; lost or never heard of: none", () => {
    expect(agentView({ ...base, agentStatus: status }, "running")).toMatchObject({ state: "waiting", since: status.since });
    expect(agentView({ ...base, agentStatus: status }, "exited")).toEqual({ state: "exited", since: base.endedAt });
    expect(agentView({ ...base, agentStatus: status }, "lost")).toBeUndefined();
    expect(agentView(base, "starting")).toEqual({ state: "starting", since: base.createdAt });
    // A container's session keeps its status in its own store: here it is only running.
    expect(agentView(base, "running")).toBeUndefined();
  });
});
