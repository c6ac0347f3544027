/**
 * `remote workspace pull`: read the remote manifest, plan against the base and this
 * folder (planSafePull until the 3-way merge lands; the planner is a parameter), fetch
 * only the files to write, check that archive as untrusted and against the plan, and only
 * then write. A conflict writes nothing and keeps the base; a clean pull makes the remote
 * state the base.
 */
import { RemoteError } from "../../domain/errors.ts";
import { checkArchive, type ArchiveHeader } from "../../domain/workspace/archive-rules.ts";
import type { Entry, Manifest } from "../../domain/workspace/entry.ts";
import { conflictsOf, pathsToFetch, planSafePull, type PlanPull, type PullAction } from "../../domain/workspace/pull-plan.ts";
import { parentsOf, tidyArchivePath } from "../../domain/workspace/workspace-path.ts";
import { sha256Hex } from "../../shared/sha256.ts";
import type { AppDeps } from "../deps.ts";
import { archiveLimits } from "./control.ts";
import { createWorkspaceEvents } from "./events.ts";
import { readBase, readLink, scanLocal, workspaceClient, writeBase, writeLink } from "./local-state.ts";

export type PullDeps = Pick<AppDeps, "workspace" | "env" | "config" | "cwd" | "log" | "importModule" | "git">;
export type PullOptions = {
  /** Pull this workspace into an empty (or already linked to it) folder. */
  readonly id?: string | undefined;
  readonly remote?: string | undefined;
  readonly insecure?: boolean | undefined;
  /** @default planSafePull */
  readonly planner?: PlanPull;
};
export type PullResult = { readonly workspaceId: string; readonly version: number; readonly written: number; readonly deleted: number; readonly backedUp: number; readonly unchanged: boolean };

const refused = (what: string, problems: readonly string[]) =>
  new RemoteError("ARCHIVE_REFUSED", `Cannot pull ${what}: ${problems.join("; ")}`, "Nothing was written. The control plane sent paths or links outside the folder (or over the limits): check who can push to it.", "invalid");

const asHeaders = (manifest: Manifest): ArchiveHeader[] =>
  Object.entries(manifest).map(([path, entry]) => (entry.type === "link" ? { path, type: "link", size: 0, linkTarget: entry.target } : { path, type: "file", size: entry.size }));

/** Where this folder's link comes from: the existing one, or a new one for `--id` into an empty folder. */
async function linkFor(deps: PullDeps, root: string, options: PullOptions) {
  const link = readLink(deps, root);
  if (link && options.id !== undefined && options.id !== link.workspaceId) {
    throw new RemoteError("WORKSPACE_OTHER_LINK", `Cannot pull workspace '${options.id}' into '${root}': the folder is linked to workspace '${link.workspaceId}'`, "Pull it into another (empty) folder, or drop --id to pull the linked one.", "usage");
  }
  if (link) return { link, client: workspaceClient(deps, link.remote, options.insecure) };
  if (options.id === undefined) {
    throw new RemoteError("WORKSPACE_NOT_LINKED", `Cannot pull into '${root}': it is not linked to a workspace`, "Give the workspace: `remote workspace pull --id ID` (into an empty folder); `remote workspace ls` lists them.", "usage");
  }
  if (!deps.workspace().tree.isEmpty(root)) {
    throw new RemoteError("FOLDER_NOT_EMPTY", `Cannot pull workspace '${options.id}' into '${root}': the folder is not empty and not linked`, "Pull into an empty folder, or link this one first (`remote workspace link --id ID`; a later pull then merges).", "usage");
  }
  const client = workspaceClient(deps, options.remote, options.insecure);
  await client.get(options.id);
  const made = { remote: client.url, workspaceId: options.id, path: root, home: deps.env.HOME ?? "" };
  writeLink(deps, root, made);
  const repo = deps.git.repoRoot(root);
  if (repo) deps.git.ensureExcluded(repo, "/.remote/");
  return { link: made, client };
}

/** Paths in the way of a write that the plan does not clear (an ignored file, a folder, a link on the way). */
function blockedPaths(deps: PullDeps, root: string, actions: readonly PullAction[], local: Manifest): string[] {
  const { tree } = deps.workspace();
  const leaving = new Set(actions.flatMap((a) => (a.kind === "delete" || a.kind === "backup" ? [a.path] : [])));
  const blocked: string[] = [];
  for (const action of actions) {
    if (action.kind !== "write") continue;
    const there = local[action.path] === undefined ? tree.kind(root, action.path) : "missing";
    // A folder may give way to a file when everything tracked under it is deleted by this plan (and nothing else is in it).
    const clearedFolder = there === "directory" && Object.keys(local).filter((p) => p.startsWith(`${action.path}/`)).every((p) => leaving.has(p));
    if (there !== "missing" && !clearedFolder) blocked.push(`${action.path} (something not tracked is there)`);
    for (const parent of parentsOf(action.path)) {
      const kind = tree.kind(root, parent);
      if (kind !== "missing" && kind !== "directory" && !leaving.has(parent)) blocked.push(`${action.path} (its folder '${parent}' is a ${kind})`);
    }
  }
  return blocked;
}

export async function pullWorkspace(deps: PullDeps, options: PullOptions = {}): Promise<PullResult> {
  const root = deps.cwd;
  const { tree, archive } = deps.workspace();
  const { link, client } = await linkFor(deps, root, options);
  const id = link.workspaceId;
  const events = createWorkspaceEvents(deps);
  const remote = await client.manifest(id);
  const limits = archiveLimits(deps);
  const remoteVerdict = checkArchive(asHeaders(remote.entries), limits);
  if (!remoteVerdict.ok) throw refused(`workspace '${id}'`, remoteVerdict.problems);

  const base = readBase(deps, root, id);
  const local = scanLocal(deps, root).manifest;
  const actions = (options.planner ?? planSafePull)({ base: base.entries, local, remote: remote.entries });
  const conflicts = conflictsOf(actions);
  const blocked = blockedPaths(deps, root, actions, local);
  if (conflicts.length > 0 || blocked.length > 0) {
    const paths = [...conflicts.map((c) => c.path), ...blocked];
    await events.emit("workspace:conflict", { workspaceId: id, remote: link.remote, path: root, version: remote.version, paths });
    const shown = [...conflicts.map((c) => `${c.path} (${c.reason})`), ...blocked].slice(0, 10).join(", ");
    throw new RemoteError("WORKSPACE_CONFLICT", `Cannot pull workspace '${id}' into '${root}': ${paths.length} path(s) changed on both sides: ${shown}`, "Nothing was written and the base is unchanged. Push or move your changes first, or pull into an empty folder and compare.", "conflict");
  }

  // Everything is fetched and checked before the first write.
  const wanted = pathsToFetch(actions);
  const contents = new Map<string, Uint8Array>();
  if (wanted.length > 0) {
    const fetched = await client.download(id, wanted);
    const items = await archive.unpack(fetched.archive, limits);
    const verdict = checkArchive(items.map((i) => i.header), limits);
    if (!verdict.ok) throw refused(`the archive of workspace '${id}'`, verdict.problems);
    for (const item of items) if (item.header.type === "file") contents.set(tidyArchivePath(item.header.path), item.bytes ?? new Uint8Array(0));
    for (const path of wanted) {
      const entry = remote.entries[path] as Entry & { type: "file" };
      const bytes = contents.get(path);
      if (bytes === undefined || sha256Hex([bytes]) !== entry.sha256) {
        throw new RemoteError("WORKSPACE_MOVED", `Cannot pull workspace '${id}': '${path}' changed on the control plane during the pull`, "Nothing was written. Pull again.", "conflict");
      }
    }
  }

  let written = 0;
  let deleted = 0;
  let backedUp = 0;
  // Deletions first (a file may give way to a folder), deepest first.
  for (const action of [...actions].filter((a) => a.kind === "delete").sort((a, b) => b.path.length - a.path.length)) {
    tree.remove(root, action.path);
    deleted++;
  }
  for (const action of actions) {
    if (action.kind === "backup") {
      tree.rename(root, action.path, action.backupPath);
      backedUp++;
    }
    if (action.kind === "write" || action.kind === "backup") {
      tree.write(root, action.path, action.entry, contents.get(action.path));
      written++;
    }
  }
  writeBase(deps, root, { workspaceId: id, version: remote.version, entries: remote.entries });
  await events.emit("workspace:pull", { workspaceId: id, remote: link.remote, path: root, version: remote.version, written, deleted });
  return { workspaceId: id, version: remote.version, written, deleted, backedUp, unchanged: actions.length === 0 };
}
