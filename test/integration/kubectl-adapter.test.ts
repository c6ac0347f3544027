/**
 * The kubectl adapter driving the REAL kubectl against the fake API server
 * (test/support/fake-kube-api.ts), which records every request: what reaches the cluster
 * is asserted on the wire, not on our own argv. Pods run as local processes here (fast);
 * the podman block runs them as real containers.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { hostname } from "node:os";
import { createKubectl } from "../../src/adapters/kubectl/kubectl-adapter.ts";
import { renderSessionManifests, sessionManifestList } from "../../src/domain/kube/session-manifests.ts";
import type { KubeObjectData, KubectlPort, KubeScope } from "../../src/domain/kubectl-port.ts";
import { startFakeKubeApi, type FakeKubeApi } from "../support/fake-kube-api.ts";
import { hasPodman, importTestImage, privatePodman } from "../support/fake-kube-podman.ts";
import { podmanRuntime } from "../support/fake-kube-pods.ts";
import { seededRandom } from "../support/seed.ts";
import { eventually } from "../support/wait.ts";

const hasKubectl = Bun.which("kubectl") !== null;
/** A failure guard: podman starts a container in ~1 s, slower on a loaded machine. */
const podmanTimeout = 60_000;
const labels = { "app.kubernetes.io/managed-by": "remote", "remote.dev/session-id": "s1" };
const objects = (namespace: string, image: string, command: string[]): KubeObjectData[] => [
  { apiVersion: "v1", kind: "Secret", metadata: { name: "remote-s1-credentials", namespace, labels }, type: "Opaque", data: { "token.json": Buffer.from('{"t":1}').toString("base64") } },
  { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "remote-s1-home", namespace, labels }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } },
  {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "remote-s1", namespace, labels },
    spec: {
      restartPolicy: "Never",
      securityContext: { runAsUser: 1000, runAsGroup: 1000 },
      volumes: [
        { name: "home", persistentVolumeClaim: { claimName: "remote-s1-home" } },
        { name: "credentials", secret: { secretName: "remote-s1-credentials" } },
      ],
      containers: [{ name: "session", image, command, volumeMounts: [{ name: "home", mountPath: "/home/remote" }, { name: "credentials", mountPath: "/credentials", readOnly: true }] }],
    },
  },
];

/** Every byte value, in a seeded order: 64 KiB through exec must come back unchanged. */
function randomBytes(label: string, size: number): Uint8Array {
  const random = seededRandom(label);
  return Uint8Array.from({ length: size }, () => random.int(0, 255));
}

async function roundTrip(kubectl: KubectlPort, pod: string, scope: KubeScope, data: Uint8Array) {
  const exec = kubectl.exec(pod, ["cat"], scope);
  const out = new Response(exec.stdout).arrayBuffer();
  exec.write(data);
  exec.end();
  return { bytes: new Uint8Array(await out), code: await exec.exited };
}

const rejection = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  return error as { code?: string; message?: string; hint?: string; kind?: string } | undefined;
};

describe.if(hasKubectl)("kubectl adapter against the fake API server (process pods)", () => {
  const api: FakeKubeApi = startFakeKubeApi({ forbiddenNamespaces: ["locked"] });
  const kubectl = createKubectl({ env: { ...process.env, ...api.env } });
  const scope = { context: api.context, namespace: "team" };
  afterAll(() => api.close());

  test("apply sends each object as a server-side apply, with the token, and the cluster holds them", async () => {
    const applied = objects("team", "localhost/remote-session:test", ["sh", "-c", "echo session started; exec sleep 300"]);
    await kubectl.apply(applied, scope);
    const patches = api.requests.filter((r) => r.method === "PATCH");
    expect(patches.map((r) => r.path)).toEqual([
      "/api/v1/namespaces/team/secrets/remote-s1-credentials",
      "/api/v1/namespaces/team/persistentvolumeclaims/remote-s1-home",
      "/api/v1/namespaces/team/pods/remote-s1",
    ]);
    expect(patches.map((r) => JSON.parse(r.body))).toEqual(applied);
    for (const r of patches) {
      expect(r.headers["content-type"]).toBe("application/apply-patch+yaml");
      expect(r.query.get("fieldManager")).toBe("remote");
      expect(r.query.get("fieldValidation")).toBe("Strict"); // the server validates: no --validate=false
      expect(r.headers.authorization).toBe("<redacted>");
    }
    expect(api.requests.some((r) => r.body.includes("--"))).toBe(false);
    expect(api.objects("pods", "team").map((o) => o.metadata.name)).toEqual(["remote-s1"]);
    expect(api.objects("secrets", "team")[0]?.data).toEqual(applied[0]?.data);
  });

  test("a session's rendered manifests reach the API server unchanged, and the cluster finds the session by its labels", async () => {
    const manifests = sessionManifestList(
      renderSessionManifests({
        sessionId: "k3x9a0qz",
        profile: "shell",
        name: "rendered",
        image: "localhost/remote-session:test",
        namespace: "rendered",
        workspace: "/home/ada/src",
        home: "/home/ada",
        command: "bash",
        args: [],
        credentials: new Map([[".claude/.credentials.json", new TextEncoder().encode('{"accessToken":"t"}')]]),
      }),
    );
    await kubectl.apply(manifests, { ...scope, namespace: "rendered" });
    const bodies = api.requests.filter((r) => r.method === "PATCH" && r.path.startsWith("/api/v1/namespaces/rendered/")).map((r) => JSON.parse(r.body));
    expect(bodies).toEqual([...manifests]);
    const sessionLabels = manifests[2]?.metadata.labels ?? {};
    expect((await kubectl.pods(sessionLabels, { ...scope, namespace: "rendered" })).map((p) => p.name)).toEqual([manifests[2]?.metadata.name ?? ""]);
    await kubectl.deleteByLabel(["pod", "persistentvolumeclaim", "secret"], sessionLabels, { ...scope, namespace: "rendered" });
    expect(api.objects("pods", "rendered")).toEqual([]);
  });

  test("create POSTs exactly the object; a second create is KUBE_ALREADY_EXISTS", async () => {
    const secret: KubeObjectData = { apiVersion: "v1", kind: "Secret", metadata: { name: "extra", namespace: "team", labels }, data: { a: "Yg==" } };
    await kubectl.create([secret], scope);
    const post = api.requests.findLast((r) => r.method === "POST");
    expect(post?.path).toBe("/api/v1/namespaces/team/secrets");
    expect(JSON.parse(post?.body ?? "")).toEqual(secret);
    const error = await rejection(kubectl.create([secret], scope));
    expect(error?.code).toBe("KUBE_ALREADY_EXISTS");
    expect(error?.message).toContain("secret/extra");
  });

  test("pods by label: the running Pod, and none for another session", async () => {
    const pods = await kubectl.pods({ "remote.dev/session-id": "s1" }, scope);
    expect(pods).toMatchObject([{ name: "remote-s1", labels, phase: "Running", container: "running", ready: true, restarts: 0 }]);
    expect(api.requests.findLast((r) => r.path === "/api/v1/namespaces/team/pods")?.query.get("labelSelector")).toBe("remote.dev/session-id=s1");
    expect(await kubectl.pods({ "remote.dev/session-id": "other" }, scope)).toEqual([]);
  });

  test("status reasons: CrashLoopBackOff after an OOMKill, a terminated OOMKilled, ImagePullBackOff", async () => {
    api.setContainerView("team", "remote-s1", { phase: "Running", restartCount: 3, state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 40s" } }, lastState: { terminated: { reason: "OOMKilled", exitCode: 137 } } });
    expect((await kubectl.pods(labels, scope))[0]).toMatchObject({ phase: "Running", ready: false, restarts: 3, reason: "CrashLoopBackOff", lastReason: "OOMKilled", exitCode: 137 });
    api.setContainerView("team", "remote-s1", { phase: "Failed", state: { terminated: { reason: "OOMKilled", exitCode: 137 } } });
    expect((await kubectl.pods(labels, scope))[0]).toMatchObject({ phase: "Failed", reason: "OOMKilled", exitCode: 137 });
    api.setContainerView("team", "remote-s1", { phase: "Pending", state: { waiting: { reason: "ImagePullBackOff", message: "image not found" } } });
    expect((await kubectl.pods(labels, scope))[0]).toMatchObject({ phase: "Pending", reason: "ImagePullBackOff", message: "image not found" });
    api.setContainerView("team", "remote-s1", { phase: "Running", state: { running: { startedAt: "2026-01-01T00:00:00Z" } } });
  });

  test("exec is a binary-safe duplex through the WebSocket v5 exec, with the remote exit code", async () => {
    const data = randomBytes("kubectl exec 64 KiB", 64 * 1024);
    const { bytes, code } = await roundTrip(kubectl, "remote-s1", scope, data);
    expect(code).toBe(0);
    expect(bytes.length).toBe(data.length);
    expect(Buffer.compare(Buffer.from(bytes), Buffer.from(data))).toBe(0);
    const upgrade = api.requests.findLast((r) => r.path.endsWith("/exec"));
    expect(upgrade?.headers["sec-websocket-protocol"]).toContain("v5.channel.k8s.io");
    expect(upgrade?.query.getAll("command")).toEqual(["cat"]);

    const failing = kubectl.exec("remote-s1", ["sh", "-c", "echo oops >&2; exit 7"], scope);
    failing.end();
    expect(await failing.exited).toBe(7);
    expect(failing.stderr()).toContain("oops");
  });

  test("logs: what the Pod's container printed", async () => {
    expect(await eventually(async () => (await kubectl.logs("remote-s1", scope)).includes("session started"), "the pod's first log line")).toBe(true);
    const error = await rejection(kubectl.logs("no-such-pod", scope));
    expect(error?.code).toBe("KUBE_NOT_FOUND");
    expect(error?.message).toContain('pods "no-such-pod" not found');
  });

  test("exec into a missing Pod rejects with KUBE_NOT_FOUND (kubectl's failure, not an exit code)", async () => {
    const exec = kubectl.exec("no-such-pod", ["true"], scope);
    exec.end();
    expect((await rejection(exec.exited))?.code).toBe("KUBE_NOT_FOUND");
  });

  test("deleteByLabel removes the Pod, the claim and the Secret of that session only", async () => {
    await kubectl.create([{ apiVersion: "v1", kind: "Secret", metadata: { name: "other", namespace: "team", labels: { "remote.dev/session-id": "s2" } } }], scope);
    await kubectl.deleteByLabel(["pod", "persistentvolumeclaim", "secret"], { "remote.dev/session-id": "s1" }, scope);
    const deletes = api.requests.filter((r) => r.method === "DELETE").map((r) => r.path);
    expect(deletes).toEqual(expect.arrayContaining(["/api/v1/namespaces/team/pods/remote-s1", "/api/v1/namespaces/team/persistentvolumeclaims/remote-s1-home", "/api/v1/namespaces/team/secrets/remote-s1-credentials"]));
    expect([...api.objects("pods", "team"), ...api.objects("persistentvolumeclaims", "team")]).toEqual([]);
    expect(api.objects("secrets", "team").map((o) => o.metadata.name)).toEqual(["other"]);
    await kubectl.deleteByLabel(["pod"], { "remote.dev/session-id": "s1" }, scope); // none left: not an error
  });

  test("a namespace without permission: KUBE_FORBIDDEN naming it, nothing created", async () => {
    const error = await rejection(kubectl.apply(objects("locked", "img", ["true"]), { ...scope, namespace: "locked" }));
    expect(error?.code).toBe("KUBE_FORBIDDEN");
    expect(error?.message).toContain("'locked'");
    expect(error?.hint).toContain("--namespace");
    expect(api.requests.some((r) => r.path.includes("/namespaces/locked/") && r.method === "PATCH")).toBe(true);
    expect([...api.objects("pods", "locked"), ...api.objects("secrets", "locked")]).toEqual([]);
  });

  test("an unknown context: KUBE_CONTEXT_UNKNOWN (a usage error), and no request reaches the cluster", async () => {
    const before = api.requests.length;
    const error = await rejection(kubectl.pods(labels, { context: "nope", namespace: "team" }));
    expect(error).toMatchObject({ code: "KUBE_CONTEXT_UNKNOWN", kind: "usage" });
    expect(error?.message).toContain("'nope'");
    expect(error?.hint).toContain("kubectl config get-contexts");
    expect(api.requests.length).toBe(before);
  });

  test("kubectl missing from PATH: KUBECTL_MISSING with an install hint", async () => {
    const bare = createKubectl({ env: { ...api.env, PATH: "/nonexistent" } });
    const error = await rejection(bare.pods(labels, scope));
    expect(error).toMatchObject({ code: "KUBECTL_MISSING", kind: "unavailable" });
    expect(error?.hint).toContain("Install kubectl");
    expect(() => bare.exec("p", ["true"], scope)).toThrow("not found on PATH");
  });
});

describe.if(hasKubectl && hasPodman())("kubectl adapter against the fake API server (podman pods)", () => {
  const podman = privatePodman();
  const api = startFakeKubeApi({ runtime: podmanRuntime(podman) });
  const kubectl = createKubectl({ env: { ...process.env, ...api.env } });
  const scope = { context: api.context, namespace: "pods" };
  let image = "";
  afterAll(async () => {
    await api.close();
    await podman.close();
  });

  test("a Pod is a real container: exec round trip, its own hostname, logs", async () => {
    image = await importTestImage(podman);
    await kubectl.apply(objects("pods", image, ["sh", "-c", "echo container up; exec sleep 300"]), scope);
    expect((await kubectl.pods(labels, scope))[0]).toMatchObject({ phase: "Running", ready: true });
    const data = randomBytes("kubectl exec podman 64 KiB", 64 * 1024);
    const { bytes, code } = await roundTrip(kubectl, "remote-s1", scope, data);
    expect(code).toBe(0);
    expect(Buffer.compare(Buffer.from(bytes), Buffer.from(data))).toBe(0);
    const inPod = kubectl.exec("remote-s1", ["cat", "/etc/hostname"], scope);
    inPod.end();
    const [name] = await Promise.all([new Response(inPod.stdout).text(), inPod.exited]);
    expect(name.trim()).not.toBe(hostname());
    expect(await eventually(async () => (await kubectl.logs("remote-s1", scope)).includes("container up"), "the container's log line")).toBe(true);
  }, podmanTimeout);

  test("volumes: the claim outlives its Pod, the Secret is a read-only file, the container runs as runAsUser", async () => {
    const run = async (argv: string[]) => {
      const exec = kubectl.exec("remote-s1", argv, scope);
      exec.end();
      const [out, code] = await Promise.all([new Response(exec.stdout).text(), exec.exited]);
      return { out: out.trim(), code };
    };
    expect(await run(["id", "-u"])).toEqual({ out: "1000", code: 0 });
    expect(await run(["cat", "/credentials/token.json"])).toEqual({ out: '{"t":1}', code: 0 });
    expect((await run(["sh", "-c", "echo x > /credentials/new"])).code).not.toBe(0);
    expect(await run(["sh", "-c", "echo kept > /home/remote/file"])).toEqual({ out: "", code: 0 });

    await kubectl.deleteByLabel(["pod"], labels, scope);
    await kubectl.apply(objects("pods", image, ["sh", "-c", "exec sleep 300"]).filter((o) => o.kind === "Pod"), scope);
    expect(await run(["cat", "/home/remote/file"])).toEqual({ out: "kept", code: 0 });
  }, podmanTimeout);

  test("an exit shows as Failed/Error with its code; a missing image as ImagePullBackOff", async () => {
    await kubectl.apply([{ apiVersion: "v1", kind: "Pod", metadata: { name: "quits", namespace: "pods", labels: { ...labels, quits: "yes" } }, spec: { restartPolicy: "Never", containers: [{ name: "c", image, command: ["sh", "-c", "exit 3"] }] } }], scope);
    const ended = await eventually(async () => (await kubectl.pods({ quits: "yes" }, scope)).find((p) => p.phase === "Failed"), "the container's exit");
    expect(ended).toMatchObject({ reason: "Error", exitCode: 3 });

    await kubectl.apply([{ apiVersion: "v1", kind: "Pod", metadata: { name: "no-image", namespace: "pods", labels: { ...labels, pull: "no" } }, spec: { containers: [{ name: "c", image: "localhost/does-not-exist:1" }] } }], scope);
    expect((await kubectl.pods({ pull: "no" }, scope))[0]).toMatchObject({ phase: "Pending", reason: "ImagePullBackOff" });
    await kubectl.deleteByLabel(["pod", "persistentvolumeclaim", "secret"], { "app.kubernetes.io/managed-by": "remote" }, scope);
    expect((await podman.run(["ps", "-a", "--format", "{{.Names}}"])).stdout.trim()).toBe("");
  }, podmanTimeout);
});

if (!hasPodman()) console.log("kubectl-adapter: podman or runc missing: the podman-backed Pod cases are skipped");
if (!hasKubectl) console.log("kubectl-adapter: kubectl missing: every case is skipped");
