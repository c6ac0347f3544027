import { describe, expect, test } from "bun:test";
import { stripAnsi, terminalText } from "./ansi.ts";

test("strips colours, cursor moves, titles and carriage returns", () => {
  expect(stripAnsi("\x1b[1;31mred\x1b[0m plain\r\n")).toBe("red plain\n");
  expect(stripAnsi("\x1b]0;title\x07$ ls\x1b[K")).toBe("$ ls");
  expect(stripAnsi("a\x1b[10;5Hb\x1b(Bc\x1b=")).toBe("abc");
  expect(stripAnsi("tab\tstays\n")).toBe("tab\tstays\n");
});

describe("terminalText: lines off raw terminal output", () => {
  test("plain lines stay as they are, CRLF or LF", () => {
    expect(terminalText("one\r\ntwo\nthree")).toBe("one\ntwo\nthree");
  });

  test("colours, titles and hyperlinks go, their payload too", () => {
    expect(terminalText("\x1b]0;claude: fix it\x07\x1b[1;31mAPI Error\x1b[0m: 429")).toBe("API Error: 429");
    expect(terminalText("see \x1b]8;;https://example.com\x1b\\the docs\x1b]8;;\x1b\\ now")).toBe("see the docs now");
  });

  test("a cursor move to another row ends the line", () => {
    expect(terminalText("\x1b[5;1Hfirst row\x1b[6;1Hsecond row")).toBe("first row\nsecond row");
    expect(terminalText("box top\x1b[1Bbox bottom\x1b[2Aabove\x1b[1Enext")).toBe("box top\nbox bottom\nabove\nnext");
    expect(terminalText("a\x1b[3db\x1bMc\x1bDd\x1b7e\x1b8f")).toBe("a\nb\nc\nde\nf"); // ESC 7 saves the cursor, only ESC 8 moves it
  });

  test("Ink-style erase-and-redraw: the redrawn frame reads as lines", () => {
    const redraw = "\x1b[2K\x1b[1A\x1b[2K\x1b[1A\x1b[2K\x1b[G";
    expect(terminalText(`> hello${redraw}⎿  API Error: Request rejected (429) · slow down\n\x1b[2m> \x1b[22m`)).toBe("> hello\n\n⎿  API Error: Request rejected (429) · slow down\n>");
  });

  test("a carriage return or a move to column 1 ends the line; a move along the row is a space", () => {
    expect(terminalText("10%\r50%\r100%\r\n")).toBe("10%\n50%\n100%");
    expect(terminalText("left\x1b[Gnext\x1b[1Glast")).toBe("left\nnext\nlast");
    expect(terminalText("name\x1b[20Gvalue\x1b[3Cmore")).toBe("name value more");
  });

  test("blank lines collapse, trailing blanks go, nothing but blanks is empty", () => {
    expect(terminalText("\n\n  \na   \n\n\n\nb\n\n")).toBe("a\n\nb");
    expect(terminalText("\x1b[2J\x1b[H\x1b[?25l\x1b[K")).toBe("");
    expect(terminalText("")).toBe("");
  });

  test("tabs stay, other control characters go", () => {
    expect(terminalText("a\tb\x07\x08c\x00")).toBe("a\tbc");
  });
});
