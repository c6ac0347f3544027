import { RemoteError } from "../errors.ts";
import { mergeText } from "./merge-text.ts";
import { byTreeOrder, isUnder, sameEntry, withDirs, type Tree, type TreeEntry } from "./merge-tree.ts";

/**
 * Pull as a 3-way merge (SPEC §6): base = the tree last pushed or cleanly pulled. Pure.
 * How pull uses it: (1) `textMergePaths({base, local, remote})` names the files both sides
 * changed; (2) read their three versions and hand in those that are text (`looksLikeText`
 * on each; a path left out is merged as binary); (3) `planPull` returns ordered actions,
 * which `applyPullPlan` (src/adapters/workspace/merge-apply.ts) carries out; (4) write the
 * remote manifest as the new base only when `updateBase`; exit with `exitCode`.
 *
 * Policy on a conflict: `backup` (default) writes text conflicts with markers and keeps a
 * binary/link/type conflict's local copy as `<path>.bak-<stamp>` before taking remote,
 * then exits 1; `block` touches nothing and exits 1; `keep-local` / `take-remote` settle
 * every conflict one way and exit 0. Only a pull without an unsettled conflict moves the base.
 */
export const CONFLICT_POLICIES = ["block", "backup", "keep-local", "take-remote"] as const;
export type ConflictPolicy = (typeof CONFLICT_POLICIES)[number];

export type MergeTexts = { readonly base?: string; readonly local: string; readonly remote: string };
export type PullInput = {
  readonly base: Tree;
  readonly local: Tree;
  readonly remote: Tree;
  /** Suffix of backup names, `<path>.bak-<stamp>`: the caller's clock, formatted. */
  readonly stamp: string;
  readonly policy?: ConflictPolicy;
  /** The three texts of the paths `textMergePaths` named that are text on every side. */
  readonly texts?: ReadonlyMap<string, MergeTexts>;
};

/** `write` takes the remote entry (file content by sha256, or the link); `write-text` a merged text. */
export type PullAction =
  | { readonly op: "backup"; readonly path: string; readonly to: string }
  | { readonly op: "remove"; readonly path: string; readonly type: TreeEntry["type"] }
  | { readonly op: "mkdir"; readonly path: string }
  | { readonly op: "write"; readonly path: string; readonly entry: Exclude<TreeEntry, { type: "dir" }> }
  | { readonly op: "write-text"; readonly path: string; readonly text: string; readonly mode: number };

/** text: both edited the same lines; binary: both changed unmergeable content (files or links); delete-modify; type: file/link/dir shape differs. */
export type ConflictReason = "text" | "binary" | "delete-modify" | "type";
export type ConflictResolution = "markers" | "backup" | "local" | "remote" | "blocked";
export type PullConflict = { readonly path: string; readonly reason: ConflictReason; readonly resolution: ConflictResolution };

export type PullPlan = {
  readonly actions: readonly PullAction[];
  readonly conflicts: readonly PullConflict[];
  /** True when the base may become the remote tree: no conflict left for a person to settle. */
  readonly updateBase: boolean;
  readonly exitCode: 0 | 1;
};

type Final = { readonly entry: TreeEntry; readonly text?: string };
type Side = "local" | "remote";

const isDir = (entry: TreeEntry | undefined) => entry?.type === "dir";
const isFile = (entry: TreeEntry | undefined): entry is Extract<TreeEntry, { type: "file" }> => entry?.type === "file";
const allPaths = (...trees: Tree[]) => [...new Set(trees.flatMap((tree) => Object.keys(tree)))].sort(byTreeOrder);

/** Files both sides changed (the base had a file there, or nothing): a line merge if all are text. */
export const textMergePaths = (input: Pick<PullInput, "base" | "local" | "remote">): string[] =>
  allPaths(input.local, input.remote).filter((path) => {
    const [b, l, r] = [input.base[path], input.local[path], input.remote[path]];
    return isFile(l) && isFile(r) && (b === undefined || isFile(b)) && !sameEntry(l, r) && !sameEntry(l, b) && !sameEntry(r, b);
  });

const changedUnder = (side: Tree, base: Tree, root: string, paths: readonly string[]) =>
  paths.some((path) => (path === root || isUnder(path, root)) && !sameEntry(side[path], base[path]));

export const planPull = (input: PullInput): PullPlan => {
  const policy = input.policy ?? "backup";
  const [base, local, remote] = [withDirs(input.base), withDirs(input.local), withDirs(input.remote)];
  const paths = allPaths(base, local, remote);
  const final = new Map<string, Final>();
  const conflicts: PullConflict[] = [];
  const backups: { path: string; to: string }[] = [];
  const settled: string[] = [];
  const sideOf = (side: Side) => (side === "local" ? local : remote);
  const keep = (path: string, side: Side) => {
    const entry = sideOf(side)[path];
    if (entry !== undefined) final.set(path, { entry });
  };
  const backupLocal = (path: string) => {
    if (local[path] !== undefined) backups.push({ path, to: `${path}.bak-${input.stamp}` });
  };
  /** The side a conflict ends on under the policy; backup keeps local aside first when it would be lost. */
  const settle = (path: string, reason: ConflictReason, modified?: Side): Side => {
    if (policy === "keep-local" || policy === "take-remote" || policy === "block") {
      conflicts.push({ path, reason, resolution: policy === "block" ? "blocked" : policy === "keep-local" ? "local" : "remote" });
      return policy === "take-remote" ? "remote" : "local";
    }
    if (modified !== undefined) {
      conflicts.push({ path, reason, resolution: modified });
      return modified;
    }
    backupLocal(path);
    conflicts.push({ path, reason, resolution: "backup" });
    return "remote";
  };

  for (const path of paths) {
    if (settled.some((root) => isUnder(path, root))) continue;
    const [b, l, r] = [base[path], local[path], remote[path]];
    if (isDir(l) !== isDir(r)) {
      // A shape change (file <-> dir, dir deleted): the whole subtree goes one way, or
      // a change inside it on one side would land under a file of the other.
      const [localChanged, remoteChanged] = [changedUnder(local, base, path, paths), changedUnder(remote, base, path, paths)];
      const modified = l === undefined ? "remote" : r === undefined ? "local" : undefined;
      const side: Side = localChanged && remoteChanged ? settle(path, l === undefined || r === undefined ? "delete-modify" : "type", modified) : remoteChanged ? "remote" : "local";
      settled.push(path);
      for (const inner of paths) if (inner === path || isUnder(inner, path)) keep(inner, side);
      continue;
    }
    if (sameEntry(l, r) || sameEntry(r, b)) keep(path, "local");
    else if (sameEntry(l, b)) keep(path, "remote");
    else if (isFile(l) && isFile(r) && input.texts?.has(path)) {
      const texts = input.texts.get(path) as MergeTexts;
      const merged = mergeText(texts.base ?? "", texts.local, texts.remote);
      const mode = b?.type === "file" && l.mode === b.mode ? r.mode : l.mode;
      const entry = { type: "file", sha256: "", mode } as const;
      if (!merged.conflict) final.set(path, { entry, text: merged.text });
      else if (policy === "backup") {
        conflicts.push({ path, reason: "text", resolution: "markers" });
        final.set(path, { entry, text: merged.text });
      } else keep(path, settle(path, "text"));
    } else if (l === undefined || r === undefined) keep(path, settle(path, "delete-modify", l === undefined ? "remote" : "local"));
    else keep(path, settle(path, l.type === r.type ? "binary" : "type"));
  }

  const blocked = policy === "block" && conflicts.length > 0;
  // keep-local / take-remote settle every conflict as asked; backup and block leave one for a person.
  const unsettled = conflicts.length > 0 && (policy === "backup" || policy === "block");
  return {
    actions: blocked ? [] : actionsFor(local, final, backups),
    conflicts,
    updateBase: !unsettled,
    exitCode: unsettled ? 1 : 0,
  };
};

/** Backups first (renames), then removals deepest first, then creations parents first. */
const actionsFor = (local: Tree, final: ReadonlyMap<string, Final>, backups: readonly { path: string; to: string }[]): PullAction[] => {
  const gone = (path: string) => backups.some((backup) => backup.path === path || isUnder(path, backup.path));
  const before = (path: string) => (gone(path) ? undefined : local[path]);
  const removals = Object.keys(local)
    .filter((path) => {
      const [was, next] = [before(path), final.get(path)];
      return was !== undefined && (next === undefined || was.type !== next.entry.type);
    })
    .sort((a, b) => byTreeOrder(b, a))
    .map((path): PullAction => ({ op: "remove", path, type: (local[path] as TreeEntry).type }));
  const creations = [...final.keys()].sort(byTreeOrder).flatMap((path): PullAction[] => {
    const next = final.get(path) as Final;
    const was = before(path);
    if (next.text !== undefined) return [{ op: "write-text", path, text: next.text, mode: next.entry.type === "file" ? next.entry.mode : 0o644 }];
    if (sameEntry(was, next.entry)) return [];
    return next.entry.type === "dir" ? [{ op: "mkdir", path }] : [{ op: "write", path, entry: next.entry }];
  });
  return [...backups.map((backup): PullAction => ({ op: "backup", ...backup })), ...removals, ...creations];
};

/** `--on-conflict`: one of the policies, or a usage error naming them. */
export function parseConflictPolicy(value: string | undefined): ConflictPolicy | undefined {
  if (value === undefined) return undefined;
  if ((CONFLICT_POLICIES as readonly string[]).includes(value)) return value as ConflictPolicy;
  throw new RemoteError("INVALID_CONFLICT_POLICY", `Cannot use --on-conflict '${value}': it is not a policy`, `Use one of: ${CONFLICT_POLICIES.join(", ")}.`, "usage");
}
