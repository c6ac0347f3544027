/**
 * What a container session leaves behind, read out for `migrate back` (GET
 * /sessions/:ref/conversation, POST /sessions/:ref/workspace): its conversation
 * (`remote __conversation stage`) and its folder (container-folder.ts). While it runs they
 * come from its container's exec. Once it is gone nothing can be exec'd there, so they are
 * kept here under sessions/<id>/, either
 * - before a stop through the control plane (`captureBeforeStop`), or
 * - when first asked for after it ended by itself (its agent exited or crashed, the Pod was
 *   OOMKilled) or was stopped on the serving machine directly: read off its volumes (claim)
 *   by a short-lived helper beside it (TargetPort.onVolumes: the session's image, user and
 *   paths), `keepFromVolumes`.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ConversationBundleSchema, type ConversationBundle } from "../../domain/conversation/bundle.ts";
import { isMigratable, type MigratableProfile } from "../../domain/conversation/locate.ts";
import { sessionDirFor } from "../../domain/config.ts";
import { errorMessage, RemoteError } from "../../domain/errors.ts";
import type { SessionRecord } from "../../domain/session.ts";
import { CONTAINER_HOME_META, CONTAINER_WORKSPACE, containerHomeOf, type TargetHandle } from "../../domain/target.ts";
import type { SessionVolumes } from "../../domain/target-port.ts";
import { CONVERSATION_META, SESSION_WORKSPACE_META } from "../../domain/workspace/session-meta.ts";
import { writeFileAtomically } from "../../shared/atomic-file.ts";
import type { AppDeps } from "../deps.ts";
import type { SessionListing } from "../sessions/find.ts";
import { getWorkspace } from "../workspace/control.ts";
import { folderInside, folderKept, keepFolder, keptContainerFolder, liveContainerFolder, type ContainerFolder } from "./container-folder.ts";
import { insideSession, insideThrough, jsonInput, type Inside } from "./inside-wire.ts";

type Deps = Pick<AppDeps, "workspace" | "clock" | "random" | "config" | "target" | "env" | "log">;

const metaString = (session: SessionRecord, key: string): string | undefined => (typeof session.meta[key] === "string" ? (session.meta[key] as string) : undefined);
const handleOf = (session: SessionRecord): TargetHandle => {
  if (session.target === undefined) throw new RemoteError("NOT_A_CONTAINER", `Cannot read session '${session.name}' through a container: it runs on this machine`, undefined, "internal");
  return session.target;
};

/** Where a session's conversation is kept once its container is gone. */
const keptConversationFile = (deps: Pick<AppDeps, "config">, sessionId: string) => join(sessionDirFor(deps.config.paths, sessionId), "conversation.json");
const readKeptConversation = (deps: Pick<AppDeps, "config">, sessionId: string): ConversationBundle | undefined => {
  const file = keptConversationFile(deps, sessionId);
  return existsSync(file) ? ConversationBundleSchema.parse(JSON.parse(readFileSync(file, "utf8"))) : undefined;
};

/** The session's conversation (`id`, else its latest in the session's cwd) staged where `inside` runs. */
const stageInside = async (inside: Inside, session: Pick<SessionRecord, "cwd">, profile: MigratableProfile, id: string | undefined): Promise<ConversationBundle> =>
  ConversationBundleSchema.parse(await inside(["__conversation", "stage"], jsonInput({ profile, cwd: session.cwd, ...(id !== undefined && { id }) })));

/** A session's conversation read where `inside` runs (its container, or a helper on its volumes), and kept here. */
async function keepConversation(deps: Pick<AppDeps, "config">, session: SessionRecord, inside: Inside, profile: MigratableProfile, id: string | undefined): Promise<ConversationBundle> {
  const bundle = await stageInside(inside, session, profile, id);
  mkdirSync(sessionDirFor(deps.config.paths, session.id), { recursive: true, mode: 0o700 });
  writeFileAtomically(keptConversationFile(deps, session.id), JSON.stringify(bundle));
  return bundle;
}

/** The folder at the workspace's path of a workspace's session, where `inside` runs. */
const workspaceFolderThrough = (deps: Deps, session: SessionRecord, inside: Inside, where: string): ContainerFolder | undefined => {
  const workspaceId = metaString(session, SESSION_WORKSPACE_META);
  return workspaceId === undefined ? undefined : folderInside(deps, inside, where, getWorkspace(deps, workspaceId).path);
};

/** The session's volumes at the paths its container had them (as the session was started: path parity for a workspace's). */
function volumesOf(deps: Deps, session: SessionRecord): SessionVolumes {
  const kube = handleOf(session).kind === "kubernetes";
  const workspaceId = metaString(session, SESSION_WORKSPACE_META);
  const record = workspaceId !== undefined ? getWorkspace(deps, workspaceId) : undefined;
  // A workspace's session whose record predates CONTAINER_HOME_META had its HOME at the workspace's own.
  const home = session.meta[CONTAINER_HOME_META] === undefined && record?.home ? record.home : containerHomeOf(session, deps.env.HOME ?? "");
  const workspace = record !== undefined ? record.path : kube ? session.cwd : CONTAINER_WORKSPACE;
  return { sessionId: session.id, profile: session.profile, home, workspace };
}

/**
 * An ended session's `part` read off its volumes by a helper beside it and kept here (its
 * failure thrown); the other part too while the helper is there, when it was not kept yet
 * (best effort: it is read again when asked for).
 */
export async function keepFromVolumes(deps: Deps, session: SessionRecord, part: "conversation" | "folder", id?: string): Promise<ConversationBundle | undefined> {
  const handle = handleOf(session);
  const where = `the volumes of ${handle.container}`;
  return deps.target(handle).onVolumes(handle, volumesOf(deps, session), async (exec) => {
    const inside = insideThrough(exec, where);
    const conversation = () => (isMigratable(session.profile) ? keepConversation(deps, session, inside, session.profile, id ?? metaString(session, CONVERSATION_META)) : Promise.resolve(undefined));
    const folder = async () => {
      const found = workspaceFolderThrough(deps, session, inside, where);
      if (found) await keepFolder(deps, session, found);
    };
    const otherPart = (work: () => Promise<unknown>, what: string) =>
      work().catch((error: unknown) => deps.log.warn(`session ${session.id}: ${what} was not read off its volumes: ${errorMessage(error)}`));
    if (part === "folder") {
      await folder();
      if (readKeptConversation(deps, session.id) === undefined) await otherPart(conversation, "its conversation");
      return undefined;
    }
    const bundle = await conversation();
    if (!folderKept(deps, session.id)) await otherPart(folder, "its folder");
    return bundle;
  });
}

/** A container session's folder at `root`: inside it while it runs, else the copy kept here (taken off its volumes when none was). */
export function containerSessionFolder(deps: Deps, session: SessionRecord, root: string): ContainerFolder {
  if (session.state === "running" && session.target !== undefined) return liveContainerFolder(deps, session.target, root);
  return keptContainerFolder(deps, session, root, async () => void (await keepFromVolumes(deps, session, "folder")));
}

/** GET /sessions/:ref/conversation of a container session: from its HOME while it runs, else the one kept here (read off its volumes when none was). */
export async function containerConversation(deps: Deps, session: SessionListing, profile: MigratableProfile, id: string | undefined): Promise<ConversationBundle> {
  const wanted = id ?? metaString(session, CONVERSATION_META);
  if (session.view === "running") {
    const handle = handleOf(session);
    return stageInside(insideSession(deps.target(handle), handle), session, profile, wanted);
  }
  const kept = readKeptConversation(deps, session.id);
  if (kept !== undefined && (id === undefined || kept.id === id)) return kept;
  const read = await keepFromVolumes(deps, session, "conversation", id);
  if (read === undefined) {
    throw new RemoteError("CONVERSATION_NOT_FOUND", `Cannot read ${id === undefined ? "the conversation" : `conversation '${id}'`} of session '${session.name}': its container is gone and none was kept`, `Profile '${session.profile}' keeps no conversation that remote carries.`, "not-found");
  }
  return read;
}

/**
 * Before the control plane stops a workspace's container session: its conversation and its
 * folder kept here (best effort: the stop goes on either way, and a later read takes what
 * is missing off its volumes).
 */
export async function captureBeforeStop(deps: Deps, session: SessionListing): Promise<void> {
  if (session.target === undefined || session.view !== "running" || metaString(session, SESSION_WORKSPACE_META) === undefined) return;
  const inside = insideSession(deps.target(session.target), session.target);
  if (isMigratable(session.profile)) {
    try {
      await keepConversation(deps, session, inside, session.profile, metaString(session, CONVERSATION_META));
    } catch (error) {
      deps.log.warn(`session ${session.id}: its conversation was not kept before the stop: ${errorMessage(error)}`);
    }
  }
  try {
    const folder = workspaceFolderThrough(deps, session, inside, session.target.container);
    if (folder) await keepFolder(deps, session, folder);
  } catch (error) {
    deps.log.warn(`session ${session.id}: its folder was not kept before the stop: ${errorMessage(error)}`);
  }
}
