import type { SessionRecord } from "./session.ts";
import type { JobRecord } from "./jobs/job.ts";
import type { TargetName } from "./target-name.ts";
import type { PullConflict } from "./workspace/merge-plan.ts";
import type { SessionStateEvent } from "./agent-state/agent-state.ts";
import type { DriftRow } from "./plugins/drift.ts";
import type { PluginEntry } from "./plugins/manifest.ts";

/** Events user plugins can subscribe to, named `namespace:event`. */
export type RemoteHooks = {
  /** Session events fire on every target; `target` says where the session runs (its host's own bus, and this machine's for a container or Pod). */
  "session:start": (event: { readonly session: SessionRecord; readonly target: TargetName }) => void | Promise<void>;
  "session:exit": (event: { readonly session: SessionRecord; readonly target: TargetName; readonly exitCode: number | null; readonly signal: string | null }) => void | Promise<void>;
  "session:attach": (event: { readonly session: SessionRecord; readonly target: TargetName; readonly clients: number }) => void | Promise<void>;
  "session:detach": (event: { readonly session: SessionRecord; readonly target: TargetName; readonly clients: number }) => void | Promise<void>;
  /** The agent's state changed (issue 13): working, waiting, needs-approval, throttled, ... */
  "session:state": (event: SessionStateEvent) => void | Promise<void>;
  /** Delegated jobs (issue 4): the payload is the job as stored after the move. */
  "job:queued": (event: { readonly job: JobRecord }) => void | Promise<void>;
  "job:start": (event: { readonly job: JobRecord }) => void | Promise<void>;
  "job:throttle": (event: { readonly job: JobRecord }) => void | Promise<void>;
  "job:resume": (event: { readonly job: JobRecord }) => void | Promise<void>;
  "job:done": (event: { readonly job: JobRecord }) => void | Promise<void>;
  "job:fail": (event: { readonly job: JobRecord }) => void | Promise<void>;
  /** Workspaces (issue 10): after a push committed, after a pull wrote, when a pull met changes on both sides (nothing written). */
  "workspace:push": (event: WorkspaceEvent & { readonly filesSent: number; readonly bytesSent: number; readonly filesUnchanged: number; readonly filesDeleted: number }) => void | Promise<void>;
  "workspace:pull": (event: WorkspaceEvent & { readonly written: number; readonly deleted: number }) => void | Promise<void>;
  /** A pull met paths changed on both sides; `conflicts` says what became of each (markers, backup, a side, blocked). */
  "workspace:conflict": (event: WorkspaceEvent & { readonly paths: readonly string[]; readonly conflicts?: readonly PullConflict[] }) => void | Promise<void>;
  /** `remote migrate forward`: the work now runs in session `sessionId` on `remote`, resuming `conversationId`. */
  "migrate:forward": (event: MigrateEvent & { readonly sessionId: string; readonly workspaceId: string }) => void | Promise<void>;
  /** `remote migrate back`: files pulled (`conflicts` left for a person) and the conversation restored here. */
  "migrate:back": (event: MigrateEvent & { readonly sessionId?: string | undefined; readonly backupId?: string | undefined; readonly conflicts: readonly string[]; readonly resumeCommand: string }) => void | Promise<void>;
  /** Plugins (issue 11): one added to (or removed from) the desired manifest, one session's HOME changed by a sync, drift found. */
  "plugin:add": (event: { readonly plugin: PluginEntry }) => void | Promise<void>;
  "plugin:remove": (event: { readonly plugin: PluginEntry }) => void | Promise<void>;
  "plugin:sync": (event: { readonly session: string; readonly changes: readonly string[] }) => void | Promise<void>;
  "plugin:drift": (event: { readonly rows: readonly DriftRow[] }) => void | Promise<void>;
};
/** What every migration event carries: the folder, the agent and its conversation, the control plane. */
export type MigrateEvent = { readonly path: string; readonly profile: string; readonly conversationId: string; readonly remote: string };
/** What every workspace event carries: which workspace, on which control plane, which folder here, at which version. */
export type WorkspaceEvent = { readonly workspaceId: string; readonly remote: string; readonly path: string; readonly version: number };
export type RemoteHookName = keyof RemoteHooks;

export type PluginHooks = {
  readonly hook: <N extends RemoteHookName>(name: N, handler: RemoteHooks[N]) => () => void;
};
export type PluginContext = {
  /** REMOTE_HOME, where a plugin may keep its own files. */
  readonly home: string;
  /** This plugin's table from config.toml `[plugin.<name>]`, if any. */
  readonly options: Readonly<Record<string, unknown>>;
};
export type RemotePlugin = {
  readonly name: string;
  readonly setup: (hooks: PluginHooks, context: PluginContext) => void | Promise<void>;
};

/** Identity helper that gives plugin authors types; plugins may also export a plain object. */
export const definePlugin = (plugin: RemotePlugin): RemotePlugin => plugin;
