/**
 * The kubernetes target adapter (src/adapters/kubectl/kube-target.ts) driving the REAL
 * kubectl against the fake API server, whose Pods are local processes: the session image's
 * /usr/local/bin/remote is this repo's CLI, so the Pod really runs `remote __pod` from the
 * rendered Pod's env, and openStream really is `kubectl exec -i ... remote __bridge`.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKubeTarget } from "../../src/adapters/kubectl/kube-target.ts";
import { createKubectl } from "../../src/adapters/kubectl/kubectl-adapter.ts";
import { createHostConnector } from "../../src/adapters/socket/host-connector.ts";
import { createUnixConnector } from "../../src/adapters/socket/unix-socket.ts";
import { requestHost } from "../../src/app/sessions/host-request.ts";
import { podSocketFor } from "../../src/domain/kube/entrypoint.ts";
import { renderSessionManifests, sessionManifestList } from "../../src/domain/kube/session-manifests.ts";
import { CONTAINER_BINARY, type PodSpec } from "../../src/domain/target.ts";
import type { TargetSpec } from "../../src/domain/target-port.ts";
import { startFakeKubeApi } from "../support/fake-kube-api.ts";
import { processRuntime } from "../support/fake-kube-pods.ts";
import { cli, ptyClient, remoteCommand, repoRoot, tempHome } from "../support/cli.ts";
import { eventually } from "../support/wait.ts";

const hasKubectl = Bun.which("kubectl") !== null;

describe.if(hasKubectl)("kubernetes target against the fake API server (process pods)", () => {
  const api = startFakeKubeApi({ runtime: processRuntime({ programs: { [CONTAINER_BINARY]: remoteCommand() } }), forbiddenNamespaces: ["locked"] });
  const home = mkdtempSync(join(tmpdir(), "kt-"));
  const kubectl = createKubectl({ env: { ...process.env, ...api.env } });
  const target = (namespace = "agents", context?: string) => createKubeTarget({ kubectl, namespace, context, home });
  afterAll(async () => {
    await api.close();
    rmSync(home, { recursive: true, force: true });
  });

  const specFor = (sessionId: string): TargetSpec => {
    const pod: PodSpec = { sessionId, name: `shell-${sessionId}`, profile: "shell", command: "/bin/sh", args: [], cwd: home, cols: 80, rows: 24 };
    return { sessionId, name: pod.name, profile: "shell", image: "localhost/remote-session:local", podSpec: JSON.stringify(pod), env: {}, cpu: "500m" };
  };
  const bodies = (kind: string) => api.requests.filter((r) => (r.method === "PATCH" || r.method === "POST") && r.path.includes(`/${kind}`)).map((r) => JSON.parse(r.body));

  test("create applies the rendered claim, Secret and Pod; the Pod's `remote __pod` hosts the session; exec bridges to it; remove keeps the claim", async () => {
    const kube = target();
    const spec = specFor("k8sone1");
    const handle = await kube.create(spec);
    expect(handle).toEqual({ kind: "kubernetes", container: "remote-k8sone1", image: spec.image, context: undefined, namespace: "agents" });

    // What reached the cluster is exactly what the domain renders (no dry-run/target drift).
    const pod = JSON.parse(spec.podSpec) as PodSpec;
    const rendered = renderSessionManifests({ ...pod, image: spec.image, namespace: "agents", cpu: "500m", workspace: home, home, credentials: new Map() });
    const [volume, secret, podObject] = sessionManifestList(rendered);
    expect(bodies("persistentvolumeclaims")).toEqual([volume]);
    expect(bodies("secrets")).toEqual([secret]);
    expect(bodies("pods")).toEqual([podObject]);

    expect(await kube.status(handle)).toEqual({ state: "running" });
    expect((await kube.list()).map((s) => s.sessionId)).toEqual(["k8sone1"]);

    // The bridge waits for the session host's socket; the framed protocol goes through unchanged.
    const deps = { connector: createHostConnector(createUnixConnector({ socketDirs: [] }), () => kube), random: { random: () => 0.5, id: () => "kt" } };
    const address = { target: handle, socketPath: podSocketFor(home, "k8sone1") };
    const info = await requestHost<{ pid?: number }>(deps, address, { op: "info" }, 30_000);
    expect(typeof info.pid).toBe("number");
    await requestHost(deps, address, { op: "send", data: "echo kube-$((6*7))\r" });
    await eventually(async () => (await requestHost<{ text: string }>(deps, address, { op: "text" })).text.includes("kube-42"), "the typed command's output on the Pod's screen");

    await kube.remove(handle);
    expect(api.objects("pods", "agents")).toEqual([]);
    expect(api.objects("secrets", "agents")).toEqual([]);
    expect(api.objects("persistentvolumeclaims", "agents").map((o) => o.metadata.name)).toEqual(["remote-k8sone1-data"]);
    expect(await kube.status(handle)).toEqual({ state: "missing" });
  }, 60_000);

  test("a forbidden namespace and an unknown context are clear errors, and nothing is left created", async () => {
    const forbidden = await target("locked").create(specFor("k8stwo2")).then(() => undefined, (e: unknown) => e as Error);
    expect(forbidden?.message).toMatch(/Cannot apply .*locked/);
    expect(forbidden?.message).toMatch(/forbidden|not allowed|permission/i);
    const unknown = await target("agents", "nowhere").create(specFor("k8sthr3")).then(() => undefined, (e: unknown) => e as Error);
    expect(unknown?.message).toMatch(/nowhere/);
    for (const plural of ["pods", "secrets", "persistentvolumeclaims"]) {
      expect(api.objects(plural, "locked")).toEqual([]);
      expect(api.objects(plural, "agents").filter((o) => /k8stwo2|k8sthr3/.test(o.metadata.name))).toEqual([]);
    }
  }, 60_000);

  const succeeded = (r: { code: number; stderr: string }) => expect({ code: r.code, stderr: r.code === 0 ? "" : r.stderr }).toEqual({ code: 0, stderr: "" });
  const listed = async (env: Record<string, string>) => JSON.parse((await cli(env, ["ls", "--json"])).stdout) as { id: string; name: string; state: string; target: string }[];

  test("remote run --target kubernetes: ls, attach (screen and a typed command), send, logs, stop (the Pod goes, the claim stays)", async () => {
    using home = tempHome();
    const env = { ...home.env, ...api.env } as Record<string, string>;
    const r = await cli(env, ["run", "shell", "--target", "kubernetes", "--namespace", "team", "--name", "podded", "--detach"]);
    succeeded(r);
    const id = r.stdout.trim();
    expect(r.stderr).toContain(`started podded in pod remote-${id}`);
    expect(api.objects("pods", "team").map((o) => o.metadata.name)).toEqual([`remote-${id}`]);
    expect(await listed(env)).toMatchObject([{ id, name: "podded", state: "running", target: "kubernetes" }]);
    expect((await cli(env, ["ls"])).stdout).toMatch(new RegExp(`podded\\s+shell\\s+kubernetes\\s+(starting|working|idle) \\d+s`)); // the Pod host's agent state

    const client = ptyClient(env, [...remoteCommand(), "attach", "podded"]);
    await client.waitFor((s) => /[$#] ?$/m.test(s), "the Pod shell's prompt");
    client.type("echo pod-$((40+2))\r");
    await client.waitFor((s) => s.includes("pod-42"), "the typed command's output");
    client.type("\x10\x11");
    expect(await client.proc.exited).toBe(0);

    succeeded(await cli(env, ["send", "podded", "echo sent-$((6*7))", "--enter"]));
    await eventually(async () => (await cli(env, ["logs", "podded"])).stdout.includes("sent-42"), "the sent command's output in logs");

    succeeded(await cli(env, ["stop", "podded"]));
    expect(api.objects("pods", "team")).toEqual([]);
    expect(api.objects("secrets", "team")).toEqual([]);
    expect(api.objects("persistentvolumeclaims", "team").map((o) => o.metadata.name)).toEqual([`remote-${id}-data`]);
    expect((await listed(env))[0]).toMatchObject({ state: "exited", target: "kubernetes" });
    expect((await cli(env, ["logs", "podded"])).stdout).toContain("sent-42");
  }, 90_000);

  test("remote run --target kubernetes into a forbidden namespace or an unknown context: a clear error, no session, no object", async () => {
    using home = tempHome();
    const env = { ...home.env, ...api.env } as Record<string, string>;
    const forbidden = await cli(env, ["run", "shell", "--target", "kubernetes", "--namespace", "locked", "--detach"]);
    expect(forbidden.code).not.toBe(0);
    expect(forbidden.stderr).toMatch(/Cannot apply .*locked/);
    const unknown = await cli(env, ["run", "shell", "--target", "kubernetes", "--context", "nowhere", "--detach"]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain("nowhere");
    expect(await listed(env)).toEqual([]);
    for (const plural of ["pods", "secrets", "persistentvolumeclaims"]) expect(api.objects(plural, "locked")).toEqual([]);
  }, 60_000);
});

describe.if(hasKubectl)("a Pod session's agent state, shown here (the fake claude in a process Pod)", () => {
  // The "image" has the fake agent CLIs: first on the Pod's PATH.
  const api = startFakeKubeApi({ runtime: processRuntime({ programs: { [CONTAINER_BINARY]: remoteCommand() }, env: { PATH: `${join(repoRoot, "test", "fixtures", "bin")}:${process.env.PATH}` } }) });
  afterAll(async () => {
    await api.close();
  });
  type Listed = { id: string; state: string; agent: { state: string; detail: string | null } | null };
  const listed = async (env: Record<string, string>) => JSON.parse((await cli(env, ["ls", "--json"])).stdout) as Listed[];
  const ok = (r: { code: number; stdout: string; stderr: string }) => expect({ code: r.code, stderr: r.code === 0 ? "" : r.stderr }).toEqual({ code: 0, stderr: "" });

  test("its hooks report inside the Pod; ls --json, the STATE column and wait here show waiting, then needs-approval", async () => {
    using home = tempHome();
    const env = { ...home.env, ...api.env } as Record<string, string>;
    const r = await cli(env, ["run", "claude", "--target", "kubernetes", "--no-auth", "--name", "asker", "--detach"]);
    ok(r);
    const id = r.stdout.trim();
    // SessionStart: its turn is the person's. Recorded in the Pod's store; asked for by `ls` here.
    await eventually(async () => (await listed(env))[0]?.agent?.state === "waiting", "waiting in ls --json");
    ok(await cli(env, ["send", "asker", "/tool", "--enter"]));
    const waited = await cli(env, ["wait", "asker", "--until", "needs-approval", "--timeout", "30s"]);
    expect({ code: waited.code, stdout: waited.stdout }).toEqual({ code: 0, stdout: "needs-approval\n" });
    expect((await listed(env))[0]).toMatchObject({ id, state: "running", agent: { state: "needs-approval", detail: "Claude needs your permission to use Bash" } });
    expect((await cli(env, ["ls"])).stdout).toMatch(/asker\s+claude\s+kubernetes\s+needs-approval \d+s/);
    ok(await cli(env, ["stop", "asker"]));
  }, 90_000);
});
