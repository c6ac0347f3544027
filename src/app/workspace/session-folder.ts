/**
 * A session's folder on the control plane's side of a migration. When the control plane
 * starts a session for a workspace it materialises the workspace at the workspace's
 * absolute path (path parity): into an absent or empty folder, or by bringing its own far
 * copy (linked by .remote/workspace.json) up to the workspace's version; anything else
 * there is refused. Before `migrate back` pulls, what the session changed in that folder
 * is committed to the workspace, under the workspace's lock.
 *
 * The folder is read through a SessionFolder: the local target's is this machine's disk,
 * scanned with the scanner a push uses; a container target plugs its own in
 * (`sessionFolderFor`), reading the folder through the container's exec.
 */
import { basename, dirname } from "node:path";
import { RemoteError } from "../../domain/errors.ts";
import { applyChange, diffManifests, sameEntry, type Entry, type FileEntry, type Manifest } from "../../domain/workspace/entry.ts";
import { planPull, textMergePaths, type MergeTexts } from "../../domain/workspace/merge-plan.ts";
import { looksLikeText } from "../../domain/workspace/merge-tree.ts";
import { WorkspaceBaseSchema, WorkspaceLinkSchema, type WorkspaceBase, type WorkspaceLink } from "../../domain/workspace/schemas.ts";
import type { FolderAccess } from "../../domain/workspace/ports.ts";
import type { WorkspaceRecord } from "../../domain/workspace/workspace.ts";
import type { SessionRecord } from "../../domain/session.ts";
import { MIGRATION_STATE, MigrationStateSchema } from "../../domain/migrate/migration.ts";
import type { AppDeps } from "../deps.ts";
import { commitManifest, getWorkspace, lockWorkspace, unlockWorkspace, workspaceManifest } from "./control.ts";
import { applyPullPlan } from "./merge-apply.ts";
import { readBase, scanLocal, writeBase } from "./local-state.ts";
import { FOLDER_BASE } from "../targets/container-folder.ts";
import { containerSessionFolder } from "../targets/container-keep.ts";
import { SESSION_WORKSPACE_META, SHARED_FOLDER_META } from "../../domain/workspace/session-meta.ts";

type Deps = Pick<AppDeps, "workspace" | "clock" | "random" | "config" | "log" | "target" | "env">;

const LINK = "workspace.json";

export { SESSION_WORKSPACE_META, SHARED_FOLDER_META } from "../../domain/workspace/session-meta.ts";

/** A session's folder as the control plane reads and writes it: here, or inside a container. */
export type SessionFolder = FolderAccess & {
  /** The base (last sync) for `workspaceId`; empty when there is none (or it is another workspace's). */
  readonly readBase: (workspaceId: string) => Promise<WorkspaceBase>;
  readonly writeBase: (base: WorkspaceBase) => Promise<void>;
};

/** The local target's folder: this machine's disk, through the workspace tree port. */
export function localSessionFolder(deps: Pick<AppDeps, "workspace">, root: string): SessionFolder {
  const { tree } = deps.workspace();
  return {
    root,
    scan: async () => scanLocal(deps, root).manifest,
    read: async (paths) => new Map(paths.map((path) => [path, tree.read(root, path)])),
    readState: async (name) => tree.readState(root, name),
    writeState: async (name, value) => tree.writeState(root, name, value),
    // In the folder's index (.remote/workspace-index), where a push or pull there finds it too.
    readBase: async (workspaceId) => readBase(deps, root, workspaceId),
    writeBase: async (base) => writeBase(deps, root, base),
  };
}

/** The seam: which folder a session works in (a container's is read through its exec: targets/container-folder.ts, at the workspace's path). */
export function sessionFolderFor(deps: Deps, session: SessionRecord): SessionFolder {
  if (session.target === undefined) return localSessionFolder(deps, session.cwd);
  const workspaceId = session.meta[SESSION_WORKSPACE_META];
  const folder = containerSessionFolder(deps, session, getWorkspace(deps, typeof workspaceId === "string" ? workspaceId : "").path);
  // Inside a container the base is the JSON state file the container's preparation wrote (FOLDER_BASE).
  return {
    ...folder,
    readBase: async (id) => {
      const parsed = WorkspaceBaseSchema.safeParse(await folder.readState(FOLDER_BASE));
      return parsed.success && parsed.data.workspaceId === id ? parsed.data : { workspaceId: id, version: 0, entries: {} };
    },
    writeBase: (base) => folder.writeState(FOLDER_BASE, base),
  };
}

const readLinkOf = async (folder: SessionFolder): Promise<WorkspaceLink | undefined> => {
  const parsed = WorkspaceLinkSchema.safeParse(await folder.readState(LINK));
  return parsed.success ? parsed.data : undefined;
};

const blobText = (deps: Deps, sha256: string) => {
  const bytes = deps.workspace().blobs.get(sha256);
  return bytes !== undefined && looksLikeText(bytes) ? new TextDecoder().decode(bytes) : undefined;
};

/**
 * Where a session for `workspaceId` works: the workspace's path, made to hold the
 * workspace (local target). `origin` is this control plane's URL as the client reached it
 * (the far copy's link names it).
 */
export async function materialiseWorkspace(deps: Deps, workspaceId: string, origin: string, startKey?: string): Promise<{ readonly record: WorkspaceRecord; readonly shared: boolean }> {
  const record = getWorkspace(deps, workspaceId);
  const root = record.path;
  const { tree, blobs } = deps.workspace();
  const where = tree.kind(dirname(root), basename(root));
  if (where !== "missing" && where !== "directory") {
    throw new RemoteError("FOLDER_TAKEN", `Cannot start a session for workspace '${workspaceId}' in '${root}': a ${where} is there, not a folder`, `Move it aside on the control plane's machine (mv '${root}' '${root}.aside'), then start again.`, "conflict");
  }
  const remote = workspaceManifest(deps, workspaceId);
  const folder = localSessionFolder(deps, root);
  const link = where === "missing" ? undefined : await readLinkOf(folder);
  if (link !== undefined && link.workspaceId !== workspaceId) {
    throw new RemoteError("FOLDER_OTHER_WORKSPACE", `Cannot start a session for workspace '${workspaceId}' in '${root}': that folder is workspace '${link.workspaceId}'`, `Remove or move that copy on the control plane's machine, then start again.`, "conflict");
  }
  if (link === undefined && !tree.isEmpty(root)) {
    throw new RemoteError(
      "FOLDER_NOT_EMPTY",
      `Cannot start a session for workspace '${workspaceId}' in '${root}': the folder holds other files (not empty, not a copy of this workspace)`,
      `The session works at the workspace's own path (path parity). Move that folder aside on the control plane's machine (mv '${root}' '${root}.aside'), then start again.`,
      "conflict",
    );
  }
  // The client's own folder (the control plane on the same machine, path parity): it already holds the truth.
  if (link !== undefined && startKey !== undefined && (await isClientsFolder(folder, startKey))) return { record, shared: true };
  // Linked first (this creates the folder): a materialisation cut short is still recognised as this workspace's copy.
  if (link === undefined) await folder.writeState(LINK, { remote: origin, workspaceId, path: root, home: record.home } satisfies WorkspaceLink);
  const base = await folder.readBase(workspaceId);
  const local = await folder.scan();
  // A file both sides changed needs the three texts for a line merge (base and remote from the blob store).
  const texts = new Map<string, MergeTexts>();
  for (const path of textMergePaths({ base: base.entries, local, remote: remote.entries })) {
    const [was, now] = [base.entries[path], remote.entries[path] as FileEntry];
    const baseText = was === undefined ? "" : was.type === "file" ? blobText(deps, was.sha256) : undefined;
    const remoteText = blobText(deps, now.sha256);
    const localBytes = (await folder.read([path])).get(path);
    const localText = localBytes !== undefined && looksLikeText(localBytes) ? new TextDecoder().decode(localBytes) : undefined;
    if (baseText !== undefined && localText !== undefined && remoteText !== undefined) texts.set(path, { base: baseText, local: localText, remote: remoteText });
  }
  // The folder's own uncommitted changes stay; one that clashes with the workspace blocks the start (nothing written).
  const plan = planPull({ base: base.entries, local, remote: remote.entries, texts, stamp: "", policy: "block" });
  const clashes = plan.conflicts.filter((c) => c.resolution === "blocked").map((c) => c.path);
  if (clashes.length > 0) {
    throw new RemoteError(
      "WORKSPACE_CONFLICT",
      `Cannot bring '${root}' up to workspace '${workspaceId}' version ${remote.version}: the folder changed ${clashes.slice(0, 5).join(", ")} since its last sync, and so did the workspace`,
      "Nothing was written. Settle those files in that folder on the control plane's machine (or move it aside), then start again.",
      "conflict",
    );
  }
  await applyPullPlan(deps.workspace(), {
    root,
    plan,
    remoteBytes: (sha256, path) => blobs.get(sha256) ?? (() => { throw new RemoteError("BLOB_MISSING", `Cannot write '${path}' of workspace '${workspaceId}': its content ${sha256} is missing from the blob store`, "The control plane's data directory lost a file; push the workspace again.", "corrupt"); })(),
  });
  if (plan.actions.length > 0 || base.version !== remote.version) await folder.writeBase({ workspaceId, version: remote.version, entries: remote.entries });
  return { record, shared: false };
}

/** `.remote/migration.json` naming this start's key: the migration that asked is running from this very folder. */
const isClientsFolder = async (folder: SessionFolder, startKey: string) => {
  const parsed = MigrationStateSchema.safeParse(await folder.readState(MIGRATION_STATE));
  return parsed.success && parsed.data.startKey === startKey;
};

export type SessionFolderCommit = { readonly workspaceId: string; readonly version: number; readonly filesChanged: number };

/**
 * Commits what changed in a session's folder since its last sync to the session's
 * workspace: the folder's change (against its base) applied to the workspace's current
 * version, under the lock (taken and always given back). A path the workspace also changed
 * since that base is refused (nothing committed); one changed alike on both sides is
 * not a change. The folder's base then records what it committed.
 */
export async function commitSessionFolder(deps: Deps, session: SessionRecord): Promise<SessionFolderCommit> {
  const workspaceId = session.meta[SESSION_WORKSPACE_META];
  if (typeof workspaceId !== "string") {
    throw new RemoteError("NO_WORKSPACE", `Cannot commit the folder of session '${session.name}': it was not started for a workspace`, "Start it with a workspace (POST /sessions with workspace; `remote migrate forward` does).", "conflict");
  }
  // It worked in the client's own folder: its edits are there already.
  if (session.meta[SHARED_FOLDER_META] === true) return { workspaceId, version: getWorkspace(deps, workspaceId).version, filesChanged: 0 };
  const folder = sessionFolderFor(deps, session);
  const link = await readLinkOf(folder);
  if (link?.workspaceId !== workspaceId) {
    throw new RemoteError("FOLDER_NOT_LINKED", `Cannot commit '${folder.root}' to workspace '${workspaceId}': the folder is not that workspace's copy (.remote/${LINK})`, "It was moved or replaced since the session started; copy what you need out of it by hand.", "conflict");
  }
  const base = await folder.readBase(workspaceId);
  const local = await folder.scan();
  const change = diffManifests(base.entries, local);
  if (Object.keys(change.set).length === 0 && change.deleted.length === 0) return { workspaceId, version: getWorkspace(deps, workspaceId).version, filesChanged: 0 };

  const holder = deps.random.id(32);
  lockWorkspace(deps, workspaceId, { holder, owner: `session ${session.name} committing ${folder.root}`, ttlMs: deps.config.workspace.lockTtlMs });
  try {
    const current = workspaceManifest(deps, workspaceId);
    const touched = [...Object.keys(change.set), ...change.deleted];
    // Changed here and (differently) in the workspace since the base: not this function's to settle.
    const clashes = touched.filter((path) => !sameEntry(current.entries[path], base.entries[path]) && !sameEntry(current.entries[path], local[path]));
    if (clashes.length > 0) {
      throw new RemoteError(
        "WORKSPACE_CONFLICT",
        `Cannot commit '${folder.root}' to workspace '${workspaceId}': ${clashes.slice(0, 5).join(", ")} changed both here and in the workspace since the session started`,
        "Nothing was committed. Settle those files in the session's folder, then run it again.",
        "conflict",
      );
    }
    const set: Record<string, Entry> = {};
    const files = Object.entries(change.set).filter(([path, entry]) => !sameEntry(current.entries[path], entry));
    const bytes = await folder.read(files.filter(([, entry]) => entry.type === "file").map(([path]) => path));
    for (const [path, entry] of files) {
      if (entry.type === "link") set[path] = entry;
      else {
        // What was read is what is committed (a file that changed since the scan goes as read).
        const content = bytes.get(path) as Uint8Array;
        set[path] = { type: "file", sha256: deps.workspace().blobs.put(content), size: content.length, mode: entry.mode };
      }
    }
    const deleted = change.deleted.filter((path) => current.entries[path] !== undefined);
    const committed = Object.keys(set).length === 0 && deleted.length === 0 ? getWorkspace(deps, workspaceId) : commitManifest(deps, workspaceId, holder, { baseVersion: current.version, set, deleted });
    // The folder now holds its base plus its own change; the version only when it held the workspace's whole state.
    const entries = applyChange(base.entries, { set: { ...change.set, ...set }, deleted: change.deleted });
    await folder.writeBase({ workspaceId, version: current.version === base.version ? committed.version : base.version, entries });
    return { workspaceId, version: committed.version, filesChanged: touched.length };
  } finally {
    try {
      unlockWorkspace(deps, workspaceId, holder);
    } catch (error) {
      deps.log.warn(`could not release the lock of workspace '${workspaceId}': ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
