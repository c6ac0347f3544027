import { expect, test } from "bun:test";
import type { Entry } from "./entry.ts";
import { addRow, baseFromLocal, baseManifest, changeSinceBase, clearLocal, decodeIndex, emptyIndex, encodeIndex, isRacy, KIND, localManifest, RACY_MS, replaceBase, rowCount, setLocal, STAMP, stampHolds } from "./local-index.ts";

const sha = (byte: number) => new Uint8Array(32).fill(byte);
const hexOf = (byte: number) => byte.toString(16).padStart(2, "0").repeat(32);
/** A stamp: kind, size, mtime s/ns, ctime s/ns, inode, st_mode. */
const stamp = (kind: number, size: number, mtimeSec: number, ino = 7, mode = 0o100644) => new Float64Array([kind, size, mtimeSec, 5, mtimeSec, 5, ino, mode]);

test("a stamp vouches for the hash only when every field matches and it is older than the scan by RACY_MS", () => {
  const index = emptyIndex("w");
  const row = addRow(index, "a.txt", 0);
  setLocal(index, row, stamp(KIND.file, 3, 1_000), 0, sha(1));
  index.scannedAt = 2_000_000; // ms: the stamp (1,000 s) is far older
  expect(stampHolds(index, row, stamp(KIND.file, 3, 1_000), 0)).toBe(true);
  for (const [i, value] of [[1, 4], [2, 1_001], [3, 6], [4, 1_001], [5, 6], [6, 8], [7, 0o100755]] as const) {
    const moved = stamp(KIND.file, 3, 1_000);
    moved[i] = value;
    expect(stampHolds(index, row, moved, 0)).toBe(false);
  }
  // Racy: stamped within RACY_MS of the scan that recorded it, the same stamp may hide a later write.
  index.scannedAt = 1_000_000 + RACY_MS - 1;
  expect(stampHolds(index, row, stamp(KIND.file, 3, 1_000), 0)).toBe(false);
  expect(isRacy(1_000_000 + RACY_MS + 1, stamp(KIND.file, 3, 1_000), 0)).toBe(false);
  // ctime counts too (a tool that puts the mtime back still moves the ctime).
  const ctimeLate = stamp(KIND.file, 3, 1_000);
  ctimeLate[4] = 2_000;
  expect(isRacy(2_000_000, ctimeLate, 0)).toBe(true);
});

test("the change since the base: only rows not clean are listed; deletions are base-only rows; outside links are named, never sent", () => {
  const index = emptyIndex("w");
  const [kept, edited, added, gone, outside] = ["kept", "edited", "added", "gone", "out"].map((p) => addRow(index, p, 0)) as [number, number, number, number, number];
  for (const [row, byte] of [[kept, 1], [edited, 2], [gone, 3]] as const) setLocal(index, row, stamp(KIND.file, 10, 1), 0, sha(byte));
  baseFromLocal(index, 1, new Map());
  expect(changeSinceBase(index)).toMatchObject({ set: {}, deleted: [], unchanged: 3, unchangedBytes: 30 });

  setLocal(index, edited, stamp(KIND.file, 11, 2), 0, sha(9));
  setLocal(index, added, stamp(KIND.file, 5, 2), 0, sha(4));
  clearLocal(index, gone);
  setLocal(index, outside, stamp(KIND.link, 0, 2, 9, 0o120777), 0, "../../etc");
  const change = changeSinceBase(index);
  expect(change.set).toEqual({ edited: { type: "file", sha256: hexOf(9), size: 11, mode: 0o644 }, added: { type: "file", sha256: hexOf(4), size: 5, mode: 0o644 } });
  expect(change.deleted).toEqual(["gone"]);
  expect(change.outsideLinks).toEqual(["out"]);
  expect(change.unchanged).toBe(1);

  // The commit: the base is the local tree, except what the server says it stored.
  const stored = { type: "file" as const, sha256: hexOf(8), size: 11, mode: 0o644 };
  baseFromLocal(index, 2, new Map([[edited, stored]]));
  expect(index.version).toBe(2);
  expect(baseManifest(index)).toEqual({ kept: { type: "file", sha256: hexOf(1), size: 10, mode: 0o644 }, edited: stored, added: change.set.added as Entry });
  // What the server stored differs from the file here: the next push sends it again.
  expect(Object.keys(changeSinceBase(index).set)).toEqual(["edited"]);
});

test("replaceBase takes a remote manifest: paths not here become base-only rows under rows for their folders", () => {
  const index = emptyIndex("w");
  const a = addRow(index, "a", 0);
  setLocal(index, a, stamp(KIND.file, 1, 1), 0, sha(1));
  replaceBase(index, 7, { a: { type: "file", sha256: hexOf(1), size: 1, mode: 0o644 }, "d/e/f": { type: "link", target: "../a" } });
  expect(index.version).toBe(7);
  expect(baseManifest(index)).toEqual({ a: { type: "file", sha256: hexOf(1), size: 1, mode: 0o644 }, "d/e/f": { type: "link", target: "../a" } });
  expect(changeSinceBase(index)).toMatchObject({ set: {}, deleted: ["d/e/f"], unchanged: 1 });
  replaceBase(index, 8, {});
  expect(changeSinceBase(index).set).toEqual({ a: { type: "file", sha256: hexOf(1), size: 1, mode: 0o644 } });
});

test("the file round-trips every row; dead rows are dropped once they are a quarter, and folders holding base rows stay", () => {
  const index = emptyIndex("w");
  index.scannedAt = 123_456;
  index.rules = [{ path: ".gitignore", stamp: Array.from(stamp(KIND.file, 1, 1)) }];
  const dir = addRow(index, "dir", 0);
  setLocal(index, dir, stamp(KIND.dir, 0, 1, 3, 0o40755), 0);
  const rows = Array.from({ length: 8 }, (_, i) => addRow(index, `dir/f${i}`, dir));
  rows.forEach((row, i) => setLocal(index, row, stamp(KIND.file, i, 1, 100 + i), 0, sha(i)));
  const link = addRow(index, "dir/l", dir);
  setLocal(index, link, stamp(KIND.link, 0, 1, 50, 0o120777), 0, "f1");
  baseFromLocal(index, 3, new Map());

  const back = decodeIndex(encodeIndex(index));
  expect(back).toBeDefined();
  expect(back?.scannedAt).toBe(123_456);
  expect(back?.rules).toEqual(index.rules);
  expect(localManifest(back as never)).toEqual(localManifest(index));
  expect(baseManifest(back as never)).toEqual(baseManifest(index));
  const copy = new Float64Array(STAMP);
  copy.set(stamp(KIND.file, 2, 1, 102));
  expect(stampHolds(back as never, rows[2] as number, copy, 0)).toBe(true);

  // Everything deleted here and in the base: dead rows, compacted away; a base-only row keeps its folder.
  for (const row of rows) clearLocal(index, row);
  clearLocal(index, link);
  clearLocal(index, dir);
  baseFromLocal(index, 4, new Map());
  replaceBase(index, 5, { "dir/f0": { type: "file", sha256: hexOf(0), size: 0, mode: 0o644 } });
  const compacted = decodeIndex(encodeIndex(index));
  expect(rowCount(compacted as never)).toBe(3); // root, dir, dir/f0
  expect(baseManifest(compacted as never)).toEqual({ "dir/f0": { type: "file", sha256: hexOf(0), size: 0, mode: 0o644 } });
  expect(changeSinceBase(compacted as never).deleted).toEqual(["dir/f0"]);
});

test("a file of another format or a damaged one is not an index (the next scan starts afresh)", () => {
  expect(decodeIndex(new TextEncoder().encode('{"rows":{}}'))).toBeUndefined();
  const bytes = encodeIndex(emptyIndex("w"));
  expect(decodeIndex(bytes.subarray(0, bytes.length - 1))).toBeUndefined();
});
