import { describe, expect, test } from "bun:test";
import { insecureAncestor, signalWiring } from "./hook-wiring.ts";

const self = ["/opt/remote's bin/remote"];

describe("hook wiring per profile", () => {
  test("claude: --settings with our hook on each event, quoted for its shell; nothing secret in argv", () => {
    const w = signalWiring("claude", self, "/x/agent-settings.json");
    expect(w.prependArgs[0]).toBe("--settings");
    const settings = JSON.parse(w.prependArgs[1] as string) as { hooks: Record<string, { hooks: { command: string }[] }[]> };
    expect(Object.keys(settings.hooks)).toEqual(["SessionStart", "UserPromptSubmit", "Stop", "Notification", "PostToolUse", "SessionEnd"]);
    expect(settings.hooks.Stop?.[0]?.hooks[0]?.command).toBe(`'/opt/remote'\\''s bin/remote' __signal claude`);
    expect(w.appendArgs).toEqual([]);
  });

  test("gemini: a settings file named by GEMINI_CLI_SYSTEM_SETTINGS_PATH; codex: -c notify after its argv (resume stays first)", () => {
    const g = signalWiring("gemini", ["remote"], "/x/agent-settings.json");
    expect(g.env).toEqual({ GEMINI_CLI_SYSTEM_SETTINGS_PATH: "/x/agent-settings.json" });
    expect(Object.keys(JSON.parse(g.file?.text ?? "{}").hooks)).toEqual(["SessionStart", "BeforeAgent", "AfterAgent", "Notification", "AfterTool", "SessionEnd"]);
    expect(signalWiring("codex", ["/usr/bin/remote"], "/x").appendArgs).toEqual(["-c", `notify=["/usr/bin/remote","__signal","codex"]`]);
    for (const profile of ["shell", "opencode", "agy", "mistral"]) expect(signalWiring(profile, self, "/x")).toEqual({ prependArgs: [], appendArgs: [], env: {} });
  });

  test("a directory above the settings file that others may write (sticky /tmp too) is named", () => {
    const modes: Record<string, number> = { "/": 0o40755, "/tmp": 0o41777, "/home": 0o40755, "/home/me": 0o40700, "/home/me/r": 0o40775 };
    expect(insecureAncestor("/tmp/r/sessions/a/agent-settings.json", (d) => modes[d])).toBe("/tmp");
    expect(insecureAncestor("/home/me/.config/remote/sessions/a/agent-settings.json", (d) => modes[d])).toBeUndefined();
    expect(insecureAncestor("/home/me/r/s/agent-settings.json", (d) => modes[d])).toBe("/home/me/r");
  });
});
