import { describe, expect, test } from "bun:test";
import { privateDirProblem, unsafeDirError } from "./private-dir.ts";

const ours = { isSymbolicLink: false, isDirectory: true, uid: 1000, mode: 0o700 };

describe("privateDirProblem", () => {
  test("our own 0700 directory is fine", () => {
    expect(privateDirProblem(ours, 1000)).toBeUndefined();
  });

  test.each([
    [{ ...ours, isSymbolicLink: true, isDirectory: false }, "it is a symbolic link"],
    [{ ...ours, isDirectory: false }, "it is not a directory"],
    [{ ...ours, uid: 65534 }, "it is owned by uid 65534, not by us (uid 1000)"],
    [{ ...ours, mode: 0o777 }, "its mode is 0777, not 0700"],
    [{ ...ours, mode: 0o1777 }, "its mode is 01777, not 0700"],
    [{ ...ours, mode: 0o755 }, "its mode is 0755, not 0700"],
    // Too closed is refused too: we could not use it, and "exactly 0700" is the rule.
    [{ ...ours, mode: 0o500 }, "its mode is 0500, not 0700"],
  ])("%o is refused: %s", (facts, why) => {
    expect(privateDirProblem(facts, 1000)).toBe(why);
  });

  test("a link is named as a link even when it points at a good directory", () => {
    expect(privateDirProblem({ ...ours, isSymbolicLink: true }, 1000)).toBe("it is a symbolic link");
  });
});

test("the error names the path, what is wrong and what to do", () => {
  const error = unsafeDirError("/tmp/remote-0", "its mode is 0777, not 0700");
  expect(error.code).toBe("UNSAFE_DIR");
  expect(error.message).toBe("Cannot use directory '/tmp/remote-0': its mode is 0777, not 0700");
  expect(error.hint).toContain("remove it");
  expect(error.hint).toContain("REMOTE_HOME");
  expect(error.hint).toContain("XDG_RUNTIME_DIR");
});
