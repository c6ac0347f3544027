/**
 * What runs behind the fake API server's Pods. Two runtimes answer the same questions
 * (start the Pod's first container, its state, how to exec into it, its logs, remove it):
 * - `process`: a local process in a temp dir (fast; `exec` runs argv here), the container's
 *   command + args run as-is when given (a missing program reads as RunContainerError; an
 *   image not in `images`, when given, as ImagePullBackOff);
 *   volumes and runAsUser are ignored;
 * - `podman`: a real container (`podman run -d --network none --pull=never`) in a private
 *   podman root, so exec and logs are the real thing; a missing image reads as
 *   ImagePullBackOff, an exit as Completed/Error/OOMKilled with its code; volumes are
 *   bind mounts, runAsUser is `--user`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Podman } from "./fake-kube-podman.ts";
import type { Mount } from "./fake-kube-volumes.ts";

export type ContainerSpec = { readonly name: string; readonly image: string; readonly command?: readonly string[]; readonly args?: readonly string[]; readonly env?: readonly { name: string; value?: string }[]; readonly workingDir?: string };
/** What the runtime starts: the container plus what the kubelet resolved (mounts, user). */
export type RuntimeContainer = ContainerSpec & { readonly mounts?: readonly Mount[]; readonly user?: string };

/** A container's state in the API's own shape (`state` is one of running/waiting/terminated). */
export type ContainerView = {
  readonly phase: "Pending" | "Running" | "Succeeded" | "Failed";
  readonly state: Record<string, Record<string, unknown>>;
  readonly lastState?: Record<string, Record<string, unknown>>;
  readonly restartCount?: number;
};

/** The local argv that runs `argv` inside the Pod (and where). */
export type ExecSpec = { readonly argv: string[]; readonly cwd?: string; readonly env?: Record<string, string> };

export type PodRuntime = {
  readonly start: (key: string, container: RuntimeContainer) => Promise<void>;
  readonly view: (key: string) => Promise<ContainerView>;
  readonly exec: (key: string, argv: readonly string[]) => ExecSpec | undefined;
  readonly logs: (key: string) => Promise<string>;
  readonly remove: (key: string) => Promise<void>;
  readonly close: () => Promise<void>;
};

/** Calls `each` with every chunk of `stream` until it ends. */
export async function eachChunk(stream: ReadableStream<Uint8Array>, each: (chunk: Uint8Array) => void): Promise<void> {
  const reader = stream.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) each(r.value);
}

const running = (startedAt: string): ContainerView => ({ phase: "Running", state: { running: { startedAt } } });
const terminated = (exitCode: number, reason: string): ContainerView => ({ phase: exitCode === 0 ? "Succeeded" : "Failed", state: { terminated: { exitCode, reason } } });
const waiting = (reason: string, message: string): ContainerView => ({ phase: "Pending", state: { waiting: { reason, message } } });

/**
 * `programs` maps an in-image program to a local argv (the session image's
 * /usr/local/bin/remote -> `bun src/main.ts`), for the Pod's command and for exec alike.
 * The container's env is laid over this process's (PATH and the like stay).
 */
export function processRuntime(options: { readonly programs?: Readonly<Record<string, readonly string[]>>; readonly images?: readonly string[] } = {}): PodRuntime {
  const local = (argv: readonly string[]) => {
    const [program, ...rest] = argv;
    const mapped = program === undefined ? undefined : options.programs?.[program];
    return mapped ? [...mapped, ...rest] : [...argv];
  };
  const root = mkdtempSync(join(tmpdir(), "fake-kube-pods-"));
  const pods = new Map<string, { dir: string; view: ContainerView; log: string; proc?: ReturnType<typeof Bun.spawn> }>();
  return {
    start: async (key, container) => {
      const dir = mkdtempSync(join(root, "pod-"));
      const pod: { dir: string; view: ContainerView; log: string; proc?: ReturnType<typeof Bun.spawn> } = { dir, view: running(new Date().toISOString()), log: "" };
      pods.set(key, pod);
      // `images`: what the "registry" has; any other image backs off pulling, as a kubelet's does.
      if (options.images && !options.images.includes(container.image)) {
        pod.view = waiting("ImagePullBackOff", `Back-off pulling image "${container.image}"`);
        return;
      }
      const argv = local([...(container.command ?? []), ...(container.args ?? [])]);
      if (argv.length === 0) return; // the image's default: here, a container that just runs
      try {
        const env = { ...process.env, ...Object.fromEntries((container.env ?? []).flatMap((e) => (e.value === undefined ? [] : [[e.name, e.value]]))) };
        const proc = Bun.spawn(argv, { cwd: dir, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
        pod.proc = proc;
        const collect = (stream: ReadableStream<Uint8Array>) => eachChunk(stream, (chunk) => (pod.log += new TextDecoder().decode(chunk)));
        void Promise.all([collect(proc.stdout), collect(proc.stderr), proc.exited]).then(([, , code]) => {
          pod.view = terminated(code, code === 0 ? "Completed" : "Error");
        });
      } catch (error) {
        pod.view = waiting("RunContainerError", String(error));
      }
    },
    view: async (key) => pods.get(key)?.view ?? waiting("ContainerCreating", ""),
    exec: (key, argv) => {
      const pod = pods.get(key);
      return pod && pod.view.phase === "Running" ? { argv: local(argv), cwd: pod.dir } : undefined;
    },
    logs: async (key) => pods.get(key)?.log ?? "",
    remove: async (key) => {
      pods.get(key)?.proc?.kill("SIGKILL");
      pods.delete(key);
    },
    close: async () => {
      for (const pod of pods.values()) pod.proc?.kill("SIGKILL");
      pods.clear();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export function podmanRuntime(podman: Podman): PodRuntime {
  const names = new Map<string, string>();
  const failures = new Map<string, ContainerView>();
  let count = 0;
  return {
    start: async (key, container) => {
      const name = `fake-kube-${process.pid}-${++count}`;
      names.set(key, name);
      const env = (container.env ?? []).flatMap((e) => (e.value === undefined ? [] : ["--env", `${e.name}=${e.value}`]));
      const entrypoint = container.command ? ["--entrypoint", JSON.stringify(container.command)] : [];
      const workdir = container.workingDir ? ["--workdir", container.workingDir] : [];
      const mounts = (container.mounts ?? []).flatMap((m) => ["--volume", `${m.hostPath}:${m.mountPath}${m.readOnly ? ":ro" : ""}`]);
      const user = container.user ? ["--user", container.user] : [];
      // --network none: never the default bridge here (SPEC §11); --pull=never: no registry.
      const run = await podman.run(["run", "-d", "--name", name, "--network", "none", "--pull=never", ...entrypoint, ...env, ...workdir, ...mounts, ...user, container.image, ...(container.args ?? [])]);
      if (run.code !== 0) {
        const missing = /image not known|unable to find|no such image/i.test(run.stderr);
        failures.set(key, waiting(missing ? "ImagePullBackOff" : "RunContainerError", run.stderr.trim()));
      }
    },
    view: async (key) => {
      const failed = failures.get(key);
      const name = names.get(key);
      if (failed || !name) return failed ?? waiting("ContainerCreating", "");
      const inspect = await podman.run(["inspect", "--format", "json", name]);
      const state = (JSON.parse(inspect.stdout || "[{}]") as { State?: { Status?: string; ExitCode?: number; OOMKilled?: boolean; StartedAt?: string } }[])[0]?.State;
      if (!state) return waiting("ContainerCreating", inspect.stderr.trim());
      if (state.Status === "running") return running(state.StartedAt ?? new Date().toISOString());
      if (state.Status === "exited" || state.Status === "stopped") {
        const code = state.ExitCode ?? 0;
        return terminated(code, state.OOMKilled ? "OOMKilled" : code === 0 ? "Completed" : "Error");
      }
      return waiting("ContainerCreating", `podman state ${state.Status}`);
    },
    exec: (key, argv) => {
      const name = names.get(key);
      return name && !failures.has(key) ? { argv: [...podman.argv(["exec", "-i", name, ...argv])], env: podman.env } : undefined;
    },
    logs: async (key) => {
      const name = names.get(key);
      if (!name || failures.has(key)) return "";
      const out = await podman.run(["logs", name]);
      return out.stdout + out.stderr;
    },
    remove: async (key) => {
      const name = names.get(key);
      names.delete(key);
      failures.delete(key);
      if (name) await podman.run(["rm", "-f", "-t", "0", name]);
    },
    close: async () => {
      await Promise.all([...names.values()].map((name) => podman.run(["rm", "-f", "-t", "0", name])));
      names.clear();
    },
  };
}
