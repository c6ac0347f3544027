import { childPath } from "./shared/quick-path.ts";
import { createProcessAdapter } from "./adapters/process/process-adapter.ts";
import { createUnixConnector, createUnixSocketServer } from "./adapters/socket/unix-socket.ts";
import { createHookInbox } from "./adapters/store/hook-inbox.ts";
import { fetchHostRecords } from "./adapters/store/host-records.ts";
import { createSnapshotStore } from "./adapters/store/snapshot-store.ts";
import { systemClock, systemRandom } from "./adapters/system/clock-random.ts";
import { createStdioTerminal } from "./adapters/terminal/stdio-terminal.ts";
import { createFdOutput } from "./adapters/terminal/fd-output.ts";
import { isTerminal } from "./adapters/terminal/termios.ts";
import { loadConfig } from "./adapters/config/load-config.ts";
import { hostServerSocketFor, sessionDirFor } from "./domain/config.ts";
import { colorWanted } from "./domain/ansi.ts";
import type { SessionStorePort } from "./domain/ports.ts";
import { withJobEnv } from "./domain/config.ts";
import type { AccountStorePort, CommandSpawnPort, GitPort, HomeFilesPort, HostLauncherPort, JobStorePort, SecretStorePort, SelfLauncherPort, StatusProbePort, TerminalPort } from "./domain/ports.ts";
import type { TargetPort } from "./domain/target-port.ts";
import { createHostConnector } from "./adapters/socket/host-connector.ts";
import { RemoteError } from "./domain/errors.ts";
import { engineMissing, type ContainerEngine, type KubernetesPlacement, type TargetHandle } from "./domain/target.ts";
import type { AppDeps, WorkspacePorts } from "./app/deps.ts";
import type { RemotePaths } from "./domain/config.ts";
import type { EventLogPort } from "./domain/agent-state/state-event.ts";
import type { CliIo } from "./app/cli/run-cli.ts";

/** A host server slower than this to list its records is passed by: the reader opens the store itself. */
const HOST_RECORDS_TIMEOUT_MS = 1000;

/**
 * Compiled: the binary itself. From source: bun + src/main.ts (whoever imported us: CLI, API, tests),
 * with no .env or bunfig.toml from the working directory (a session's folder, where a hook runs):
 * as the binary is built (scripts/compile-args.ts), a cloned repo's files must not set REMOTE_URL or preload code.
 */
const selfCommand = (): string[] =>
  Bun.main.startsWith("/$bunfs/") || Bun.main.startsWith("B:/~BUN/") ? [process.execPath] : [process.execPath, "--no-env-file", "--config=/dev/null", childPath(import.meta.dir, "main.ts")];

/** Where the CLI edge writes usage and errors: the descriptors themselves (see fd-output.ts); colour only on a terminal without NO_COLOR. */
export function createCliIo(environment: Readonly<Record<string, string | undefined>> = process.env): CliIo {
  return {
    stdout: createFdOutput(1),
    stderr: createFdOutput(2),
    get color() {
      return colorWanted(environment, isTerminal(1));
    },
  };
}

/** Real deps in this process's environment with `overrides` on top (the CLI's factory, for main.ts and the package's `main`). */
export const createRealDepsWith = (overrides: Readonly<Record<string, string | undefined>> = {}): AppDeps => createRealDeps({ ...process.env, ...overrides });

/** A whole number of milliseconds from the environment, or undefined when unset or not one. */
const envMs = (env: Readonly<Record<string, string>>, name: string): number | undefined => {
  const raw = env[name]?.trim();
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
};

/**
 * Workspace adapters, each required on first use: tar, ignore and SQLite stay out of every
 * other command's start-up, and a push (tree + one tar) never loads the control plane's store.
 */
function createWorkspacePorts(paths: RemotePaths, busyTimeoutMs: number | undefined): WorkspacePorts {
  let store: WorkspacePorts["store"] | undefined;
  let blobs: WorkspacePorts["blobs"] | undefined;
  let archive: WorkspacePorts["archive"] | undefined;
  let tree: WorkspacePorts["tree"] | undefined;
  return {
    get store() {
      const { createSqliteWorkspaceStore } = require("./adapters/workspace/sqlite-workspace-store.ts") as typeof import("./adapters/workspace/sqlite-workspace-store.ts");
      return (store ??= createSqliteWorkspaceStore({ path: paths.store, busyTimeoutMs }));
    },
    get blobs() {
      const { createBlobStore } = require("./adapters/workspace/blob-store.ts") as typeof import("./adapters/workspace/blob-store.ts");
      return (blobs ??= createBlobStore({ dir: childPath(paths.home, "blobs") }));
    },
    get archive() {
      const { createTarArchive } = require("./adapters/workspace/tar-archive.ts") as typeof import("./adapters/workspace/tar-archive.ts");
      return (archive ??= createTarArchive());
    },
    get tree() {
      const { createWorkspaceTree } = require("./adapters/workspace/tree.ts") as typeof import("./adapters/workspace/tree.ts");
      return (tree ??= createWorkspaceTree());
    },
    progressTerminal: isTerminal(2),
  };
}

/** The one place that builds real adapters (with main.ts, the entry). */
export function createRealDeps(environment: Readonly<Record<string, string | undefined>> = process.env): AppDeps {
  // A plain loop: copying process.env through entries/filter/fromEntries costs a quick command ~0.3 ms.
  const env: Record<string, string> = {};
  for (const name in environment) {
    const value = environment[name];
    if (value !== undefined) env[name] = value;
  }
  const loaded = withJobEnv(loadConfig(env), env, "UTC");
  // Asking ICU for the local zone costs ~5 ms: only throttle parsing needs it, so it is read on first use.
  let zone: string | undefined;
  const config = {
    ...loaded,
    jobs: {
      ...loaded.jobs,
      get timeZone() {
        return (zone ??= Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC");
      },
    },
  };
  let jobStore: JobStorePort | undefined;
  let accounts: AccountStorePort | undefined;
  let eventLog: EventLogPort | undefined;
  const proc = createProcessAdapter();
  const self = selfCommand();
  const unixConnector = createUnixConnector({ socketDirs: config.paths.socketDirs });
  let engine: { engine: ContainerEngine; binary: string } | undefined;
  // The docker adapter is loaded only by commands that meet a container.
  const target = (which: "docker" | KubernetesPlacement | TargetHandle): TargetPort => {
    if (typeof which !== "string" && which.kind === "kubernetes") {
      const { createKubeTarget } = require("./adapters/kubectl/kube-target.ts") as typeof import("./adapters/kubectl/kube-target.ts");
      const { createKubectl } = require("./adapters/kubectl/kubectl-adapter.ts") as typeof import("./adapters/kubectl/kubectl-adapter.ts");
      return createKubeTarget({ kubectl: createKubectl({ env }), context: which.context, namespace: which.namespace, home: env.HOME ?? "/" });
    }
    const docker = require("./adapters/docker/engine.ts") as typeof import("./adapters/docker/engine.ts");
    const { createContainerTarget } = require("./adapters/docker/container-target.ts") as typeof import("./adapters/docker/container-target.ts");
    const chosen =
      typeof which === "string"
        ? (engine ??= docker.detectEngine(config.containers.engine, env, proc.which))
        : { engine: which.engine, binary: proc.which(which.engine, env.PATH) ?? (() => { throw engineMissing(which.engine); })() };
    return createContainerTarget({ ...chosen, env, network: config.containers.network });
  };
  const connector = createHostConnector(unixConnector, target);
  let store: SessionStorePort | undefined;
  let workspace: WorkspacePorts | undefined;
  let hostRead: Promise<void> | undefined;
  // The host server that handed over the records took the waiting hook events first: nothing left to look for here.
  let hookEventsTaken = false;
  const hookInbox = createHookInbox(config.paths.hookInbox, { warn: (m) => log().warn(m) });
  // SQLite (and each adapter below that a quick command never uses) is loaded on first use: ls, send,
  // attach and a Claude hook start without them (each module is start-up time; bun:sqlite alone ~0.4 ms).
  const openStore = () => (require("./adapters/store/sqlite-store.ts") as typeof import("./adapters/store/sqlite-store.ts")).createSqliteSessionStore({ path: config.paths.store, busyTimeoutMs: storeBusyTimeoutMs });
  let launcher: HostLauncherPort | undefined;
  let terminal: TerminalPort | undefined;
  let secrets: SecretStorePort | undefined;
  let git: GitPort | undefined;
  let spawner: CommandSpawnPort | undefined;
  let selfLauncher: SelfLauncherPort | undefined;
  let homeFiles: HomeFilesPort | undefined;
  let statusProbe: StatusProbePort | undefined;
  // Fault injection for tests (and a slow machine's escape hatch for the ready deadline).
  const readyTimeoutMs = envMs(env, "REMOTE_HOST_READY_TIMEOUT_MS");
  const hostReadyDelayMs = envMs(env, "REMOTE_TEST_HOST_READY_DELAY_MS");
  const storeBusyTimeoutMs = envMs(env, "REMOTE_TEST_STORE_BUSY_TIMEOUT_MS");
  const stdout = createFdOutput(1);
  const stderr = createFdOutput(2);
  // Diagnostics always go to stderr: stdout is for results, and a session host's stdout is a closed pipe.
  // consola is loaded on the first message: importing it (and process.stderr) costs more than a whole `remote ls`.
  let logger: ReturnType<typeof import("consola").createConsola> | undefined;
  const log = () => {
    if (logger) return logger;
    // Colours and badges only on a terminal without NO_COLOR (consola would look at stdout, not stderr).
    // (`fancy` is an option of consola's node build; TypeScript resolves its browser typings.)
    const logOptions = { stdout: process.stderr, stderr: process.stderr, fancy: colorWanted(env, isTerminal(2)) };
    return (logger = (require("consola") as typeof import("consola")).createConsola(logOptions).withTag("remote"));
  };
  return {
    config,
    env,
    cwd: process.cwd(),
    selfCommand: self,
    store: () => (store ??= openStore()),
    // One round trip however often asked: main.ts starts it early for a reader command, the command awaits it.
    readStoreFromHost: () =>
      (hostRead ??= (async () => {
        if (store) return;
        const reply = await fetchHostRecords(unixConnector, hostServerSocketFor(config.paths), HOST_RECORDS_TIMEOUT_MS);
        if (!reply || store) return;
        store = createSnapshotStore(reply.records, openStore);
        hookEventsTaken = reply.hookEventsTaken;
      })().catch(() => {})),
    process: proc,
    hookInbox: { put: (event) => hookInbox.put(event), take: () => (hookEventsTaken ? { events: [], done: () => {} } : hookInbox.take()) },
    connector,
    get launcher() {
      return (launcher ??= (require("./adapters/process/host-launcher.ts") as typeof import("./adapters/process/host-launcher.ts")).createHostLauncher({
        selfCommand: self,
        sessionDir: (id) => sessionDirFor(config.paths, id),
        controlSocket: hostServerSocketFor(config.paths),
        serverLog: childPath(config.paths.home, "host-server.log"),
        process: proc,
        connector: unixConnector,
        readyTimeoutMs,
      }));
    },
    get terminal() {
      return (terminal ??= createStdioTerminal());
    },
    clock: systemClock,
    random: systemRandom,
    log: { info: (m) => log().info(m), warn: (m) => log().warn(m), error: (m) => log().error(m) },
    stdout,
    stderr,
    // Only the host needs the terminal model; clients start faster without loading it.
    hostPorts: async (use) => {
      const notifiers = async () => {
        const [{ createDesktopNotifier }, { createHttpPost }] = await Promise.all([import("./adapters/notify/desktop-notifier.ts"), import("./adapters/http/http-post.ts")]);
        return { desktop: (sessionEnv: Readonly<Record<string, string>>) => createDesktopNotifier({ env: sessionEnv }), http: createHttpPost(), wait: (ms: number) => Bun.sleep(ms) };
      };
      // Fault injection: a session slow to get ready in its host (after the host claimed its record).
      if (use === "session" && hostReadyDelayMs !== undefined) await Bun.sleep(hostReadyDelayMs);
      const [{ createBunPty }, { createXtermScreen }, { createFileLog }, { createTerminalDevices }] = await Promise.all([
        import("./adapters/pty/bun-pty.ts"),
        import("./adapters/screen/xterm-screen.ts"),
        import("./adapters/log/file-log.ts"),
        import("./adapters/terminal/terminal-device.ts"),
      ]);
      // A host lives for days: after a burst of output, give the garbage back instead of holding its peak.
      return { pty: createBunPty(), screen: createXtermScreen({ scrollback: config.scrollback }), server: createUnixSocketServer({ socketDirs: config.paths.socketDirs }), terminals: createTerminalDevices(), collectGarbage: () => Bun.gc(true), fileLog: (path: string) => createFileLog(path), notifiers };
    },
    importModule: (path) => import(path),
    onUncaughtError: (handler) => {
      process.on("uncaughtException", handler);
      process.on("unhandledRejection", handler);
    },
    onSignal: (signal, handler) => {
      process.on(signal, handler);
      return () => process.off(signal, handler);
    },
    jobStore: () => (jobStore ??= (require("./adapters/store/sqlite-job-store.ts") as typeof import("./adapters/store/sqlite-job-store.ts")).createSqliteJobStore({ path: config.paths.store })),
    accounts: () => (accounts ??= (require("./adapters/store/sqlite-account-store.ts") as typeof import("./adapters/store/sqlite-account-store.ts")).createSqliteAccountStore({ path: config.paths.store })),
    eventLog: () => (eventLog ??= (require("./adapters/store/sqlite-event-log.ts") as typeof import("./adapters/store/sqlite-event-log.ts")).createSqliteEventLog({ path: config.paths.store, busyTimeoutMs: storeBusyTimeoutMs })),
    get secrets() {
      return (secrets ??= (require("./adapters/store/secret-files.ts") as typeof import("./adapters/store/secret-files.ts")).createSecretFiles(childPath(config.paths.home, "accounts")));
    },
    get git() {
      return (git ??= (require("./adapters/git/git-adapter.ts") as typeof import("./adapters/git/git-adapter.ts")).createGitAdapter({ env }));
    },
    get spawner() {
      return (spawner ??= (require("./adapters/process/command-spawn.ts") as typeof import("./adapters/process/command-spawn.ts")).createCommandSpawn());
    },
    get selfLauncher() {
      return (selfLauncher ??= (require("./adapters/process/self-launcher.ts") as typeof import("./adapters/process/self-launcher.ts")).createSelfLauncher({ selfCommand: self, process: proc }));
    },
    target,
    get homeFiles() {
      return (homeFiles ??= (require("./adapters/credentials/home-files.ts") as typeof import("./adapters/credentials/home-files.ts")).createHomeFiles());
    },
    get statusProbe() {
      return (statusProbe ??= (require("./adapters/process/status-probe.ts") as typeof import("./adapters/process/status-probe.ts")).createStatusProbe());
    },
    workspace: () => (workspace ??= createWorkspacePorts(config.paths, storeBusyTimeoutMs)),
    conversations: () => {
      const { createConversationFiles } = require("./adapters/conversation/conversation-files.ts") as typeof import("./adapters/conversation/conversation-files.ts");
      const { createOpencodeSessions } = require("./adapters/conversation/opencode-sessions.ts") as typeof import("./adapters/conversation/opencode-sessions.ts");
      return { files: createConversationFiles(), opencode: createOpencodeSessions() };
    },
    // Plugin sync (issue 11): loaded only by the commands that use it.
    npm: () => {
      const binary = proc.which("npm", env.PATH);
      if (binary === undefined) throw new RemoteError("NPM_MISSING", "Cannot add an npm plugin: npm is not on PATH", "Install Node.js with npm, or add a plugin with --curl/--install instead.", "unavailable");
      const { createNpmAdapter } = require("./adapters/npm/npm-adapter.ts") as typeof import("./adapters/npm/npm-adapter.ts");
      return createNpmAdapter({ binary, env, cwd: process.cwd() });
    },
    pluginHome: (place) => {
      if (place.kind === "local") return (require("./adapters/plugin-home/local-home.ts") as typeof import("./adapters/plugin-home/local-home.ts")).createLocalPluginHome({ home: place.home, env });
      const { createExecPluginHome } = require("./adapters/plugin-home/exec-home.ts") as typeof import("./adapters/plugin-home/exec-home.ts");
      const port = target(place.handle);
      return createExecPluginHome({ exec: (argv, stdin) => port.exec(place.handle, argv, stdin), home: place.home, label: `${place.handle.container}:~` });
    },
  };
}
