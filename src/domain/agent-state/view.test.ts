import { describe, expect, test } from "bun:test";
import { agentView, describeAgent, formatAge } from "./view.ts";

const createdAt = "2026-12-01T10:00:00.000Z";
const waiting = { state: "waiting", since: "2026-12-01T10:01:00.000Z", lastAt: "2026-12-01T10:01:00.000Z", source: "claude" } as const;

describe("agentView", () => {
  test("a starting session is starting since it was created", () => {
    expect(agentView({ createdAt }, "starting")).toEqual({ state: "starting", since: createdAt });
  });
  test("a running session shows what its host recorded", () => {
    expect(agentView({ createdAt, agentStatus: waiting }, "running")).toMatchObject({ state: "waiting", since: waiting.since });
  });
  test("a running session with nothing recorded here (a container's host keeps it) has no agent state, not 'starting' forever", () => {
    expect(agentView({ createdAt }, "running")).toBeUndefined();
  });
  test("an ended session is exited whatever its last signal said; a lost one has none", () => {
    expect(agentView({ createdAt, agentStatus: waiting, endedAt: "2026-12-01T10:05:00.000Z" }, "exited")).toEqual({ state: "exited", since: "2026-12-01T10:05:00.000Z" });
    expect(agentView({ createdAt, agentStatus: waiting }, "lost")).toBeUndefined();
  });
});

test("describeAgent says the state and for how long", () => {
  expect(formatAge(0, 179_000)).toBe("2m");
  expect(describeAgent(waiting, Date.parse(waiting.since) + 3 * 60_000)).toBe("waiting 3m");
});
