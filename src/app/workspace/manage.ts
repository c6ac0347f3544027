/** `remote workspace link|status|ls|rm`: the link of this folder and the workspaces of a control plane. */
import { RemoteError } from "../../domain/errors.ts";
import { diffManifests } from "../../domain/workspace/entry.ts";
import type { AppDeps } from "../deps.ts";
import type { WorkspaceInfo } from "./client.ts";
import { readBase, readLink, requireLink, scanLocal, workspaceClient, writeLink } from "./local-state.ts";

type Deps = Pick<AppDeps, "workspace" | "env" | "config" | "cwd" | "git">;
type Where = { readonly remote?: string | undefined; readonly insecure?: boolean | undefined };

/** Links this folder to workspace `id` (checked to exist), or to a new empty one. The base starts empty: the first pull treats differing files as conflicts. */
export async function linkWorkspace(deps: Deps, options: Where & { readonly id?: string | undefined; readonly name?: string | undefined }): Promise<{ readonly workspaceId: string; readonly remote: string; readonly created: boolean }> {
  const root = deps.cwd;
  const existing = readLink(deps, root);
  if (existing) {
    if (options.id === undefined || options.id === existing.workspaceId) return { workspaceId: existing.workspaceId, remote: existing.remote, created: false };
    throw new RemoteError("WORKSPACE_OTHER_LINK", `Cannot link '${root}' to workspace '${options.id}': it is linked to workspace '${existing.workspaceId}' on ${existing.remote}`, "Unlink it first (rm -r .remote), then link again.", "usage");
  }
  const client = workspaceClient(deps, options.remote, options.insecure);
  const home = deps.env.HOME ?? "";
  const workspace = options.id === undefined ? await client.create({ name: options.name, path: root, home }) : await client.get(options.id);
  writeLink(deps, root, { remote: client.url, workspaceId: workspace.id, path: root, home });
  const repo = deps.git.repoRoot(root);
  if (repo) deps.git.ensureExcluded(repo, "/.remote/");
  return { workspaceId: workspace.id, remote: client.url, created: options.id === undefined };
}

export type WorkspaceStatus = {
  readonly workspaceId: string;
  readonly remote: string;
  readonly path: string;
  /** The version of the base (last push or clean pull). */
  readonly baseVersion: number;
  /** Changes here since the base. */
  readonly local: { readonly added: number; readonly modified: number; readonly deleted: number; readonly paths: readonly string[] };
  /** The control plane's view; undefined with `offline` (it could not be reached). */
  readonly workspace?: WorkspaceInfo | undefined;
  readonly remoteChanged?: boolean | undefined;
  readonly offline?: string | undefined;
};

export async function workspaceStatus(deps: Deps, options: Where = {}): Promise<WorkspaceStatus> {
  const root = deps.cwd;
  const link = requireLink(deps, root);
  const base = readBase(deps, root, link.workspaceId);
  const local = scanLocal(deps, root).manifest;
  const change = diffManifests(base.entries, local);
  const changed = Object.keys(change.set);
  const added = changed.filter((p) => base.entries[p] === undefined).length;
  const summary = { added, modified: changed.length - added, deleted: change.deleted.length, paths: [...changed, ...change.deleted].sort().slice(0, 50) };
  const common = { workspaceId: link.workspaceId, remote: link.remote, path: root, baseVersion: base.version, local: summary };
  try {
    const workspace = await workspaceClient(deps, link.remote, options.insecure).get(link.workspaceId);
    return { ...common, workspace, remoteChanged: workspace.version !== base.version };
  } catch (error) {
    if (error instanceof RemoteError && error.kind === "unavailable") return { ...common, offline: error.message };
    throw error;
  }
}

export const listRemoteWorkspaces = (deps: Deps, options: Where = {}) => workspaceClient(deps, options.remote ?? readLink(deps, deps.cwd)?.remote, options.insecure).list();

export async function removeRemoteWorkspace(deps: Deps, id: string, options: Where = {}): Promise<void> {
  await workspaceClient(deps, options.remote ?? readLink(deps, deps.cwd)?.remote, options.insecure).remove(id);
}
