/**
 * What the agent CLIs' own hooks tell us, read into signals (SPEC §12). Checked by hand,
 * not with zod: the hook program runs on every turn and must start fast.
 *  - Claude Code: JSON on stdin with `hook_event_name` (SessionStart, UserPromptSubmit, Stop,
 *    Notification with `notification_type` permission_prompt / idle_prompt, PostToolUse, SessionEnd).
 *  - Gemini CLI: JSON on stdin with `hook_event_name` (SessionStart, BeforeAgent, AfterAgent,
 *    Notification with `notification_type` ToolPermission, AfterTool, SessionEnd).
 *  - Codex: `notify` gets one JSON argument, `{"type":"agent-turn-complete", ...}`.
 */
import type { SignalKind, SignalSource } from "./agent-state.ts";

export const HOOK_SOURCES = ["claude", "gemini", "codex"] as const;
export type HookSource = (typeof HOOK_SOURCES)[number];
export const isHookSource = (value: string): value is HookSource => (HOOK_SOURCES as readonly string[]).includes(value);

type Json = Record<string, unknown>;
const str = (o: Json, key: string) => (typeof o[key] === "string" ? (o[key] as string) : undefined);

/** A short note for people (a Notification's message), never more than a line. */
const note = (text: string | undefined) => (text === undefined ? undefined : text.replace(/\s+/g, " ").trim().slice(0, 200) || undefined);

export type HookReading = { readonly kind: SignalKind; readonly source: SignalSource; readonly detail?: string | undefined };

function claudeOrGemini(source: "claude" | "gemini", o: Json): HookReading | undefined {
  const event = str(o, "hook_event_name");
  const detail = note(str(o, "message"));
  switch (event) {
    case "SessionStart":
      return { kind: "start", source };
    case "UserPromptSubmit":
    case "BeforeAgent":
      return { kind: "prompt", source };
    case "Stop":
    case "AfterAgent":
      return { kind: "turn-end", source };
    case "PostToolUse":
    case "AfterTool":
      return { kind: "tool", source };
    case "Notification": {
      const type = str(o, "notification_type") ?? "";
      if (type === "idle_prompt") return { kind: "idle-prompt", source, detail };
      // permission_prompt / elicitation_dialog (claude), ToolPermission (gemini); an untyped one that asks for permission.
      if (/permission|elicitation/i.test(type) || (type === "" && /permission|approv/i.test(detail ?? ""))) return { kind: "permission", source, detail };
      return undefined;
    }
    case "SessionEnd":
      // `/clear` ends a conversation and starts another in the same process: the agent has not exited.
      return str(o, "reason") === "clear" ? undefined : { kind: "end", source };
    default:
      return undefined;
  }
}

/** Reads one hook call into a signal, or undefined when it says nothing about the state (or is not what we expect). */
export function readHook(source: HookSource, payload: string): HookReading | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const o = value as Json;
  if (source !== "codex") return claudeOrGemini(source, o);
  const type = str(o, "type") ?? "";
  if (type === "agent-turn-complete") return { kind: "turn-end", source, detail: note(str(o, "last-assistant-message")) };
  if (/approval/.test(type)) return { kind: "permission", source };
  return undefined;
}
