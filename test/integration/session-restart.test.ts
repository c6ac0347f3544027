/**
 * While a hard refresh creates a session's Pod again, neither its old host's exit (heard by
 * an attached client) nor a Pod found missing meanwhile ends the session; without the mark
 * (or once it expired) both do, as before.
 */
import { expect, test } from "bun:test";
import { createMemorySessionStore } from "../../src/adapters/store/memory-store.ts";
import { reconcileContainers, recordContainerExit } from "../../src/app/targets/container-sessions.ts";
import type { AppDeps } from "../../src/app/deps.ts";
import { restartingMeta, RESTART_WINDOW_MS } from "../../src/domain/session-restart.ts";
import { startingRecord } from "../../src/domain/session.ts";
import type { TargetPort } from "../../src/domain/target-port.ts";
import type { KubernetesHandle } from "../../src/domain/target.ts";

const now = new Date("2026-12-01T08:00:00Z");
const handle: KubernetesHandle = { kind: "kubernetes", container: "remote-r1", image: "i", context: undefined, namespace: "team" };
const gone = { status: async () => ({ state: "missing" }) } as unknown as TargetPort;

function storeWith(id: string, meta: Record<string, unknown>) {
  const store = createMemorySessionStore();
  store.insert({ ...startingRecord({ id, profile: "shell", command: "bash", args: [], cwd: "/", socketPath: "/s", createdAt: now.toISOString(), launcher: undefined, meta }), state: "running", target: handle });
  return store;
}

test("a session being restarted survives its old host's exit and a missing Pod; an unmarked or expired one does not", async () => {
  for (const [meta, at, survives] of [
    [restartingMeta(now), now, true],
    [{}, now, false],
    [restartingMeta(now), new Date(now.getTime() + RESTART_WINDOW_MS), false],
  ] as const) {
    const exited = storeWith("r1", meta);
    const deps = { store: () => exited, clock: { now: () => at }, target: () => gone, process: {} } as unknown as Pick<AppDeps, "store" | "clock" | "target" | "process">;
    recordContainerExit(deps, "r1", { exitCode: null, signal: "SIGTERM" });
    expect(exited.get("r1")?.state).toBe(survives ? "running" : "exited");

    const missing = storeWith("r1", meta);
    await reconcileContainers({ ...deps, store: () => missing });
    expect(missing.get("r1")?.state).toBe(survives ? "running" : "failed");
  }
});
