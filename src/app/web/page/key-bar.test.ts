import { expect, test } from "bun:test";
import { barKeyBytes, withCtrl } from "./key-bar.ts";

const normal = { applicationCursor: false, ctrl: false };

test("Esc, Tab and Ctrl+C are their bytes; arrows follow the cursor-key mode", () => {
  expect(["esc", "tab", "ctrl-c"].map((k) => barKeyBytes(k as "esc", normal))).toEqual(["\x1b", "\t", "\x03"]);
  expect((["up", "down", "right", "left"] as const).map((k) => barKeyBytes(k, normal))).toEqual(["\x1b[A", "\x1b[B", "\x1b[C", "\x1b[D"]);
  // Full-screen TUIs (vim, less, agent CLIs) turn on application cursor keys.
  expect((["up", "left"] as const).map((k) => barKeyBytes(k, { applicationCursor: true, ctrl: false }))).toEqual(["\x1bOA", "\x1bOD"]);
  // Ctrl+arrow (word motion in readline and editors), whatever the mode.
  expect(barKeyBytes("right", { applicationCursor: true, ctrl: true })).toBe("\x1b[1;5C");
});

test("the sticky Ctrl makes the next character its control form, or steps aside", () => {
  expect(["a", "C", "z", "[", "@", " ", "?", "_"].map(withCtrl)).toEqual(["\x01", "\x03", "\x1a", "\x1b", "\x00", "\x00", "\x7f", "\x1f"]);
  expect(withCtrl("rest")).toBe("\x12est");
  expect(withCtrl("1")).toBeUndefined();
  expect(withCtrl("é")).toBeUndefined();
  expect(withCtrl("")).toBeUndefined();
});
