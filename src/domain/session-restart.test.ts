import { expect, test } from "bun:test";
import { isRestarting, RESTART_WINDOW_MS, restartingMeta } from "./session-restart.ts";

test("a restart mark holds for its window only, and nothing else reads as one", () => {
  const at = new Date("2026-12-01T08:00:00Z");
  const meta = restartingMeta(at);
  expect(isRestarting(meta, at)).toBe(true);
  expect(isRestarting(meta, new Date(at.getTime() + RESTART_WINDOW_MS - 1))).toBe(true);
  expect(isRestarting(meta, new Date(at.getTime() + RESTART_WINDOW_MS))).toBe(false);
  expect(isRestarting(meta, new Date(at.getTime() - 1000))).toBe(false);
  expect(isRestarting({}, at)).toBe(false);
  expect(isRestarting({ restartingSince: 42 }, at)).toBe(false);
});
