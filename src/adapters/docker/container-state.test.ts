import { expect, test } from "bun:test";
import { describeState } from "../../domain/session-lifecycle.ts";
import { containerCondition, sessionPatchForContainer } from "../../domain/target-status.ts";
import { statusOf, type EngineState } from "./container-state.ts";

/** What `ls` shows in STATE for a running docker session whose container has this `.State`. */
function stateColumn(state: EngineState): string {
  const status = statusOf(state);
  const patch = sessionPatchForContainer(status, "2026-01-01T00:00:00Z");
  if (patch) return describeState({ state: patch.state as "exited" | "failed", exitCode: patch.exitCode, reason: patch.reason });
  return containerCondition(status) ?? "running";
}

// Inspect output of each state, as podman and docker print it.
test.each([
  ["running", { Status: "running", Running: true, ExitCode: 0 }, "running"],
  ["created, not started (pending)", { Status: "created", Running: false, ExitCode: 0 }, "pending"],
  ["restarting after an OOM kill", { Status: "restarting", Running: true, Restarting: true, OOMKilled: true, ExitCode: 137 }, "waiting: Restarting (last OOMKilled, exit code 137)"],
  ["OOM-killed", { Status: "exited", Running: false, OOMKilled: true, ExitCode: 137 }, "failed: container OOMKilled (exit code 137)"],
  ["exited with a code", { Status: "exited", Running: false, OOMKilled: false, ExitCode: 3 }, "exited(3)"],
  ["killed from outside", { Status: "exited", Running: false, ExitCode: 137 }, "exited(137)"],
  ["failed to start", { Status: "exited", Running: false, ExitCode: 127, Error: "exec: no such file" }, "failed: container failed: exec: no such file"],
] as const)("docker %s: ls says %p", (_what, state, column) => {
  expect(stateColumn(state)).toBe(column);
});
