import { expect, test } from "bun:test";
import { cachedHash, indexNeedsRewrite, RACY_MS, STALE_ROWS, type StatIndex } from "./stat-index.ts";

const stamp = { size: 10, mtimeMs: 1_000, ino: 7, mode: 0o644 };
const index: StatIndex = { indexedAtMs: 5_000, rows: { "a.txt": { ...stamp, sha256: "h" } } };

test("a row keeps its hash only while its stamp is the same and not racy", () => {
  expect(cachedHash(index, "a.txt", stamp)).toBe("h");
  expect(cachedHash(index, "a.txt", { ...stamp, mtimeMs: 1_001 })).toBeUndefined();
  expect(cachedHash(index, "b.txt", stamp)).toBeUndefined();
  expect(cachedHash({ ...index, indexedAtMs: stamp.mtimeMs + RACY_MS - 1 }, "a.txt", stamp)).toBeUndefined();
});

test("the index is rewritten when missing or when enough rows went stale, not for a one-file edit", () => {
  expect(indexNeedsRewrite(false, 0, 0, 3)).toBe(true);
  expect(indexNeedsRewrite(true, 1, 20_000, 20_000)).toBe(false);
  expect(indexNeedsRewrite(true, STALE_ROWS, 20_000, 20_000)).toBe(true);
  expect(indexNeedsRewrite(true, 0, 20_000, 20_000 - STALE_ROWS)).toBe(true);
  expect(indexNeedsRewrite(true, 10, 20_000, 20_010)).toBe(false);
});
