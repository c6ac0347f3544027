import { describe, expect, test } from "bun:test";
import { BURST, fallenBehind, redrawAfterInterval, skipStart, skipStop } from "./terminal-backlog.ts";

const screen = { cols: 80, rows: 24 };

describe("tmux's rule for a terminal that falls behind", () => {
  test("behind past a burst plus eight screens (TTY_BLOCK_START = 1 + sx*sy*8)", () => {
    expect(skipStart(screen)).toBe(BURST + 15361);
    expect(fallenBehind(BURST + 15360, screen)).toBe(false);
    expect(fallenBehind(BURST + 15361, screen)).toBe(true);
    // A bigger terminal may owe more: eight of its screens.
    expect(fallenBehind(BURST + 15361, { cols: 200, rows: 50 })).toBe(false);
  });

  test("redrawn after an interval with less than an eighth of a screen of output (TTY_BLOCK_STOP = 1 + sx*sy/8), once what it was sent is taken", () => {
    expect(skipStop(screen)).toBe(241);
    expect(redrawAfterInterval(240, false, screen)).toBe(true);
    expect(redrawAfterInterval(241, false, screen)).toBe(false);
    expect(redrawAfterInterval(0, true, screen)).toBe(false);
  });
});
