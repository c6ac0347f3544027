import { describe, expect, test } from "bun:test";
import { hookCommand, installHooks, parseSettings, shellQuote, uninstallHooks } from "./claude-settings.ts";

const self = ["/opt/remote/bin/remote"];
const theirs = {
  model: "opus",
  hooks: {
    SessionStart: [{ matcher: "startup", hooks: [{ type: "command", command: "echo hi" }] }],
    PreToolUse: [{ matcher: "Bash", hooks: [{ type: "command", command: "lint" }] }],
  },
};

describe("installHooks", () => {
  test("adds one SessionStart and one SessionEnd entry running our hook", () => {
    const { settings, changed } = installHooks({}, self);
    expect(changed).toBe(true);
    expect(settings).toEqual({
      hooks: {
        SessionStart: [{ matcher: "", hooks: [{ type: "command", command: "/opt/remote/bin/remote enroll --hook claude-start", timeout: 5 }] }],
        SessionEnd: [{ matcher: "", hooks: [{ type: "command", command: "/opt/remote/bin/remote enroll --hook claude-end", timeout: 5 }] }],
      },
    });
  });

  test("is idempotent: a second install changes nothing", () => {
    const once = installHooks(theirs, self).settings;
    const twice = installHooks(once, self);
    expect(twice.changed).toBe(false);
    expect(twice.settings).toEqual(once);
  });

  test("leaves every other key and hook untouched, in place", () => {
    const { settings } = installHooks(theirs, self);
    const hooks = settings.hooks as Record<string, unknown[]>;
    expect(settings.model).toBe("opus");
    expect(hooks.PreToolUse).toEqual(theirs.hooks.PreToolUse);
    expect(hooks.SessionStart?.[0]).toEqual(theirs.hooks.SessionStart[0]);
    expect(hooks.SessionStart).toHaveLength(2);
  });

  test("a moved binary replaces our old entry instead of adding a second", () => {
    const old = installHooks(theirs, ["/old/remote"]).settings;
    const moved = installHooks(old, self);
    expect(moved.changed).toBe(true);
    const start = (moved.settings.hooks as Record<string, { hooks: { command: string }[] }[]>).SessionStart ?? [];
    expect(start.flatMap((g) => g.hooks.map((h) => h.command))).toEqual(["echo hi", "/opt/remote/bin/remote enroll --hook claude-start"]);
  });

  test("pins REMOTE_HOME when the installer had one", () => {
    expect(hookCommand(self, "claude-end", "/home/a b/.remote")).toBe("REMOTE_HOME='/home/a b/.remote' /opt/remote/bin/remote enroll --hook claude-end");
  });
});

describe("uninstallHooks", () => {
  test("removes only ours and restores the original", () => {
    const installed = installHooks(theirs, self).settings;
    const { settings, changed } = uninstallHooks(installed);
    expect(changed).toBe(true);
    expect(settings).toEqual(theirs);
  });

  test("drops a hooks section that held only ours; nothing to remove is no change", () => {
    expect(uninstallHooks(installHooks({ a: 1 }, self).settings).settings).toEqual({ a: 1 });
    expect(uninstallHooks(theirs).changed).toBe(false);
  });
});

describe("parseSettings", () => {
  test("a missing or empty file is empty settings", () => {
    expect(parseSettings(undefined, "s.json")).toEqual({});
    expect(parseSettings("  \n", "s.json")).toEqual({});
  });

  test.each([["{not json"], ["[1,2]"], ['"text"'], ['{"hooks": []}']])("refuses %p naming the file", (text) => {
    expect(() => parseSettings(text, "/x/settings.json")).toThrow(expect.objectContaining({ code: "SETTINGS_CORRUPT", message: expect.stringContaining("/x/settings.json") }));
  });
});

describe("shellQuote", () => {
  test("plain words stay bare; anything else is single-quoted with quotes escaped", () => {
    expect(shellQuote("/usr/bin/remote")).toBe("/usr/bin/remote");
    expect(shellQuote("/a b/it's")).toBe(`'/a b/it'\\''s'`);
    expect(shellQuote("$(rm -rf /)")).toBe("'$(rm -rf /)'");
  });
});
