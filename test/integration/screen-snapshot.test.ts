/**
 * The screen model's redraw (what an attach is sent first): one of an unchanged screen is the
 * one before, not serialised again; output or a resize since makes a fresh one, exact as ever.
 */
import { describe, expect, test } from "bun:test";
import { createXtermScreen } from "../../src/adapters/screen/xterm-screen.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("screen redraw", () => {
  test("an unchanged screen's redraw is the one before; output and a resize since each make a new, exact one", async () => {
    const screen = createXtermScreen().create(40, 10);
    try {
      screen.write(bytes("first line\r\n"));
      const first = await screen.snapshot();
      expect(first.data).toContain("first line");
      // Nothing changed: the very same redraw.
      expect(await screen.snapshot()).toBe(first);

      screen.write(bytes("second line\r\n"));
      const second = await screen.snapshot();
      expect(second).not.toBe(first);
      expect(second.offset).toBe(first.offset + "second line\r\n".length);
      expect(second.data).toContain("second line");
      expect(await screen.snapshot()).toBe(second);

      // A resize changes the screen without any output: a new redraw, at the new size.
      screen.write(bytes(`${"x".repeat(30)}\r\n`));
      const wide = await screen.snapshot();
      screen.resize(20, 10);
      const narrow = await screen.snapshot();
      expect(narrow).not.toBe(wide);
      expect(narrow.offset).toBe(wide.offset);
      expect(screen.size()).toEqual({ cols: 20, rows: 10 });
      // The 30 x's no longer fit one row of 20.
      expect(narrow.data).not.toBe(wide.data);
      expect(await screen.snapshot()).toBe(narrow);
    } finally {
      screen.dispose();
    }
  });
});
