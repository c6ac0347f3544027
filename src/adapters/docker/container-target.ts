import { RemoteError } from "../../domain/errors.ts";
import type { ByteStream, TargetPort } from "../../domain/target-port.ts";
import { bridgeStderr, bridgeStream, eachChunk, type BridgeExec } from "../socket/bridge-stream.ts";
import {
  CONTAINER_BINARY,
  CONTAINER_WORKSPACE,
  MANAGED_BY_LABEL,
  SESSION_LABEL,
  containerLabels,
  containerLimits,
  containerNameFor,
  type ContainerEngine,
  type ContainerNetwork,
  type ContainerStatus,
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
  const run = async (args: readonly string[]) => {
    const proc = Bun.spawn([options.binary, ...args], { env: { ...options.env }, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    return { code, stdout, stderr: stderr.trim() };
  };
  const handleFor = (container: string, image: string): TargetHandle => ({ kind: "docker", engine: options.engine, container, image });

  return {
    kind: "docker",
    create: async (spec) => {
      const name = containerNameFor(spec.sessionId);
      const labels = Object.entries(containerLabels(spec.sessionId, spec.profile)).flatMap(([k, v]) => ["--label", `${k}=${v}`]);
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
        CONTAINER_WORKSPACE,
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
      const out = await run(["inspect", "--format", "{{json .State}}", handle.container]);
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
    exec: async (handle, argv, stdin) => {
      const proc = Bun.spawn([options.binary, "exec", "--interactive", handle.container, ...argv], { env: { ...options.env }, stdin: stdin ?? "ignore", stdout: "pipe", stderr: "pipe" });
      const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
      return { code, stdout, stderr: stderr.trim() };
    },
    remove: async (handle) => {
      const out = await run(["rm", "--force", handle.container]);
      if (out.code !== 0 && !/no such container|no container with name/i.test(out.stderr)) {
        throw new RemoteError("CONTAINER_REMOVE_FAILED", `Cannot remove container '${handle.container}': ${out.stderr}`, `Remove it by hand: \`${options.engine} rm -f ${handle.container}\`.`, "unavailable");
      }
    },
    list: async () => {
      const ids = await run(["ps", "--all", "--quiet", "--filter", `label=${MANAGED_BY_LABEL}=remote`]);
      const list = ids.stdout.split(/\s+/).filter(Boolean);
      if (ids.code !== 0 || list.length === 0) return [];
      const inspected = await run(["inspect", ...list]);
      if (inspected.code !== 0) return [];
      const containers = JSON.parse(inspected.stdout) as { Name: string; Config: { Labels?: Record<string, string>; Image: string }; State: EngineState }[];
      return containers.flatMap((c) => {
        const sessionId = c.Config.Labels?.[SESSION_LABEL];
        return sessionId ? [{ sessionId, handle: handleFor(c.Name.replace(/^\//, ""), c.Config.Image), status: statusOf(c.State) }] : [];
      });
    },
  };
}

/** How long a bridge waits for the session host's socket inside a running container. */
const BRIDGE_WAIT_MS = 15_000;

type EngineState = { Status?: string; Running?: boolean; OOMKilled?: boolean; ExitCode?: number; Error?: string };

function statusOf(state: EngineState): ContainerStatus {
  if (state.Running) return { state: "running" };
  if (state.Status === "created" || state.Status === "configured") return { state: "created" };
  return { state: "exited", exitCode: state.ExitCode ?? -1, oomKilled: state.OOMKilled === true, error: state.Error || undefined };
}

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
