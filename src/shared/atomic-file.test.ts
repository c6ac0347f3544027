import { describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFileAtomically, writeFileAtomically } from "./atomic-file.ts";

const withDir = (fn: (dir: string) => void) => () => {
  const dir = mkdtempSync(join(tmpdir(), "atomic-file-"));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

describe("atomic files", () => {
  test("writeFileAtomically replaces the file whole, with the mode, leaving no temp file", withDir((dir) => {
    const path = join(dir, "a.json");
    writeFileAtomically(path, "one");
    writeFileAtomically(path, "two", 0o640);
    expect(readFileSync(path, "utf8")).toBe("two");
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(["a.json"]);
    expect(() => writeFileAtomically(join(dir, "missing", "b"), "x")).toThrow(/ENOENT/);
  }));

  test("createFileAtomically creates once: a second call finds it and leaves it as it was", withDir((dir) => {
    const path = join(dir, "lock");
    expect(createFileAtomically(path, "first")).toBe(true);
    expect(createFileAtomically(path, "second")).toBe(false);
    expect(readFileSync(path, "utf8")).toBe("first");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["lock"]);
    expect(() => createFileAtomically(join(dir, "missing", "b"), "x")).toThrow(/ENOENT/);
  }));
});
