/**
 * The local index (like git's): a file whose size, mtime, inode and mode are as when it
 * was last hashed keeps that hash, so a push of a 20,000-file tree hashes only what
 * changed. A file modified in the same instant it was indexed could keep a stale stamp
 * ("racy git"): `indexedAtMs` is when that scan started, and a file stamped within RACY_MS
 * of it (the kernel stamps mtimes from a coarse clock, a few ms per tick) is hashed again.
 */
export type StatStamp = { readonly size: number; readonly mtimeMs: number; readonly ino: number; readonly mode: number };
export type IndexRow = StatStamp & { readonly sha256: string };
export type StatIndex = { readonly indexedAtMs: number; readonly rows: Readonly<Record<string, IndexRow>> };

export const RACY_MS = 100;

export function cachedHash(index: StatIndex | undefined, path: string, stamp: StatStamp): string | undefined {
  const row = index?.rows[path];
  if (row === undefined || index === undefined) return undefined;
  if (row.size !== stamp.size || row.mtimeMs !== stamp.mtimeMs || row.ino !== stamp.ino || row.mode !== stamp.mode) return undefined;
  if (stamp.mtimeMs >= index.indexedAtMs - RACY_MS) return undefined;
  return row.sha256;
}

/**
 * Rewriting a 20,000-row index costs more than hashing a few files again: an index missing
 * fewer than STALE_ROWS hashes (or holding fewer stale paths) is kept as it is, and those
 * files are hashed again by the next scan (a stale row never matches: its stamp differs).
 */
export const STALE_ROWS = 64;

export const indexNeedsRewrite = (hadIndex: boolean, hashed: number, rowsBefore: number, rowsNow: number): boolean =>
  !hadIndex || hashed + Math.abs(rowsBefore - rowsNow) >= STALE_ROWS;
