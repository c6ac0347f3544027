import { RemoteError } from "../../domain/errors.ts";
import type { ByteStream, TargetPort } from "../../domain/target-port.ts";
import { bridgeStderr, bridgeStream, eachChunk, type BridgeExec } from "../socket/bridge-stream.ts";
import { statusOf, type EngineState } from "./container-state.ts";
import { isVolumeReader, MANAGED_BY, MANAGED_BY_VALUE, SESSION_ID_LABEL, volumeReaderLabels } from "../../domain/session-labels.ts";
import {
  CONTAINER_BINARY,
  CONTAINER_HOME,
  CONTAINER_REMOTE_HOME,
  CONTAINER_WORKSPACE,
  containerLabels,
  containerWorkVolumeFor,
  isInside,
  containerSocketFor,
  containerVolumeFor,
  containerEnv,
  readPodSpec,
  containerLimits,
  containerNameFor,
  type ContainerEngine,
  type ContainerNetwork,
  type TargetHandle,
} from "../../domain/target.ts";

export type ContainerTargetOptions = {
  readonly engine: ContainerEngine;
  /** The engine's executable (found on the person's PATH). */
  readonly binary: string;
  /** The environment the engine CLI runs in (CONTAINERS_CONF, DOCKER_HOST, ... pass through). */
  readonly env: Readonly<Record<string, string>>;
  readonly network: ContainerNetwork;
};

/**
 * The docker target through a container CLI: `docker` (which may be talking to podman's API
 * socket) or `podman`; the two accept the same argv for everything used here. Argv arrays only.
 * Containers are not removed when their session ends (`--rm` is not used): the engine keeps
 * the exit code and OOMKilled flag that `ls` reports; `stop` and `prune` remove them.
 */
export function createContainerTarget(options: ContainerTargetOptions): TargetPort {
  const run = async (args: readonly string[], stdin?: Uint8Array) => {
    const proc = Bun.spawn([options.binary, ...args], { env: { ...options.env }, stdin: stdin ?? "ignore", stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    return { code, stdout, stderr: stderr.trim() };
  };
  const handleFor = (container: string, image: string): TargetHandle => ({ kind: "docker", engine: options.engine, container, image });
  const sessionIdOf = (handle: TargetHandle) => handle.container.replace(/^remote-/, "");

  return {
    kind: "docker",
    create: async (spec) => {
      const name = containerNameFor(spec.sessionId);
      const labels = Object.entries(containerLabels(spec.sessionId, spec.profile, spec.name)).flatMap(([k, v]) => ["--label", `${k}=${v}`]);
      // HOME (and the workspace in it) on a named volume, made by `run` itself (a separate create costs an
      // engine call per start): it outlives `stop`, as a Pod's claim does; `rm --volumes` deletes it by its
      // name. The engine copies the image's HOME into it on first use (owner included).
      const volume = containerVolumeFor(spec.sessionId);
      // Path parity: HOME and the workspace at the person's own paths (a workspace outside HOME on a volume of its own).
      const home = spec.home ?? CONTAINER_HOME;
      const workdir = spec.workspace ?? CONTAINER_WORKSPACE;
      const ownVolume = !isInside(workdir, home);
      const mounts = ["--volume", `${volume}:${home}`, ...(ownVolume ? ["--volume", `${containerWorkVolumeFor(spec.sessionId)}:${workdir}`] : [])];
      // The engine would make a missing workdir as root, unwritable to the session user: a folder inside HOME's
      // volume is made by `__unpack` instead (the agent's cwd is its spec's either way).
      const startDir = spec.home === undefined || ownVolume ? workdir : home;
      const env = Object.entries({ ...spec.env, REMOTE_POD_SESSION: spec.podSpec }).flatMap(([k, v]) => ["--env", `${k}=${v}`]);
      const created = await run([
        "run",
        "--detach",
        "--pull",
        "never",
        "--name",
        name,
        "--hostname",
        spec.name,
        // Only host (loopback) or none: the default bridge's private addresses are never used.
        "--network",
        options.network,
        "--cap-drop",
        "ALL",
        "--security-opt",
        "no-new-privileges",
        "--workdir",
        startDir,
        ...mounts,
        ...containerLimits(spec),
        ...labels,
        ...env,
        spec.image,
        CONTAINER_BINARY,
        "__pod",
      ]);
      if (created.code !== 0) {
        // Nothing half-created: a container that got a name but did not start goes.
        await run(["rm", "--force", name]);
        await run(["volume", "rm", "--force", volume, containerWorkVolumeFor(spec.sessionId)]);
        // `--pull never`: an absent image is refused before anything is created, and never fetched.
        if (/image not known|no such image|unable to find image/i.test(created.stderr)) {
          throw new RemoteError(
            "IMAGE_NOT_FOUND",
            `Cannot start session '${spec.name}' in image '${spec.image}': ${options.engine} has no such image`,
            "Build one with `npm run image:local` (no pull: localhost/remote-session:local) or `npm run image`, or pass an existing one with --image.",
            "not-found",
          );
        }
        throw new RemoteError("CONTAINER_START_FAILED", `Cannot start container '${name}' from '${spec.image}': ${created.stderr || `${options.engine} exited with code ${created.code}`}`, `Check \`${options.engine} info\`; the image must contain ${CONTAINER_BINARY}.`, "unavailable");
      }
      return handleFor(name, spec.image);
    },
    status: async (handle) => {
      const out = await run(["container", "inspect", "--format", "{{json .State}}", handle.container]);
      if (out.code !== 0) return { state: "missing" };
      return statusOf(JSON.parse(out.stdout) as EngineState);
    },
    openStream: (handle, socketPath) => {
      // A running container without the socket yet is a session still starting: the bridge waits for it.
      const wait = ["--wait-ms", String(BRIDGE_WAIT_MS)];
      const proc = Bun.spawn([options.binary, "exec", "--interactive", handle.container, CONTAINER_BINARY, "__bridge", socketPath, ...wait], {
        env: { ...options.env },
        stdin: "pipe",
        stdout: "pipe",
        stderr: "pipe",
      });
      return pipeStream(proc);
    },
    exec: (handle, argv, stdin) => run(["exec", "--interactive", handle.container, ...argv], stdin),
    lastOutput: async (handle, lines) => {
      // The engine replays the container's stdout and stderr on its own two: the entrypoint writes only stderr.
      const out = await run(["logs", "--tail", String(lines), handle.container]);
      return out.code === 0 ? `${out.stdout}\n${out.stderr}` : "";
    },
    onVolumes: async (handle, volumes, work) => {
      // The same volumes at the same paths as `create` mounted them.
      const ownVolume = !isInside(volumes.workspace, volumes.home);
      const named = [containerVolumeFor(volumes.sessionId), ...(ownVolume ? [containerWorkVolumeFor(volumes.sessionId)] : [])];
      // `run` would make a missing named volume, empty: a reader of nothing.
      const found = await run(["volume", "inspect", ...named]);
      if (found.code !== 0) {
        throw new RemoteError("VOLUMES_GONE", `Cannot read the volumes of session '${volumes.sessionId}': ${named.join(", ")} ${named.length === 1 ? "is" : "are"} gone`, "They were deleted (`remote rm --volumes` or by hand); what the session left there is lost.", "not-found");
      }
      const mounts = ["--volume", `${named[0]}:${volumes.home}`, ...(ownVolume ? ["--volume", `${named[1]}:${volumes.workspace}`] : [])];
      const labels = Object.entries(volumeReaderLabels(volumes.sessionId, volumes.profile)).flatMap(([k, v]) => ["--label", `${k}=${v}`]);
      const env = Object.entries(containerEnv({}, volumes.home)).flatMap(([k, v]) => ["--env", `${k}=${v}`]);
      // One `run --rm` per command: the image's user (the session's), no network, nothing left behind.
      const helper = ["run", "--rm", "--interactive", "--pull", "never", "--network", "none", "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--workdir", volumes.home, ...mounts, ...labels, ...env, handle.image];
      return work((argv, stdin) => run([...helper, ...argv], stdin));
    },
    remove: async (handle) => {
      const out = await run(["rm", "--force", handle.container]);
      if (out.code !== 0 && !/no such container|no container with name/i.test(out.stderr)) {
        throw new RemoteError("CONTAINER_REMOVE_FAILED", `Cannot remove container '${handle.container}': ${out.stderr}`, `Remove it by hand: \`${options.engine} rm -f ${handle.container}\`.`, "unavailable");
      }
    },
    removeVolumes: async (handle) => {
      const volume = containerVolumeFor(sessionIdOf(handle));
      const out = await run(["volume", "rm", "--force", volume, containerWorkVolumeFor(sessionIdOf(handle))]);
      if (out.code !== 0 && !/no such volume|no volume with name/i.test(out.stderr)) {
        throw new RemoteError("CONTAINER_REMOVE_FAILED", `Cannot remove volume '${volume}': ${out.stderr}`, `Remove it by hand: \`${options.engine} volume rm ${volume}\`.`, "unavailable");
      }
    },
    list: async () => {
      const ids = await run(["ps", "--all", "--quiet", "--filter", `label=${MANAGED_BY}=${MANAGED_BY_VALUE}`]);
      if (ids.code !== 0) throw new RemoteError("CONTAINER_LIST_FAILED", `Cannot list ${options.engine} containers: ${ids.stderr}`, `Check \`${options.engine} ps\`.`, "unavailable");
      const list = ids.stdout.split(/\s+/).filter(Boolean);
      if (list.length === 0) return [];
      const inspected = await run(["inspect", ...list]);
      // A container removed between the two calls makes inspect fail for all: the listing is retried by the next reader.
      if (inspected.code !== 0) return [];
      const containers = JSON.parse(inspected.stdout) as InspectedContainer[];
      return containers.flatMap((c) => {
        const sessionId = c.Config.Labels?.[SESSION_ID_LABEL];
        // A volume reader beside an ended session is not a session.
        if (!sessionId || isVolumeReader(c.Config.Labels)) return [];
        const raw = c.Config.Env?.find((e) => e.startsWith("REMOTE_POD_SESSION="))?.slice("REMOTE_POD_SESSION=".length);
        const spec = readPodSpec(raw);
        // Its own REMOTE_HOME says where its host listens (a workspace session's HOME is the person's path).
        const remoteHome = c.Config.Env?.find((e) => e.startsWith("REMOTE_HOME="))?.slice("REMOTE_HOME=".length);
        const socketPath = remoteHome && remoteHome !== CONTAINER_REMOTE_HOME ? `${remoteHome}/sock/${sessionId}.sock` : containerSocketFor(sessionId);
        return [{ sessionId, handle: handleFor(c.Name.replace(/^\//, ""), c.Config.Image), status: statusOf(c.State), spec, createdAt: c.Created, socketPath }];
      });
    },
  };
}

/** How long a bridge waits for the session host's socket inside a running container. */
const BRIDGE_WAIT_MS = 15_000;

type InspectedContainer = { Name: string; Created?: string; Config: { Labels?: Record<string, string>; Image: string; Env?: string[] }; State: EngineState };

/** The exec'd bridge's stdin/stdout as a byte stream; its stderr says when it is connected, or why it failed. */
function pipeStream(proc: Bun.Subprocess<"pipe", "pipe", "pipe">): ByteStream {
  const stderr = bridgeStderr();
  const decoder = new TextDecoder();
  const stderrDone = eachChunk(proc.stderr, (chunk) => stderr.hear(decoder.decode(chunk, { stream: true }))).catch(() => {});
  const exec: BridgeExec = {
    stdout: proc.stdout,
    exited: proc.exited,
    write: (data) => {
      proc.stdin.write(data);
      void proc.stdin.flush();
    },
    end: () => void Promise.resolve(proc.stdin.end()).catch(() => {}),
  };
  return bridgeStream(exec, stderr, stderrDone);
}
