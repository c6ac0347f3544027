/**
 * The kubernetes target (issue 9) on the kubectl port: `create` applies the session's
 * rendered PVC, Secret and Pod (src/domain/kube), whose entrypoint is our binary hosting
 * that one session (`remote __pod`, the docker target's contract); `openStream` is
 * `kubectl exec -i <pod> -- remote __bridge <socket>`, so the framed host protocol travels
 * unchanged. `remove` deletes the Pod and its Secret and keeps the claim (the workspace
 * and HOME outlive a stop).
 */
import { sessionObjectNames } from "../../domain/kube/names.ts";
import { managedLabels, sessionLabels, sessionSelector, SESSION_ID_LABEL, VOLUME_READER_COMPONENT, COMPONENT_LABEL } from "../../domain/session-labels.ts";
import { renderVolumeReaderPod } from "../../domain/kube/volume-reader.ts";
import { podSocketFor, SESSION_ENV } from "../../domain/kube/entrypoint.ts";
import { renderSessionManifests, sessionManifestList } from "../../domain/kube/session-manifests.ts";
import type { KubectlPort, KubeObjectData, KubeScope, PodState } from "../../domain/kubectl-port.ts";
import type { ExecResult, TargetPort } from "../../domain/target-port.ts";
import { RemoteError } from "../../domain/errors.ts";
import { renderCredentialsSecret } from "../../domain/kube/secret.ts";
import { bridgeStderr, bridgeStream } from "../socket/bridge-stream.ts";
import { CONTAINER_BINARY, parsePodSpec, readPodSpec, type ContainerStatus, type KubernetesHandle, type TargetHandle } from "../../domain/target.ts";

export type KubeTargetOptions = {
  readonly kubectl: KubectlPort;
  /** --context (absent: the kubeconfig's current one) and the namespace (--namespace, else config kube_namespace). */
  readonly context?: string | undefined;
  readonly namespace: string;
  /** The person's HOME: mounted at the same path in the Pod (path parity). */
  readonly home: string;
};

/** How long a bridge waits for the session host's socket inside a running Pod. */
const BRIDGE_WAIT_MS = 15_000;

export function createKubeTarget(options: KubeTargetOptions): TargetPort {
  const scopeOf = (handle: TargetHandle): KubeScope => (handle.kind === "kubernetes" ? { context: handle.context, namespace: handle.namespace } : { context: options.context, namespace: options.namespace });
  const scope: KubeScope = { context: options.context, namespace: options.namespace };
  const sessionIdOf = (handle: TargetHandle) => handle.container.replace(/^remote-/, "");
  const mine = (handle: TargetHandle) => sessionSelector(sessionIdOf(handle));
  /** argv in a Pod, `stdin` fed then closed, its output collected. */
  const execIn = async (pod: string, argv: readonly string[], scope: KubeScope, stdin?: Uint8Array): Promise<ExecResult> => {
    const exec = options.kubectl.exec(pod, argv, scope);
    if (stdin) exec.write(stdin);
    exec.end();
    const [stdout, code] = await Promise.all([new Response(exec.stdout).text(), exec.exited]);
    return { code, stdout, stderr: exec.stderr().trim() };
  };

  return {
    kind: "kubernetes",
    create: async (spec) => {
      const session = parsePodSpec(spec.podSpec);
      // Rendering validates everything (namespace, quantities, paths) before the cluster is asked.
      const manifests = renderSessionManifests({
        sessionId: spec.sessionId,
        profile: spec.profile,
        name: spec.name,
        image: spec.image,
        namespace: options.namespace,
        cpu: spec.cpu,
        memory: spec.memory,
        workspace: spec.workspace ?? session.cwd,
        home: spec.home ?? options.home,
        command: session.command,
        args: session.args,
        cols: session.cols,
        rows: session.rows,
        plugins: session.plugins,
        prepared: session.prepared,
        credentialTools: session.credentialTools,
        credentials: new Map((spec.credentials ?? []).map((f) => [f.path, f.content])),
      });
      try {
        await options.kubectl.apply(sessionManifestList(manifests), scope);
      } catch (error) {
        // Nothing half-created: whatever of the three the server accepted goes (best effort: a refused scope refuses this too).
        await options.kubectl.deleteByLabel(["pod", "secret", "persistentvolumeclaim"], sessionLabels(spec.sessionId, spec.profile), scope).catch(() => {});
        throw error;
      }
      const handle: KubernetesHandle = { kind: "kubernetes", container: manifests.pod.metadata.name, image: spec.image, context: options.context, namespace: options.namespace };
      return handle;
    },
    status: async (handle) => {
      // By name: a volume reader beside it carries its labels too.
      const pod = (await options.kubectl.pods(mine(handle), scopeOf(handle))).find((p) => p.name === handle.container);
      return pod ? statusOf(pod) : { state: "missing" };
    },
    openStream: (handle, socketPath) => {
      const stderr = bridgeStderr();
      const exec = options.kubectl.exec(handle.container, [CONTAINER_BINARY, "__bridge", socketPath, "--wait-ms", String(BRIDGE_WAIT_MS)], scopeOf(handle), { onStderr: stderr.hear });
      return bridgeStream(exec, stderr);
    },
    exec: (handle, argv, stdin) => execIn(handle.container, argv, scopeOf(handle), stdin),
    // Best effort: a Pod whose logs cannot be read (gone, refused) has nothing to say.
    lastOutput: (handle, lines) => options.kubectl.logs(handle.container, scopeOf(handle), { tailLines: lines }).catch(() => ""),
    onVolumes: async (handle, volumes, work) => {
      const kube = scopeOf(handle);
      const names = sessionObjectNames(volumes.sessionId);
      const readers = { ...sessionSelector(volumes.sessionId), [COMPONENT_LABEL]: VOLUME_READER_COMPONENT };
      // A Pod on a missing claim would wait for it forever.
      if (!(await options.kubectl.get("persistentvolumeclaim", names.volume, kube))) {
        throw new RemoteError("VOLUMES_GONE", `Cannot read the claim of session '${volumes.sessionId}': '${names.volume}' is gone`, "It was deleted (`remote rm --volumes` or by hand); what the session left there is lost.", "not-found");
      }
      // One left by an interrupted read goes first (the name is fixed).
      await options.kubectl.deleteByLabel(["pod"], readers, kube, { wait: true });
      await options.kubectl.create([renderVolumeReaderPod({ ...volumes, image: handle.image, namespace: kube.namespace ?? options.namespace })], kube);
      try {
        await untilReaderRuns(options.kubectl, names.reader, readers, kube);
        return await work((argv, stdin) => execIn(names.reader, argv, kube, stdin));
      } finally {
        await options.kubectl.deleteByLabel(["pod"], readers, kube).catch(() => {});
      }
    },
    remove: async (handle) => {
      // The claim stays: the next session of this id (or a person) finds the workspace and HOME again.
      await options.kubectl.deleteByLabel(["pod", "secret"], mine(handle), scopeOf(handle));
    },
    removeVolumes: async (handle) => {
      await options.kubectl.deleteByLabel(["persistentvolumeclaim"], mine(handle), scopeOf(handle));
    },
    storeCredentials: async (handle, push) => {
      const kube = scopeOf(handle);
      await options.kubectl.apply([renderCredentialsSecret({ sessionId: push.sessionId, profile: push.profile, namespace: kube.namespace ?? options.namespace, credentials: new Map(push.files.map((f) => [f.path, f.content])) })], kube);
    },
    recreate: async (handle) => {
      const kube = scopeOf(handle);
      const pod = await options.kubectl.get("pod", handle.container, kube);
      if (!pod) throw new RemoteError("KUBE_NOT_FOUND", `Cannot restart pod '${handle.container}': it is gone`, "List what exists with `remote ls`; start a new session.", "not-found");
      // Gone for good before the same name is created again; the claim and the Secret stay.
      await options.kubectl.deleteByLabel(["pod"], mine(handle), kube, { wait: true });
      await options.kubectl.create([podAgain(pod)], kube);
    },
    list: async () => {
      const pods = await options.kubectl.pods(managedLabels, scope);
      return pods.flatMap((pod) => {
        const sessionId = pod.labels[SESSION_ID_LABEL];
        if (!sessionId || pod.name !== sessionObjectNames(sessionId).pod) return [];
        const spec = readPodSpec(pod.env[SESSION_ENV.podSession]);
        const handle: KubernetesHandle = { kind: "kubernetes", container: pod.name, image: pod.image ?? "", context: options.context, namespace: options.namespace };
        // The Pod's own REMOTE_HOME says where its host listens (its HOME may not be this machine's).
        const remoteHome = pod.env[SESSION_ENV.remoteHome];
        const socketPath = remoteHome ? `${remoteHome}/sock/${sessionId}.sock` : podSocketFor(options.home, sessionId);
        return [{ sessionId, handle, status: statusOf(pod), spec, createdAt: pod.createdAt, socketPath }];
      });
    },
  };
}

/** How long a volume reader may take to start (an image already on the node: seconds). */
const READER_START_MS = 120_000;

/** Polls the reader Pod until its container runs; one that cannot start (a waiting reason, an end) fails at once. */
async function untilReaderRuns(kubectl: KubectlPort, name: string, labels: Readonly<Record<string, string>>, scope: KubeScope): Promise<void> {
  const deadline = Date.now() + READER_START_MS;
  for (;;) {
    const pod = (await kubectl.pods(labels, scope)).find((p) => p.name === name);
    const status = pod ? statusOf(pod) : ({ state: "created" } as const);
    if (status.state === "running") return;
    if (status.state !== "created" || Date.now() > deadline) {
      const why = status.state === "waiting" ? `${status.reason}${status.message ? `: ${status.message}` : ""}` : status.state === "exited" ? `it ended (code ${status.exitCode})` : "it did not start in time";
      throw new RemoteError("VOLUME_READER_FAILED", `Cannot read the claim through pod '${name}': ${why}`, "Check the session's image is still on the node (`kubectl describe pod`).", "unavailable");
    }
    await Bun.sleep(200);
  }
}

/** The same Pod as a new object: what the server added (uid, status, the node it ran on) left out, so the scheduler places it again. */
function podAgain(pod: KubeObjectData): KubeObjectData {
  const { name, namespace, labels, annotations } = pod.metadata as KubeObjectData["metadata"] & { annotations?: Record<string, string> };
  const { nodeName: _node, ...spec } = pod.spec as Record<string, unknown>;
  return { apiVersion: pod.apiVersion, kind: pod.kind, metadata: { name, ...(namespace && { namespace }), ...(labels && { labels }), ...(annotations && { annotations }) }, spec };
}

/**
 * A Pod as a container status. A waiting container (ImagePullBackOff, CrashLoopBackOff:
 * the phase of the latter is still Running) is `waiting` with its reason; a plain Pending
 * one (scheduling, ContainerCreating) is `created`; an ended one says its code.
 */
function statusOf(pod: PodState): ContainerStatus {
  if (pod.phase === "Succeeded" || pod.phase === "Failed") {
    const reason = pod.reason === "Completed" || pod.reason === "Error" ? undefined : pod.reason;
    return { state: "exited", exitCode: pod.exitCode ?? -1, oomKilled: pod.reason === "OOMKilled", error: reason ?? pod.message };
  }
  if (pod.container === "waiting" && pod.reason && pod.reason !== "ContainerCreating") {
    return { state: "waiting", reason: pod.reason, message: pod.message, restarts: pod.restarts, lastReason: pod.lastReason, lastExitCode: pod.lastReason ? pod.exitCode : undefined };
  }
  if (pod.phase === "Running" && pod.container !== "waiting") return { state: "running" };
  // Pending without a container reason: unschedulable and the like say so at the Pod level.
  if (pod.phase === "Pending" && pod.reason && pod.reason !== "ContainerCreating") return { state: "waiting", reason: pod.reason, message: pod.message };
  return { state: "created" };
}
