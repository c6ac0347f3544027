/**
 * What a workspace is made of: one entry per path (relative, `/`-separated), a regular
 * file by its sha256 (and mode, size) or a symlink by its target. Directories are implied
 * by the paths under them. The same shape describes the remote state, the local tree
 * and the base (the last state pushed or cleanly pulled), so a 3-way merge compares like
 * with like.
 */
export type FileEntry = { readonly type: "file"; readonly sha256: string; readonly size: number; readonly mode: number };
export type LinkEntry = { readonly type: "link"; readonly target: string };
export type Entry = FileEntry | LinkEntry;
/** path -> entry. */
export type Manifest = Readonly<Record<string, Entry>>;

/** Only the executable bit travels (as git does): 0o755 or 0o644. */
export const normalMode = (mode: number): number => ((mode & 0o111) !== 0 ? 0o755 : 0o644);

export const sameEntry = (a: Entry | undefined, b: Entry | undefined): boolean => {
  if (a === undefined || b === undefined) return a === b;
  if (a.type === "link") return b.type === "link" && a.target === b.target;
  return b.type === "file" && a.sha256 === b.sha256 && a.mode === b.mode;
};

export type ManifestChange = {
  /** Paths whose entry is new or different in `to` (with that entry). */
  readonly set: Readonly<Record<string, Entry>>;
  /** Paths in `from` that `to` no longer has. */
  readonly deleted: readonly string[];
  readonly unchanged: number;
  /** Bytes of the files that did not change (what an incremental push does not send). */
  readonly unchangedBytes: number;
};

/** What turns `from` into `to`. */
export function diffManifests(from: Manifest, to: Manifest): ManifestChange {
  const set: Record<string, Entry> = {};
  let unchanged = 0;
  let unchangedBytes = 0;
  // for-in, not Object.entries: no 20,000 [path, entry] pairs allocated on every push.
  for (const path in to) {
    const entry = to[path] as Entry;
    if (sameEntry(from[path], entry)) {
      unchanged++;
      if (entry.type === "file") unchangedBytes += entry.size;
    } else set[path] = entry;
  }
  const deleted: string[] = [];
  for (const path in from) if (!(path in to)) deleted.push(path);
  return { set, deleted, unchanged, unchangedBytes };
}

/** `base` with a change applied (a commit on the server, a clean pull on the client). */
export function applyChange(base: Manifest, change: { readonly set: Readonly<Record<string, Entry>>; readonly deleted: readonly string[] }): Record<string, Entry> {
  return applyChangeInPlace({ ...base }, change);
}

/** `applyChange` on a manifest the caller owns: no 20,000-path copy for a one-file change. */
export function applyChangeInPlace(target: Record<string, Entry>, change: { readonly set: Readonly<Record<string, Entry>>; readonly deleted: readonly string[] }): Record<string, Entry> {
  Object.assign(target, change.set);
  for (const path of change.deleted) delete target[path];
  return target;
}

export const manifestTotals = (manifest: Manifest) => {
  let files = 0;
  let bytes = 0;
  for (const entry of Object.values(manifest)) {
    files++;
    if (entry.type === "file") bytes += entry.size;
  }
  return { files, bytes };
};
