/**
 * What `.remote/` holds for a linked folder: the link (workspace.json), the base (the last
 * state pushed or cleanly pulled, per path) and the stat index that spares re-hashing.
 */
import { RemoteError } from "../../domain/errors.ts";
import type { Entry, Manifest } from "../../domain/workspace/entry.ts";
import { resolveLinkTarget } from "../../domain/workspace/workspace-path.ts";
import { WorkspaceBaseSchema, WorkspaceLinkSchema, type WorkspaceBase, type WorkspaceLink } from "../../domain/workspace/schemas.ts";
import { indexNeedsRewrite, type StatIndex } from "../../domain/workspace/stat-index.ts";
import type { AppDeps } from "../deps.ts";
import { requireRemote } from "../remote/route.ts";
import { createWorkspaceClient, type WorkspaceClient } from "./client.ts";

const LINK = "workspace.json";
const BASE = "workspace-base.json";
const INDEX = "workspace-index.json";

type Deps = Pick<AppDeps, "workspace">;

export function readLink(deps: Deps, root: string): WorkspaceLink | undefined {
  const raw = deps.workspace().tree.readState(root, LINK);
  if (raw === undefined) return undefined;
  const parsed = WorkspaceLinkSchema.safeParse(raw);
  if (!parsed.success) {
    throw new RemoteError("WORKSPACE_LINK_CORRUPT", `Cannot read '${root}/.remote/${LINK}': ${parsed.error.issues[0]?.path.join(".")} ${parsed.error.issues[0]?.message}`, "Fix the file, or remove it and link again: `remote workspace link --id ID`.", "corrupt");
  }
  return parsed.data;
}
export const writeLink = (deps: Deps, root: string, link: WorkspaceLink) => deps.workspace().tree.writeState(root, LINK, link);

export function requireLink(deps: Deps, root: string): WorkspaceLink {
  return readLink(deps, root) ?? (() => {
    throw new RemoteError("WORKSPACE_NOT_LINKED", `Cannot find a workspace for '${root}': it is not linked (no .remote/${LINK})`, "Push it (`remote workspace push` creates and links one), pull one into an empty folder (`remote workspace pull --id ID`), or link it: `remote workspace link --id ID`.", "usage");
  })();
}

/** The base for `workspaceId`; empty when there is none yet (or it belongs to another workspace). */
export function readBase(deps: Deps, root: string, workspaceId: string): WorkspaceBase {
  const parsed = WorkspaceBaseSchema.safeParse(deps.workspace().tree.readState(root, BASE));
  return parsed.success && parsed.data.workspaceId === workspaceId ? parsed.data : { workspaceId, version: 0, entries: {} };
}
export const writeBase = (deps: Deps, root: string, base: { readonly workspaceId: string; readonly version: number; readonly entries: Manifest }) => deps.workspace().tree.writeState(root, BASE, base);

export function readIndex(deps: Deps, root: string): StatIndex | undefined {
  const raw = deps.workspace().tree.readState(root, INDEX) as StatIndex | undefined;
  return raw && typeof raw.indexedAtMs === "number" && typeof raw.rows === "object" ? raw : undefined;
}
export const writeIndex = (deps: Deps, root: string, index: StatIndex) => deps.workspace().tree.writeState(root, INDEX, index);

/** The client for a control plane (`--remote`, else the link's, else the configured one), with its stored token. */
export function workspaceClient(deps: Pick<AppDeps, "env" | "config">, remote: string | undefined, insecure: boolean | undefined): WorkspaceClient {
  const target = requireRemote(deps, { remote, insecure });
  return createWorkspaceClient({ url: target.url, token: target.token, insecure: target.insecure });
}

const countKeys = (record: object) => {
  let n = 0;
  for (const _ in record) n++;
  return n;
};

/**
 * This folder as a workspace sees it: the tree's scan (ignore rules, stat index) without
 * symlinks pointing out of the folder (the far side would refuse them; they are named).
 */
export function scanLocal(deps: Deps, root: string): { readonly manifest: Manifest; readonly index: StatIndex; readonly outsideLinks: readonly string[]; readonly indexChanged: boolean } {
  const previous = readIndex(deps, root);
  const scanned = deps.workspace().tree.scan(root, previous);
  const outsideLinks: string[] = [];
  for (const path in scanned.manifest) {
    const entry = scanned.manifest[path] as Entry;
    if (entry.type === "link" && resolveLinkTarget(path, entry.target) === undefined) outsideLinks.push(path);
  }
  // Copied only when there is something to leave out (the common tree has nothing).
  let manifest: Manifest = scanned.manifest;
  if (outsideLinks.length > 0) {
    const kept: Record<string, Entry> = { ...scanned.manifest };
    for (const path of outsideLinks) delete kept[path];
    manifest = kept;
  }
  // Rewritten only when it learnt enough (see STALE_ROWS): a one-file edit leaves it alone.
  const indexChanged = indexNeedsRewrite(previous !== undefined, scanned.hashed, previous === undefined ? 0 : countKeys(previous.rows), countKeys(scanned.index.rows));
  return { manifest, index: scanned.index, outsideLinks, indexChanged };
}
