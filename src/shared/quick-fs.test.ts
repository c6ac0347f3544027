import { describe, expect, test } from "bun:test";
import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createThenRename, isCharacterDevice, lstatFacts, pathExists, readTextIfThere, writeSome } from "./quick-fs.ts";

const withDir = (fn: (dir: string) => void) => () => {
  const dir = mkdtempSync(join(tmpdir(), "quick-fs-"));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** Every kind of path the quick commands meet: what node:fs says of each is the answer. */
function paths(dir: string) {
  mkdirSync(join(dir, "private"), { mode: 0o700 });
  chmodSync(join(dir, "private"), 0o700);
  writeFileSync(join(dir, "file"), "x".repeat(10_000));
  symlinkSync(join(dir, "private"), join(dir, "link-to-dir"));
  symlinkSync(join(dir, "file"), join(dir, "link-to-file"));
  symlinkSync(join(dir, "nowhere"), join(dir, "dangling"));
  return ["private", "file", "link-to-dir", "link-to-file", "dangling", "missing", "file/under-a-file"].map((name) => join(dir, name));
}

describe("quick-fs (libc, else node:fs)", () => {
  test("lstatFacts says what node:fs's lstatSync says: a link is a link, nothing there is undefined", withDir((dir) => {
    const outcome = (look: () => unknown) => {
      try {
        return look();
      } catch (error) {
        return `throws ${(error as NodeJS.ErrnoException).code}`;
      }
    };
    const byNode = (path: string) => {
      const s = lstatSync(path, { throwIfNoEntry: false });
      return s && { isSymbolicLink: s.isSymbolicLink(), isDirectory: s.isDirectory(), isFile: s.isFile(), uid: s.uid, mode: s.mode & 0o7777 };
    };
    const all = paths(dir);
    expect(all.map((path) => [path, outcome(() => lstatFacts(path))])).toEqual(all.map((path) => [path, outcome(() => byNode(path))]));
    expect(outcome(() => lstatFacts(join(dir, "file", "under-a-file")))).toBe("throws ENOTDIR");
  }));

  test("pathExists says what existsSync says, a link counting by its target", withDir((dir) => {
    const all = paths(dir);
    const got = all.map((path) => [path, pathExists(path)]);
    expect(got).toEqual(all.map((path) => [path, existsSync(path)]));
    expect(got.filter(([, there]) => there).length).toBe(4);
  }));

  test("readTextIfThere reads a whole file (past one read's worth) or a /proc file; undefined when it cannot be opened", withDir((dir) => {
    const [, file, , linkToFile, dangling, missing] = paths(dir);
    expect(readTextIfThere(file as string)).toBe(readFileSync(file as string, "utf8"));
    expect(readTextIfThere(linkToFile as string)).toBe("x".repeat(10_000));
    expect(readTextIfThere("/proc/self/stat")).toContain(`${process.pid} (`);
    expect(readTextIfThere(dangling as string)).toBeUndefined();
    expect(readTextIfThere(missing as string)).toBeUndefined();
  }));

  test("isCharacterDevice: /dev/null is one, a file is not", withDir((dir) => {
    const devNull = openSync("/dev/null", "r");
    const file = openSync(join(dir, "f"), "w");
    try {
      expect([isCharacterDevice(devNull), isCharacterDevice(file)]).toEqual([true, false]);
    } finally {
      closeSync(devNull);
      closeSync(file);
    }
  }));

  test("writeSome writes to a descriptor and says how much", withDir((dir) => {
    const path = join(dir, "out");
    const fd = openSync(path, "w");
    try {
      const bytes = new TextEncoder().encode("hello\n");
      expect(writeSome(fd, bytes)).toBe(bytes.length);
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(path, "utf8")).toBe("hello\n");
  }));

  test("createThenRename puts a whole new file with its mode in place; a temp already there is not written through", withDir((dir) => {
    const path = join(dir, "event.json");
    expect(createThenRename(join(dir, "a.tmp"), path, new TextEncoder().encode("{}"), 0o600)).toBe(true);
    expect([readFileSync(path, "utf8"), statSync(path).mode & 0o777, readdirSync(dir)]).toEqual(["{}", 0o600, ["event.json"]]);
    writeFileSync(join(dir, "b.tmp"), "someone else's");
    expect(createThenRename(join(dir, "b.tmp"), path, new TextEncoder().encode("new"), 0o600)).toBe(false);
    expect([readFileSync(path, "utf8"), readFileSync(join(dir, "b.tmp"), "utf8")]).toEqual(["{}", "someone else's"]);
  }));
});
