/**
 * `.remote/workspace-index`: what a linked folder knows about itself, in one compact file read
 * whole and written whole on a push (a few MB for 20,000 files, no per-row parsing):
 * - one row per folder, file and symlink last seen here, with its stat stamp (size, mtime and
 *   ctime to the nanosecond, inode, mode) and its sha256 (a link: its target), like git's index;
 * - per row, the base: the entry this path had in the last state pushed or cleanly pulled
 *   (rows whose path is only in the base stand for local deletions);
 * - per row a `clean` bit (local entry = base entry), so a push finds what changed without
 *   comparing 20,000 entries, and the base version and the ignore files the walk read.
 * Stamps live in one Float64Array (STAMP per row: compared against a fresh stat of every
 * path in one native memory compare), the other numbers in another (ROW per row), 32-byte
 * hashes in a Uint8Array, all changed in place; strings (paths, link targets) are appended to one byte pool and decoded
 * only when asked for. Why not JSON or SQLite: parsing 20,000 rows costs more (15-40 ms in a
 * fresh process) than the whole one-file push is allowed.
 *
 * Racy rows (git's "racy clean"): a file changed within the clock tick in which it was
 * stamped keeps the same stamp. A stamp whose mtime or ctime is within RACY_MS of the scan
 * that recorded it is never trusted: that file is hashed again (a folder listed again).
 */
import type { Entry, Manifest } from "./entry.ts";
import { normalMode } from "./entry.ts";
import { resolveLinkTarget } from "./workspace-path.ts";

export const RACY_MS = 100;

/** What a stat says a path is (`other`: a fifo, socket or device, never workspace content). */
export const KIND = { none: 0, file: 1, link: 2, dir: 3, other: 4 } as const;

/** A stat as numbers, STAMP per path: kind, size, mtime s, mtime ns, ctime s, ctime ns, inode, st_mode. */
export const STAMP = 8;

// The row's other numbers.
const F_PARENT = 0; // the row of its folder (-1: the root)
const F_BASE_KIND = 1; // KIND.none | file | link
const F_BASE_SIZE = 2;
const F_BASE_MODE = 3;
const F_CLEAN = 4; // 1: the local entry is the base entry
const F_OUTSIDE = 5; // 1: a symlink pointing out of the folder (left out of the manifest)
export const F_PATH = 6; // pool offset, length
const F_LOCAL_TEXT = 8; // a link's target
const F_BASE_TEXT = 10; // the base link's target
export const ROW = 12;
export const SHA = 32; // bytes per hash; a row holds the local one, then the base one

export type RuleFile = { readonly path: string; readonly stamp: readonly number[] };

export type LocalIndex = {
  workspaceId: string;
  /** The base's version (0: nothing pushed or pulled yet). */
  version: number;
  /** When the scan that wrote the stamps started (ms since the epoch). */
  scannedAt: number;
  /** Every ignore file the walk read (.git/info/exclude, .gitignore files), with its stamp: any change means a full walk. */
  rules: RuleFile[];
  /** Rows stamped within RACY_MS of `scannedAt`: hashed again by the next scan whatever their stamp. */
  racy: number[];
  count: number;
  /** The local stamp of each row (all zero: nothing here). */
  stamps: Float64Array;
  nums: Float64Array;
  shas: Uint8Array;
  pool: Uint8Array;
  poolUsed: number;
  /** Decoded paths, filled on demand. */
  paths: (string | undefined)[];
  /** path -> row, built on demand. */
  byPath?: Map<string, number> | undefined;
  /** Some row lost its entry since the file was read (only then can compaction be due). */
  shrunk?: boolean | undefined;
  /** Which file this is: a log record applies only to the generation it was written for (index-log.ts). */
  generation: number;
  /** Rows changed since the file (and its log) was read: what a log record carries. */
  dirty: Set<number>;
  /** The pool's length as read: a log record carries what was appended after it. */
  poolSaved: number;
  /** Bytes of log applied on top of the file (a long log is folded into a new file). */
  logBytes: number;
};

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function emptyIndex(workspaceId: string): LocalIndex {
  const index: LocalIndex = { workspaceId, version: 0, scannedAt: 0, rules: [], racy: [], count: 0, stamps: new Float64Array(64 * STAMP), nums: new Float64Array(64 * ROW), shas: new Uint8Array(64 * 2 * SHA), pool: new Uint8Array(4096), poolUsed: 0, paths: [], generation: 0, dirty: new Set(), poolSaved: 0, logBytes: 0 };
  addRow(index, "", -1);
  return index;
}

/** A string in the pool, NUL-terminated (the stat adapter hands its bytes to the kernel as they are). */
function poolString(index: LocalIndex, text: string): [number, number] {
  const bytes = encoder.encode(text);
  if (index.poolUsed + bytes.length + 1 > index.pool.length) {
    const grown = new Uint8Array(Math.max(index.pool.length * 2, index.poolUsed + bytes.length + 1));
    grown.set(index.pool.subarray(0, index.poolUsed));
    index.pool = grown;
  }
  const at = index.poolUsed;
  index.pool.set(bytes, at);
  index.pool[at + bytes.length] = 0;
  index.poolUsed += bytes.length + 1;
  return [at, bytes.length];
}

const text = (index: LocalIndex, row: number, field: number) => {
  const o = row * ROW + field;
  const length = index.nums[o + 1] as number;
  return length === 0 ? "" : decoder.decode(index.pool.subarray(index.nums[o] as number, (index.nums[o] as number) + length));
};
const setText = (index: LocalIndex, row: number, field: number, value: string) => {
  const [at, length] = poolString(index, value);
  index.nums[row * ROW + field] = at;
  index.nums[row * ROW + field + 1] = length;
};

/** Appends a row (no local entry, no base entry yet); the root is row 0, path "". */
export function addRow(index: LocalIndex, path: string, parent: number): number {
  const row = index.count;
  index.dirty.add(row);
  if ((row + 1) * ROW > index.nums.length) {
    const nums = new Float64Array(Math.max(64, row * 2) * ROW);
    nums.set(index.nums.subarray(0, row * ROW));
    index.nums = nums;
  }
  if ((row + 1) * STAMP > index.stamps.length) {
    const stamps = new Float64Array(Math.max(64, row * 2) * STAMP);
    stamps.set(index.stamps.subarray(0, row * STAMP));
    index.stamps = stamps;
  }
  if ((row + 1) * 2 * SHA > index.shas.length) {
    const shas = new Uint8Array(Math.max(64, row * 2) * 2 * SHA);
    shas.set(index.shas.subarray(0, row * 2 * SHA));
    index.shas = shas;
  }
  index.count++;
  index.nums.fill(0, row * ROW, (row + 1) * ROW);
  index.stamps.fill(0, row * STAMP, (row + 1) * STAMP);
  index.nums[row * ROW + F_PARENT] = parent;
  // The root is stat'ed as ".": a path the kernel takes relative to the root itself.
  setText(index, row, F_PATH, path === "" ? "." : path);
  index.paths[row] = path;
  index.byPath?.set(path, row);
  return row;
}

export const rowCount = (index: LocalIndex) => index.count;
export const pathOf = (index: LocalIndex, row: number): string => index.paths[row] ?? (index.paths[row] = row === 0 ? "" : text(index, row, F_PATH));
export const parentOf = (index: LocalIndex, row: number): number => index.nums[row * ROW + F_PARENT] as number;
export const setParent = (index: LocalIndex, row: number, parent: number): void => {
  index.dirty.add(row);
  index.nums[row * ROW + F_PARENT] = parent;
};
export const localKind = (index: LocalIndex, row: number): number => index.stamps[row * STAMP] as number;

function rowOf(index: LocalIndex, path: string): number | undefined {
  if (!index.byPath) {
    const map = new Map<string, number>();
    for (let row = 0; row < index.count; row++) map.set(pathOf(index, row), row);
    index.byPath = map;
  }
  return index.byPath.get(path);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const NIBBLE = new Map([..."0123456789abcdef"].map((c, i) => [c.charCodeAt(0), i]));
const hex = (bytes: Uint8Array, at: number) => {
  let out = "";
  for (let i = at; i < at + SHA; i++) out += HEX[bytes[i] as number];
  return out;
};
const putHex = (bytes: Uint8Array, at: number, value: string) => {
  for (let i = 0; i < SHA; i++) bytes[at + i] = ((NIBBLE.get(value.charCodeAt(i * 2)) ?? 0) << 4) | (NIBBLE.get(value.charCodeAt(i * 2 + 1)) ?? 0);
};
const baseKind = (index: LocalIndex, row: number): number => index.nums[row * ROW + F_BASE_KIND] as number;

/** The row's stamp is the same as `stamps` at `at`, and not racy. */
export function stampHolds(index: LocalIndex, row: number, stamps: Float64Array, at: number): boolean {
  const o = row * STAMP;
  const n = index.stamps;
  if (n[o] !== stamps[at] || n[o + 1] !== stamps[at + 1] || n[o + 2] !== stamps[at + 2] || n[o + 3] !== stamps[at + 3] || n[o + 4] !== stamps[at + 4] || n[o + 5] !== stamps[at + 5] || n[o + 6] !== stamps[at + 6] || n[o + 7] !== stamps[at + 7]) return false;
  return !isRacy(index.scannedAt, stamps, at);
}

/** Changed within RACY_MS of the scan that stamped it (or later): the stamp cannot vouch for the content. */
export const isRacy = (scannedAt: number, stamps: Float64Array, at: number): boolean => {
  const mtime = (stamps[at + 2] as number) * 1000 + (stamps[at + 3] as number) / 1e6;
  const ctime = (stamps[at + 4] as number) * 1000 + (stamps[at + 5] as number) / 1e6;
  return Math.max(mtime, ctime) >= scannedAt - RACY_MS;
};

/** The local entry of a row, as the manifest shows it (undefined: none, a folder, or a link out of the folder). */
function localEntry(index: LocalIndex, row: number): Entry | undefined {
  const s = row * STAMP;
  const kind = index.stamps[s];
  if (kind === KIND.file) return { type: "file", sha256: hex(index.shas, row * 2 * SHA), size: index.stamps[s + 1] as number, mode: normalMode(index.stamps[s + 7] as number) };
  if (kind === KIND.link && index.nums[row * ROW + F_OUTSIDE] !== 1) return { type: "link", target: text(index, row, F_LOCAL_TEXT) };
  return undefined;
}

function baseEntry(index: LocalIndex, row: number): Entry | undefined {
  const o = row * ROW;
  const kind = index.nums[o + F_BASE_KIND];
  if (kind === KIND.file) return { type: "file", sha256: hex(index.shas, row * 2 * SHA + SHA), size: index.nums[o + F_BASE_SIZE] as number, mode: index.nums[o + F_BASE_MODE] as number };
  if (kind === KIND.link) return { type: "link", target: text(index, row, F_BASE_TEXT) };
  return undefined;
}

/** Compares in place (bytes and numbers): no hex string is made for a row that did not change. */
const refreshClean = (index: LocalIndex, row: number) => {
  const o = row * ROW;
  const n = index.nums;
  const local = index.stamps[row * STAMP] as number;
  const kind = local === KIND.link && n[o + F_OUTSIDE] === 1 ? KIND.none : local === KIND.file || local === KIND.link ? local : KIND.none;
  let same = kind === n[o + F_BASE_KIND];
  if (same && kind === KIND.file) {
    same = normalMode(index.stamps[row * STAMP + 7] as number) === n[o + F_BASE_MODE];
    const at = row * 2 * SHA;
    for (let i = 0; same && i < SHA; i++) same = index.shas[at + i] === index.shas[at + SHA + i];
  } else if (same && kind === KIND.link) same = text(index, row, F_LOCAL_TEXT) === text(index, row, F_BASE_TEXT);
  n[o + F_CLEAN] = same ? 1 : 0;
};

/**
 * Records what a stat and a read found: the stamp, and a file's sha256 (32 bytes) or a
 * link's target (a folder: neither).
 */
export function setLocal(index: LocalIndex, row: number, stamps: Float64Array, at: number, content?: Uint8Array | string): void {
  index.dirty.add(row);
  const o = row * ROW;
  for (let i = 0; i < STAMP; i++) index.stamps[row * STAMP + i] = stamps[at + i] as number;
  const kind = stamps[at];
  if (kind === KIND.file && content instanceof Uint8Array) index.shas.set(content.subarray(0, SHA), row * 2 * SHA);
  if (kind === KIND.link && typeof content === "string") {
    setText(index, row, F_LOCAL_TEXT, content);
    index.nums[o + F_OUTSIDE] = resolveLinkTarget(pathOf(index, row), content) === undefined ? 1 : 0;
  }
  refreshClean(index, row);
}

/** The path is gone here (the base keeps what it had). */
export function clearLocal(index: LocalIndex, row: number): void {
  index.dirty.add(row);
  index.shrunk = true;
  index.stamps.fill(0, row * STAMP, (row + 1) * STAMP);
  index.nums[row * ROW + F_OUTSIDE] = 0;
  refreshClean(index, row);
}

function setBaseEntry(index: LocalIndex, row: number, entry: Entry | undefined): void {
  index.dirty.add(row);
  const o = row * ROW;
  if (entry === undefined) {
    index.nums[o + F_BASE_KIND] = KIND.none;
    index.shrunk = true;
  }
  else if (entry.type === "file") {
    index.nums[o + F_BASE_KIND] = KIND.file;
    index.nums[o + F_BASE_SIZE] = entry.size;
    index.nums[o + F_BASE_MODE] = entry.mode;
    putHex(index.shas, row * 2 * SHA + SHA, entry.sha256);
  } else {
    index.nums[o + F_BASE_KIND] = KIND.link;
    setText(index, row, F_BASE_TEXT, entry.target);
  }
  refreshClean(index, row);
}

export type IndexChange = {
  readonly set: Record<string, Entry>;
  /** The row of each path in `set`. */
  readonly rows: Map<string, number>;
  readonly deleted: string[];
  readonly unchanged: number;
  readonly unchangedBytes: number;
  /** Symlinks left out: they point outside the folder. */
  readonly outsideLinks: string[];
};

/** What turns the base into the local tree: only rows not clean are looked at closely. */
export function changeSinceBase(index: LocalIndex): IndexChange {
  const set: Record<string, Entry> = {};
  const rows = new Map<string, number>();
  const deleted: string[] = [];
  const outsideLinks: string[] = [];
  let unchanged = 0;
  let unchangedBytes = 0;
  const n = index.nums;
  for (let row = 1; row < index.count; row++) {
    const o = row * ROW;
    const kind = index.stamps[row * STAMP];
    if (kind === KIND.link && n[o + F_OUTSIDE] === 1) {
      outsideLinks.push(pathOf(index, row));
      if (n[o + F_BASE_KIND] !== KIND.none) deleted.push(pathOf(index, row));
      continue;
    }
    if (n[o + F_CLEAN] === 1) {
      if (kind === KIND.file) {
        unchanged++;
        unchangedBytes += index.stamps[row * STAMP + 1] as number;
      } else if (kind === KIND.link) unchanged++;
      continue;
    }
    const entry = localEntry(index, row);
    if (entry !== undefined) {
      set[pathOf(index, row)] = entry;
      rows.set(pathOf(index, row), row);
    } else if (n[o + F_BASE_KIND] !== KIND.none) deleted.push(pathOf(index, row));
  }
  return { set, rows, deleted, unchanged, unchangedBytes, outsideLinks };
}

/** Every row's entry as `entryOf` reads it (the folder now, or the base), by path. */
function manifestOf(index: LocalIndex, entryOf: (index: LocalIndex, row: number) => Entry | undefined): Record<string, Entry> {
  const out: Record<string, Entry> = {};
  for (let row = 1; row < index.count; row++) {
    const entry = entryOf(index, row);
    if (entry !== undefined) out[pathOf(index, row)] = entry;
  }
  return out;
}

export const localManifest = (index: LocalIndex): Record<string, Entry> => manifestOf(index, localEntry);

export const baseManifest = (index: LocalIndex): Record<string, Entry> => manifestOf(index, baseEntry);

/** The row of `path`, added (with rows for its folders) when the index has none: every row's parent is its folder's row. */
function ensureRow(index: LocalIndex, path: string): number {
  const found = rowOf(index, path);
  if (found !== undefined) return found;
  const cut = path.lastIndexOf("/");
  return addRow(index, path, cut < 0 ? 0 : ensureRow(index, path.slice(0, cut)));
}

/** The base becomes `entries` at `version` (a clean pull, or a remote that moved). */
export function replaceBase(index: LocalIndex, version: number, entries: Manifest): void {
  const seen = new Set<number>();
  for (const path in entries) {
    const row = ensureRow(index, path);
    seen.add(row);
    setBaseEntry(index, row, entries[path]);
  }
  for (let row = 1; row < index.count; row++) if (!seen.has(row) && baseKind(index, row) !== KIND.none) setBaseEntry(index, row, undefined);
  index.version = version;
}

/** After a commit: the base is the local tree, but for `committed` rows (what the server stored, which may differ from what was scanned). */
export function baseFromLocal(index: LocalIndex, version: number, committed: ReadonlyMap<number, Entry>): void {
  const n = index.nums;
  for (let row = 1; row < index.count; row++) {
    const o = row * ROW;
    if (n[o + F_CLEAN] === 1) continue;
    index.dirty.add(row);
    const kind = index.stamps[row * STAMP];
    if (kind === KIND.file) {
      // Copied as bytes and numbers (a first push does this for every file).
      n[o + F_BASE_KIND] = KIND.file;
      n[o + F_BASE_SIZE] = index.stamps[row * STAMP + 1] as number;
      n[o + F_BASE_MODE] = normalMode(index.stamps[row * STAMP + 7] as number);
      index.shas.copyWithin(row * 2 * SHA + SHA, row * 2 * SHA, row * 2 * SHA + SHA);
      n[o + F_CLEAN] = 1;
    } else setBaseEntry(index, row, localEntry(index, row));
  }
  for (const [row, entry] of committed) if (!sameAsBase(index, row, entry)) setBaseEntry(index, row, entry);
  index.version = version;
}

const sameAsBase = (index: LocalIndex, row: number, entry: Entry) => {
  const o = row * ROW;
  if (entry.type === "link") return index.nums[o + F_BASE_KIND] === KIND.link && text(index, row, F_BASE_TEXT) === entry.target;
  return index.nums[o + F_BASE_KIND] === KIND.file && index.nums[o + F_BASE_MODE] === entry.mode && hex(index.shas, row * 2 * SHA + SHA) === entry.sha256;
};

// The file: a JSON header line, then the numbers, the hashes and the pool (rows without a
// local or base entry are dropped, the pool compacted, when they are more than a quarter).
const MAGIC = "remote-workspace-index 1\n";

type Header = { readonly workspaceId: string; readonly generation: number; readonly version: number; readonly scannedAt: number; readonly rules: RuleFile[]; readonly racy: number[]; readonly count: number; readonly poolUsed: number };

export function encodeIndex(index: LocalIndex): Uint8Array {
  const source = needsCompaction(index) ? compacted(index) : index;
  const header: Header = { workspaceId: source.workspaceId, generation: index.generation, version: source.version, scannedAt: source.scannedAt, rules: source.rules, racy: source.racy, count: source.count, poolUsed: source.poolUsed };
  const head = encoder.encode(`${MAGIC}${JSON.stringify(header)}\n`);
  // The numbers start 8-aligned, so the reader can view them in place.
  const pad = (8 - (head.length % 8)) % 8;
  const stampBytes = source.count * STAMP * 8;
  const numBytes = source.count * ROW * 8;
  const shaBytes = source.count * 2 * SHA;
  const out = new Uint8Array(head.length + pad + stampBytes + numBytes + shaBytes + source.poolUsed);
  out.set(head);
  out.fill(0x20, head.length, head.length + pad);
  let at = head.length + pad;
  out.set(new Uint8Array(source.stamps.buffer, source.stamps.byteOffset, stampBytes), at);
  at += stampBytes;
  out.set(new Uint8Array(source.nums.buffer, source.nums.byteOffset, numBytes), at);
  at += numBytes;
  out.set(source.shas.subarray(0, shaBytes), at);
  at += shaBytes;
  out.set(source.pool.subarray(0, source.poolUsed), at);
  return out;
}

/** undefined: not an index of this format (the caller starts afresh: a full walk). */
export function decodeIndex(bytes: Uint8Array): LocalIndex | undefined {
  const magic = encoder.encode(MAGIC);
  if (bytes.length < magic.length || magic.some((b, i) => bytes[i] !== b)) return undefined;
  const end = bytes.indexOf(10, magic.length);
  if (end < 0) return undefined;
  let header: Header;
  try {
    header = JSON.parse(decoder.decode(bytes.subarray(magic.length, end))) as Header;
  } catch {
    return undefined;
  }
  if (typeof header.workspaceId !== "string" || !Number.isInteger(header.generation) || !Number.isInteger(header.count) || header.count < 1 || !Number.isInteger(header.poolUsed) || !Array.isArray(header.rules) || !Array.isArray(header.racy)) return undefined;
  let at = end + 1;
  at += (8 - (at % 8)) % 8;
  const stampBytes = header.count * STAMP * 8;
  const numBytes = header.count * ROW * 8;
  const shaBytes = header.count * 2 * SHA;
  if (bytes.length !== at + stampBytes + numBytes + shaBytes + header.poolUsed) return undefined;
  // Viewed in place when 8-aligned in memory (a file's own buffer), else copied; addRow copies on growth.
  const view = (from: number, length: number) => ((bytes.byteOffset + from) % 8 === 0 ? new Float64Array(bytes.buffer, bytes.byteOffset + from, length / 8) : new Float64Array(bytes.slice(from, from + length).buffer));
  const stamps = view(at, stampBytes);
  const nums = view(at + stampBytes, numBytes);
  at += stampBytes + numBytes;
  const shas = bytes.subarray(at, at + shaBytes);
  const pool = bytes.subarray(at + shaBytes);
  return { workspaceId: header.workspaceId, version: header.version, scannedAt: header.scannedAt, rules: header.rules, racy: header.racy, count: header.count, stamps, nums, shas, pool, poolUsed: header.poolUsed, paths: [""], generation: header.generation, dirty: new Set(), poolSaved: header.poolUsed, logBytes: 0 };
}

/** Rows worth keeping: a local or base entry, or a folder holding one (children always come after their folder). */
function liveRows(index: LocalIndex): Uint8Array {
  const live = new Uint8Array(index.count);
  live[0] = 1;
  for (let row = index.count - 1; row > 0; row--) {
    if (localKind(index, row) !== KIND.none || baseKind(index, row) !== KIND.none) live[row] = 1;
    const parent = parentOf(index, row);
    if (live[row] === 1 && parent >= 0) live[parent] = 1;
  }
  return live;
}

export function needsCompaction(index: LocalIndex): boolean {
  if (index.shrunk !== true) return false;
  const live = liveRows(index);
  let dead = 0;
  for (let row = 1; row < index.count; row++) if (live[row] === 0) dead++;
  return dead > 0 && dead * 4 > index.count;
}

/** The same index without dead rows, parents renumbered, the pool rebuilt. */
function compacted(index: LocalIndex): LocalIndex {
  const out = emptyIndex(index.workspaceId);
  Object.assign(out, { version: index.version, scannedAt: index.scannedAt, rules: index.rules });
  const racy = new Set(index.racy);
  const live = liveRows(index);
  const renumbered = new Map<number, number>([[0, 0]]);
  for (let row = 0; row < index.count; row++) {
    if (live[row] === 0) continue;
    const to = row === 0 ? 0 : addRow(out, pathOf(index, row), renumbered.get(parentOf(index, row)) ?? 0);
    renumbered.set(row, to);
    const [o, p] = [row * ROW, to * ROW];
    out.stamps.set(index.stamps.subarray(row * STAMP, (row + 1) * STAMP), to * STAMP);
    if (racy.has(row)) out.racy.push(to);
    for (const f of [F_BASE_KIND, F_BASE_SIZE, F_BASE_MODE, F_CLEAN, F_OUTSIDE]) out.nums[p + f] = index.nums[o + f] as number;
    out.shas.set(index.shas.subarray(row * 2 * SHA, (row + 1) * 2 * SHA), to * 2 * SHA);
    if (localKind(index, row) === KIND.link) setText(out, to, F_LOCAL_TEXT, text(index, row, F_LOCAL_TEXT));
    if (baseKind(index, row) === KIND.link) setText(out, to, F_BASE_TEXT, text(index, row, F_BASE_TEXT));
  }
  return out;
}
