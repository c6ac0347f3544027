import type { ConfigFile } from "./config-file.ts";
import { DEFAULT_RETAIN_BYTES } from "./output-window.ts";
import type { ContainerNetwork, EngineChoice } from "./target.ts";
import type { TargetName } from "./target-name.ts";
import type { AgentState } from "./agent-state/agent-state.ts";
import { DEFAULT_NOTIFY_STATES } from "./notify/notification.ts";

export type { ConfigFile } from "./config-file.ts";

export type RemotePaths = {
  readonly home: string;
  readonly configFile: string;
  readonly store: string;
  readonly sessionsDir: string;
  readonly pluginsDir: string;
  readonly socketsDir: string;
  /**
   * The directories down to socketsDir that we create, outermost first. Each must be a
   * real directory of ours with mode 0700: the short fallback sits in a shared place
   * (/tmp, $XDG_RUNTIME_DIR) where another user could have made it first.
   */
  readonly socketDirs: readonly string[];
  /** Claude Code hook events not yet folded into the store. */
  readonly hookInbox: string;
};

export type RemoteConfig = {
  readonly paths: RemotePaths;
  readonly retainBytes: number;
  readonly scrollback: number;
  /** Output quiet this long makes an output-only agent idle (config.toml agent_quiet_ms, default 2000). */
  readonly agentQuietMs: number;
  /** Absolute plugin module paths, config.toml's list first, then REMOTE_HOME/plugins. */
  readonly plugins: readonly string[];
  readonly pluginOptions: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Delegation knobs (issue 4). */
  readonly jobs: JobsConfig;
  /** `remote serve`: the largest request body it reads (413 beyond). */
  readonly maxBodyBytes: number;
  /** The docker target (config.toml container_engine, container_network, container_image). */
  /** Control-plane safety knobs, client and server side (issue 8). */
  readonly controlPlane: ControlPlaneConfig;
  /**
   * Container targets (docker, kubernetes): config.toml container_image; the docker target's
   * container_engine ("auto": docker when a daemon answers, else podman) and container_network (host | none).
   */
  readonly containers: { readonly image: string; readonly engine: EngineChoice; readonly network: ContainerNetwork };
  /** The kubernetes target: config.toml kube_namespace. */
  readonly kube: { readonly namespace: string };
  /** `remote serve`: where a POST /sessions without `target` runs (config.toml default_target, default local). */
  readonly defaultTarget: TargetName;
  /** Workspaces (issue 10): archive limits on both sides, and the push lock's lease. */
  readonly workspace: WorkspaceConfig;
  /** Notifications on agent state changes (issue 13): each notifier off unless config.toml turns it on. */
  readonly notify: NotifyConfig;
};

export type NotifyConfig = {
  readonly states: readonly AgentState[];
  readonly minIntervalMs: number;
  readonly desktop: boolean;
  readonly terminal: boolean;
  readonly webhook?: { readonly url: string; readonly retries: number; readonly backoffMs: number; readonly timeoutMs: number } | undefined;
};

export type WorkspaceConfig = {
  /** workspace_max_files, default 200,000. */
  readonly maxFiles: number;
  /** workspace_max_bytes, default 1 GiB (an archive is read in memory). */
  readonly maxBytes: number;
  /** workspace_lock_ttl_ms, default 60 s (a push renews it as it goes). */
  readonly lockTtlMs: number;
};
export const DEFAULT_WORKSPACE_MAX_FILES = 200_000;
export const DEFAULT_WORKSPACE_MAX_BYTES = 1024 * 1024 * 1024;
export const DEFAULT_WORKSPACE_LOCK_TTL_MS = 60_000;

export const DEFAULT_SESSION_IMAGE = "localhost/remote-session:local";
export const DEFAULT_KUBE_NAMESPACE = "default";

export type ControlPlaneConfig = {
  /** insecure_remotes: origins (scheme://host:port) plain http may reach off loopback. */
  readonly insecureRemotes: readonly string[];
  /** allowed_hosts: `name` (any port) or `name:port` accepted in Host/Origin besides the listen address. */
  readonly allowedHosts: readonly string[];
  /** max_websockets, default 128. */
  readonly maxWebSockets: number;
};

export const DEFAULT_MAX_WEBSOCKETS = 128;

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Delegation settings (config.toml keys in comments; env overrides via withJobEnv). */
export type JobsConfig = {
  /** max_concurrent, default 4. */
  readonly maxConcurrent: number;
  /** job_backoff_base_ms / REMOTE_BACKOFF_BASE_MS, default 60 s. */
  readonly backoffBaseMs: number;
  /** job_backoff_cap_ms / REMOTE_BACKOFF_CAP_MS, default 30 min. */
  readonly backoffCapMs: number;
  /** job_claim_grace_ms / REMOTE_JOB_CLAIM_GRACE_MS, default 10 s. */
  readonly claimGraceMs: number;
  /** job_handoff, default true. */
  readonly handoff: boolean;
  /** job_auto_conduct, default true. */
  readonly autoConduct: boolean;
  /** job_conduct_interval_ms / REMOTE_CONDUCT_INTERVAL_MS, default 15 s: the automatic conductor's pass interval. */
  readonly conductIntervalMs: number;
  /** job_prune_on_success, default false: a done job's worktree is removed when nothing in it would be lost. */
  readonly pruneOnSuccess: boolean;
  /** IANA zone for reset times a provider prints without one (codex prints local time). */
  readonly timeZone: string;
};

export const DEFAULT_MAX_CONCURRENT = 4;
export const DEFAULT_CONDUCT_INTERVAL_MS = 15_000;

const envInt = (raw: string | undefined, fallback: number): number => (raw !== undefined && /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : fallback);

/** Environment overrides of the delegation knobs (tests use short backoffs and grace periods). */
export function withJobEnv(config: RemoteConfig, env: Readonly<Record<string, string | undefined>>, timeZone: string): RemoteConfig {
  return {
    ...config,
    jobs: {
      ...config.jobs,
      backoffBaseMs: envInt(env.REMOTE_BACKOFF_BASE_MS, config.jobs.backoffBaseMs),
      backoffCapMs: envInt(env.REMOTE_BACKOFF_CAP_MS, config.jobs.backoffCapMs),
      claimGraceMs: envInt(env.REMOTE_JOB_CLAIM_GRACE_MS, config.jobs.claimGraceMs),
      conductIntervalMs: Math.max(10, envInt(env.REMOTE_CONDUCT_INTERVAL_MS, config.jobs.conductIntervalMs)),
      timeZone,
    },
  };
}

/** Unix socket paths are limited to ~104-108 bytes: fall back to a short per-home dir. */
export const MAX_SOCKET_PATH = 100;

/**
 * `shortSocketDirs`: the fallback's directories, outermost first (`<shared>/remote-<uid>`,
 * then one per REMOTE_HOME under it), used when `<home>/sock` would make socket paths too long.
 */
export function pathsFor(home: string, shortSocketDirs: readonly string[]): RemotePaths {
  const socketsDir = `${home}/sock`;
  const tooLong = `${socketsDir}/x12345678.sock`.length > MAX_SOCKET_PATH && shortSocketDirs.length > 0;
  return {
    home,
    configFile: `${home}/config.toml`,
    store: `${home}/remote.db`,
    sessionsDir: `${home}/sessions`,
    pluginsDir: `${home}/plugins`,
    hookInbox: `${home}/hook-inbox`,
    socketsDir: tooLong ? (shortSocketDirs.at(-1) as string) : socketsDir,
    socketDirs: tooLong ? shortSocketDirs : [socketsDir],
  };
}

export const socketPathFor = (paths: RemotePaths, sessionId: string) => `${paths.socketsDir}/${sessionId}.sock`;
/** The per-user host server's control socket (session ids never contain '-'). */
export const hostServerSocketFor = (paths: RemotePaths) => `${paths.socketsDir}/${HOST_SERVER_SOCKET}`;
/**
 * Named with the control protocol's version: a client never waits on a server too old to answer
 * it (v2 answers {op: "records"}). An older server keeps hosting its sessions on its own socket
 * (each record names its session's socket) and exits when they have ended.
 */
export const HOST_SERVER_SOCKET = "host-server-v2.sock";
export const sessionDirFor = (paths: RemotePaths, sessionId: string) => `${paths.sessionsDir}/${sessionId}`;

export function resolveConfig(paths: RemotePaths, file: ConfigFile, discoveredPlugins: readonly string[]): RemoteConfig {
  return {
    paths,
    retainBytes: file.retain_bytes ?? DEFAULT_RETAIN_BYTES,
    // tmux keeps 2000 lines; a line costs ~1.2 KB in the terminal model of every session host.
    scrollback: file.scrollback ?? 5000,
    agentQuietMs: file.agent_quiet_ms ?? 2000,
    plugins: [...(file.plugins ?? []), ...discoveredPlugins],
    pluginOptions: file.plugin ?? {},
    jobs: {
      maxConcurrent: file.max_concurrent ?? DEFAULT_MAX_CONCURRENT,
      backoffBaseMs: file.job_backoff_base_ms ?? 60_000,
      backoffCapMs: file.job_backoff_cap_ms ?? 30 * 60_000,
      claimGraceMs: file.job_claim_grace_ms ?? 10_000,
      handoff: file.job_handoff ?? true,
      autoConduct: file.job_auto_conduct ?? true,
      conductIntervalMs: file.job_conduct_interval_ms ?? DEFAULT_CONDUCT_INTERVAL_MS,
      pruneOnSuccess: file.job_prune_on_success ?? false,
      timeZone: "UTC",
    },
    maxBodyBytes: file.max_body_bytes ?? DEFAULT_MAX_BODY_BYTES,
    controlPlane: { insecureRemotes: file.insecure_remotes ?? [], allowedHosts: file.allowed_hosts ?? [], maxWebSockets: file.max_websockets ?? DEFAULT_MAX_WEBSOCKETS },
    containers: { image: file.container_image ?? DEFAULT_SESSION_IMAGE, engine: file.container_engine ?? "auto", network: file.container_network ?? "host" },
    kube: { namespace: file.kube_namespace ?? DEFAULT_KUBE_NAMESPACE },
    defaultTarget: file.default_target ?? "local",
    workspace: {
      maxFiles: file.workspace_max_files ?? DEFAULT_WORKSPACE_MAX_FILES,
      maxBytes: file.workspace_max_bytes ?? DEFAULT_WORKSPACE_MAX_BYTES,
      lockTtlMs: file.workspace_lock_ttl_ms ?? DEFAULT_WORKSPACE_LOCK_TTL_MS,
    },
    notify: {
      states: file.notify_states ?? DEFAULT_NOTIFY_STATES,
      minIntervalMs: file.notify_min_interval_ms ?? 60_000,
      desktop: file.notify_desktop ?? false,
      terminal: file.notify_terminal ?? false,
      webhook:
        file.notify_webhook_url === undefined
          ? undefined
          : { url: file.notify_webhook_url, retries: file.notify_webhook_retries ?? 3, backoffMs: file.notify_webhook_backoff_ms ?? 1000, timeoutMs: file.notify_webhook_timeout_ms ?? 5000 },
    },
  };
}
