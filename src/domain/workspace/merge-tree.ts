/**
 * The per-path view a pull merges: one entry per path of a workspace tree (base, local,
 * remote), the same shape as the workspace manifest (src/domain/workspace/entry.ts, whose
 * Manifest is assignable to Tree): a file by sha256 and mode, a link by its target, and
 * directories, which a manifest leaves implicit and `withDirs` fills in.
 */
export type TreeEntry =
  | { readonly type: "file"; readonly sha256: string; readonly mode: number; readonly size?: number }
  | { readonly type: "link"; readonly target: string }
  | { readonly type: "dir" };
export type Tree = Readonly<Record<string, TreeEntry>>;

export const sameEntry = (a: TreeEntry | undefined, b: TreeEntry | undefined): boolean => {
  if (a === undefined || b === undefined) return a === b;
  if (a.type === "file" && b.type === "file") return a.sha256 === b.sha256 && a.mode === b.mode;
  if (a.type === "link" && b.type === "link") return a.target === b.target;
  return a.type === b.type;
};

export const parentsOf = (path: string): string[] => {
  const parts = path.split("/");
  return parts.slice(1).map((_, index) => parts.slice(0, index + 1).join("/"));
};

/** Adds the directories a tree implies (every parent of a path). */
export const withDirs = (tree: Tree): Tree => {
  const out: Record<string, TreeEntry> = { ...tree };
  for (const path of Object.keys(tree)) for (const parent of parentsOf(path)) out[parent] ??= { type: "dir" };
  return out;
};

/** Parents before children, siblings in byte order: "a" < "a/b" < "a-b". */
export const byTreeOrder = (a: string, b: string): number => {
  const [x, y] = [a.split("/"), b.split("/")];
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) {
    const [p, q] = [x[i] as string, y[i] as string];
    if (p !== q) return p < q ? -1 : 1;
  }
  return x.length - y.length;
};

export const isUnder = (path: string, root: string): boolean => path.startsWith(`${root}/`);

/** Text a line merge may touch: valid UTF-8 without a NUL in the first 8 KiB (git's test, plus UTF-8). */
export const looksLikeText = (bytes: Uint8Array): boolean => {
  if (bytes.subarray(0, 8192).includes(0)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
};
