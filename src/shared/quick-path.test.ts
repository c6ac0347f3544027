import { describe, expect, test } from "bun:test";
import { dirname, join, resolve } from "node:path";
import { childPath, isNormalAbsolute, parentPath, resolvePath } from "./quick-path.ts";

const PATHS = ["/", "/a", "/a/b", "/tmp/remote-0", "/a/", "//a", "/a//b", "/a/./b", "/a/../b", "/a/.", "/a/..", "/.hidden", "/a/...", "/a/b..", "a", "a/b", "", ".", "..", "./a", "/a b/c"];
const NAMES = ["x", ".config", "remote-0", "x.sock", "", ".", "..", "a/b", "/abs", "..x"];

describe("quick-path: node:path's answers, node:path not loaded for normal absolute paths", () => {
  test("resolvePath, parentPath and childPath equal path.resolve, path.dirname and path.join", () => {
    for (const p of PATHS) {
      expect([p, resolvePath(p)]).toEqual([p, resolve(p)]);
      expect([p, parentPath(p)]).toEqual([p, dirname(p)]);
      for (const n of NAMES) expect([p, n, childPath(p, n)]).toEqual([p, n, join(p, n)]);
    }
  });

  test("which paths count as normal and absolute", () => {
    expect(PATHS.filter(isNormalAbsolute)).toEqual(["/", "/a", "/a/b", "/tmp/remote-0", "/.hidden", "/a/...", "/a/b..", "/a b/c"]);
  });
});
