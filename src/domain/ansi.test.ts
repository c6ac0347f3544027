import { expect, test } from "bun:test";
import { stripAnsi } from "./ansi.ts";

test("strips colours, cursor moves, titles and carriage returns", () => {
  expect(stripAnsi("\x1b[1;31mred\x1b[0m plain\r\n")).toBe("red plain\n");
  expect(stripAnsi("\x1b]0;title\x07$ ls\x1b[K")).toBe("$ ls");
  expect(stripAnsi("a\x1b[10;5Hb\x1b(Bc\x1b=")).toBe("abc");
  expect(stripAnsi("tab\tstays\n")).toBe("tab\tstays\n");
});
