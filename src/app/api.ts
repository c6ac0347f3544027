/**
 * The package's programmatic API: what the CLI does, for scripts. Names follow the
 * seed API where they apply (resolveProfile, withResume, isCliProfile,
 * coerceCliProfileName, run, attach, ...).
 */
import type { AppDeps } from "./deps.ts";
import type { SessionRecord } from "../domain/session.ts";
import { kubernetesPlacement } from "../domain/target.ts";
import { attachSession, type AttachOptions as AttachSessionOptions, type AttachOutcome } from "./sessions/attach.ts";
import { listSessions, findSession, type SessionListing } from "./sessions/find.ts";
import { pruneSessions, renameSession, sendToSession, sessionText, stopSession } from "./sessions/manage.ts";
import { planRun, runSession, type RunOptions as RunSessionOptions, type RunResult } from "./sessions/run.ts";

export {
  CLI_PROFILES,
  coerceCliProfileName,
  continueCommand,
  headlessCommand,
  interactiveCommand,
  isCliProfile,
  resolveProfile,
  withResume,
  type CliProfile,
  type ProfileConfig,
} from "../domain/profiles.ts";
export { RemoteError } from "../domain/errors.ts";
export { definePlugin, type RemoteHooks, type RemotePlugin } from "../domain/hooks.ts";
export type { SessionRecord } from "../domain/session.ts";
export type { AttachOutcome, RunResult, SessionListing };

export type RunOptions = RunSessionOptions & { readonly deps?: AppDeps };
export type AttachOptions = AttachSessionOptions & { readonly session: string; readonly deps?: AppDeps };

/** Real adapters, loaded on demand so importing the API stays cheap. */
async function realDeps(deps?: AppDeps): Promise<AppDeps> {
  if (deps) return deps;
  const { createRealDeps } = await import("../wiring.ts");
  return createRealDeps();
}

/** Start a session (attached to this terminal unless `detach`). */
export async function run(options: RunOptions): Promise<RunResult> {
  return runSession(await realDeps(options.deps), options);
}
/** What `run` would spawn: {profile, command, args, cwd}. */
export async function plan(options: RunOptions) {
  return planRun(await realDeps(options.deps), options);
}
export async function attach(options: AttachOptions): Promise<AttachOutcome> {
  return attachSession(await realDeps(options.deps), options.session, options);
}
export async function list(deps?: AppDeps): Promise<SessionListing[]> {
  return listSessions(await realDeps(deps));
}
export async function get(ref: string, deps?: AppDeps): Promise<SessionListing> {
  return findSession(await realDeps(deps), ref);
}
export async function stop(ref: string, reason?: string, deps?: AppDeps) {
  return stopSession(await realDeps(deps), ref, reason);
}
export async function rename(ref: string, name: string, deps?: AppDeps) {
  return renameSession(await realDeps(deps), ref, name);
}
export async function send(ref: string, text: string, options: { enter?: boolean; deps?: AppDeps } = {}) {
  return sendToSession(await realDeps(options.deps), ref, text, options.enter ?? false);
}
export async function logs(ref: string, options: { lines?: number; deps?: AppDeps } = {}): Promise<string> {
  return (await sessionText(await realDeps(options.deps), ref, options.lines)).text;
}
export async function prune(deps?: AppDeps) {
  return pruneSessions(await realDeps(deps));
}

/** Control plane client (`remote serve`'s HTTP API) and the reconnecting WebSocket attach. */
export { createRemoteClient, type CreateSessionRequest, type RemoteClient, type RemoteClientOptions, type RemoteSession } from "./remote/client.ts";
export { openRemoteAttach, type RemoteAttach, type RemoteAttachOptions } from "./remote/ws-attach.ts";

/** Control plane server: the handler for your own Bun.serve, or the whole `remote serve` (token file, listen) in this process. */
export { createHttpHandler, type HttpHandler, type HttpHandlerOptions } from "./server/http-handler.ts";
export async function serve(options: { host?: string; port?: number; maxBodyBytes?: number; version?: string; deps?: AppDeps } = {}) {
  const { startControlPlane } = await import("./server/listen.ts");
  return startControlPlane(await realDeps(options.deps), { host: options.host ?? "127.0.0.1", port: options.port ?? 7070, version: options.version ?? "api", maxBodyBytes: options.maxBodyBytes });
}

/** Delegation (issue 4): background agent jobs under a concurrency cap, throttle-aware. */
export type { JobRecord, JobState } from "../domain/jobs/job.ts";
export type { DelegateOptions } from "./jobs/delegate.ts";
export type { PassReport } from "./jobs/conduct.ts";
/** Record a job and start it if a slot is free (like `remote delegate`); resolves with the job. */
export async function delegate(options: import("./jobs/delegate.ts").DelegateOptions & { deps?: AppDeps }) {
  const [{ delegateJob }, deps] = await Promise.all([import("./jobs/delegate.ts"), realDeps(options.deps)]);
  return delegateJob(deps, options);
}
/** Every job, oldest first (`remote jobs ls --json`). */
export async function listJobs(deps?: AppDeps) {
  const [m, { createJobEvents }, d] = await Promise.all([import("./jobs/manage.ts"), import("./jobs/events.ts"), realDeps(deps)]);
  return m.listJobs(d, createJobEvents(d));
}
/** Resolves once the job is done or failed (`remote jobs wait`). */
export async function waitJob(ref: string, deps?: AppDeps) {
  const [m, { createJobEvents }, d] = await Promise.all([import("./jobs/manage.ts"), import("./jobs/events.ts"), realDeps(deps)]);
  return m.waitJob(d, ref, createJobEvents(d));
}
export async function cancelJob(ref: string, deps?: AppDeps) {
  const [m, { createJobEvents }, d] = await Promise.all([import("./jobs/manage.ts"), import("./jobs/events.ts"), realDeps(deps)]);
  return m.cancelJob(d, ref, createJobEvents(d));
}
/** One conductor pass: reconcile, resume due throttled jobs, start pending ones FIFO under the cap. */
export async function conductPass(options: { maxConcurrent?: number; deps?: AppDeps } = {}) {
  const [m, { createJobEvents }, d] = await Promise.all([import("./jobs/conduct.ts"), import("./jobs/events.ts"), realDeps(options.deps)]);
  return m.conductPass(d, createJobEvents(d), { maxConcurrent: options.maxConcurrent });
}

/*
 * The control-plane functions under the names of the API we descend from. The token
 * comes from `options.token`, else the one stored for that URL's origin (`remote config set
 * token - --remote URL`), or REMOTE_TOKEN when REMOTE_URL names the same origin.
 */
export type RemoteCallOptions = {
  readonly token?: string;
  /** Allow plain http to a control plane off loopback (the token crosses the network in clear). */
  readonly insecure?: boolean;
  readonly deps?: AppDeps;
};

async function remoteClientFor(baseUrl: string, options: RemoteCallOptions) {
  const deps = await realDeps(options.deps);
  const [{ createRemoteClient }, { requireRemote }] = await Promise.all([import("./remote/client.ts"), import("./remote/route.ts")]);
  const target = requireRemote(deps, { remote: baseUrl, insecure: options.insecure });
  return createRemoteClient({ ...target, token: options.token ?? target.token });
}

export async function listRemoteSessions(baseUrl: string, options: RemoteCallOptions = {}) {
  return (await remoteClientFor(baseUrl, options)).list();
}
export async function createRemoteSession(baseUrl: string, body: import("./remote/client.ts").CreateSessionRequest, options: RemoteCallOptions = {}) {
  return (await remoteClientFor(baseUrl, options)).create(body);
}
export async function getRemoteSession(baseUrl: string, sessionId: string, options: RemoteCallOptions = {}) {
  return (await remoteClientFor(baseUrl, options)).get(sessionId);
}
export async function renameRemoteSession(baseUrl: string, sessionId: string, displayName: string, options: RemoteCallOptions = {}) {
  return (await remoteClientFor(baseUrl, options)).rename(sessionId, displayName);
}
export async function stopRemoteSession(baseUrl: string, sessionId: string, reason?: string, options: RemoteCallOptions = {}) {
  return (await remoteClientFor(baseUrl, options)).stop(sessionId, reason);
}
/** Pushes fresh credential files (HOME-relative path -> bytes, or base64 text) into a remote session; an unchanged bundle is skipped. */
export async function refreshRemoteSession(baseUrl: string, sessionId: string, credentials: Readonly<Record<string, Uint8Array | string>>, options: RemoteCallOptions = {}) {
  return (await remoteClientFor(baseUrl, options)).refreshCredentials(sessionId, credentials);
}
/*
 * Credentials that follow a session (SPEC §2, §8): what `remote auth` and `remote refresh` do.
 */
/** The bundle of `profile` (and `with` tools, "gh,aws") from this HOME as POST /sessions takes it: path -> base64. A missing required file is a RemoteError (CREDENTIALS_MISSING). */
export async function collectProfileAuth(profile: string, options: { readonly with?: string; readonly deps?: AppDeps } = {}): Promise<Record<string, string>> {
  const [{ base64Credentials }, { collectBundle }, { parseCredentialTools }, { resolveProfile: resolve }, deps] = await Promise.all([
    import("./credentials/run-bundle.ts"),
    import("./credentials/collect.ts"),
    import("../domain/credentials/bundle-spec.ts"),
    import("../domain/profiles.ts"),
    realDeps(options.deps),
  ]);
  return base64Credentials(collectBundle(deps, resolve(profile).profile, parseCredentialTools(options.with === undefined ? [] : [options.with])).bundle);
}
/** Exactly what a session of `profile` would be sent: paths, modes, sizes, sha256 and the bundle hash (never contents). */
export async function inspectProfileAuth(profile: string, options: { readonly with?: string; readonly deps?: AppDeps } = {}) {
  const [{ inspectBundle }, deps] = await Promise.all([import("./credentials/auth-status.ts"), realDeps(options.deps)]);
  return inspectBundle(deps, profile, options.with);
}
/** Per profile: files found or missing, sizes, hashes, and the CLI's own login check (`preflight: false` skips it). */
export async function authStatus(options: { readonly profile?: string; readonly with?: string; readonly preflight?: boolean; readonly deps?: AppDeps } = {}) {
  const [m, deps] = await Promise.all([import("./credentials/auth-status.ts"), realDeps(options.deps)]);
  return m.authStatus(deps, options);
}
/** One `remote refresh` pass: this machine's sessions, or a control plane's with `remote`. */
export async function refreshSessions(options: { readonly ref?: string; readonly all?: boolean; readonly preflight?: boolean; readonly remote?: string } & RemoteCallOptions) {
  const [m, deps] = await Promise.all([import("./credentials/refresh.ts"), realDeps(options.deps)]);
  if (options.remote === undefined) return m.refreshLocal(deps, options);
  const { requireRemote } = await import("./remote/route.ts");
  const target = requireRemote(deps, { remote: options.remote, insecure: options.insecure });
  return m.refreshRemote(deps, { ...target, token: options.token ?? target.token }, options);
}
/** Start a session of `profile` on the control plane, wait for its terminal, stop it. */
export async function smokeRemoteProfile(options: { readonly baseUrl: string; readonly profile: string; readonly timeoutMs?: number; readonly target?: "local" | "docker" | "kubernetes" } & RemoteCallOptions) {
  const deps = await realDeps(options.deps);
  const [{ requireRemote }, { smokeRemote }] = await Promise.all([import("./remote/route.ts"), import("./remote/sessions.ts")]);
  const target = requireRemote(deps, { remote: options.baseUrl, insecure: options.insecure });
  return smokeRemote(deps, { ...target, token: options.token ?? target.token }, options.profile, { ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }), target: options.target });
}
export type { ContainerRunOptions } from "./targets/container-sessions.ts";
export type TargetRunOptions = import("./targets/container-sessions.ts").ContainerRunOptions & {
  /** docker: a container of the configured engine here; kubernetes: a Pod through kubectl. */
  readonly target: "docker" | "kubernetes";
  readonly context?: string | undefined;
  readonly namespace?: string | undefined;
  readonly deps?: AppDeps;
};
/** Start a detached session in a container or a Pod, as `remote run --target docker|kubernetes` does (attach with `attach`). */
export async function runInTarget(options: TargetRunOptions): Promise<SessionRecord> {
  const deps = await realDeps(options.deps);
  const { runInContainer } = await import("./targets/container-sessions.ts");
  const { target: _target, context: _context, namespace: _namespace, deps: _deps, ...run } = options;
  return runInContainer(deps, { ...run, kubernetes: kubernetesPlacement(options, deps.config.kube.namespace) });
}
/** `remote smoke <profile> --target T` with no control plane: start, wait for the first screen, stop and remove. */
export async function smokeTarget(profile: string, options: { readonly target: "local" | "docker" | "kubernetes"; readonly timeoutMs?: number; readonly image?: string; readonly context?: string; readonly namespace?: string; readonly deps?: AppDeps }) {
  const deps = await realDeps(options.deps);
  const { smokeHere } = await import("./targets/smoke-here.ts");
  return smokeHere(deps, profile, { target: options.target, timeoutMs: options.timeoutMs ?? 60_000, image: options.image, kubernetes: kubernetesPlacement(options, deps.config.kube.namespace) });
}
export { parseWatchMinutes } from "./cli/commands/jobs-conduct.ts";

/*
 * Jobs under the seed API's names: startJob, resumeThrottledJob and conductLoop are the
 * pieces of a conductor of your own (`conductPass` is ours: FIFO under the cap).
 */
export type { StartJobResult } from "./jobs/start-now.ts";
export type { PruneOptions, PruneOutcome } from "./jobs/prune.ts";
/** What conductLoop listens on for Ctrl-C (default: this process); injectable so a test never sends a real SIGINT. */
export type ConductLoopSignals = {
  on(event: "SIGINT", listener: () => void): unknown;
  removeListener(event: "SIGINT", listener: () => void): unknown;
};
type JobRef = import("../domain/jobs/job.ts").JobRecord | string;
const refOf = (job: JobRef) => (typeof job === "string" ? job : job.id);

/** Starts this pending job now, outside the queue and the cap (a conductor of your own decided). Never throws: `{started: false, error}`. */
export async function startJob(job: JobRef, options: { deps?: AppDeps } = {}): Promise<import("./jobs/start-now.ts").StartJobResult> {
  const [m, { createJobEvents }, d] = await Promise.all([import("./jobs/start-now.ts"), import("./jobs/events.ts"), realDeps(options.deps)]);
  return m.startJobNow(d, refOf(job), createJobEvents(d));
}
/** Resumes this throttled job now (continue argv, same worktree; or the continue prompt in its open session). Never throws. */
export async function resumeThrottledJob(job: JobRef, options: { deps?: AppDeps } = {}): Promise<import("./jobs/start-now.ts").StartJobResult> {
  const [m, { createJobEvents }, d] = await Promise.all([import("./jobs/start-now.ts"), import("./jobs/events.ts"), realDeps(options.deps)]);
  return m.resumeJobNow(d, refOf(job), createJobEvents(d));
}
/**
 * The conductor's foreground loop: `pass` (default: one conductor pass) every `minutes`
 * (fractions allowed), one timestamped line per pass on stderr, a failed pass reported
 * and the loop going on; Ctrl-C (SIGINT on `signals`, default this process, which also
 * listens for SIGTERM) ends it after the pass under way. Resolves 0.
 */
export async function conductLoop(
  minutes: number,
  pass?: () => Promise<{ readonly started: number; readonly finished: number }>,
  signals?: ConductLoopSignals,
  options: { deps?: AppDeps; maxConcurrent?: number } = {},
): Promise<number> {
  const [{ parseWatchMinutes }, m, { createJobEvents }, d] = await Promise.all([import("./cli/commands/jobs-conduct.ts"), import("./jobs/conduct.ts"), import("./jobs/events.ts"), realDeps(options.deps)]);
  const watchMinutes = parseWatchMinutes(String(minutes));
  const deps: AppDeps =
    signals === undefined
      ? d
      : {
          ...d,
          onSignal: (signal, handler) => {
            if (signal !== "SIGINT") return () => {};
            signals.on("SIGINT", handler);
            return () => void signals.removeListener("SIGINT", handler);
          },
        };
  if (pass === undefined) return m.conduct(deps, createJobEvents(d), { watchMinutes, maxConcurrent: options.maxConcurrent });
  return m.watchPasses(deps, { watchMinutes, pass, describe: (r) => `${deps.clock.now().toISOString()} conduct: started ${r.started} · finished ${r.finished}` });
}
/** `remote jobs prune`: ended jobs' worktrees, folders and rows; a worktree with changes is kept unless `force`. */
export async function pruneJobs(options: import("./jobs/prune.ts").PruneOptions & { deps?: AppDeps } = {}) {
  const [m, d] = await Promise.all([import("./jobs/prune.ts"), realDeps(options.deps)]);
  return m.pruneJobs(d, options);
}
/** The CLI itself: `await main(["ls", "--json"])` returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [{ runCli }, { createRealDepsWith }, pkg] = await Promise.all([import("./cli/run-cli.ts"), import("../wiring.ts"), import("../../package.json", { with: { type: "json" } })]);
  return runCli(argv, pkg.default.version, createRealDepsWith);
}

/*
 * Workspaces (issue 10): what `remote workspace push|pull|link|status|ls|rm` do, for a folder
 * (`cwd`, default this process's) and a control plane (`remote`, else the folder's link,
 * else the configured one). Pull is the 3-way merge (`onConflict`); planPull is the pure planner.
 */
export type { PushOptions, PushResult } from "./workspace/push.ts";
export type { PullOptions, PullResult } from "./workspace/pull.ts";
export type { WorkspaceStatus } from "./workspace/manage.ts";
export type { Entry, Manifest } from "../domain/workspace/entry.ts";
export type { ConflictPolicy, PullAction, PullConflict, PullInput, PullPlan } from "../domain/workspace/merge-plan.ts";
export { planPull, textMergePaths } from "../domain/workspace/merge-plan.ts";
export { createWorkspaceClient, type WorkspaceClient, type WorkspaceInfo } from "./workspace/client.ts";
type WorkspaceCall = { readonly cwd?: string; readonly deps?: AppDeps };
const workspaceDeps = async (options: WorkspaceCall) => {
  const deps = await realDeps(options.deps);
  return options.cwd === undefined ? deps : { ...deps, cwd: options.cwd };
};
/** Push a folder's changes (creating and linking its workspace when it has none). */
export async function pushWorkspace(options: import("./workspace/push.ts").PushOptions & WorkspaceCall = {}) {
  const [m, deps] = await Promise.all([import("./workspace/push.ts"), workspaceDeps(options)]);
  return m.pushWorkspace(deps, options);
}
/** Pull a workspace into its linked folder (or, with `id`, into an empty one) as a 3-way merge; `exitCode` 1 while a conflict is left (`onConflict: "block"` throws WORKSPACE_CONFLICT with nothing written). */
export async function pullWorkspace(options: import("./workspace/pull.ts").PullOptions & WorkspaceCall = {}) {
  const [m, deps] = await Promise.all([import("./workspace/pull.ts"), workspaceDeps(options)]);
  return m.pullWorkspace(deps, options);
}
export async function linkWorkspace(options: { readonly id?: string; readonly name?: string; readonly remote?: string; readonly insecure?: boolean } & WorkspaceCall = {}) {
  const [m, deps] = await Promise.all([import("./workspace/manage.ts"), workspaceDeps(options)]);
  return m.linkWorkspace(deps, options);
}
export async function workspaceStatus(options: { readonly insecure?: boolean } & WorkspaceCall = {}) {
  const [m, deps] = await Promise.all([import("./workspace/manage.ts"), workspaceDeps(options)]);
  return m.workspaceStatus(deps, options);
}
export async function listWorkspaces(options: { readonly remote?: string; readonly insecure?: boolean } & WorkspaceCall = {}) {
  const [m, deps] = await Promise.all([import("./workspace/manage.ts"), workspaceDeps(options)]);
  return m.listRemoteWorkspaces(deps, options);
}
export async function removeWorkspace(id: string, options: { readonly remote?: string; readonly insecure?: boolean } & WorkspaceCall = {}) {
  const [m, deps] = await Promise.all([import("./workspace/manage.ts"), workspaceDeps(options)]);
  return m.removeRemoteWorkspace(deps, id, options);
}

/*
 * Migration (issue 10), under the seed's names: this folder's files and one conversation
 * to a control plane (`remote migrate forward`) and back (`remote migrate back`).
 */
export type { MigrateForwardResult } from "./migrate/forward.ts";
export type { MigrateBackResult } from "./migrate/back.ts";
export type MigrateForwardOptions = import("./migrate/forward.ts").MigrateForwardOptions & {
  /** The control plane (default: the folder's link, REMOTE_URL or config). */
  readonly remoteUrl?: string;
  /** The folder (default: this process's cwd). */
  readonly cwd?: string;
  /** Where the conversation is read (default: HOME). */
  readonly home?: string;
  readonly deps?: AppDeps;
};
export type MigrateBackOptions = import("./migrate/back.ts").MigrateBackOptions & { readonly cwd?: string; readonly home?: string; readonly deps?: AppDeps };

const inFolder = async (options: WorkspaceCall & { readonly home?: string }): Promise<AppDeps> => {
  const deps = await workspaceDeps(options);
  return options.home === undefined ? deps : { ...deps, env: { ...deps.env, HOME: options.home } };
};
/** Push, start the profile on the control plane resuming the same conversation, and attach unless `noAttach`. Resumable: call it again to carry on or reconnect. */
export async function migrateForward(options: MigrateForwardOptions) {
  const [{ migrateForward: forward }, deps] = await Promise.all([import("./migrate/forward.ts"), inFolder(options)]);
  return forward(deps, { ...options, remote: options.remote ?? options.remoteUrl });
}
/** Stop (or keep) the far session, restore its conversation here, pull the files; `resumeCommand` carries the conversation id. */
export async function migrateBack(options: MigrateBackOptions = {}) {
  const [{ migrateBack: back }, deps] = await Promise.all([import("./migrate/back.ts"), inFolder(options)]);
  return back(deps, options);
}

/*
 * Plugins and MCP servers in every session (issue 11), under the seed API's names.
 */
export { detectMcpBins, parseMcpSpec, parseMcpSpecs, type McpRequest } from "../domain/plugins/mcp-spec.ts";
export { mergeClaudeMcpServers } from "../domain/plugins/mcp-json.ts";
export { upsertCodexMcpServer } from "../domain/plugins/codex-toml.ts";
export type { PluginEntry, PluginInstall, PluginManifest, PluginMcp } from "../domain/plugins/manifest.ts";
export type { DriftRow, DriftStatus } from "../domain/plugins/drift.ts";
export type { SyncReport, SessionSync } from "./plugins/sync.ts";
/** `remote plugin add <npm-spec> [--mcp name=bin]...`: adds it to the desired manifest (the caller syncs: `pluginSync`). */
export async function pluginAdd(npmSpec: string, mcpSpecs: readonly string[] = [], options: { deps?: AppDeps } = {}) {
  const [m, d] = await Promise.all([import("./plugins/add.ts"), realDeps(options.deps)]);
  return m.pluginAdd(d, npmSpec, mcpSpecs);
}
/** `remote plugin add <name> --curl <https-url>` / `--install "<shell>"`. */
export async function pluginAddInstaller(name: string, install: import("../domain/plugins/manifest.ts").PluginInstall, options: { deps?: AppDeps } = {}) {
  const [m, d] = await Promise.all([import("./plugins/add.ts"), realDeps(options.deps)]);
  return m.pluginAddInstaller(d, name, install);
}
/** `remote plugin rm <name>`. */
export async function pluginRemove(name: string, options: { deps?: AppDeps } = {}) {
  const [m, d] = await Promise.all([import("./plugins/add.ts"), realDeps(options.deps)]);
  return m.pluginRemove(d, name);
}
/** `remote plugin ls --json`: the desired plugins. */
export async function pluginLs(options: { deps?: AppDeps } = {}) {
  const [m, d] = await Promise.all([import("./plugins/add.ts"), realDeps(options.deps)]);
  return m.pluginLs(d);
}
/** `remote plugin sync`: converges every running session's HOME (and the person's); per-session changes or errors. */
export async function pluginSync(options: { only?: string; announce?: (line: string) => void; deps?: AppDeps } = {}) {
  const [m, d] = await Promise.all([import("./plugins/sync.ts"), realDeps(options.deps)]);
  return m.pluginSync(d, { ...(options.only === undefined ? {} : { only: options.only }), ...(options.announce ? { announce: options.announce } : {}) });
}
/** `remote plugin sync --check`: the drift rows (converges nothing). */
export async function pluginSyncCheck(options: { only?: string; deps?: AppDeps } = {}) {
  const [m, d] = await Promise.all([import("./plugins/sync.ts"), realDeps(options.deps)]);
  return m.pluginSyncCheck(d, options.only === undefined ? {} : { only: options.only });
}
/** Converges one session's HOME; never throws (`{reconciled, changes, error?}`). */
export async function reconcileSessionPlugins(sessionId: string, options: { deps?: AppDeps } = {}) {
  const [m, d] = await Promise.all([import("./plugins/sync.ts"), realDeps(options.deps)]);
  return m.reconcileSessionPlugins(d, sessionId);
}
