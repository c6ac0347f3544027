/**
 * `remote workspace push`: scan the folder against its index (ignore rules; only files whose
 * stat moved are hashed), and send what changed since the base in ONE request: the changed
 * files (one tar) and the change, committed against the base's version under a lock the
 * server takes and releases around it. When the workspace moved past the base, the remote
 * manifest is fetched and the change planned against it instead. The base becomes what was
 * committed. Without a link, the workspace is created and linked first.
 */
import { RemoteError } from "../../domain/errors.ts";
import { applyChange, diffManifests, type Entry, type Manifest } from "../../domain/workspace/entry.ts";
import { baseFromLocal, changeSinceBase, localManifest, replaceBase, type LocalIndex } from "../../domain/workspace/local-index.ts";
import type { AppDeps } from "../deps.ts";
import type { WorkspaceClient } from "./client.ts";
import { createWorkspaceEvents } from "./events.ts";
import { loadIndex, readLink, saveIndex, workspaceClient, writeLink } from "./local-state.ts";

export type PushDeps = Pick<AppDeps, "workspace" | "env" | "config" | "cwd" | "random" | "clock" | "log" | "importModule" | "git">;

export type PushOptions = {
  readonly remote?: string | undefined;
  readonly insecure?: boolean | undefined;
  /** A name for a workspace this push creates (default: the folder's name). */
  readonly name?: string | undefined;
  /** Files read for sending so far, of how many (a progress bar on a terminal). */
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
};

export type PushResult = {
  readonly workspaceId: string;
  readonly created: boolean;
  readonly version: number;
  readonly filesSent: number;
  readonly bytesSent: number;
  readonly filesUnchanged: number;
  readonly bytesSkipped: number;
  readonly filesDeleted: number;
  /** Bytes of the tar that crossed the wire (gzip). */
  readonly archiveBytes: number;
  /** Symlinks left out: they point outside the folder. */
  readonly skippedLinks: readonly string[];
};

/** The link of this folder, made (with a new workspace) when there is none. */
async function ensureLinked(deps: PushDeps, root: string, options: PushOptions) {
  const link = readLink(deps, root);
  if (link) {
    if (options.remote !== undefined && options.remote !== "" && new URL(options.remote).origin !== new URL(link.remote).origin) {
      throw new RemoteError("WORKSPACE_OTHER_REMOTE", `Cannot push '${root}' to ${options.remote}: it is linked to workspace '${link.workspaceId}' on ${link.remote}`, "Drop --remote (the link says where), or unlink first: rm -r .remote", "usage");
    }
    return { link, client: workspaceClient(deps, link.remote, options.insecure), created: false };
  }
  const client = workspaceClient(deps, options.remote, options.insecure);
  const home = deps.env.HOME ?? "";
  const created = await client.create({ name: options.name, path: root, home });
  const made = { remote: client.url, workspaceId: created.id, path: root, home };
  writeLink(deps, root, made);
  // `.remote/` is ours, not the project's: git should not offer to commit it.
  const repo = deps.git.repoRoot(root);
  if (repo) deps.git.ensureExcluded(repo, "/.remote/");
  return { link: made, client, created: true };
}

type Linked = Awaited<ReturnType<typeof ensureLinked>>;
type Planned = { readonly baseVersion: number; readonly set: Readonly<Record<string, Entry>>; readonly deleted: readonly string[] };

export async function pushWorkspace(deps: PushDeps, options: PushOptions = {}): Promise<PushResult> {
  const root = deps.cwd;
  const linked = await ensureLinked(deps, root, options);
  const id = linked.link.workspaceId;
  const index = loadIndex(deps, root, id);
  const scan = deps.workspace().tree.scan(root, index);
  const change = changeSinceBase(index);
  const skipped = change.outsideLinks;
  if (skipped.length > 0) deps.log.warn(`left out ${skipped.length} symlink(s) pointing outside the folder: ${skipped.slice(0, 5).join(", ")}${skipped.length > 5 ? ", ..." : ""}`);
  const common = { workspaceId: id, created: linked.created, skippedLinks: skipped };

  if (Object.keys(change.set).length === 0 && change.deleted.length === 0) {
    // Nothing changed since the base: only whether the workspace moved past it is asked.
    const version = await linked.client.version(id);
    if (version === index.version) {
      if (scan.changed) saveIndex(deps, root, index);
      return { ...common, version: index.version, filesSent: 0, bytesSent: 0, filesUnchanged: change.unchanged, bytesSkipped: change.unchangedBytes, filesDeleted: 0, archiveBytes: 0 };
    }
    return pushAgainstRemote(deps, linked, index, options);
  }
  // The base is the workspace at its version: planned against it, the 20,000-path manifest
  // never crosses the wire; the commit refuses (WORKSPACE_MOVED) if the workspace moved meanwhile.
  let sent: Awaited<ReturnType<typeof send>>;
  try {
    sent = await send(deps, linked, { baseVersion: index.version, set: change.set, deleted: change.deleted }, options);
  } catch (error) {
    if (error instanceof RemoteError && error.code === "WORKSPACE_MOVED") return pushAgainstRemote(deps, linked, index, options);
    throw error;
  }
  // Committed: the base is the local tree, with what the server stored for what it was sent.
  const committed = new Map<number, Entry>();
  for (const [path, entry] of Object.entries(sent.entries)) {
    const row = change.rows.get(path);
    if (row !== undefined) committed.set(row, entry);
  }
  baseFromLocal(index, sent.version, committed);
  saveIndex(deps, root, index);
  return finish(deps, linked, root, { ...common, ...sent, filesUnchanged: change.unchanged, bytesSkipped: change.unchangedBytes, filesDeleted: change.deleted.length });
}

/** The workspace moved past the base: the change is planned against its manifest as it is now. */
async function pushAgainstRemote(deps: PushDeps, linked: Linked, index: LocalIndex, options: PushOptions): Promise<PushResult> {
  const root = deps.cwd;
  const id = linked.link.workspaceId;
  const remote = await linked.client.manifest(id);
  const local = localManifest(index);
  const change = diffManifests(remote.entries, local);
  const common = { workspaceId: id, created: linked.created, skippedLinks: changeSinceBase(index).outsideLinks, filesUnchanged: change.unchanged, bytesSkipped: change.unchangedBytes, filesDeleted: change.deleted.length };
  if (Object.keys(change.set).length === 0 && change.deleted.length === 0) {
    replaceBase(index, remote.version, remote.entries);
    saveIndex(deps, root, index);
    return { ...common, version: remote.version, filesSent: 0, bytesSent: 0, archiveBytes: 0 };
  }
  const sent = await send(deps, linked, { baseVersion: remote.version, set: change.set, deleted: change.deleted }, options);
  replaceBase(index, sent.version, applyChange(remote.entries as Manifest, { set: { ...change.set, ...sent.entries }, deleted: change.deleted }));
  saveIndex(deps, root, index);
  return finish(deps, linked, root, { ...common, ...sent });
}

/** The changed files read and packed, and the one request that uploads and commits them. */
async function send(deps: PushDeps, linked: Linked, planned: Planned, options: PushOptions) {
  const root = deps.cwd;
  const { tree, archive } = deps.workspace();
  const toSend = Object.entries(planned.set).filter(([, entry]) => entry.type === "file");
  let bytesSent = 0;
  let packed: Uint8Array | undefined;
  if (toSend.length > 0) {
    const items = toSend.map(([path, entry], i) => {
      const bytes = tree.read(root, path);
      bytesSent += bytes.length;
      options.onProgress?.(i + 1, toSend.length);
      return { path, entry, bytes };
    });
    packed = archive.pack(items, { gzip: true });
  }
  const owner = `${deps.env.USER ?? "someone"} pushing ${root}`;
  const answer = await linked.client.push(linked.link.workspaceId, { ...planned, owner }, packed);
  return { version: answer.workspace.version, entries: answer.entries, filesSent: toSend.length, bytesSent, archiveBytes: packed?.length ?? 0 };
}

async function finish(deps: PushDeps, linked: Linked, root: string, result: PushResult & { readonly entries?: unknown }): Promise<PushResult> {
  const { entries: _entries, ...summary } = result;
  await createWorkspaceEvents(deps).emit("workspace:push", { workspaceId: summary.workspaceId, remote: linked.link.remote, path: root, version: summary.version, filesSent: summary.filesSent, bytesSent: summary.bytesSent, filesUnchanged: summary.filesUnchanged, filesDeleted: summary.filesDeleted });
  return summary;
}
