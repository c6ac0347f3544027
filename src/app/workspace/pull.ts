/**
 * `remote workspace pull`: read the remote manifest, plan a 3-way merge against the base
 * and this folder (src/domain/workspace/merge-plan.ts; the texts of files both sides
 * changed are read first: local from disk, base by sha256, remote from the archive),
 * fetch only the files to write, check that archive as untrusted and against the plan,
 * and only then write. Conflicts follow --on-conflict (backup: markers and .bak files,
 * exit 1; block: nothing written); only a pull without one left makes the remote state the base.
 */
import { RemoteError } from "../../domain/errors.ts";
import { checkArchive, type ArchiveHeader } from "../../domain/workspace/archive-rules.ts";
import type { Entry, FileEntry, Manifest } from "../../domain/workspace/entry.ts";
import { planPull, textMergePaths, type ConflictPolicy, type MergeTexts, type PullAction, type PullConflict } from "../../domain/workspace/merge-plan.ts";
import { looksLikeText } from "../../domain/workspace/merge-tree.ts";
import { parentsOf, tidyArchivePath } from "../../domain/workspace/workspace-path.ts";
import { sha256Hex } from "../../shared/sha256.ts";
import type { AppDeps } from "../deps.ts";
import { archiveLimits } from "./control.ts";
import { applyPullPlan } from "./merge-apply.ts";
import { createWorkspaceEvents } from "./events.ts";
import { readBase, readLink, scanLocal, workspaceClient, writeBase, writeLink } from "./local-state.ts";

export type PullDeps = Pick<AppDeps, "workspace" | "env" | "config" | "cwd" | "log" | "importModule" | "git" | "clock">;
export type PullOptions = {
  /** Pull this workspace into an empty (or already linked to it) folder. */
  readonly id?: string | undefined;
  readonly remote?: string | undefined;
  readonly insecure?: boolean | undefined;
  /** What a file changed on both sides becomes. @default "backup" */
  readonly onConflict?: ConflictPolicy | undefined;
  /** Called once the files are written and the base moved, before the events (a migration records its step there). */
  readonly onWritten?: ((result: PullResult) => void) | undefined;
};
export type PullResult = {
  readonly workspaceId: string;
  readonly version: number;
  readonly written: number;
  readonly deleted: number;
  readonly backedUp: number;
  readonly unchanged: boolean;
  /** Paths changed on both sides, and what became of each; with exitCode 1 a person has some left to settle. */
  readonly conflicts: readonly PullConflict[];
  readonly exitCode: 0 | 1;
};

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
  if (link) return { link, client: workspaceClient(deps, link.remote, options.insecure), isNew: false };
  if (options.id === undefined) {
    throw new RemoteError("WORKSPACE_NOT_LINKED", `Cannot pull into '${root}': it is not linked to a workspace`, "Give the workspace: `remote workspace pull --id ID` (into an empty folder); `remote workspace ls` lists them.", "usage");
  }
  if (!deps.workspace().tree.isEmpty(root)) {
    throw new RemoteError("FOLDER_NOT_EMPTY", `Cannot pull workspace '${options.id}' into '${root}': the folder is not empty and not linked`, "Pull into an empty folder, or link this one first (`remote workspace link --id ID`; a later pull then merges).", "usage");
  }
  const client = workspaceClient(deps, options.remote, options.insecure);
  await client.get(options.id);
  // Linked only once the pull succeeded: a refused one leaves the folder as it was.
  return { link: { remote: client.url, workspaceId: options.id, path: root, home: deps.env.HOME ?? "" }, client, isNew: true };
}

/** Paths in the way of a write that the plan does not clear (an ignored file, a folder, a link on the way). */
function blockedPaths(deps: PullDeps, root: string, actions: readonly PullAction[], local: Manifest): string[] {
  const { tree } = deps.workspace();
  const leaving = new Set(actions.flatMap((a) => (a.op === "remove" || a.op === "backup" ? [a.path] : [])));
  const gone = (path: string) => [...leaving].some((left) => path === left || path.startsWith(`${left}/`));
  const blocked: string[] = [];
  for (const action of actions) {
    if (action.op !== "write" && action.op !== "write-text") continue;
    const there = local[action.path] === undefined && !gone(action.path) ? tree.kind(root, action.path) : "missing";
    // A folder may give way to a file when everything tracked under it leaves with this plan (and nothing else is in it).
    const clearedFolder = there === "directory" && Object.keys(local).filter((p) => p.startsWith(`${action.path}/`)).every(gone);
    if (there !== "missing" && !clearedFolder) blocked.push(`${action.path} (something not tracked is there)`);
    for (const parent of parentsOf(action.path)) {
      const kind = tree.kind(root, parent);
      if (kind !== "missing" && kind !== "directory" && !gone(parent)) blocked.push(`${action.path} (its folder '${parent}' is a ${kind})`);
    }
  }
  return blocked;
}

/** Files of the remote archive by path, each checked against the manifest's sha256. */
async function fetchRemote(deps: PullDeps, client: Awaited<ReturnType<typeof linkFor>>["client"], id: string, remote: Manifest, wanted: readonly string[]): Promise<Map<string, Uint8Array>> {
  const contents = new Map<string, Uint8Array>();
  if (wanted.length === 0) return contents;
  const limits = archiveLimits(deps);
  const fetched = await client.download(id, wanted);
  const items = await deps.workspace().archive.unpack(fetched.archive, limits);
  const verdict = checkArchive(items.map((i) => i.header), limits);
  if (!verdict.ok) throw refused(`the archive of workspace '${id}'`, verdict.problems);
  for (const item of items) if (item.header.type === "file") contents.set(tidyArchivePath(item.header.path), item.bytes ?? new Uint8Array(0));
  for (const path of wanted) {
    const entry = remote[path] as Entry & { type: "file" };
    const bytes = contents.get(path);
    if (bytes === undefined || sha256Hex([bytes]) !== entry.sha256) {
      throw new RemoteError("WORKSPACE_MOVED", `Cannot pull workspace '${id}': '${path}' changed on the control plane during the pull`, "Nothing was written. Pull again.", "conflict");
    }
  }
  return contents;
}

const textOf = (bytes: Uint8Array | undefined) => (bytes !== undefined && looksLikeText(bytes) ? new TextDecoder().decode(bytes) : undefined);

export async function pullWorkspace(deps: PullDeps, options: PullOptions = {}): Promise<PullResult> {
  const root = deps.cwd;
  const { tree } = deps.workspace();
  const { link, client, isNew } = await linkFor(deps, root, options);
  const id = link.workspaceId;
  const events = createWorkspaceEvents(deps);
  const remote = await client.manifest(id);
  const remoteVerdict = checkArchive(asHeaders(remote.entries), archiveLimits(deps));
  if (!remoteVerdict.ok) throw refused(`workspace '${id}'`, remoteVerdict.problems);

  const base = readBase(deps, root, id);
  const local = scanLocal(deps, root).manifest;
  const trees = { base: base.entries, local, remote: remote.entries };
  // Both sides changed these files: a line merge needs all three texts (a binary one makes it a binary conflict).
  const merging = textMergePaths(trees);
  const contents = await fetchRemote(deps, client, id, remote.entries, merging);
  const baseShas = merging.flatMap((path) => (base.entries[path]?.type === "file" ? [(base.entries[path] as FileEntry).sha256] : []));
  const baseTexts = await client.texts(id, baseShas);
  const texts = new Map<string, MergeTexts>();
  for (const path of merging) {
    const was = base.entries[path];
    const baseText = was === undefined ? "" : was.type === "file" ? baseTexts[was.sha256] : undefined;
    const [localText, remoteText] = [textOf(tree.read(root, path)), textOf(contents.get(path))];
    if (baseText !== undefined && localText !== undefined && remoteText !== undefined) texts.set(path, { base: baseText, local: localText, remote: remoteText });
  }
  const plan = planPull({ ...trees, texts, stamp: backupStamp(deps.clock.now()), ...(options.onConflict !== undefined && { policy: options.onConflict }) });
  const blocked = blockedPaths(deps, root, plan.actions, local);
  if (blocked.length > 0 || plan.conflicts.some((c) => c.resolution === "blocked")) {
    const paths = [...plan.conflicts.map((c) => c.path), ...blocked];
    await events.emit("workspace:conflict", { workspaceId: id, remote: link.remote, path: root, version: remote.version, paths, conflicts: plan.conflicts });
    const shown = [...plan.conflicts.map((c) => `${c.path} (${c.reason})`), ...blocked].slice(0, 10).join(", ");
    throw new RemoteError("WORKSPACE_CONFLICT", `Cannot pull workspace '${id}' into '${root}': ${paths.length} path(s) in the way: ${shown}`, "Nothing was written and the base is unchanged. Pull with --on-conflict backup (markers and .bak files), keep-local or take-remote, or move the paths out of the way.", "conflict");
  }

  // Everything is fetched and checked before the first write.
  const wanted = plan.actions.flatMap((a) => (a.op === "write" && a.entry.type === "file" && !contents.has(a.path) ? [a.path] : []));
  for (const [path, bytes] of await fetchRemote(deps, client, id, remote.entries, wanted)) contents.set(path, bytes);
  await applyPullPlan(deps.workspace(), { root, plan, remoteBytes: (_sha, path) => contents.get(path) as Uint8Array });

  const count = (op: PullAction["op"]) => plan.actions.filter((a) => a.op === op && (a.op !== "remove" || a.type !== "dir")).length;
  const [written, deleted, backedUp] = [count("write") + count("write-text"), count("remove"), count("backup")];
  if (isNew) {
    writeLink(deps, root, link);
    const repo = deps.git.repoRoot(root);
    if (repo) deps.git.ensureExcluded(repo, "/.remote/");
  }
  if (plan.updateBase) writeBase(deps, root, { workspaceId: id, version: remote.version, entries: remote.entries });
  const result: PullResult = { workspaceId: id, version: remote.version, written, deleted, backedUp, unchanged: plan.actions.length === 0, conflicts: plan.conflicts, exitCode: plan.exitCode };
  options.onWritten?.(result);
  if (plan.conflicts.length > 0) await events.emit("workspace:conflict", { workspaceId: id, remote: link.remote, path: root, version: remote.version, paths: plan.conflicts.map((c) => c.path), conflicts: plan.conflicts });
  await events.emit("workspace:pull", { workspaceId: id, remote: link.remote, path: root, version: remote.version, written, deleted });
  return result;
}

/** `<file>.bak-<stamp>`: the UTC time to the second, safe in a file name. */
const backupStamp = (now: Date) => now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
