/**
 * A workspace's session in a container or Pod, from the control plane's side, everything
 * through the target's exec (no mount of ours, no network):
 * - in, before its agent starts: the workspace's files from the blob store at the
 *   workspace's own path (`remote __unpack`), a migrated conversation into its HOME by the
 *   restore rules (`remote __conversation restore`), then `remote __prepared`;
 * - out: its conversation (`remote __conversation stage`) and its folder (`remote __pack`:
 *   the manifest, then only the files whose content the blob store lacks). A session that
 *   is stopped through the control plane is read out first (`captureBeforeStop`): once its
 *   container is gone nothing can be exec'd, so `migrate back` reads what was kept.
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
import { checkArchive } from "../../domain/workspace/archive-rules.ts";
import type { Manifest } from "../../domain/workspace/entry.ts";
import { tidyArchivePath } from "../../domain/workspace/workspace-path.ts";
import type { WorkspaceRecord } from "../../domain/workspace/workspace.ts";
import { writeFileAtomically } from "../../shared/atomic-file.ts";
import { sha256Hex } from "../../shared/sha256.ts";
import type { AppDeps } from "../deps.ts";
import type { SessionListing } from "../sessions/find.ts";
import { archiveLimits, exportArchive } from "../workspace/control.ts";
import { execInside } from "./inside-wire.ts";

type Deps = Pick<AppDeps, "workspace" | "clock" | "random" | "config" | "target">;

/** What a container session keeps of its workspace in its record's meta (the folder to read back, and from which workspace). */
export type SessionWorkspace = { readonly id: string; readonly path: string };
export const sessionWorkspaceOf = (meta: Readonly<Record<string, unknown>>): SessionWorkspace | undefined => {
  const value = meta.workspace as Partial<SessionWorkspace> | undefined;
  return typeof value?.id === "string" && typeof value.path === "string" ? { id: value.id, path: value.path } : undefined;
};

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** Before a container session's agent starts (runInContainer's `prepare`): its files, its conversation, then the go-ahead. */
export function containerPreparation(
  deps: Deps,
  input: { readonly workspace?: WorkspaceRecord | undefined; readonly conversation?: ConversationBundle | undefined; readonly policy?: ConversationPolicy | undefined },
): (target: TargetPort, handle: TargetHandle, session: { readonly cwd: string }) => Promise<void> {
  return async (target, handle, { cwd }) => {
    if (input.workspace) await execInside(target, handle, ["__unpack", input.workspace.path], exportArchive(deps, input.workspace.id).archive);
    if (input.conversation) await execInside(target, handle, ["__conversation", "restore"], json({ bundle: input.conversation, cwd, ...(input.policy && { policy: input.policy }) }));
    await execInside(target, handle, ["__prepared"]);
  };
}

/** Path parity: a workspace's session has HOME and the folder at the workspace's own paths (HOME: `fallbackHome` for a record without one). */
export const containerLayout = (workspace: WorkspaceRecord, fallbackHome: string) => ({ home: workspace.home || fallbackHome, workspace: workspace.path });

/** Where a stopped session's conversation and folder manifest were kept (its session folder here). */
const keptFile = (deps: Pick<AppDeps, "config">, sessionId: string, name: "conversation.json" | "folder.json") => join(sessionDirFor(deps.config.paths, sessionId), name);

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

const conversationIdOf = (session: SessionListing): string | undefined => (typeof session.meta.conversationId === "string" ? session.meta.conversationId : undefined);

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
 * A container session's folder: its manifest, every file's content put into the blob store
 * first (only those the store lacks cross the exec). From the container while it runs, else
 * the manifest kept when it was stopped (its blobs were stored then).
 */
export async function collectContainerFolder(deps: Deps, session: SessionListing): Promise<Manifest> {
  const workspace = sessionWorkspaceOf(session.meta);
  if (workspace === undefined) throw new RemoteError("NO_WORKSPACE", `Cannot read the folder of session '${session.name}': it was not started for a workspace`, "Start it with a workspace (remote migrate forward does).", "conflict");
  if (session.view !== "running") {
    const kept = keptFile(deps, session.id, "folder.json");
    if (!existsSync(kept)) throw new RemoteError("FOLDER_NOT_KEPT", `Cannot read the folder of session '${session.name}': its container is gone and nothing was kept when it stopped`, "Stop a workspace's container session through the control plane: it keeps the folder first.", "not-found");
    return JSON.parse(readFileSync(kept, "utf8")) as Manifest;
  }
  const handle = handleOf(session);
  const target = deps.target(handle);
  const { blobs, archive } = deps.workspace();
  const manifest = await execInside<Manifest>(target, handle, ["__pack", workspace.path]);
  const missing = Object.entries(manifest).flatMap(([path, entry]) => (entry.type === "file" && !blobs.has(entry.sha256) ? [path] : []));
  if (missing.length === 0) return manifest;
  const packed = await execInside<string>(target, handle, ["__pack", workspace.path, "--paths"], json(missing));
  // The container's answer is as untrusted as any archive: checked before a byte is stored.
  const limits = archiveLimits(deps);
  const items = await archive.unpack(Buffer.from(packed, "base64"), limits);
  const verdict = checkArchive(items.map((item) => item.header), limits);
  if (!verdict.ok) throw new RemoteError("ARCHIVE_REFUSED", `Cannot take the files of session '${session.name}': ${verdict.problems.join("; ")}`, "Nothing was stored.", "invalid");
  const received = new Map(items.map((item) => [tidyArchivePath(item.header.path), item.bytes ?? new Uint8Array(0)]));
  for (const path of missing) {
    const entry = manifest[path];
    const bytes = received.get(path);
    // A file that changed between the two reads: its manifest entry would name content never stored.
    if (entry?.type !== "file" || bytes === undefined || sha256Hex([bytes]) !== entry.sha256) {
      throw new RemoteError("FOLDER_CHANGED", `Cannot take '${path}' of session '${session.name}': it changed while it was read`, "Try again once the agent is idle.", "conflict");
    }
    blobs.put(bytes);
  }
  return manifest;
}

/**
 * Before the control plane stops a workspace's container session: its conversation and its
 * folder kept here (best effort: the stop goes on either way, and a later read says what is missing).
 */
export async function captureBeforeStop(deps: Deps & Pick<AppDeps, "log">, session: SessionListing): Promise<void> {
  if (session.target === undefined || session.view !== "running" || sessionWorkspaceOf(session.meta) === undefined) return;
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
    writeFileAtomically(keptFile(deps, session.id, "folder.json"), JSON.stringify(await collectContainerFolder(deps, session)));
  } catch (error) {
    deps.log.warn(`session ${session.id}: its folder was not kept before the stop: ${errorMessage(error)}`);
  }
}
