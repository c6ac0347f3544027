/**
 * Claude Code sessions we did not start, recorded through its SessionStart/SessionEnd
 * hooks. A hook must never slow Claude down, so it only drops one event file; the
 * events are folded into the store (in time order, idempotently) when sessions are read.
 */
import type { HookKind } from "./claude-settings.ts";
import { RemoteError } from "./errors.ts";
import type { ProcessIdentity, SessionPatch, SessionRecord } from "./session.ts";

/** The fields of Claude Code's hook input we use; anything else it sends is ignored. */
type HookInput = { session_id: string; cwd?: string | undefined; transcript_path?: string | undefined; source?: string | undefined; reason?: string | undefined };

const SESSION_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Checked by hand, not with zod: the hook runs at every Claude session start (hundreds at once
 * when agents fan out), and loading zod's core costs ~6 ms, more than the rest of the hook.
 * Returns what is wrong, or the input.
 */
function checkHookInput(raw: unknown): { problems: string[] } | { input: HookInput } {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return { problems: ["input: expected a JSON object"] };
  const o = raw as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof o.session_id !== "string" || !SESSION_ID.test(o.session_id)) problems.push("session_id: session_id must be 1-128 letters, digits, '.', '_' or '-'");
  if (o.cwd !== undefined && (typeof o.cwd !== "string" || o.cwd === "")) problems.push("cwd: expected a non-empty string");
  for (const key of ["transcript_path", "source", "reason"] as const) {
    if (o[key] !== undefined && typeof o[key] !== "string") problems.push(`${key}: expected a string`);
  }
  if (problems.length > 0) return { problems };
  return { input: { session_id: o.session_id as string, cwd: o.cwd as string | undefined, transcript_path: o.transcript_path as string | undefined, source: o.source as string | undefined, reason: o.reason as string | undefined } };
}

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
  const checked = checkHookInput(raw);
  if ("problems" in checked) {
    throw new RemoteError("HOOK_INPUT_INVALID", `Cannot read the hook input: ${checked.problems.join("; ")}`, "Claude Code passes {session_id, cwd, ...} on stdin.", "invalid");
  }
  const input = checked.input;
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
  // Only an exited record revives (session-lifecycle.ts); any other final one stays as it is.
  if (current.state === "failed") return { skip: true };
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
