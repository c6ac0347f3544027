import { expect, test } from "bun:test";
import { applyChange, diffManifests, normalMode, sameEntry, type Entry } from "./entry.ts";
import { resolveLinkTarget } from "./workspace-path.ts";

const f = (sha: string, size = 1, mode = 0o644): Entry => ({ type: "file", sha256: sha, size, mode });

test("entries compare by content and exec bit (links by target); a diff lists what to send, what to delete, what was skipped", () => {
  expect(normalMode(0o100775)).toBe(0o755);
  expect(normalMode(0o100600)).toBe(0o644);
  expect(sameEntry(f("a"), f("a", 99))).toBe(true);
  expect(sameEntry(f("a"), f("a", 1, 0o755))).toBe(false);
  expect(sameEntry({ type: "link", target: "a" }, f("a"))).toBe(false);
  const from = { keep: f("k", 10), change: f("c"), drop: f("d") };
  const to = { keep: f("k", 10), change: f("C"), add: f("a") };
  const change = diffManifests(from, to);
  expect(change).toEqual({ set: { change: f("C"), add: f("a") }, deleted: ["drop"], unchanged: 1, unchangedBytes: 10 });
  expect(applyChange(from, change)).toEqual(to);
});

test("link targets resolve relative to the link's folder; leaving the root is undefined", () => {
  expect(resolveLinkTarget("a/b/l", "../c")).toBe("a/c");
  expect(resolveLinkTarget("l", "./x/./y")).toBe("x/y");
  expect(resolveLinkTarget("l", "..")).toBeUndefined();
  expect(resolveLinkTarget("l", "/x")).toBeUndefined();
});

