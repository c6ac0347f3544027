import { describe, expect, test } from "bun:test";
import { mergeText } from "./merge-text.ts";

describe("mergeText", () => {
  test("edits on different lines merge cleanly", () => {
    expect(mergeText("a\nb\nc\n", "A\nb\nc\n", "a\nb\nC\n")).toEqual({ conflict: false, text: "A\nb\nC\n" });
  });
  test("the same edit on both sides is no conflict", () => {
    expect(mergeText("a\n", "b\n", "b\n")).toEqual({ conflict: false, text: "b\n" });
  });
  test("edits of the same line give markers around both sides", () => {
    expect(mergeText("a\nb\n", "a\nL\n", "a\nR\n")).toEqual({ conflict: true, regions: 1, text: "a\n<<<<<<< local\nL\n=======\nR\n>>>>>>> remote\n" });
  });
  test("a side without a final newline does not glue onto a marker", () => {
    expect(mergeText("x", "local", "remote").text).toBe("<<<<<<< local\nlocal\n=======\nremote\n>>>>>>> remote\n");
  });
});
