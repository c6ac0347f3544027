import { describe, expect, test } from "bun:test";
import { checkArchive, type ArchiveHeader } from "./archive-rules.ts";

const limits = { maxFiles: 100, maxBytes: 1000 };
const file = (path: string, size = 1): ArchiveHeader => ({ path, type: "file", size });
const link = (path: string, linkTarget: string): ArchiveHeader => ({ path, type: "link", size: 0, linkTarget });
const problems = (headers: ArchiveHeader[], l = limits) => {
  const verdict = checkArchive(headers, l);
  return verdict.ok ? [] : verdict.problems;
};

describe("checkArchive (untrusted archives)", () => {
  test("files, folders and links inside the tree pass; ./ prefixes and folder slashes are tidied", () => {
    expect(problems([{ path: "src/", type: "directory", size: 0 }, file("./src/a.ts"), link("src/b", "a.ts"), link("lib", "src"), link("up", "src/../README"), file("README")])).toEqual([]);
  });

  test.each([
    ["../evil", "'..'"],
    ["a/../../evil", "'..'"],
    ["/etc/passwd", "absolute"],
    ["C:/x", "absolute"],
    ["a\\..\\b", "backslash"],
    ["a\0b", "NUL"],
    [".git/hooks/post-checkout", ".git"],
    ["sub/.git/config", ".git"],
    [".remote/workspace.json", ".remote"],
    ["a//b", "empty"],
    [`${"x".repeat(256)}`, "longer than 255"],
  ])("refuses the path %j", (path, why) => {
    const found = problems([file("ok"), file(path)]);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(why);
  });

  test.each([
    ["/etc", "outside"],
    ["../x", "outside"],
    ["a/../../x", "outside"],
    ["", "outside"],
  ])("refuses a link to %j", (target, why) => {
    expect(problems([link("l", target)])[0]).toContain(why);
  });

  test("a link deeper in the tree may climb as far as the root, not beyond", () => {
    expect(problems([link("a/b/l", "../../c")])).toEqual([]);
    expect(problems([link("a/b/l", "../../../c")])[0]).toContain("outside");
  });

  test("devices, fifos, hard links and unknown types are refused", () => {
    for (const type of ["device", "fifo", "hardlink", "other"] as const) expect(problems([{ path: "x", type, size: 0 }])).toHaveLength(1);
  });

  test("a path under a symlink of the same archive is refused (it would be written through the link)", () => {
    expect(problems([link("d", "sub"), file("d/x")])[0]).toContain("under the symlink 'd'");
    expect(problems([file("f"), file("f/x")])[0]).toContain("under the file 'f'");
  });

  test("the same path twice is refused; a folder twice is fine", () => {
    expect(problems([file("a"), file("a")])[0]).toContain("second entry");
    expect(problems([{ path: "d/", type: "directory", size: 0 }, { path: "d", type: "directory", size: 0 }])).toEqual([]);
  });

  test("more files or bytes than the limits are refused; folders do not count", () => {
    expect(problems([file("a"), file("b"), file("c")], { maxFiles: 2, maxBytes: 100 })[0]).toContain("3 files and links, more than the 2");
    expect(problems([file("a", 60), file("b", 60)], { maxFiles: 10, maxBytes: 100 })[0]).toContain("120 bytes");
    expect(problems([{ path: "d", type: "directory", size: 0 }, file("d/a")], { maxFiles: 1, maxBytes: 100 })).toEqual([]);
  });

  test("at most five problems are named", () => {
    expect(problems(Array.from({ length: 50 }, (_, i) => file(`../x${i}`)))).toHaveLength(5);
  });
});
