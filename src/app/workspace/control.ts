/**
 * Workspaces on the control plane: records, the push lock, manifests, archives in and
 * out. Every write presents the lock's holder token and is checked in the same
 * transaction that writes: a push that lost its lock writes nothing.
 */
import { RemoteError } from "../../domain/errors.ts";
import { checkArchive, type ArchiveLimits } from "../../domain/workspace/archive-rules.ts";
import { normalMode, type Entry } from "../../domain/workspace/entry.ts";
import { acquireLock, checkHolder, MAX_LOCK_TTL_MS, publicLock, releaseLock, type WorkspaceLock } from "../../domain/workspace/lock.ts";
import type { ManifestChangeSet } from "../../domain/workspace/ports.ts";
import { defaultWorkspaceName, type WorkspaceRecord } from "../../domain/workspace/workspace.ts";
import { resolveLinkTarget, tidyArchivePath } from "../../domain/workspace/workspace-path.ts";
import type { AppDeps } from "../deps.ts";

type Deps = Pick<AppDeps, "workspace" | "clock" | "random" | "config">;

export const archiveLimits = (deps: Pick<AppDeps, "config">): ArchiveLimits => ({ maxFiles: deps.config.workspace.maxFiles, maxBytes: deps.config.workspace.maxBytes });

const notFound = (id: string) => new RemoteError("WORKSPACE_NOT_FOUND", `Cannot find workspace '${id}': no workspace has that id`, "`remote workspace ls` lists the workspaces of this control plane.", "not-found");

/** The record as the API shows it: the lock's owner and expiry, never its holder token. */
export const toWorkspaceJson = (record: WorkspaceRecord, now: Date) => {
  const { lock, ...rest } = record;
  const shown = publicLock(lock, now);
  return shown ? { ...rest, lock: shown } : rest;
};
export type WorkspaceJson = ReturnType<typeof toWorkspaceJson>;

export function createWorkspace(deps: Deps, input: { readonly name?: string | undefined; readonly path: string; readonly home?: string | undefined }): WorkspaceRecord {
  const now = deps.clock.now().toISOString();
  const record: WorkspaceRecord = { id: deps.random.id(12), name: input.name ?? defaultWorkspaceName(input.path), path: input.path, home: input.home ?? "", createdAt: now, updatedAt: now, version: 0, files: 0, bytes: 0 };
  deps.workspace().store.create(record);
  return record;
}

export const listWorkspaces = (deps: Deps) => deps.workspace().store.list();

export function getWorkspace(deps: Deps, id: string): WorkspaceRecord {
  return deps.workspace().store.get(id) ?? (() => { throw notFound(id); })();
}

const lockHeld = (id: string, lock: WorkspaceLock) =>
  new RemoteError("WORKSPACE_LOCKED", `Cannot lock workspace '${id}': ${lock.owner} holds its lock until ${lock.expiresAt}`, "Wait for that push to finish (or its lock to expire), then run yours again.", "conflict");

/** Takes (or renews, for the same holder) the workspace's lock for `ttlMs`. */
export function lockWorkspace(deps: Deps, id: string, request: { readonly holder: string; readonly owner?: string | undefined; readonly ttlMs?: number | undefined }): WorkspaceLock {
  const ttlMs = Math.min(request.ttlMs ?? deps.config.workspace.lockTtlMs, MAX_LOCK_TTL_MS);
  let taken: WorkspaceLock | undefined;
  const updated = deps.workspace().store.setLock(id, (current) => {
    const outcome = acquireLock(current.lock, { holder: request.holder, owner: request.owner ?? "someone", ttlMs }, deps.clock.now());
    if (!outcome.ok) throw lockHeld(id, outcome.heldBy);
    return (taken = outcome.lock);
  });
  if (!updated || !taken) throw notFound(id);
  return taken;
}

const notHolder = (id: string, reason: "none" | "other" | "expired", current: WorkspaceLock | undefined, action: string) => {
  const state =
    reason === "expired" ? `its lock expired at ${current?.expiresAt}` : reason === "other" ? `${current?.owner ?? "someone else"} holds its lock` : "this writer does not hold its lock";
  return new RemoteError("LOCK_NOT_HELD", `Cannot ${action} workspace '${id}': ${state}`, "Nothing was written. Run the push again (it takes the lock first).", "conflict");
};

/** Releases the lock only for its holder: anyone else's lock stays where it is. */
export function unlockWorkspace(deps: Deps, id: string, holder: string): void {
  const updated = deps.workspace().store.setLock(id, (current) => {
    if (!releaseLock(current.lock, holder).ok) throw notHolder(id, current.lock ? "other" : "none", publicLock(current.lock, deps.clock.now()) ? current.lock : undefined, "unlock");
    return undefined;
  });
  if (!updated) throw notFound(id);
}

const requireHolder = (deps: Deps, id: string, current: WorkspaceRecord, holder: string, action: string) => {
  const check = checkHolder(current.lock, holder, deps.clock.now());
  if (!check.ok) throw notHolder(id, check.reason, check.current, action);
};

/** Refuses a writer without the live lock (before its upload is even read). */
export function requireLockHolder(deps: Deps, id: string, holder: string, action: string): void {
  requireHolder(deps, id, getWorkspace(deps, id), holder, action);
}

export function workspaceManifest(deps: Deps, id: string) {
  return deps.workspace().store.manifest(id) ?? (() => { throw notFound(id); })();
}

const refused = (problems: readonly string[]) =>
  new RemoteError("ARCHIVE_REFUSED", `Cannot accept the archive: ${problems.join("; ")}`, "Nothing was written. Archives may hold files, folders and symlinks inside the tree only.", "invalid");

/**
 * Stores the files of an uploaded tar (gzip or not) as blobs, after every header passed
 * the untrusted-archive checks; returns each member's entry. The manifest is not changed:
 * the writer commits the entries it wants next.
 */
export async function uploadArchive(deps: Deps, id: string, holder: string, archive: Uint8Array): Promise<Record<string, Entry>> {
  const { store, archive: codec, blobs } = deps.workspace();
  const current = store.get(id) ?? (() => { throw notFound(id); })();
  requireHolder(deps, id, current, holder, "upload to");
  const items = await codec.unpack(archive, archiveLimits(deps));
  const verdict = checkArchive(items.map((i) => i.header), archiveLimits(deps));
  if (!verdict.ok) throw refused(verdict.problems);
  const entries: Record<string, Entry> = {};
  for (const item of items) {
    const path = tidyArchivePath(item.header.path);
    if (item.header.type === "file") {
      const bytes = item.bytes ?? new Uint8Array(0);
      entries[path] = { type: "file", sha256: blobs.put(bytes), size: bytes.length, mode: normalMode(item.mode) };
    } else if (item.header.type === "link") entries[path] = { type: "link", target: item.header.linkTarget ?? "" };
  }
  return entries;
}

/** Applies a change planned against `baseVersion`; refused when the lock is lost, the version moved, or a blob is missing. */
export function commitManifest(deps: Deps, id: string, holder: string, input: ManifestChangeSet & { readonly baseVersion: number }): WorkspaceRecord {
  const { store, blobs } = deps.workspace();
  const problems: string[] = [];
  for (const [path, entry] of Object.entries(input.set)) {
    if (entry.type === "file" && !blobs.has(entry.sha256)) problems.push(`'${path}': its content (${entry.sha256.slice(0, 12)}) was never uploaded`);
    if (entry.type === "link" && resolveLinkTarget(path, entry.target) === undefined) problems.push(`'${path}': a symlink pointing outside the workspace`);
    if (problems.length >= 5) break;
  }
  if (problems.length > 0) throw new RemoteError("MANIFEST_REFUSED", `Cannot commit to workspace '${id}': ${problems.join("; ")}`, "Upload the archive of those files first (PUT /workspaces/:id/archive), then commit.", "invalid");
  const next = store.commit(
    id,
    (current) => {
      requireHolder(deps, id, current, holder, "commit to");
      if (current.version !== input.baseVersion) {
        throw new RemoteError("WORKSPACE_MOVED", `Cannot commit to workspace '${id}': it is at version ${current.version}, not ${input.baseVersion} as this change assumed`, "Someone pushed in between: push again (it plans against the new version).", "conflict");
      }
    },
    input,
    deps.clock.now(),
  );
  if (!next) throw notFound(id);
  return next;
}

/**
 * An upload and its commit in one go (a push's one request): under the caller's lock
 * (`holder`), or under a lock taken here for this push alone and released whatever happens.
 * Returns the new record and the entries stored from the archive.
 */
export async function pushChange(
  deps: Deps,
  id: string,
  input: ManifestChangeSet & { readonly baseVersion: number; readonly owner?: string | undefined; readonly holder?: string | undefined; readonly archive?: Uint8Array | undefined },
): Promise<{ readonly record: WorkspaceRecord; readonly entries: Record<string, Entry> }> {
  const own = input.holder === undefined;
  const holder = input.holder ?? deps.random.id(32);
  if (own) lockWorkspace(deps, id, { holder, owner: input.owner });
  else requireLockHolder(deps, id, holder, "push to");
  try {
    const entries = input.archive === undefined ? {} : await uploadArchive(deps, id, holder, input.archive);
    // Renewed after the upload (refused if it expired and someone took it meanwhile): the commit checks it.
    if (own) lockWorkspace(deps, id, { holder, owner: input.owner });
    const record = commitManifest(deps, id, holder, { baseVersion: input.baseVersion, set: { ...input.set, ...entries }, deleted: input.deleted });
    return { record, entries };
  } finally {
    if (own) unlockWorkspace(deps, id, holder);
  }
}

/** The workspace (or only `paths` of it) as a gzip tar, with the version it reflects. */
export function exportArchive(deps: Deps, id: string, paths?: readonly string[]): { readonly version: number; readonly archive: Uint8Array } {
  const { archive, blobs } = deps.workspace();
  const { version, entries } = workspaceManifest(deps, id);
  const wanted = paths ?? Object.keys(entries).sort();
  const items = wanted.map((path) => {
    const entry = entries[path];
    if (entry === undefined) throw new RemoteError("PATH_NOT_IN_WORKSPACE", `Cannot export '${path}' of workspace '${id}': the workspace has no such path (at version ${version})`, "Read the manifest again: the workspace may have changed.", "conflict");
    if (entry.type === "link") return { path, entry };
    const bytes = blobs.get(entry.sha256);
    if (!bytes) throw new RemoteError("BLOB_MISSING", `Cannot export '${path}' of workspace '${id}': its content ${entry.sha256} is missing from the blob store`, "The control plane's data directory lost a file; push the workspace again.", "corrupt");
    return { path, entry, bytes };
  });
  return { version, archive: archive.pack(items, { gzip: true }) };
}

/** Deletes a workspace (refused while another writer holds its lock) and the blobs only it used. */
export function removeWorkspace(deps: Deps, id: string): void {
  const { store, blobs } = deps.workspace();
  const orphans = store.remove(id, (current) => {
    const held = publicLock(current.lock, deps.clock.now());
    if (held) throw new RemoteError("WORKSPACE_LOCKED", `Cannot remove workspace '${id}': ${held.owner} holds its lock until ${held.expiresAt}`, "Wait for that push to finish, then remove it.", "conflict");
  });
  if (orphans === undefined) throw notFound(id);
  blobs.remove(orphans);
}
