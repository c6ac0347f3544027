import { expect, test } from "bun:test";
import * as api from "../../src/app/api.ts";
import { createRealDeps } from "../../src/wiring.ts";
import { tempHome } from "../support/cli.ts";
import { eventually } from "../support/wait.ts";

test("the package API runs, lists, sends to, reads and stops a session", async () => {
  using home = tempHome();
  const deps = createRealDeps(home.env);
  expect(api.isCliProfile("claude")).toBe(true);
  expect(api.coerceCliProfileName("claude-code")).toBe("claude");
  expect(api.withResume(api.resolveProfile("claude"), "abc").args).toEqual(["--resume", "abc"]);

  const { session } = await api.run({ profile: "shell", name: "scripted", detach: true, args: ["--norc", "--noprofile", "-i"], deps });
  expect((await api.list(deps)).map((s) => [s.name, s.view])).toEqual([["scripted", "running"]]);
  await api.send("scripted", "echo api-$((20+1))", { enter: true, deps });
  // The reply to `send` comes after the host wrote the keys; the echo follows: read until seen.
  const text = await eventually(async () => {
    const logs = await api.logs(session.id, { deps });
    return logs.includes("api-21") && logs;
  }, "the echo of the sent line");
  expect(text).toContain("api-21");
  const stopped = await api.stop("scripted", "test over", deps);
  expect(stopped.view).toBe("exited");
  await expect(api.plan({ profile: "codex", resume: true, model: "o3", deps })).resolves.toMatchObject({ command: "codex", args: ["resume", "--last", "-m", "o3"] });
});

test("the control-plane functions under the seed's names: create, list, get, rename, refresh, stop, smoke", async () => {
  const { startServe } = await import("../support/serve.ts");
  using server = tempHome();
  using client = tempHome();
  const serve = await startServe(server);
  try {
    const deps = createRealDeps(client.env);
    const options = { token: serve.token, deps };
    const created = await api.createRemoteSession(serve.url, { profile: "shell", displayName: "seeded", credentials: { ".codex/auth.json": Buffer.from('{"token":"t0"}').toString("base64") } }, options);
    expect(created).toMatchObject({ name: "seeded", profile: "shell", state: "running" });
    expect((await api.listRemoteSessions(serve.url, options)).map((s) => s.id)).toEqual([created.id]);
    expect(await api.getRemoteSession(serve.url, "seeded", options)).toMatchObject({ id: created.id });
    expect(await api.renameRemoteSession(serve.url, created.id, "renamed", options)).toMatchObject({ name: "renamed" });
    const creds = { ".codex/auth.json": new TextEncoder().encode('{"token":"t1"}') };
    expect(await api.refreshRemoteSession(serve.url, created.id, creds, options)).toMatchObject({ updated: 1, skipped: false });
    expect(await api.refreshRemoteSession(serve.url, created.id, creds, options)).toMatchObject({ skipped: true });
    expect(await api.stopRemoteSession(serve.url, "renamed", "done", options)).toMatchObject({ state: "exited" });
    const smoke = await api.smokeRemoteProfile({ baseUrl: serve.url, profile: "shell", ...options });
    expect(smoke.session).toMatchObject({ profile: "shell" });
    expect(smoke.openedAfterMs).toBeGreaterThanOrEqual(0);
    // Without a token anywhere: the server's 401, as a RemoteError.
    await expect(api.listRemoteSessions(serve.url, { deps })).rejects.toMatchObject({ name: "RemoteError" });
    expect(api.parseWatchMinutes("0.5")).toBe(0.5);
    expect(await api.main(["--version"])).toBe(0);
  } finally {
    await serve.stop();
  }
}, 60_000);
