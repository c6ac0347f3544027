/**
 * The walk of a workspace folder against its index (domain/workspace/local-index.ts), like
 * `git status`: every indexed path is stat'ed (statx, stat-batch.ts); a file whose stamp
 * moved is hashed again; a folder is listed again (readdir + ignore rules) only when its own
 * stamp moved, since adding, removing or renaming an entry always changes the folder's mtime
 * and ctime, while editing a file in place never does (that file's own stamp catches it).
 * A changed ignore file (.git/info/exclude, any .gitignore read) makes it a full walk.
 * Never follows a link; fifos, sockets and devices are not content.
 */
import { readdirSync, readFileSync, readlinkSync, type Dirent } from "node:fs";
import { addRow, clearLocal, isRacy, KIND, localKind, parentOf, pathOf, rowCount, setLocal, setParent, STAMP, type LocalIndex, type RuleFile } from "../../domain/workspace/local-index.ts";
import { RemoteError } from "../../domain/errors.ts";
import { GIT_DIR, RESERVED_DIR } from "../../domain/workspace/workspace-path.ts";
import { isIgnored, rootRules, withFolder, type IgnoreStack } from "./ignore-rules.ts";
import { openStatter, type Statter } from "./stat-batch.ts";

const sha256 = (bytes: Uint8Array): Uint8Array => new Bun.CryptoHasher("sha256").update(bytes).digest();
const EXCLUDE = `${GIT_DIR}/info/exclude`;
const IGNORE_FILE = ".gitignore";
const ruleFileOf = (dir: string) => (dir === "" ? IGNORE_FILE : `${dir}/${IGNORE_FILE}`);

/** A folder gained or lost its .gitignore: the rules of a whole subtree moved, so the walk starts again in full. */
class RulesMoved extends Error {}

export function scanIndexed(root: string, index: LocalIndex): { hashed: number; changed: boolean } {
  const statter = openStatter(root);
  try {
    // Stamped as of the start: a file changed during the walk is then racy next time.
    const startedAt = Date.now();
    const full = index.scannedAt === 0 || rulesMoved(statter, index);
    // Shared by both attempts: a row stamped by the first is as racy as one stamped by the second.
    const touched = new Set<number>();
    let outcome: ReturnType<typeof walk>;
    try {
      outcome = walk(root, index, statter, full, touched);
    } catch (error) {
      if (!(error instanceof RulesMoved)) throw error;
      outcome = walk(root, index, statter, true, touched);
    }
    // Rows stamped within the racy window of this scan are hashed (listed) again by the next one.
    index.racy = [...touched].filter((row) => localKind(index, row) !== KIND.none && isRacy(startedAt, index.stamps, row * STAMP)).sort((a, b) => a - b);
    index.scannedAt = startedAt;
    return { hashed: outcome.hashed, changed: outcome.changed || index.racy.length > 0 };
  } finally {
    statter.close();
  }
}

function rulesMoved(statter: Statter, index: LocalIndex): boolean {
  const now = new Float64Array(STAMP);
  for (const rule of index.rules) {
    statter.stat(rule.path, now, 0);
    if (rule.stamp.some((value, i) => value !== now[i]) || (now[0] !== KIND.none && isRacy(index.scannedAt, now, 0))) return true;
  }
  return index.rules.length === 0;
}

function walk(root: string, index: LocalIndex, statter: Statter, full: boolean, touched: Set<number>): { hashed: number; changed: boolean } {
  const prefix = root.endsWith("/") ? root : `${root}/`;
  let hashed = 0;
  let changed = false;
  const one = new Float64Array(STAMP);
  const known = new Set(full ? [] : index.rules.map((r) => r.path));
  const rules: RuleFile[] = full ? [] : index.rules.slice();
  const record = (path: string) => {
    statter.stat(path, one, 0);
    rules.push({ path, stamp: Array.from(one) });
  };

  /** The file's or link's content now (a file's sha256 as bytes, a link's target). */
  const contentOf = (path: string, kind: number) => {
    if (kind === KIND.link) return readlinkSync(`${prefix}${path}`);
    hashed++;
    return sha256(readFileSync(`${prefix}${path}`));
  };

  // 1. Every indexed path's stamp, compared with the index's in one native compare: only the
  // rows that differ, the racy ones and (in a full walk) every folder are looked at.
  const count = rowCount(index);
  const stamps = statter.statIndexed(index);
  const looked = [...differingRows(index.stamps, stamps, count), ...index.racy.filter((row) => row < count)];
  if (full) for (let row = 0; row < count; row++) if (localKind(index, row) === KIND.dir) looked.push(row);
  const toList: number[] = [];
  for (const row of [...new Set(looked)].sort((a, b) => a - b)) {
    const kind = row === 0 ? KIND.dir : localKind(index, row);
    if (kind === KIND.none) continue;
    touched.add(row);
    const at = row * STAMP;
    const holds = sameStamp(index.stamps, stamps, at) && !index.racy.includes(row);
    const now = stamps[at];
    if (kind === KIND.dir) {
      if (now === KIND.dir) {
        toList.push(row);
        if (!holds) setLocal(index, row, stamps, at);
      } else if (row === 0) throw new RemoteError("NOT_A_FOLDER", `Cannot scan '${root}': it is not a folder (any more)`, "Run it in the workspace's folder.", "usage");
      else {
        removeSubtree(index, row, rules);
        listAgain(index, row, toList);
      }
    } else if (now === kind) {
      setLocal(index, row, stamps, at, contentOf(pathOf(index, row), kind));
    } else {
      // A file became something else: its folder changed, and is listed again.
      clearLocal(index, row);
      listAgain(index, row, toList);
    }
    changed = true;
  }
  if (toList.length === 0) return { hashed, changed };

  // 2. The folders whose stamp moved, listed again: what appeared is walked, what went is cleared.
  // name -> row of each listed folder's indexed entries (a full walk reads them all at once).
  const children = new Map<number, Map<string, number>>();
  let prebuilt = false;
  const childrenOf = (row: number) => {
    let names = children.get(row);
    if (names) return names;
    if (full && !prebuilt) {
      prebuilt = true;
      for (let r = 1; r < rowCount(index); r++) {
        const parent = parentOf(index, r);
        if (!children.has(parent)) children.set(parent, new Map());
        (children.get(parent) as Map<string, number>).set(basename(pathOf(index, r)), r);
      }
      if (children.has(row)) return children.get(row) as Map<string, number>;
    }
    names = new Map();
    for (let r = row + 1; r < rowCount(index); r++) if (parentOf(index, r) === row) names.set(basename(pathOf(index, r)), r);
    children.set(row, names);
    return names;
  };
  const stacks = new Map<string, IgnoreStack>();
  const stackOf = (dir: string): IgnoreStack => {
    const cached = stacks.get(dir);
    if (cached) return cached;
    const made = dir === "" ? rootRules(root) : withFolder(stackOf(dirname(dir)), root, dir);
    stacks.set(dir, made);
    return made;
  };
  if (full) {
    record(EXCLUDE);
    record(IGNORE_FILE);
  }

  const list = (row: number, fresh: boolean) => {
    const dir = pathOf(index, row);
    let dirents: Dirent[] | undefined;
    try {
      dirents = readdirSync(row === 0 ? root : `${prefix}${dir}`, { withFileTypes: true });
    } catch {
      dirents = undefined; // gone since its stat: its parent shows it next time
    }
    if (dirents === undefined) return;
    if (dir !== "") {
      const hasRules = dirents.some((d) => d.name === IGNORE_FILE);
      if (fresh || full) {
        if (hasRules) record(ruleFileOf(dir));
      } else if (hasRules !== known.has(ruleFileOf(dir))) throw new RulesMoved();
    }
    const stack = stackOf(dir);
    const names = childrenOf(row);
    const seen = new Set<string>();
    for (const dirent of dirents) {
      const name = dirent.name;
      if (name === GIT_DIR || (row === 0 && name === RESERVED_DIR)) continue;
      const kind = dirent.isDirectory() ? KIND.dir : dirent.isSymbolicLink() ? KIND.link : dirent.isFile() ? KIND.file : KIND.other;
      if (kind === KIND.other) continue;
      const path = dir === "" ? name : `${dir}/${name}`;
      if (isIgnored(stack, path, kind === KIND.dir)) continue;
      seen.add(name);
      let child = names.get(name);
      if (child !== undefined && localKind(index, child) === kind) continue; // its own stamp was checked above
      if (child !== undefined && localKind(index, child) !== KIND.none) removeSubtree(index, child, rules);
      if (child === undefined) {
        child = addRow(index, path, row);
        names.set(name, child);
        if (kind === KIND.dir) children.set(child, new Map()); // new here: nothing indexed under it yet
      } else setParent(index, child, row);
      statter.statRow(index, child, one, 0);
      if (one[0] !== kind) continue; // changed since the listing: the next push sees it
      changed = true;
      touched.add(child);
      if (kind === KIND.dir) {
        setLocal(index, child, one, 0);
        list(child, true);
      } else setLocal(index, child, one, 0, contentOf(path, kind));
    }
    for (const [name, child] of names) {
      if (seen.has(name) || localKind(index, child) === KIND.none) continue;
      removeSubtree(index, child, rules);
      changed = true;
    }
  };
  for (const row of toList) if (row === 0 || localKind(index, row) === KIND.dir) list(row, false);
  index.rules = rules;
  return { hashed, changed };
}

const sameStamp = (a: Float64Array, b: Float64Array, at: number) => {
  for (let i = at; i < at + STAMP; i++) if (a[i] !== b[i]) return false;
  return true;
};

/** Rows whose stamps differ, found by comparing blocks of rows as memory (native), then the rows of a differing block. */
function differingRows(before: Float64Array, now: Float64Array, count: number): number[] {
  const BLOCK = 64;
  const a = Buffer.from(before.buffer, before.byteOffset, count * STAMP * 8);
  const b = Buffer.from(now.buffer, now.byteOffset, count * STAMP * 8);
  const rows: number[] = [];
  for (let first = 0; first < count; first += BLOCK) {
    const end = Math.min(first + BLOCK, count);
    if (a.compare(b, first * STAMP * 8, end * STAMP * 8, first * STAMP * 8, end * STAMP * 8) === 0) continue;
    for (let row = first; row < end; row++) if (!sameStamp(before, now, row * STAMP)) rows.push(row);
  }
  return rows;
}

const basename = (path: string) => path.slice(path.lastIndexOf("/") + 1);
const dirname = (path: string) => (path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "");

/** The row's folder is listed again (its entry changed kind, or vanished). */
function listAgain(index: LocalIndex, row: number, toList: number[]) {
  const parent = parentOf(index, row);
  if (parent >= 0 && !toList.includes(parent)) toList.push(parent);
}

/** The row and everything indexed under it are gone here (their base entries stay: deletions). */
function removeSubtree(index: LocalIndex, row: number, rules: RuleFile[]) {
  const prefix = `${pathOf(index, row)}/`;
  clearLocal(index, row);
  // Children come after their folder: a row is under `row` when its chain of parents meets it.
  for (let r = row + 1; r < rowCount(index); r++) {
    if (localKind(index, r) === KIND.none) continue;
    let up = parentOf(index, r);
    while (up > row) up = parentOf(index, up);
    if (up === row) clearLocal(index, r);
  }
  for (let i = rules.length - 1; i >= 0; i--) if ((rules[i] as RuleFile).path.startsWith(prefix)) rules.splice(i, 1);
}
