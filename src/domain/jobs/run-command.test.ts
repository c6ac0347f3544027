import { describe, expect, test } from "bun:test";
import { headlessRunCommand } from "./run-command.ts";

const throttle = { attempts: 1, firstAt: "2026-01-01T00:00:00.000Z", nextRetryAt: "2026-01-01T00:01:00.000Z" };

describe("headlessRunCommand: one argv for local and control-plane runs", () => {
  test("first run: the one-shot argv, the task one element, tuning after it", () => {
    expect(headlessRunCommand({ profile: "claude", task: "fix it; rm -rf /", model: "opus" }, {})).toEqual({ profile: "claude", command: "claude", args: ["-p", "fix it; rm -rf /", "--model", "opus"] });
    expect(headlessRunCommand({ profile: "codex", task: "t", effort: "high" }, {}).args).toEqual(["exec", "t", "-c", "model_reasoning_effort=high"]);
  });

  test("after a throttle: the continue argv, whichever launch it is", () => {
    expect(headlessRunCommand({ profile: "claude", task: "t", throttle }, {}).args).toEqual(["-p", "--continue", "t"]);
    expect(headlessRunCommand({ profile: "codex", task: "t", throttle }, {}).args).toEqual(["exec", "resume", "--last", "t"]);
  });

  test("the shell profile runs the given environment's SHELL, else bash; its args do not depend on it", () => {
    expect(headlessRunCommand({ profile: "shell", task: "echo hi" }, { SHELL: "/bin/zsh" })).toEqual({ profile: "shell", command: "/bin/zsh", args: ["-c", "echo hi"] });
    expect(headlessRunCommand({ profile: "shell", task: "echo hi" }, {}).command).toBe("/bin/bash");
    expect(headlessRunCommand({ profile: "shell", task: "echo hi" }, { SHELL: "  " }).command).toBe("/bin/bash");
  });
});
