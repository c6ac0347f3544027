/**
 * Kubernetes sessions beyond create/attach/stop (issue 9 items 1, 3, 7), with the REAL kubectl
 * against the fake API server (process Pods: the image's /usr/local/bin/remote is this repo's
 * CLI): `ls`/`--json` report each Pod state with its reason; a CLI with another REMOTE_HOME,
 * or whose store is lost, finds the sessions again by their labels and attaches; `rm
 * [--volumes]`; POST /sessions with target kubernetes; `smoke --target kubernetes` with no
 * control plane and through one; bad input (an image the cluster cannot pull, no kubectl).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { CONTAINER_BINARY } from "../../src/domain/target.ts";
import { startFakeKubeApi } from "../support/fake-kube-api.ts";
import type { ContainerView } from "../support/fake-kube-pods.ts";
import { processRuntime } from "../support/fake-kube-pods.ts";
import { cli, ptyClient, remoteCommand, tempHome } from "../support/cli.ts";
import { startServe } from "../support/serve.ts";
import { eventually } from "../support/wait.ts";
import { list, logs, runInTarget, send, smokeTarget, stop } from "../../src/app/api.ts";
import { createRealDeps } from "../../src/wiring.ts";

const hasKubectl = Bun.which("kubectl") !== null;
const IMAGE = "localhost/remote-session:local";

type Listed = { id: string; name: string; state: string; exitCode: number | null; reason: string | null; target: string; container: string | null; targetState: string | null; targetStatus: Record<string, unknown> | null };

describe.if(hasKubectl)("kubernetes sessions: lifecycle truth, rediscovery, rm, serve, smoke (real kubectl, process Pods)", () => {
  const api = startFakeKubeApi({ runtime: processRuntime({ programs: { [CONTAINER_BINARY]: remoteCommand() }, images: [IMAGE] }) });
  afterAll(() => api.close());

  const succeeded = (r: { code: number; stderr: string }) => expect({ code: r.code, stderr: r.code === 0 ? "" : r.stderr }).toEqual({ code: 0, stderr: "" });
  const listed = async (env: Record<string, string>, extra: string[] = []) => {
    const r = await cli(env, ["ls", "--json", ...extra]);
    succeeded(r);
    return JSON.parse(r.stdout) as Listed[];
  };
  const start = async (env: Record<string, string>, namespace: string, name: string) => {
    const r = await cli(env, ["run", "shell", "--target", "kubernetes", "--namespace", namespace, "--name", name, "--detach", "--", "--norc", "--noprofile", "-i"]);
    succeeded(r);
    return r.stdout.trim();
  };
  const names = (plural: string, namespace: string) => api.objects(plural, namespace).map((o) => o.metadata.name);
  const stateColumn = async (env: Record<string, string>, id: string) => {
    const line = (await cli(env, ["ls"])).stdout.split("\n").find((l) => l.startsWith(id)) ?? "";
    // ID NAME PROFILE TARGET STATE ... : the STATE column runs to the PID column's "-" or number.
    return /kubernetes\s+(.+?)\s{2,}/.exec(line)?.[1];
  };

  test("ls reports each Pod state with its reason: Pending, ImagePullBackOff, CrashLoopBackOff, OOMKilled, an exit code", async () => {
    using home = tempHome();
    const env = { ...home.env, ...api.env };
    const id = await start(env, "rows", "rows");
    const pod = `remote-${id}`;
    const rows: { view: ContainerView; column: string | RegExp; json: Partial<Listed> }[] = [
      { view: { phase: "Pending", state: { waiting: { reason: "ContainerCreating" } } }, column: "pending", json: { state: "running", targetState: "pending" } },
      {
        view: { phase: "Pending", state: { waiting: { reason: "ImagePullBackOff", message: 'Back-off pulling image "x"' } } },
        column: "pending: ImagePullBackOff",
        json: { state: "running", targetState: "pending: ImagePullBackOff", targetStatus: { state: "waiting", reason: "ImagePullBackOff", message: 'Back-off pulling image "x"' } },
      },
      {
        view: { phase: "Running", restartCount: 3, state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 40s" } }, lastState: { terminated: { reason: "OOMKilled", exitCode: 137 } } },
        column: "waiting: CrashLoopBackOff (last OOMKilled, exit code 137; 3 restarts)",
        json: { state: "running", targetState: "waiting: CrashLoopBackOff (last OOMKilled, exit code 137; 3 restarts)", targetStatus: { state: "waiting", reason: "CrashLoopBackOff", restarts: 3, lastReason: "OOMKilled", lastExitCode: 137 } },
      },
      { view: { phase: "Running", state: { running: { startedAt: "2026-01-01T00:00:00Z" } } }, column: /^(starting|working|idle) \d+s$/, json: { state: "running", targetState: null, targetStatus: { state: "running" } } }, // running: its host's agent state
      // Final rows last: a session that ended stays ended.
      { view: { phase: "Failed", state: { terminated: { reason: "OOMKilled", exitCode: 137 } } }, column: "failed: container OOMKilled (exit code 137)", json: { state: "failed", exitCode: 137, reason: "container OOMKilled (exit code 137)", targetState: null } },
    ];
    for (const row of rows) {
      api.setContainerView("rows", pod, row.view);
      expect((await listed(env)).find((s) => s.id === id)).toMatchObject(row.json);
      if (typeof row.column === "string") expect(await stateColumn(env, id)).toBe(row.column);
      else expect(await stateColumn(env, id)).toMatch(row.column);
    }

    const other = await start(env, "rows", "coded");
    api.setContainerView("rows", `remote-${other}`, { phase: "Failed", state: { terminated: { reason: "Error", exitCode: 3 } } });
    expect((await listed(env)).find((s) => s.id === other)).toMatchObject({ state: "exited", exitCode: 3, targetState: null });
    expect(await stateColumn(env, other)).toBe("exited(3)");
    for (const s of [id, other]) succeeded(await cli(env, ["rm", s, "--volumes"]));
    expect(names("pods", "rows")).toEqual([]);
  }, 120_000);

  test("another REMOTE_HOME, then a lost store: `ls --target kubernetes` finds the session by its labels; attach, stop, rm work from there", async () => {
    using home = tempHome();
    const env = { ...home.env, ...api.env };
    const id = await start(env, "again", "findme");
    const other = { ...env, REMOTE_HOME: join(home.dir, "elsewhere") };
    expect(await listed(other)).toEqual([]);
    const found = await cli(other, ["ls", "--target", "kubernetes", "--namespace", "again", "--json"]);
    succeeded(found);
    expect(found.stderr).toContain(`found 1 session on kubernetes by their labels: ${id}`);
    expect(JSON.parse(found.stdout)).toMatchObject([{ id, name: "findme", profile: "shell", state: "running", target: "kubernetes", container: `remote-${id}` }]);
    // Found once is recorded: a second look finds nothing new, and plain `ls` lists it.
    expect((await cli(other, ["ls", "--target", "kubernetes", "--namespace", "again"])).stderr).not.toContain("found");
    expect((await listed(other)).map((s) => s.id)).toEqual([id]);

    const client = ptyClient(other, [...remoteCommand(), "attach", "findme"]);
    await client.waitFor((s) => /[$#] ?$/m.test(s), "the Pod shell's prompt");
    client.type("echo refound-$((40+2))\r");
    await client.waitFor((s) => s.includes("refound-42"), "the typed command's output");
    client.type("\x10\x11");
    expect(await client.proc.exited).toBe(0);

    // The first home loses its store: it finds the session again too, screen included.
    const store = home.env.REMOTE_HOME as string;
    for (const file of readdirSync(store).filter((f) => f.startsWith("remote.db"))) rmSync(join(store, file));
    expect(await listed(env)).toEqual([]);
    expect(await listed(env, ["--target", "kubernetes", "--namespace", "again"])).toMatchObject([{ id, name: "findme", state: "running" }]);
    await expect(cli(env, ["logs", "findme"]).then((r) => r.stdout)).resolves.toContain("refound-42");

    const refused = await cli(other, ["rm", "findme"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("Cannot remove session 'findme': it is running");
    expect(refused.stderr).toContain("remote stop findme");
    succeeded(await cli(other, ["stop", "findme"]));
    expect(names("pods", "again")).toEqual([]);
    expect(names("persistentvolumeclaims", "again")).toEqual([`remote-${id}-data`]);
    const removed = await cli(other, ["rm", "findme"]);
    succeeded(removed);
    expect(removed.stderr).toContain(`its volume remote-${id}-data stays`);
    expect(await listed(other)).toEqual([]);
    expect(names("persistentvolumeclaims", "again")).toEqual([`remote-${id}-data`]);

    const second = await start(env, "again", "purged");
    succeeded(await cli(env, ["stop", "purged"]));
    expect(names("persistentvolumeclaims", "again")).toContain(`remote-${second}-data`);
    const purged = await cli(env, ["rm", second, "--volumes", "--json"]);
    succeeded(purged);
    expect(JSON.parse(purged.stdout)).toEqual({ id: second, name: "purged", target: "kubernetes", volumesRemoved: true });
    expect(names("persistentvolumeclaims", "again")).toEqual([`remote-${id}-data`]);
  }, 120_000);

  test("bad input: an image the cluster cannot pull, no kubectl on PATH: a clear error with a hint, nothing created", async () => {
    using home = tempHome();
    const env = { ...home.env, ...api.env };
    const r = await cli(env, ["run", "shell", "--target", "kubernetes", "--namespace", "badimage", "--image", "localhost/nope:1", "--detach"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Cannot start pod 'remote-");
    expect(r.stderr).toContain("from image 'localhost/nope:1': ImagePullBackOff");
    expect(r.stderr).toMatch(/hint: .*pull/);
    for (const plural of ["pods", "secrets", "persistentvolumeclaims"]) expect(names(plural, "badimage")).toEqual([]);
    expect(await listed(env)).toEqual([]);

    const bin = join(home.dir, "bin");
    mkdirSync(bin);
    const noKubectl = await cli({ ...env, PATH: bin }, ["run", "shell", "--target", "kubernetes", "--namespace", "nokubectl", "--detach"]);
    expect(noKubectl.code).toBe(1);
    expect(noKubectl.stderr).toContain("Cannot run 'kubectl': not found on PATH");
    expect(noKubectl.stderr).toContain("hint: Install kubectl");
    expect(await listed(env)).toEqual([]);
    for (const plural of ["pods", "secrets", "persistentvolumeclaims"]) expect(names(plural, "nokubectl")).toEqual([]);
  }, 60_000);

  test("`remote smoke --target kubernetes` with no control plane: one line, exit 0, nothing left behind", async () => {
    using home = tempHome();
    const env = { ...home.env, ...api.env };
    const r = await cli(env, ["smoke", "shell", "--target", "kubernetes", "--namespace", "smoked", "--timeout", "60"]);
    succeeded(r);
    expect(r.stdout).toMatch(/^smoke ok: shell session [a-z0-9]{8} on this machine \(target kubernetes\): terminal open after \d+ ms, stopped and removed\n$/);
    for (const plural of ["pods", "secrets", "persistentvolumeclaims"]) expect(names(plural, "smoked")).toEqual([]);
    expect(await listed(env)).toEqual([]);
    const bad = await cli(env, ["smoke", "shell", "--target", "kubernetes", "--image", "localhost/nope:1", "--namespace", "smoked"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("smoke failed: Cannot start pod");
    for (const plural of ["pods", "secrets", "persistentvolumeclaims"]) expect(names(plural, "smoked")).toEqual([]);
  }, 90_000);

  test("remote serve: POST /sessions with target kubernetes starts a Pod (namespace, cpu), GET reports it, stop removes it; smoke through it", async () => {
    using home = tempHome();
    const serve = await startServe({ env: { ...home.env, ...api.env } });
    try {
      const created = await serve.api("/sessions", { method: "POST", body: JSON.stringify({ profile: "shell", target: "kubernetes", namespace: "served", cpu: "250m", displayName: "api-pod", startupArgs: ["--norc", "--noprofile", "-i"] }) });
      expect(created.status).toBe(201);
      const session = (await created.json()) as Listed;
      expect(session).toMatchObject({ name: "api-pod", state: "running", target: "kubernetes", container: `remote-${session.id}`, targetState: null });
      const [pod] = api.objects("pods", "served");
      expect((pod?.spec as { containers: { resources: { limits: Record<string, string> } }[] }).containers[0]?.resources.limits.cpu).toBe("250m");

      api.setContainerView("served", `remote-${session.id}`, { phase: "Running", restartCount: 1, state: { waiting: { reason: "CrashLoopBackOff" } }, lastState: { terminated: { reason: "Error", exitCode: 2 } } });
      expect(await (await serve.api(`/sessions/${session.id}`)).json()).toMatchObject({ state: "running", targetState: "waiting: CrashLoopBackOff (last Error, exit code 2; 1 restart)" });
      api.setContainerView("served", `remote-${session.id}`, { phase: "Running", state: { running: {} } });

      const stopped = await serve.api(`/sessions/${session.id}/stop`, { method: "POST", body: "{}" });
      expect(stopped.status).toBe(200);
      expect(names("pods", "served")).toEqual([]);

      using client = tempHome("remote-kube-smoke-client-");
      const r = await cli({ ...client.env, REMOTE_URL: serve.url, REMOTE_TOKEN: serve.token }, ["smoke", "shell", "--target", "kubernetes", "--remote", serve.url, "--timeout", "60"]);
      succeeded(r);
      expect(r.stdout).toMatch(/^smoke ok: shell session [a-z0-9]{8} on 127\.0\.0\.1:\d+ \(target kubernetes\): terminal open after \d+ ms, stopped\n$/);
    } finally {
      await serve.stop();
    }
  }, 120_000);
});

describe.if(hasKubectl)("kubernetes sessions through the exported API (real kubectl, process Pods)", () => {
  const api = startFakeKubeApi({ runtime: processRuntime({ programs: { [CONTAINER_BINARY]: remoteCommand() }, images: [IMAGE] }) });
  afterAll(() => api.close());

  test("runInTarget starts a Pod session that list/send/logs/stop reach like a local one; smokeTarget checks the target end to end", async () => {
    using home = tempHome();
    const deps = createRealDeps({ ...home.env, ...api.env });
    const session = await runInTarget({ target: "kubernetes", namespace: "apins", profile: "shell", name: "viaapi", args: ["--norc", "--noprofile", "-i"], deps });
    expect(session).toMatchObject({ name: "viaapi", target: { kind: "kubernetes", namespace: "apins", container: `remote-${session.id}` } });
    expect(api.objects("pods", "apins").map((o) => o.metadata.name)).toEqual([`remote-${session.id}`]);
    expect((await list(deps)).map((s) => [s.id, s.target?.kind])).toEqual([[session.id, "kubernetes"]]);
    await send(session.id, "echo api-$((6*7))", { enter: true, deps });
    await eventually(async () => (await logs(session.id, { deps })).includes("api-42"), "the sent command's output in logs");
    await stop(session.id, undefined, deps);
    await eventually(() => api.objects("pods", "apins").length === 0, "the Pod deleted by stop");

    const smoke = await smokeTarget("shell", { target: "kubernetes", namespace: "apismoke", deps });
    expect(smoke.session.profile).toBe("shell");
    expect(api.objects("pods", "apismoke")).toEqual([]);
  }, 120_000);
});
