import { expect, test } from "bun:test";
import { podState } from "./pod-state.ts";

const pod = (status: object) => podState({ metadata: { name: "p", labels: { a: "b" } }, status });

test("running: phase and readiness, no reason", () => {
  expect(pod({ phase: "Running", containerStatuses: [{ ready: true, restartCount: 0, state: { running: {} } }] })).toEqual({ name: "p", labels: { a: "b" }, phase: "Running", container: "running", ready: true, restarts: 0, env: {} });
});

test("waiting to restart: CrashLoopBackOff, with why and how it last ended", () => {
  const state = pod({ phase: "Running", containerStatuses: [{ ready: false, restartCount: 4, state: { waiting: { reason: "CrashLoopBackOff", message: "back-off" } }, lastState: { terminated: { reason: "OOMKilled", exitCode: 137 } } }] });
  expect(state).toMatchObject({ reason: "CrashLoopBackOff", message: "back-off", lastReason: "OOMKilled", exitCode: 137, restarts: 4 });
});

test("terminated: its reason and exit code; a Pod with no container status yet: the Pod's own", () => {
  expect(pod({ phase: "Failed", containerStatuses: [{ state: { terminated: { reason: "Error", exitCode: 3 } } }] })).toMatchObject({ phase: "Failed", reason: "Error", exitCode: 3 });
  expect(pod({ phase: "Pending", reason: "Unschedulable" })).toMatchObject({ phase: "Pending", reason: "Unschedulable", ready: false });
  expect(podState({})).toMatchObject({ name: "", phase: "Unknown" });
});
