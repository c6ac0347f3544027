/**
 * The indexed scan (adapters/workspace/indexed-scan.ts) on a real folder: after every kind of
 * change, the scan that trusts unchanged folders and stamps sees exactly what a fresh full
 * walk sees, and an edit in place is never missed (same size, mtime put back: the ctime moved).
 */
import { afterAll, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStatter } from "../../src/adapters/workspace/stat-batch.ts";
import { createWorkspaceTree } from "../../src/adapters/workspace/tree.ts";
import { decodeIndex, emptyIndex, encodeIndex, localManifest, type LocalIndex } from "../../src/domain/workspace/local-index.ts";

const tree = createWorkspaceTree();
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function folder() {
  const root = mkdtempSync(join(tmpdir(), "remote-ws-index-"));
  dirs.push(root);
  const put = (path: string, text: string) => {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  put("a.txt", "aaa\n");
  put("src/main.ts", "main\n");
  put("src/lib/util.ts", "util\n");
  put("src/lib/gen.log", "ignored\n");
  put("docs/readme.md", "docs\n");
  put(".gitignore", "*.log\n");
  symlinkSync("src/main.ts", join(root, "link"));
  mkdirSync(join(root, ".git", "info"), { recursive: true });
  return { root, put };
}

/** The scan a push does: the index from its file, brought up to date, written back. */
function scanned(root: string, previous: LocalIndex | undefined) {
  const index = previous ? (decodeIndex(encodeIndex(previous)) as LocalIndex) : emptyIndex("w");
  const { hashed } = tree.scan(root, index);
  return { index, hashed, manifest: localManifest(index) };
}
const fresh = (root: string) => localManifest(scanned(root, undefined).index);
/** The index as if its last scan had run long after the writes: nothing racy left. */
const aged = (index: LocalIndex) => {
  index.scannedAt = Date.now() + 60_000;
  index.racy = [];
  return index;
};

test("after each change, the indexed scan sees what a full walk sees", () => {
  const { root, put } = folder();
  let index = aged(scanned(root, undefined).index);
  const step = (what: string, change: () => void) => {
    change();
    const next = scanned(root, index);
    expect({ what, manifest: next.manifest }).toEqual({ what, manifest: fresh(root) });
    index = aged(next.index);
    return next;
  };
  // Nothing changed: nothing hashed.
  expect(step("nothing", () => {}).hashed).toBe(0);
  expect(step("an edit in place", () => put("src/lib/util.ts", "util 2\n")).hashed).toBe(1);
  step("a new file in a folder", () => put("src/lib/new.ts", "new\n"));
  step("a deletion", () => unlinkSync(join(root, "docs/readme.md")));
  step("a rename", () => renameSync(join(root, "src/lib/new.ts"), join(root, "src/lib/renamed.ts")));
  step("a new folder with files", () => put("pkg/deep/x.ts", "x\n"));
  step("a file became a folder", () => {
    unlinkSync(join(root, "a.txt"));
    put("a.txt/inside.txt", "inside\n");
  });
  step("a folder became a file", () => {
    rmSync(join(root, "pkg"), { recursive: true });
    put("pkg", "now a file\n");
  });
  step("a link retargeted", () => {
    unlinkSync(join(root, "link"));
    symlinkSync("src/lib/util.ts", join(root, "link"));
  });
  step("chmod +x", () => chmodSync(join(root, "src/main.ts"), 0o755));
  step("a .gitignore edited in place (its folder's mtime does not move)", () => put(".gitignore", "*.log\nrenamed.ts\n"));
  step("a .gitignore un-ignores again", () => put(".gitignore", "*.log\n"));
  step("a nested .gitignore appears", () => put("src/lib/.gitignore", "util.ts\n"));
  step("it goes", () => unlinkSync(join(root, "src/lib/.gitignore")));
  step(".git/info/exclude", () => writeFileSync(join(root, ".git/info/exclude"), "src/\n"));
  step("a whole folder removed", () => rmSync(join(root, "src"), { recursive: true }));
});

test("an edit in place with the same size and the mtime put back is still seen (the ctime moved)", () => {
  const { root, put } = folder();
  // A whole second, so that it can be put back exactly (what `touch -d`, `cp -p` or rsync -t do).
  const file = join(root, "src/main.ts");
  utimesSync(file, 1_700_000_000, 1_700_000_000);
  const index = aged(scanned(root, undefined).index);
  put("src/main.ts", "MAIN\n");
  utimesSync(file, 1_700_000_000, 1_700_000_000);
  expect(statSync(file, { bigint: true }).mtimeNs).toBe(1_700_000_000_000_000_000n);
  const next = scanned(root, index);
  expect(next.hashed).toBe(1);
  expect(next.manifest).toEqual(fresh(root));
});

test("a file changed within the racy window of the last scan is hashed again, even with the same stamp", () => {
  const { root } = folder();
  // Not aged: the last scan ran just now, and every file was written just before it.
  const first = scanned(root, undefined);
  const again = scanned(root, first.index);
  expect(again.hashed).toBeGreaterThan(0);
  // Once a scan ran RACY_MS after the writes, the stamps are trusted.
  const later = scanned(root, aged(again.index));
  expect(later.hashed).toBe(0);
});

test("statx and the portable lstat path give the same stamps (missing paths all zero)", () => {
  const { root } = folder();
  const index = scanned(root, undefined).index;
  const paths = ["a.txt", "src", "link", "src/lib/util.ts", "missing", "a.txt/under-a-file"];
  const [fast, portable] = [openStatter(root), openStatter(root, { statx: false })];
  try {
    for (const path of paths) {
      const [a, b] = [new Float64Array(8), new Float64Array(8)];
      fast.stat(path, a, 0);
      portable.stat(path, b, 0);
      expect({ path, stamp: Array.from(a) }).toEqual({ path, stamp: Array.from(b) });
    }
    for (let row = 0; row < index.count; row++) {
      const [a, b] = [new Float64Array(8), new Float64Array(8)];
      fast.statRow(index, row, a, 0);
      portable.statRow(index, row, b, 0);
      expect(Array.from(a)).toEqual(Array.from(b));
    }
    const stamps = Array.from(fast.statIndexed(index));
    expect(stamps.some((n) => n !== 0)).toBe(true);
    expect(stamps).toEqual(Array.from(portable.statIndexed(index)));
  } finally {
    fast.close();
    portable.close();
  }
});
