/**
 * Plugins in a kubernetes session (the real kubectl against the fake API server, process
 * Pods): the Pod's `remote __pod` waits for its HOME's synced manifest before starting the
 * agent, and the client converges that HOME through `kubectl exec` (argv, stdin); --check
 * reports the Pod's session.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { CONTAINER_BINARY } from "../../src/domain/target.ts";
import { cli, remoteCommand, tempHome } from "../support/cli.ts";
import { startFakeKubeApi } from "../support/fake-kube-api.ts";
import { processRuntime } from "../support/fake-kube-pods.ts";
import { packFixturePlugin } from "../support/plugin-fixture.ts";
import { eventually } from "../support/wait.ts";

const succeeded = (r: { code: number; stderr: string }) => expect({ code: r.code, stderr: r.code === 0 ? "" : r.stderr }).toEqual({ code: 0, stderr: "" });

describe.if(Bun.which("kubectl") !== null)("plugins in a kubernetes session (fake API, process pods)", () => {
  const api = startFakeKubeApi({ runtime: processRuntime({ programs: { [CONTAINER_BINARY]: remoteCommand() } }) });
  const packed = packFixturePlugin();
  afterAll(async () => {
    await api.close();
    rmSync(packed.dir, { recursive: true, force: true });
  });

  test("the Pod starts its agent only once its HOME has the plugins; --check reports it", async () => {
    using home = tempHome();
    const env = { ...home.env, ...api.env } as Record<string, string>;
    succeeded(await cli(env, ["plugin", "add", packed.tarball]));
    // Process Pods share this HOME (path parity): take away what `add` synced, so the Pod must wait for the exec'd sync.
    rmSync(join(home.dir, ".remote-plugins"), { recursive: true, force: true });
    const sha = readFileSync(join(home.env.REMOTE_HOME as string, "plugin-sync/manifest.sha256"), "utf8").trim();
    const r = await cli(env, ["run", "shell", "--target", "kubernetes", "--namespace", "team", "--name", "podded", "--detach", "--", "--norc", "--noprofile", "-c", "cat ~/.remote-plugins/manifest.sha256; exec sh -i"]);
    succeeded(r);
    const logs = await eventually(async () => {
      const out = (await cli(env, ["logs", "podded"])).stdout;
      return out.includes(sha) && out;
    }, "the Pod's first output");
    expect(logs).not.toContain("No such file");
    const check = await cli(env, ["plugin", "sync", "--check", "--json"]);
    expect(check.code).toBe(0);
    expect((JSON.parse(check.stdout) as { session: string; status: string }[]).filter((row) => row.session === "podded").map((row) => row.status)).toEqual(["ok", "ok"]);
    succeeded(await cli(env, ["stop", "podded"]));
  }, 120_000);
});
