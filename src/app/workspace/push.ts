/**
 * `remote workspace push`: scan the folder (ignore rules, stat index), take the lock,
 * diff against the remote manifest, send only the files that changed (one tar), commit
 * the change against the version it was planned on, release the lock. The base becomes
 * what was committed. Without a link, the workspace is created and linked first.
 */
import { RemoteError } from "../../domain/errors.ts";
import { applyChangeInPlace, diffManifests, type Entry } from "../../domain/workspace/entry.ts";
import type { AppDeps } from "../deps.ts";
import type { WorkspaceClient } from "./client.ts";
import { createWorkspaceEvents } from "./events.ts";
import { readBase, readLink, scanLocal, workspaceClient, writeBase, writeIndex, writeLink } from "./local-state.ts";

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

export async function pushWorkspace(deps: PushDeps, options: PushOptions = {}): Promise<PushResult> {
  const root = deps.cwd;
  const { tree, archive } = deps.workspace();
  const { link, client, created } = await ensureLinked(deps, root, options);
  const id = link.workspaceId;
  // Asked before the scan: the answer arrives while the tree is walked (one round trip hidden).
  const recordRequest = client.get(id);
  recordRequest.catch(() => {}); // awaited below; a scan that throws first must not leave it unhandled
  const scanned = scanLocal(deps, root);
  const local = scanned.manifest;
  const skipped = scanned.outsideLinks;
  if (skipped.length > 0) deps.log.warn(`left out ${skipped.length} symlink(s) pointing outside the folder: ${skipped.slice(0, 5).join(", ")}${skipped.length > 5 ? ", ..." : ""}`);

  // The base is the remote state at its version: while the workspace is still at that
  // version, the 20,000-path manifest need not cross the wire (the commit re-checks the version).
  const base = readBase(deps, root, id);
  const record = await recordRequest;
  const remote = record.version === base.version && base.version > 0 ? { version: base.version, entries: base.entries } : await client.manifest(id);
  const change = diffManifests(remote.entries, local);
  const toSend = Object.entries(change.set).filter(([, entry]) => entry.type === "file");
  const summary = { workspaceId: id, created, filesSent: toSend.length, filesUnchanged: change.unchanged, bytesSkipped: change.unchangedBytes, filesDeleted: change.deleted.length, skippedLinks: skipped };
  if (scanned.indexChanged) writeIndex(deps, root, scanned.index);
  if (Object.keys(change.set).length === 0 && change.deleted.length === 0) {
    // Nothing to send: no lock taken, no version made.
    if (remote.version !== base.version) writeBase(deps, root, { workspaceId: id, version: remote.version, entries: remote.entries });
    return { ...summary, version: remote.version, bytesSent: 0, archiveBytes: 0 };
  }

  const holder = deps.random.id(32);
  const ttlMs = deps.config.workspace.lockTtlMs;
  const owner = `${deps.env.USER ?? "someone"} pushing ${root}`;
  await client.lock(id, { holder, owner, ttlMs });
  let lockedAt = deps.clock.now().getTime();
  let released: Promise<void> | undefined;
  try {
    const set: Record<string, Entry> = { ...change.set };
    let bytesSent = 0;
    let archiveBytes = 0;
    if (toSend.length > 0) {
      const items = toSend.map(([path, entry], i) => {
        const bytes = tree.read(root, path);
        bytesSent += bytes.length;
        options.onProgress?.(i + 1, toSend.length);
        return { path, entry, bytes };
      });
      const tar = archive.pack(items, { gzip: true });
      archiveBytes = tar.length;
      // The server's entries are what it stored: a file that changed since the scan is committed as sent.
      Object.assign(set, await client.upload(id, holder, tar));
    }
    // A long upload may outlive half the lease: renew it (refused if someone took it meanwhile).
    if (deps.clock.now().getTime() - lockedAt > ttlMs / 2) {
      await client.lock(id, { holder, owner, ttlMs });
      lockedAt = deps.clock.now().getTime();
    }
    const { version } = await client.commit(id, holder, { baseVersion: remote.version, set, deleted: change.deleted });
    // Committed: nothing more is written under the lock, so it goes back while the base is written.
    released = releaseQuietly(deps, client, id, holder);
    // remote.entries was parsed for this push alone (the base file or the server's answer): updated in place.
    writeBase(deps, root, { workspaceId: id, version, entries: applyChangeInPlace(remote.entries as Record<string, Entry>, { set, deleted: change.deleted }) });
    const result: PushResult = { ...summary, version, bytesSent, archiveBytes };
    await createWorkspaceEvents(deps).emit("workspace:push", { workspaceId: id, remote: link.remote, path: root, version, filesSent: result.filesSent, bytesSent, filesUnchanged: result.filesUnchanged, filesDeleted: result.filesDeleted });
    return result;
  } finally {
    await (released ?? releaseQuietly(deps, client, id, holder));
  }
}

/** The lock goes back whatever happened; a lost lock is only reported (it was never ours to free). */
async function releaseQuietly(deps: Pick<AppDeps, "log">, client: WorkspaceClient, id: string, holder: string) {
  try {
    await client.unlock(id, holder);
  } catch (error) {
    deps.log.warn(`could not release the lock of workspace '${id}': ${error instanceof Error ? error.message : String(error)}`);
  }
}
