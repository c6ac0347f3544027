/**
 * What `.remote/` holds for a linked folder: the link (workspace.json) and the index
 * (workspace-index: the stat stamps that spare re-hashing, and the base: the last state
 * pushed or cleanly pulled, per path; see domain/workspace/local-index.ts).
 */
import { RemoteError } from "../../domain/errors.ts";
import type { Manifest } from "../../domain/workspace/entry.ts";
import { applyLog, encodeLogRecord, fitsInLog } from "../../domain/workspace/index-log.ts";
import { baseManifest, changeSinceBase, decodeIndex, emptyIndex, encodeIndex, localManifest, replaceBase, type LocalIndex } from "../../domain/workspace/local-index.ts";
import { linkProblem } from "../../domain/workspace/link-check.ts";
import type { WorkspaceBase, WorkspaceLink } from "../../domain/workspace/schemas.ts";
import type { AppDeps } from "../deps.ts";
import { requireRemote } from "../remote/route.ts";
import { createWorkspaceClient, type WorkspaceClient } from "./client.ts";

const LINK = "workspace.json";
const INDEX = "workspace-index";
const INDEX_LOG = "workspace-index-log";
/** The JSON files of the first format (base, stat index): a base found there is carried over once. */
const LEGACY_BASE = "workspace-base.json";
const LEGACY_INDEX = "workspace-index.json";

type Deps = Pick<AppDeps, "workspace">;

export function readLink(deps: Deps, root: string): WorkspaceLink | undefined {
  const raw = deps.workspace().tree.readState(root, LINK);
  if (raw === undefined) return undefined;
  const problem = linkProblem(raw);
  if (problem !== undefined) {
    throw new RemoteError("WORKSPACE_LINK_CORRUPT", `Cannot read '${root}/.remote/${LINK}': ${problem}`, "Fix the file, or remove it and link again: `remote workspace link --id ID`.", "corrupt");
  }
  return raw as WorkspaceLink;
}
export const writeLink = (deps: Deps, root: string, link: WorkspaceLink) => deps.workspace().tree.writeState(root, LINK, link);

export function requireLink(deps: Deps, root: string): WorkspaceLink {
  return readLink(deps, root) ?? (() => {
    throw new RemoteError("WORKSPACE_NOT_LINKED", `Cannot find a workspace for '${root}': it is not linked (no .remote/${LINK})`, "Push it (`remote workspace push` creates and links one), pull one into an empty folder (`remote workspace pull --id ID`), or link it: `remote workspace link --id ID`.", "usage");
  })();
}

/**
 * The index of this folder for `workspaceId`: an index written for another workspace keeps
 * its stamps but not its base; none at all starts empty (a full walk), with the base of the
 * first format when there is one.
 */
export function loadIndex(deps: Deps, root: string, workspaceId: string): LocalIndex {
  const { tree } = deps.workspace();
  const bytes = tree.readStateBytes(root, INDEX);
  const index = bytes === undefined ? undefined : decodeIndex(bytes);
  if (index !== undefined) {
    const log = tree.readStateBytes(root, INDEX_LOG);
    if (log !== undefined) applyLog(index, log);
    if (index.workspaceId !== workspaceId) {
      replaceBase(index, 0, {});
      index.workspaceId = workspaceId;
    }
    return index;
  }
  const fresh = emptyIndex(workspaceId);
  const raw = tree.readState(root, LEGACY_BASE);
  if (raw !== undefined) {
    // Required only here: zod stays out of a push's start-up.
    const { WorkspaceBaseSchema } = require("../../domain/workspace/schemas.ts") as typeof import("../../domain/workspace/schemas.ts");
    const legacy = WorkspaceBaseSchema.safeParse(raw);
    if (legacy.success && legacy.data.workspaceId === workspaceId) replaceBase(fresh, legacy.data.version, legacy.data.entries);
  }
  return fresh;
}

/** A few changed rows go to the log (a one-file push appends ~1 KB); otherwise the file is rewritten whole and the log starts over. */
export function saveIndex(deps: Deps, root: string, index: LocalIndex): void {
  const { tree } = deps.workspace();
  if (fitsInLog(index)) {
    const record = encodeLogRecord(index);
    tree.appendStateBytes(root, INDEX_LOG, record);
    index.logBytes += record.length;
  } else {
    // A new generation: a log left behind (a crash between these two writes) no longer applies.
    index.generation += 1;
    tree.writeStateBytes(root, INDEX, encodeIndex(index));
    tree.removeState(root, INDEX_LOG);
    tree.removeState(root, LEGACY_BASE);
    tree.removeState(root, LEGACY_INDEX);
    index.logBytes = 0;
  }
  index.dirty.clear();
  index.poolSaved = index.poolUsed;
}

/** The base for `workspaceId`; empty when there is none yet (or it belongs to another workspace). */
export function readBase(deps: Deps, root: string, workspaceId: string): WorkspaceBase {
  const index = loadIndex(deps, root, workspaceId);
  return { workspaceId, version: index.version, entries: baseManifest(index) };
}

export function writeBase(deps: Deps, root: string, base: { readonly workspaceId: string; readonly version: number; readonly entries: Manifest }): void {
  const index = loadIndex(deps, root, base.workspaceId);
  replaceBase(index, base.version, base.entries);
  saveIndex(deps, root, index);
}

/** The client for a control plane (`--remote`, else the link's, else the configured one), with its stored token. */
export function workspaceClient(deps: Pick<AppDeps, "env" | "config">, remote: string | undefined, insecure: boolean | undefined): WorkspaceClient {
  const target = requireRemote(deps, { remote, insecure });
  return createWorkspaceClient({ url: target.url, token: target.token, insecure: target.insecure });
}

/**
 * This folder as a workspace sees it: the tree's scan (ignore rules, the index) without
 * symlinks pointing out of the folder (the far side would refuse them; they are named).
 * The index is only read here: a push (and a base written after a pull) writes it, so a
 * scan of a folder whose base is kept elsewhere (a container's, as JSON) never touches it.
 */
export function scanLocal(deps: Deps, root: string): { readonly manifest: Manifest; readonly index: LocalIndex; readonly outsideLinks: readonly string[] } {
  const link = readLink(deps, root);
  const index = loadIndex(deps, root, link?.workspaceId ?? "");
  deps.workspace().tree.scan(root, index);
  return { manifest: localManifest(index), index, outsideLinks: changeSinceBase(index).outsideLinks };
}
