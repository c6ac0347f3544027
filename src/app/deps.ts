import type { RemoteConfig } from "../domain/config.ts";
import type {
  ClockPort,
  PtyPort,
  ScreenPort,
  SocketServerPort,
  TerminalDevicePort,
  HostConnectorPort,
  HostLauncherPort,
  HookInboxPort,
  LogPort,
  ProcessPort,
  RandomPort,
  SessionStorePort,
  TerminalPort,
  JobStorePort,
  AccountStorePort,
  SecretStorePort,
  GitPort,
  CommandSpawnPort,
  SelfLauncherPort,
  HomeFilesPort,
  StatusProbePort,
  DesktopNotifierPort,
  HttpPostPort,
} from "../domain/ports.ts";
import type { KubernetesPlacement, TargetHandle } from "../domain/target.ts";
import type { TargetPort } from "../domain/target-port.ts";
import type { ConversationPorts } from "../domain/conversation/ports.ts";
import type { ArchivePort, BlobStorePort, WorkspaceStorePort, WorkspaceTreePort } from "../domain/workspace/ports.ts";

/** What workspaces touch: the control plane's store and blobs, tar, and a local tree. */
export type WorkspacePorts = {
  readonly store: WorkspaceStorePort;
  readonly blobs: BlobStorePort;
  readonly archive: ArchivePort;
  readonly tree: WorkspaceTreePort;
  /** Is stderr a terminal (a push's progress bar shows only there). */
  readonly progressTerminal: boolean;
};
import type { EventLogPort } from "../domain/agent-state/state-event.ts";
import type { NpmPort } from "../domain/plugins/npm-port.ts";
import type { PluginHomePort, PluginPlace } from "../domain/plugins/home-port.ts";

/** Everything the client-side use cases may touch; each takes a Pick of what it needs. */
export type AppDeps = {
  readonly config: RemoteConfig;
  /** Opened on first use, so `--version` and `--dry-run` never touch the store. */
  readonly store: () => SessionStorePort;
  /**
   * For commands that mostly read (ls, send, attach): before the first `store()`, take the records
   * from the running host server instead of opening SQLite here (writes still open it). A no-op
   * when no server answers or the store is already open.
   */
  readonly readStoreFromHost?: () => Promise<void>;
  readonly process: ProcessPort;
  readonly hookInbox: HookInboxPort;
  readonly connector: HostConnectorPort;
  readonly launcher: HostLauncherPort;
  readonly terminal: TerminalPort;
  readonly clock: ClockPort;
  readonly random: RandomPort;
  readonly log: LogPort;
  /** The environment the user ran us in (handed to new sessions). */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** How to run this same program again (the compiled binary, or bun + src/main.ts): for hosts, runners, hooks. */
  readonly selfCommand: readonly string[];
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Only the session host process needs these. */
  /** `use: "session"` when a session is about to start on them (the host server's own use passes nothing). */
  readonly hostPorts: (use?: "session") => Promise<{
    readonly pty: PtyPort;
    readonly screen: ScreenPort;
    readonly server: SocketServerPort;
    /** Attach clients' own terminals, opened by the host to read and write them itself. */
    readonly terminals?: TerminalDevicePort;
    readonly collectGarbage?: () => void;
    /** A log appending to a file: each hosted session's own `host.log`. */
    readonly fileLog: (path: string) => LogPort;
    /** The notifiers' ports (issue 13), loaded only when config.toml turns a notifier on. */
    readonly notifiers?: () => Promise<{
      /** The desktop notifier found on `env`'s PATH, run with `env` (the person's DISPLAY, D-Bus); undefined when none. */
      readonly desktop: (env: Readonly<Record<string, string>>) => DesktopNotifierPort | undefined;
      readonly http: HttpPostPort;
      readonly wait: (ms: number) => Promise<void>;
    }>;
  }>;
  /** Dynamic import of a plugin module by absolute path. */
  readonly importModule: (path: string) => Promise<unknown>;
  /** Last line of defence for long-lived processes (the session host must not die of one bad frame). */
  readonly onUncaughtError: (handler: (error: unknown) => void) => void;
  /** Registers a handler for a process signal; returns the unregister function. */
  readonly onSignal: (signal: NodeJS.Signals, handler: () => void) => () => void;
  /** Delegation (issue 4): jobs and accounts live in the session store's file, opened on first use. */
  readonly jobStore: () => JobStorePort;
  readonly accounts: () => AccountStorePort;
  /** State changes of sessions and jobs (issue 13) for `GET /events` and `remote wait`, in the store's file. */
  readonly eventLog: () => EventLogPort;
  /** Account tokens, one 0600 file each in REMOTE_HOME/accounts. */
  readonly secrets: SecretStorePort;
  readonly git: GitPort;
  /** Runs a headless agent CLI with its output in a file. */
  readonly spawner: CommandSpawnPort;
  /** Starts `remote __job` runners, detached. */
  /** Starts this program again detached (the automatic conductor). */
  readonly selfLauncher: SelfLauncherPort;
  /**
   * A target beyond this machine: "docker" for a new session (the engine is chosen now, see
   * config container_engine), a Kubernetes placement for a new Pod, or the handle of an existing one (its own engine). Throws ENGINE_MISSING.
   */
  readonly target: (which: "docker" | KubernetesPlacement | TargetHandle) => TargetPort;
  /** The person's credential files, read for a bundle (issue 9). */
  readonly homeFiles: HomeFilesPort;
  /** Runs a CLI's own login status command (credential preflight). */
  readonly statusProbe: StatusProbePort;
  /** Workspaces (issue 10), loaded on first use: tar and ignore cost nothing to commands that never meet one. */
  readonly workspace: () => WorkspacePorts;
  /** Agent conversations under a HOME and opencode's export/import (migration), loaded on first use. */
  readonly conversations: () => ConversationPorts;
  /** npm, for `remote plugin add` (issue 11); throws NPM_MISSING when there is none. */
  readonly npm: () => NpmPort;
  /** A session's HOME for plugin sync: a directory here, or one inside a container/Pod through its target's exec. */
  readonly pluginHome: (place: PluginPlace) => PluginHomePort;
};
