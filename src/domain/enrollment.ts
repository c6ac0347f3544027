/**
 * Claude Code sessions we did not start, recorded through its SessionStart/SessionEnd
 * hooks. A hook must never slow Claude down, so it only drops one event file; the
 * events are folded into the store (in time order, idempotently) when sessions are read.
 */
// zod/mini, not zod: a hook runs for every Claude session start, and classic zod costs ~5 ms to load.
import * as z from "zod/mini";
import type { HookKind } from "./claude-settings.ts";
import { RemoteError } from "./errors.ts";
import type { ProcessIdentity, SessionPatch, SessionRecord } from "./session.ts";

/** The fields of Claude Code's hook input we use; anything else it sends is ignored. */
const HookInputSchema = z.object({
  session_id: z.string().check(z.regex(/^[A-Za-z0-9._-]{1,128}$/, "session_id must be 1-128 letters, digits, '.', '_' or '-'")),
  cwd: z.optional(z.string().check(z.minLength(1))),
  transcript_path: z.optional(z.string()),
  source: z.optional(z.string()),
  reason: z.optional(z.string()),
});

export type HookEvent = {
  readonly kind: HookKind;
  readonly claudeSessionId: string;
  readonly cwd: string;
  readonly at: string;
  readonly transcriptPath?: string | undefined;
  /** SessionStart's source (startup, resume, clear, compact) or SessionEnd's reason. */
  readonly detail?: string | undefined;
  /** The Claude Code process that ran the hook, so a crashed Claude shows as "lost". */
  readonly agent?: ProcessIdentity | undefined;
};

export function parseHookInput(kind: HookKind, text: string, context: { now: Date; fallbackCwd: string; agent?: ProcessIdentity | undefined }): HookEvent {
  if (text.trim() === "") {
    throw new RemoteError("HOOK_INPUT_INVALID", "Cannot read the hook input: stdin was empty", "Claude Code passes the hook input as JSON on stdin.", "invalid");
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new RemoteError("HOOK_INPUT_INVALID", "Cannot read the hook input: stdin is not JSON", "Claude Code passes the hook input as JSON on stdin.", "invalid");
  }
  const parsed = HookInputSchema.safeParse(raw);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; ");
    throw new RemoteError("HOOK_INPUT_INVALID", `Cannot read the hook input: ${why}`, "Claude Code passes {session_id, cwd, ...} on stdin.", "invalid");
  }
  const input = parsed.data;
  return {
    kind,
    claudeSessionId: input.session_id,
    cwd: input.cwd ?? context.fallbackCwd,
    at: context.now.toISOString(),
    transcriptPath: input.transcript_path,
    detail: kind === "claude-start" ? input.source : input.reason,
    agent: context.agent,
  };
}

/** Our record id for a Claude session: stable, so start and end meet on one row. */
export const enrolledSessionId = (claudeSessionId: string) => `claude-${claudeSessionId}`;

const nameFor = (claudeSessionId: string) => `claude-${claudeSessionId.replace(/[^A-Za-z0-9]/g, "").slice(0, 8) || "session"}`;

export type HookEffect = { readonly insert: SessionRecord } | { readonly patch: SessionPatch } | { readonly skip: true };

/**
 * What one event does to the stored record. Applying an event twice, or an old start
 * after its end, changes nothing: event files may be read by two readers at once.
 */
export function applyHookEvent(current: SessionRecord | undefined, event: HookEvent): HookEffect {
  const meta = { claudeSessionId: event.claudeSessionId, transcriptPath: event.transcriptPath, [event.kind === "claude-start" ? "startSource" : "endReason"]: event.detail };
  if (current === undefined) {
    const ended = event.kind === "claude-end";
    return {
      insert: {
        id: enrolledSessionId(event.claudeSessionId),
        name: nameFor(event.claudeSessionId),
        profile: "claude",
        command: "claude",
        args: [],
        cwd: event.cwd,
        source: "hook",
        state: ended ? "exited" : "running",
        host: ended ? undefined : event.agent,
        pid: ended ? undefined : event.agent?.pid,
        exitCode: ended ? null : undefined,
        clients: 0,
        createdAt: event.at,
        endedAt: ended ? event.at : undefined,
        meta,
      },
    };
  }
  if (event.kind === "claude-end") {
    if (current.state === "exited") return { skip: true };
    return { patch: { state: "exited", exitCode: null, endedAt: event.at, meta: { ...current.meta, ...meta } } };
  }
  // A start older than the recorded end is a replay; a newer one is Claude resuming the session.
  if (current.state === "exited" && (current.endedAt ?? "") >= event.at) return { skip: true };
  if (current.state === "running" && current.host?.pid === event.agent?.pid && current.host?.startTime === event.agent?.startTime) return { skip: true };
  return { patch: { state: "running", host: event.agent, pid: event.agent?.pid, cwd: event.cwd, exitCode: undefined, endedAt: undefined, meta: { ...current.meta, ...meta } } };
}

/** Events in the order they happened; a start sorts before an end of the same instant. */
export const byTime = (a: HookEvent, b: HookEvent) => a.at.localeCompare(b.at) || (a.kind === b.kind ? 0 : a.kind === "claude-start" ? -1 : 1);
