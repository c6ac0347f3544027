import { describe, expect, test } from "bun:test";
import { readHook } from "./hook-signals.ts";

const claude = (fields: Record<string, unknown>) => readHook("claude", JSON.stringify({ session_id: "s", cwd: "/w", transcript_path: "/t", ...fields }));
const gemini = (fields: Record<string, unknown>) => readHook("gemini", JSON.stringify({ session_id: "s", cwd: "/w", timestamp: "x", ...fields }));

describe("hook inputs read into signals", () => {
  test("Claude Code's events", () => {
    expect(claude({ hook_event_name: "SessionStart", source: "startup" })?.kind).toBe("start");
    expect(claude({ hook_event_name: "UserPromptSubmit", prompt: "hi" })?.kind).toBe("prompt");
    expect(claude({ hook_event_name: "Stop", stop_hook_active: false })?.kind).toBe("turn-end");
    expect(claude({ hook_event_name: "PostToolUse", tool_name: "Bash" })?.kind).toBe("tool");
    expect(claude({ hook_event_name: "Notification", notification_type: "permission_prompt", message: "Claude needs your permission to use Bash" })).toEqual({ kind: "permission", source: "claude", detail: "Claude needs your permission to use Bash" });
    expect(claude({ hook_event_name: "Notification", notification_type: "idle_prompt", message: "Claude is waiting for your input" })?.kind).toBe("idle-prompt");
    // Older Claude Code sends no notification_type: the message decides.
    expect(claude({ hook_event_name: "Notification", message: "Claude needs your permission to use Bash" })?.kind).toBe("permission");
    expect(claude({ hook_event_name: "Notification", notification_type: "auth_success", message: "ok" })).toBeUndefined();
    expect(claude({ hook_event_name: "SessionEnd", reason: "prompt_input_exit" })?.kind).toBe("end");
    expect(claude({ hook_event_name: "SessionEnd", reason: "clear" })).toBeUndefined(); // /clear: same process, new conversation
    expect(claude({ hook_event_name: "PreToolUse" })).toBeUndefined(); // fires before the permission prompt: says nothing
  });

  test("Gemini CLI's events", () => {
    expect(gemini({ hook_event_name: "SessionStart" })?.kind).toBe("start");
    expect(gemini({ hook_event_name: "BeforeAgent", prompt: "x" })?.kind).toBe("prompt");
    expect(gemini({ hook_event_name: "AfterAgent" })?.kind).toBe("turn-end");
    expect(gemini({ hook_event_name: "AfterTool" })?.kind).toBe("tool");
    expect(gemini({ hook_event_name: "Notification", notification_type: "ToolPermission", message: "Tool requires confirmation", details: {} })?.kind).toBe("permission");
    expect(gemini({ hook_event_name: "SessionEnd", reason: "exit" })?.kind).toBe("end");
  });

  test("Codex's notify argument", () => {
    expect(readHook("codex", JSON.stringify({ type: "agent-turn-complete", "thread-id": "t", "last-assistant-message": "Done:\n the  change" }))).toEqual({ kind: "turn-end", source: "codex", detail: "Done: the change" });
    expect(readHook("codex", JSON.stringify({ type: "approval-requested" }))?.kind).toBe("permission");
    expect(readHook("codex", JSON.stringify({ type: "something-new" }))).toBeUndefined();
  });

  test("garbage says nothing (and never throws)", () => {
    for (const text of ["", "not json", "[]", "null", "42", JSON.stringify({ hook_event_name: 7 })]) expect(readHook("claude", text)).toBeUndefined();
    expect(claude({ hook_event_name: "Notification", notification_type: "permission_prompt", message: "x".repeat(5000) })?.detail?.length).toBe(200);
  });
});
