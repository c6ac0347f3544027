import { describe, expect, test } from "bun:test";
import { behind, fallenBehind, GRACE, redrawAfterInterval, skipStart, skipStop } from "./terminal-backlog.ts";

const screen = { cols: 80, rows: 24 };

describe("tmux's rule for a terminal that falls behind", () => {
  test("behind past eight screens (TTY_BLOCK_START = 1 + sx*sy*8); a bigger terminal may owe more", () => {
    expect(skipStart(screen)).toBe(15361);
    expect(behind(15360, screen)).toBe(false);
    expect(behind(15361, screen)).toBe(true);
    expect(behind(15361, { cols: 200, rows: 50 })).toBe(false);
  });

  test("skipped once behind for the grace: a 1 MiB file, its line ends made \\r\\n, fits in it", () => {
    const oneMiBOfLines = 2 ** 20 + 2 ** 20 / 80;
    expect(fallenBehind(oneMiBOfLines)).toBe(false);
    expect(fallenBehind(GRACE)).toBe(true);
  });

  test("redrawn after an interval with less than an eighth of a screen of output (TTY_BLOCK_STOP = 1 + sx*sy/8), once what it was sent is taken", () => {
    expect(skipStop(screen)).toBe(241);
    expect(redrawAfterInterval(240, false, screen)).toBe(true);
    expect(redrawAfterInterval(241, false, screen)).toBe(false);
    expect(redrawAfterInterval(0, true, screen)).toBe(false);
  });
});
