/**
 * Targets: where a session runs. `local` is this machine's host server; `docker` is a
 * container (docker or podman CLI) whose entrypoint is our own binary hosting that one
 * session (`remote __pod`), reached through `<engine> exec -i <ctr> remote __bridge <socket>`
 * so the framed host protocol (offsets, exactly-once input, redraw) travels unchanged.
 * Pure rules only: names, labels, the in-container layout, engine choice, status words.
 */
import { RemoteError } from "./errors.ts";
import { SESSION_NAME_ANNOTATION, sessionLabels } from "./session-labels.ts";

export const CONTAINER_ENGINES = ["docker", "podman"] as const;
export type ContainerEngine = (typeof CONTAINER_ENGINES)[number];
export type EngineChoice = ContainerEngine | "auto";

/** Only these: the default bridge hands out private addresses, which must never be used. */
export const CONTAINER_NETWORKS = ["host", "none"] as const;
export type ContainerNetwork = (typeof CONTAINER_NETWORKS)[number];

/** What a session record keeps to find its container again (the container name is derived from the session id). */
export type TargetHandle = DockerHandle | KubernetesHandle;
export type DockerHandle = { readonly kind: "docker"; readonly engine: ContainerEngine; readonly container: string; readonly image: string };
/** Where a new Pod goes: --context (absent: the kubeconfig's current one) and the namespace. */
export type KubernetesPlacement = { readonly kind: "kubernetes"; readonly context?: string | undefined; readonly namespace: string };
/** Where a `kubernetes` target puts a session (undefined for any other target): the namespace asked for, else the configured one. */
export function kubernetesPlacement(asked: { readonly target: string; readonly context?: string | undefined; readonly namespace?: string | undefined }, defaultNamespace: string): KubernetesPlacement | undefined {
  return asked.target === "kubernetes" ? { kind: "kubernetes", context: asked.context, namespace: asked.namespace ?? defaultNamespace } : undefined;
}
/** A Pod: `container` is its name. */
export type KubernetesHandle = KubernetesPlacement & { readonly container: string; readonly image: string };

/** A container's labels: the one vocabulary of session-labels.ts, plus its name (docker has no annotations). */
export const containerLabels = (sessionId: string, profile: string, name: string): Record<string, string> => ({ ...sessionLabels(sessionId, profile), [SESSION_NAME_ANNOTATION]: name });
export const containerNameFor = (sessionId: string) => `remote-${sessionId}`;
/** The named volume holding a container session's HOME and workspace (a Pod's claim is `remote-<id>-data` too). */
export const containerVolumeFor = (sessionId: string) => `remote-${sessionId}-data`;
/** A workspace outside the session's HOME (path parity) gets a volume of its own. */
export const containerWorkVolumeFor = (sessionId: string) => `remote-${sessionId}-work`;
/** Is `path` the folder `home` or inside it (then HOME's volume holds it). */
export const isInside = (path: string, home: string): boolean => {
  const [inner, outer] = [path.replace(/\/$/, ""), home.replace(/\/$/, "")];
  return inner === outer || inner.startsWith(`${outer}/`);
};

/** The layout inside the session image: a non-root user, its HOME, the workspace, our binary. */
export const CONTAINER_HOME = "/home/remote";
export const CONTAINER_WORKSPACE = `${CONTAINER_HOME}/work`;
export const CONTAINER_REMOTE_HOME = `${CONTAINER_HOME}/.remote`;
export const CONTAINER_BINARY = "/usr/local/bin/remote";

/** The session meta key that records a container session's HOME inside it, as it was started. */
export const CONTAINER_HOME_META = "containerHome";

/**
 * A container session's HOME inside its container: as its record says (a workspace's session
 * has the workspace's own HOME path), else, for a record from before that was kept (or found
 * again by labels), the default: a Pod mounts the person's HOME at its own path, a docker
 * container has the image's.
 */
export function containerHomeOf(session: { readonly target?: { readonly kind: "docker" | "kubernetes" } | undefined; readonly meta: Readonly<Record<string, unknown>> }, personHome: string): string {
  const recorded = session.meta[CONTAINER_HOME_META];
  if (typeof recorded === "string") return recorded;
  return session.target?.kind === "kubernetes" ? personHome : CONTAINER_HOME;
}
/** What `remote __bridge` says on stderr once it reached the socket (anything else there is a complaint). */
export const BRIDGE_READY = "bridge: connected";
/** Where the session host inside the container listens (the bridge connects there). */
/** (config.ts's socketPathFor for that REMOTE_HOME, written out: config.ts imports this file; a test holds them equal.) */
export const containerSocketFor = (sessionId: string) => `${CONTAINER_REMOTE_HOME}/sock/${sessionId}.sock`;

/** auto: a docker daemon that answers wins (it may itself be podman's socket), else the podman CLI if present. */
export function chooseEngine(choice: EngineChoice, found: { readonly dockerAnswers: boolean; readonly podmanPresent: boolean; readonly dockerPresent: boolean }): ContainerEngine | undefined {
  if (choice === "docker") return found.dockerPresent ? "docker" : undefined;
  if (choice === "podman") return found.podmanPresent ? "podman" : undefined;
  if (found.dockerAnswers) return "docker";
  return found.podmanPresent ? "podman" : undefined;
}

export function engineMissing(choice: EngineChoice): RemoteError {
  const which = choice === "auto" ? "no docker daemon answered and podman is not on PATH" : `'${choice}' is not on PATH`;
  return new RemoteError(
    "ENGINE_MISSING",
    `Cannot use target 'docker': ${which}`,
    "Install podman (`apt-get install -y podman runc`) or docker, or pick one with container_engine = \"podman\" | \"docker\" in config.toml.",
    "unavailable",
  );
}

/**
 * A container or Pod as its engine reports it. `waiting` is one that is not running and has
 * not ended: Pending on an image (ImagePullBackOff, ErrImagePull), backing off between crashes
 * (CrashLoopBackOff, with why it last ended), or still being created (ContainerCreating).
 */
export type ContainerStatus =
  | { readonly state: "running" }
  | { readonly state: "created" }
  | { readonly state: "waiting"; readonly reason: string; readonly message?: string | undefined; readonly restarts?: number | undefined; readonly lastReason?: string | undefined; readonly lastExitCode?: number | undefined }
  | { readonly state: "exited"; readonly exitCode: number; readonly oomKilled: boolean; readonly error?: string | undefined }
  | { readonly state: "missing" };

/**
 * The environment handed into the container: never the person's whole environment
 * (credentials travel as files, not env), only what the terminal and locale need.
 */
export function containerEnv(env: Readonly<Record<string, string | undefined>>, home: string = CONTAINER_HOME): Record<string, string> {
  const out: Record<string, string> = { TERM: env.TERM || "xterm-256color", HOME: home, SHELL: "/bin/bash", REMOTE_HOME: home === CONTAINER_HOME ? CONTAINER_REMOTE_HOME : `${home.replace(/\/$/, "")}/.remote` };
  for (const key of ["LANG", "LC_ALL", "COLORTERM", "TZ"]) {
    const value = env[key];
    if (value) out[key] = value;
  }
  return out;
}

/**
 * --cpu / --memory (Kubernetes quantities, checked by kube/quantity.ts) as the container
 * CLI takes them: `--cpus` in cores ("500m" -> "0.5"), `--memory` in bytes ("512Mi" -> "536870912").
 */
export function containerLimits(limits: { readonly cpu?: string | undefined; readonly memory?: string | undefined }): string[] {
  const out: string[] = [];
  if (limits.cpu !== undefined) {
    const milli = /^(\d+)m$/.exec(limits.cpu);
    out.push("--cpus", milli ? String(Number(milli[1]) / 1000) : limits.cpu);
  }
  if (limits.memory !== undefined) {
    const units: Record<string, number> = { "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
    const match = /^(\d+)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(limits.memory);
    out.push("--memory", match ? String(Number(match[1]) * (units[match[2] ?? ""] ?? 1)) : limits.memory);
  }
  return out;
}

/** What the in-container session host (`remote __pod`) is told to run, as JSON in REMOTE_POD_SESSION. */
export type PodSpec = {
  readonly sessionId: string;
  readonly name: string;
  readonly profile: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly cols: number;
  readonly rows: number;
  /** Which target started it (plugins' session events say so); absent in specs from before it was recorded: docker. */
  readonly target?: "docker" | "kubernetes" | undefined;
  /**
   * Where its credential files come from before the agent starts: `mount` (a Pod: copied
   * from the Secret mounted at CREDENTIALS_MOUNT), `exec` (a container: pushed in through
   * `exec remote __credentials`, waited for). Absent: none.
   */
  readonly credentials?: "mount" | "exec";
  /** The opt-in tools (`--with gh,...`) its bundle was collected with: a CLI that finds the session again by its labels refreshes the same bundle. */
  readonly credentialTools?: readonly string[] | undefined;
  /** The desired plugin manifest's sha256: the entrypoint waits for the HOME to have it before starting the agent (issue 11). */
  readonly plugins?: string | undefined;
  /**
   * `exec`: the control plane puts things in before the agent starts (a workspace's files, a
   * migrated conversation) and says so with `remote __prepared`; the entrypoint waits for that.
   */
  readonly prepared?: "exec" | undefined;
  /** The image it runs in: named when its agent cannot start there. */
  readonly image?: string | undefined;
};

export function parsePodSpec(raw: string | undefined): PodSpec {
  const bad = (why: string) => new RemoteError("BAD_POD_SPEC", `Cannot host the container's session: REMOTE_POD_SESSION ${why}`, "It is set by `remote run --target docker`; this command is internal.", "usage");
  if (!raw) throw bad("is not set");
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw bad("is not JSON");
  }
  const v = value as Record<string, unknown>;
  const strings = ["sessionId", "name", "profile", "command", "cwd"] as const;
  for (const key of strings) if (typeof v[key] !== "string" || v[key] === "") throw bad(`has no ${key}`);
  if (!Array.isArray(v.args) || !v.args.every((a) => typeof a === "string")) throw bad("has no args list");
  for (const key of ["cols", "rows"] as const) if (!Number.isInteger(v[key]) || (v[key] as number) < 1) throw bad(`has no ${key}`);
  if (v.target !== undefined && v.target !== "docker" && v.target !== "kubernetes") throw bad("names no known target");
  if (v.credentials !== undefined && v.credentials !== "mount" && v.credentials !== "exec") throw bad("names no known credential source");
  if (v.prepared !== undefined && v.prepared !== "exec") throw bad("names no known preparation");
  if (v.image !== undefined && typeof v.image !== "string") throw bad("has an image that is not a name");
  if (v.credentialTools !== undefined && !(Array.isArray(v.credentialTools) && v.credentialTools.every((t) => typeof t === "string"))) throw bad("has a credentialTools that is not a list of names");
  return v as unknown as PodSpec;
}

/**
 * What a session found again by its labels keeps of its credentials: whether it has a bundle and
 * with which tools. The bundle's hash is not known here, so the next refresh pushes it.
 */
export function rediscoveredCredentialMeta(spec: PodSpec | undefined): Record<string, unknown> {
  if (spec?.credentials === undefined) return {};
  return { credentialsHash: "unknown", credentialTools: [...(spec.credentialTools ?? [])] };
}

/** A found container's or Pod's session spec, or undefined when unreadable (rediscovery still lists it, by id). */
export function readPodSpec(raw: string | undefined): PodSpec | undefined {
  try {
    return parsePodSpec(raw);
  } catch {
    return undefined;
  }
}

/** A container's exit code for a session's end: the agent's code, or 128 + its signal's number as a shell reports it. */
export function podExitCode(exit: { readonly exitCode: number | null; readonly signal: string | null }, signalNumber: (name: string) => number | undefined): number {
  if (exit.exitCode !== null) return exit.exitCode;
  const n = exit.signal === null ? undefined : signalNumber(exit.signal);
  return n === undefined ? 1 : 128 + n;
}
