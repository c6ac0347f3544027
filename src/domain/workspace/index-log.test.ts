import { expect, test } from "bun:test";
import { applyLog, encodeLogRecord, fitsInLog } from "./index-log.ts";
import { addRow, baseFromLocal, baseManifest, clearLocal, decodeIndex, emptyIndex, encodeIndex, KIND, localManifest, setLocal, type LocalIndex } from "./local-index.ts";

const stamp = (kind: number, size: number, ino: number) => new Float64Array([kind, size, 1_000, 0, 1_000, 0, ino, kind === KIND.link ? 0o120777 : 0o100644]);
const sha = (byte: number) => new Uint8Array(32).fill(byte);

/** An index of `n` files as written to its file (generation 1), read back. */
function written(n: number): { index: LocalIndex; file: Uint8Array } {
  const index = emptyIndex("w");
  for (let i = 0; i < n; i++) setLocal(index, addRow(index, `f${i}`, 0), stamp(KIND.file, i, 100 + i), 0, sha(i));
  baseFromLocal(index, 1, new Map());
  index.generation = 1;
  const file = encodeIndex(index);
  return { index: decodeIndex(file) as LocalIndex, file };
}

test("a save of a few rows is a log record; the file plus its log reads back as the index", () => {
  const { index, file } = written(40);
  setLocal(index, 3, stamp(KIND.file, 99, 103), 0, sha(42));
  setLocal(index, addRow(index, "new/link", 0), stamp(KIND.link, 0, 500), 0, "../f1");
  baseFromLocal(index, 2, new Map());
  index.racy = [3];
  expect(fitsInLog(index)).toBe(true);
  const first = encodeLogRecord(index);
  index.dirty.clear();
  index.poolSaved = index.poolUsed;
  clearLocal(index, 5);
  index.version = 3;
  const second = encodeLogRecord(index);
  const log = new Uint8Array([...first, ...second]);

  const back = decodeIndex(file) as LocalIndex;
  applyLog(back, log);
  expect(back.version).toBe(3);
  expect(back.racy).toEqual([3]);
  expect(back.logBytes).toBe(log.length);
  expect(localManifest(back)).toEqual(localManifest(index));
  expect(baseManifest(back)).toEqual(baseManifest(index));
  expect(localManifest(back)["new/link"]).toEqual({ type: "link", target: "../f1" });

  // Cut short by a crash: the whole records before it still apply, nothing after.
  const torn = decodeIndex(file) as LocalIndex;
  applyLog(torn, log.subarray(0, log.length - 3));
  expect(torn.version).toBe(2);
  expect(torn.logBytes).toBe(first.length);
});

test("a log written for another generation of the file is ignored", () => {
  const { index, file } = written(10);
  setLocal(index, 1, stamp(KIND.file, 7, 101), 0, sha(7));
  const record = encodeLogRecord(index);
  const rewritten = decodeIndex(file) as LocalIndex;
  rewritten.generation = 2;
  applyLog(rewritten, record);
  expect(rewritten.logBytes).toBe(0);
  expect(localManifest(rewritten)).toEqual(localManifest(decodeIndex(file) as LocalIndex));
});

test("many changed rows, a never-written index or a long log mean a rewrite of the file", () => {
  const { index } = written(40);
  expect(fitsInLog(index)).toBe(true);
  for (let row = 1; row <= 10; row++) setLocal(index, row, stamp(KIND.file, 1, 900 + row), 0, sha(1));
  expect(fitsInLog(index)).toBe(false);
  expect(fitsInLog(emptyIndex("w"))).toBe(false);
  const { index: other } = written(40);
  other.logBytes = 1 << 20;
  expect(fitsInLog(other)).toBe(false);
});
