/**
 * A session whose HOME cannot be reached (its container's exec fails) is one `unreachable`
 * row in --check and one failed session in sync; the other HOMEs are still checked and
 * synced. The target is a small fake written against TargetPort (status running, exec
 * refused), so only the failure is staged; the rest is the real use case on real files.
 */
import { expect, test } from "bun:test";
import { pluginAddInstaller } from "../../src/app/plugins/add.ts";
import { pluginSync, pluginSyncCheck } from "../../src/app/plugins/sync.ts";
import { pluginDriftMarker } from "../../src/app/plugins/drift-mark.ts";
import { startingRecord } from "../../src/domain/session.ts";
import type { TargetHandle } from "../../src/domain/target.ts";
import type { TargetPort } from "../../src/domain/target-port.ts";
import { createRealDeps } from "../../src/wiring.ts";
import { tempHome } from "../support/cli.ts";

test("an unreachable session: its own row and error, the person's HOME still done, ls marks it", async () => {
  using home = tempHome();
  const real = createRealDeps(home.env);
  const handle: TargetHandle = { kind: "docker", engine: "podman", container: "remote-gone1234", image: "img" };
  const gone: TargetPort = {
    kind: "docker",
    create: async () => handle,
    status: async () => ({ state: "running" }),
    openStream: () => {
      throw new Error("not used");
    },
    exec: async () => ({ code: 125, stdout: "", stderr: "Error: no container with name or ID \"remote-gone1234\" found" }),
    remove: async () => {},
    removeVolumes: async () => {},
    lastOutput: async () => "",
    onVolumes: async () => {
      throw new Error("not used");
    },
    list: async () => [],
  };
  const deps = { ...real, target: () => gone };
  const record = startingRecord({ id: "gone1234", name: "boxed", profile: "shell", command: "bash", args: [], cwd: "/", socketPath: "/x.sock", createdAt: new Date().toISOString(), launcher: undefined });
  deps.store().insert({ ...record, state: "running", target: handle });

  await pluginAddInstaller(deps, "marker", { method: "script", spec: "true" });
  const rows = await pluginSyncCheck(deps);
  expect(rows.find((r) => r.session === "boxed")).toEqual({ session: "boxed", item: "*", status: "unreachable", detail: expect.stringContaining("no container with name") });
  expect(rows.find((r) => r.session === "~")?.status).toBe("missing");

  const report = await pluginSync(deps);
  expect(report.sessions.map((s) => [s.session, s.error === undefined])).toEqual([
    ["~", true],
    ["boxed", false],
  ]);
  expect(pluginDriftMarker(deps)(deps.store().get("gone1234") as never)).toBe(true);
});
