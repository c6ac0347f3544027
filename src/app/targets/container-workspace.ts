/**
 * A workspace's session in a container or Pod, from the control plane's side, everything
 * through the target's exec (no mount of ours, no network):
 * - in, before its agent starts: the workspace's files from the blob store at the
 *   workspace's own path (`remote __unpack`), a migrated conversation into its HOME by the
 *   restore rules (`remote __conversation restore`), then `remote __prepared`;
 *   and the folder's workspace link and base (`.remote/`), as a local copy of it has;
 * - out: its conversation (`remote __conversation stage`) and its folder (container-folder.ts).
 *   A session stopped through the control plane is read out first (`captureBeforeStop`):
 *   once its container is gone nothing can be exec'd, so `migrate back` reads what was kept.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ConversationBundleSchema, type ConversationBundle } from "../../domain/conversation/bundle.ts";
import { isMigratable, type MigratableProfile } from "../../domain/conversation/locate.ts";
import type { ConversationPolicy } from "../../domain/conversation/restore-rules.ts";
import { sessionDirFor } from "../../domain/config.ts";
import { errorMessage, RemoteError } from "../../domain/errors.ts";
import type { TargetHandle } from "../../domain/target.ts";
import type { TargetPort } from "../../domain/target-port.ts";
import type { WorkspaceBase, WorkspaceLink } from "../../domain/workspace/schemas.ts";
import type { WorkspaceRecord } from "../../domain/workspace/workspace.ts";
import { writeFileAtomically } from "../../shared/atomic-file.ts";
import type { AppDeps } from "../deps.ts";
import type { SessionListing } from "../sessions/find.ts";
import { exportArchive, getWorkspace, workspaceManifest } from "../workspace/control.ts";
import { SESSION_WORKSPACE_META } from "../workspace/session-folder.ts";
import { containerSessionFolder, FOLDER_BASE, FOLDER_LINK, keepFolder, liveContainerFolder, type ContainerFolder } from "./container-folder.ts";
import { execInside } from "./inside-wire.ts";

type Deps = Pick<AppDeps, "workspace" | "clock" | "random" | "config" | "target">;

/** The meta key of a container session's record naming the conversation it resumed (the workspace's: SESSION_WORKSPACE_META). */
export const CONVERSATION_META = "conversationId";
const metaString = (session: SessionListing, key: string): string | undefined => (typeof session.meta[key] === "string" ? (session.meta[key] as string) : undefined);

/** A workspace's container session's folder (at the workspace's path), or undefined for a session started without one. */
export function workspaceFolderOf(deps: Deps, session: SessionListing): ContainerFolder | undefined {
  const workspaceId = metaString(session, SESSION_WORKSPACE_META);
  return workspaceId === undefined || session.target === undefined ? undefined : containerSessionFolder(deps, session, getWorkspace(deps, workspaceId).path);
}

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** Before a container session's agent starts (runInContainer's `prepare`): its files, its conversation, then the go-ahead. */
export function containerPreparation(
  deps: Deps,
  input: { readonly workspace?: WorkspaceRecord | undefined; readonly conversation?: ConversationBundle | undefined; readonly policy?: ConversationPolicy | undefined; readonly origin: string },
): (target: TargetPort, handle: TargetHandle, session: { readonly cwd: string }) => Promise<void> {
  return async (target, handle, { cwd }) => {
    const workspace = input.workspace;
    if (workspace) {
      const { version, entries } = workspaceManifest(deps, workspace.id);
      const exported = exportArchive(deps, workspace.id, Object.keys(entries).sort());
      // The base below must be what was written: a push in between would make it lie.
      if (exported.version !== version) throw new RemoteError("WORKSPACE_MOVED", `Cannot start a session for workspace '${workspace.id}': it moved to version ${exported.version} while its files were read`, "Start it again.", "conflict");
      await execInside(target, handle, ["__unpack", workspace.path], exported.archive);
      // A copy linked to the workspace at that version: a commit of the folder later sends only what the session changed.
      const folder = liveContainerFolder(deps, handle, workspace.path);
      await folder.writeState(FOLDER_LINK, { remote: input.origin, workspaceId: workspace.id, path: workspace.path, home: workspace.home } satisfies WorkspaceLink);
      await folder.writeState(FOLDER_BASE, { workspaceId: workspace.id, version, entries } satisfies WorkspaceBase);
    }
    if (input.conversation) await execInside(target, handle, ["__conversation", "restore"], json({ bundle: input.conversation, cwd, ...(input.policy && { policy: input.policy }) }));
    await execInside(target, handle, ["__prepared"]);
  };
}

/** Path parity: a workspace's session has HOME and the folder at the workspace's own paths (HOME: `fallbackHome` for a record without one). */
export const containerLayout = (workspace: WorkspaceRecord, fallbackHome: string) => ({ home: workspace.home || fallbackHome, workspace: workspace.path });

/** Where a stopped session's conversation and folder manifest were kept (its session folder here). */
const keptFile = (deps: Pick<AppDeps, "config">, sessionId: string, name: "conversation.json") => join(sessionDirFor(deps.config.paths, sessionId), name);

const handleOf = (session: SessionListing): TargetHandle => {
  if (session.target === undefined) throw new RemoteError("NOT_A_CONTAINER", `Cannot read session '${session.name}' through a container: it runs on this machine`, undefined, "internal");
  return session.target;
};

/** A live container session's conversation, read out of its HOME. */
async function stageLive(deps: Deps, session: SessionListing, profile: MigratableProfile, id: string | undefined): Promise<ConversationBundle> {
  const handle = handleOf(session);
  const staged = await execInside<unknown>(deps.target(handle), handle, ["__conversation", "stage"], json({ profile, cwd: session.cwd, ...(id !== undefined && { id }) }));
  return ConversationBundleSchema.parse(staged);
}

const conversationIdOf = (session: SessionListing): string | undefined => metaString(session, CONVERSATION_META);

/** GET /sessions/:ref/conversation of a container session: from its HOME while it runs, else what was kept when it was stopped. */
export async function containerConversation(deps: Deps, session: SessionListing, profile: MigratableProfile, id: string | undefined): Promise<ConversationBundle> {
  if (session.view === "running") return stageLive(deps, session, profile, id ?? conversationIdOf(session));
  const kept = keptFile(deps, session.id, "conversation.json");
  const bundle = existsSync(kept) ? ConversationBundleSchema.parse(JSON.parse(readFileSync(kept, "utf8"))) : undefined;
  if (bundle === undefined || (id !== undefined && bundle.id !== id)) {
    throw new RemoteError(
      "CONVERSATION_NOT_FOUND",
      `Cannot read ${id === undefined ? "the conversation" : `conversation '${id}'`} of session '${session.name}': its container is gone and none was kept when it stopped`,
      "A container session's conversation is read while it runs, or kept when it is stopped through the control plane (`remote migrate back` does so).",
      "not-found",
    );
  }
  return bundle;
}

/**
 * Before the control plane stops a workspace's container session: its conversation and its
 * folder kept here (best effort: the stop goes on either way, and a later read says what is missing).
 */
export async function captureBeforeStop(deps: Deps & Pick<AppDeps, "log">, session: SessionListing): Promise<void> {
  if (session.target === undefined || session.view !== "running" || metaString(session, SESSION_WORKSPACE_META) === undefined) return;
  mkdirSync(sessionDirFor(deps.config.paths, session.id), { recursive: true, mode: 0o700 });
  if (isMigratable(session.profile)) {
    try {
      const bundle = await stageLive(deps, session, session.profile, conversationIdOf(session));
      writeFileAtomically(keptFile(deps, session.id, "conversation.json"), JSON.stringify(bundle));
    } catch (error) {
      deps.log.warn(`session ${session.id}: its conversation was not kept before the stop: ${errorMessage(error)}`);
    }
  }
  try {
    const folder = workspaceFolderOf(deps, session);
    if (folder) await keepFolder(deps, session, folder);
  } catch (error) {
    deps.log.warn(`session ${session.id}: its folder was not kept before the stop: ${errorMessage(error)}`);
  }
}
