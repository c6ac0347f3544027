import { describe, expect, test } from "bun:test";
import { countLag, fallenBehind, GRACE, NO_LAG, redrawAfterInterval, skipStart, skipStop, type Lag } from "./terminal-backlog.ts";

const screen = { cols: 80, rows: 24 };
const behind = 15361;

describe("tmux's rule for a terminal that falls behind", () => {
  test("behind past eight screens (TTY_BLOCK_START = 1 + sx*sy*8); a bigger terminal may owe more", () => {
    expect(skipStart(screen)).toBe(15361);
    expect(countLag(NO_LAG, 100, 15360, screen).behindFor).toBe(0);
    expect(countLag(NO_LAG, 100, 15361, screen).behindFor).toBe(100);
    expect(countLag(NO_LAG, 100, 15361, { cols: 200, rows: 50 }).behindFor).toBe(0);
  });

  test("skipped once behind for the grace in all: a 1 MiB file, its line ends made \\r\\n, fits in it", () => {
    const oneMiBOfLines = 2 ** 20 + 2 ** 20 / 80;
    expect(fallenBehind(countLag(NO_LAG, oneMiBOfLines, behind, screen))).toBe(false);
    expect(fallenBehind(countLag(NO_LAG, GRACE, behind, screen))).toBe(true);
  });

  test("catching up for a moment does not start the count again; keeping up for as long as the grace does", () => {
    const half = GRACE / 2;
    let lag: Lag = countLag(NO_LAG, half, behind, screen);
    lag = countLag(lag, 64 * 1024, 0, screen);
    expect(fallenBehind(countLag(lag, half, behind, screen))).toBe(true);
    lag = countLag(lag, GRACE, 0, screen);
    expect(lag).toEqual(NO_LAG);
    expect(fallenBehind(countLag(lag, half, behind, screen))).toBe(false);
  });

  test("redrawn after an interval with less than an eighth of a screen of output (TTY_BLOCK_STOP = 1 + sx*sy/8), once what it was sent is taken", () => {
    expect(skipStop(screen)).toBe(241);
    expect(redrawAfterInterval(240, false, screen)).toBe(true);
    expect(redrawAfterInterval(241, false, screen)).toBe(false);
    expect(redrawAfterInterval(0, true, screen)).toBe(false);
  });
});
