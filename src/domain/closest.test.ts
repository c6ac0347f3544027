import { expect, test } from "bun:test";
import { closestMatch, editDistance } from "./closest.ts";

test("edit distance counts inserts, deletes, substitutions and swapped neighbours", () => {
  expect(editDistance("json", "json")).toBe(0);
  expect(editDistance("jsno", "json")).toBe(1); // swap
  expect(editDistance("jso", "json")).toBe(1);
  expect(editDistance("jsonn", "json")).toBe(1);
  expect(editDistance("kitten", "sitting")).toBe(3);
  expect(editDistance("", "abc")).toBe(3);
});

test("the closest known word is suggested only when it is close", () => {
  const flags = ["name", "cwd", "detach", "resume", "model", "effort", "dry-run", "remote"];
  expect(closestMatch("detatch", flags)).toBe("detach");
  expect(closestMatch("dryrun", flags)).toBe("dry-run");
  expect(closestMatch("dry", flags)).toBe("dry-run"); // a prefix
  expect(closestMatch("Model", flags)).toBe("model");
  expect(closestMatch("target", flags)).toBeUndefined();
  expect(closestMatch("x", flags)).toBeUndefined();
  expect(closestMatch("lss", ["run", "attach", "ls", "logs"])).toBe("ls");
});
