import { existsSync, readFileSync, rmSync } from "node:fs";
import { renderClaudeTranscript } from "../../domain/claude-transcript.ts";
import { sessionDirFor } from "../../domain/config.ts";
import { RemoteError } from "../../domain/errors.ts";
import { FrameType } from "../../domain/host-protocol.ts";
import { isLive, validateSessionName, viewReason, viewState, type ProcessIdentity, type SessionPatch, type SessionRecord } from "../../domain/session.ts";
import { isFinal } from "../../domain/session-lifecycle.ts";
import type { HostAddress } from "../../domain/ports.ts";
import type { AppDeps } from "../deps.ts";
import { findSession, liveSocket, type SessionListing } from "./find.ts";
import { findFreshSession } from "./fresh-session.ts";
import { requestHost } from "./host-request.ts";
import { listFreshSessions, stopContainerSession } from "../targets/container-sessions.ts";

type Deps = Pick<AppDeps, "store" | "process" | "connector" | "random" | "clock" | "config" | "target">;

export type StopOutcome = SessionListing & {
  /** It had ended before we were asked: `stop` is idempotent and says how it ended. */
  readonly alreadyEnded: boolean;
};

/**
 * Stops a session: the host hangs up the agent (SIGHUP, then TERM, then KILL) and records
 * the exit. Stopping an ended session is not an error. A record nobody will finish
 * (lost, or still starting) is settled here, so it never stays live forever.
 */
export async function stopSession(deps: Deps, ref: string, reason?: string): Promise<StopOutcome> {
  const session = await findFreshSession(deps, ref);
  // A container session: its host stops the agent as here, then the container goes (targets/container-sessions.ts).
  if (session.target !== undefined) return stopContainerSession(deps, session, reason);
  const now = () => deps.clock.now().toISOString();
  if (!isLive(session.view) && session.view !== "lost") return { ...session, alreadyEnded: true };
  if (session.source === "hook") {
    // An enrolled Claude Code session has no host of ours: we only end our record of it.
    return settle(deps, session, { state: "exited", endedAt: now() });
  }
  if (session.view === "lost") {
    // Its host died; its agent may live on, out of reach of anyone: it goes too.
    const settled = settle(deps, session, { state: "failed", reason: viewReason(session, "lost"), endedAt: now(), clients: 0 });
    killAll(deps, [settled.agent]);
    return settled;
  }
  if (session.view === "starting") {
    // Not ready yet (a slow or stuck start): it will never be, its launcher's wait ends with it. Its host is
    // the host server of every session, so it stays; the failed record stops the start from going further.
    const settled = settle(deps, session, { state: "failed", reason: "stopped before it was ready", endedAt: now(), clients: 0 });
    // Only its agent: its host is the host server of every session.
    if (!settled.alreadyEnded) killAll(deps, [settled.agent]);
    return settled;
  }
  const socketPath = liveSocket(session);
  let gone!: () => void;
  const exited = new Promise<void>((resolve) => (gone = resolve));
  try {
    // Watch the session from a read-only attach so we return only once it has really exited.
    const watch = await deps.connector.connect(socketPath, (frame) => {
      if (frame.type === FrameType.exit) gone();
    });
    watch.send({ type: FrameType.hello, hello: { v: 1, clientId: `stop-${deps.random.id(8)}`, mode: "control" } });
    void watch.closed.then(gone);
    await requestHost(deps, socketPath, { op: "stop", reason });
    await exited;
    watch.close();
  } catch (error) {
    // It ended on its own between our look and our knock: that is a stopped session too.
    const after = findSession(deps, session.id);
    if (isLive(after.view)) throw error;
    return { ...after, alreadyEnded: true };
  }
  const after = findSession(deps, session.id);
  return { ...after, alreadyEnded: false };
}

/** SIGKILL to each one's process group, if that very process (not a reuse of its pid) still lives. */
function killAll(deps: Pick<AppDeps, "process">, who: readonly (ProcessIdentity | undefined)[]) {
  for (const p of who) if (p !== undefined && deps.process.isAlive(p)) deps.process.signal(p.pid, "SIGKILL", true);
}

/** Ends a record that no host will end, unless someone ended it first (then that ending stands). */
function settle(deps: Pick<AppDeps, "store" | "process">, session: SessionListing, patch: SessionPatch): StopOutcome {
  let ours = false;
  const after = deps.store().mutate(session.id, (current) => {
    if (isFinal(current.state)) return undefined;
    ours = true;
    return patch;
  });
  const record = after ?? session;
  return { ...record, view: viewState(record, deps.process.isAlive), alreadyEnded: !ours };
}

export function renameSession(deps: Pick<AppDeps, "store" | "process">, ref: string, newName: string): SessionRecord {
  const session = findSession(deps, ref);
  const updated = deps.store().update(session.id, { name: validateSessionName(newName) });
  if (!updated) throw new RemoteError("SESSION_NOT_FOUND", `Cannot rename session '${ref}': it vanished`, "Run `remote ls`.", "not-found");
  return updated;
}

export { sendToSession } from "./send.ts";

/** Scrollback as plain text: from the live host, or what an exited host saved. */
export async function sessionText(deps: Deps, ref: string, lines?: number): Promise<{ session: SessionListing; text: string; offset?: number }> {
  const session = await findFreshSession(deps, ref);
  if (isLive(session.view) && session.socketPath) {
    const reply = await requestHost<{ text: string; offset: number }>(deps, liveSocket(session), { op: "text", lines });
    return { session, text: reply.text, offset: reply.offset };
  }
  const transcript = session.source === "hook" ? session.meta.transcriptPath : undefined;
  if (typeof transcript === "string" && existsSync(transcript)) {
    // Enrolled by Claude Code's hooks: no host of ours saw the screen, but Claude keeps the conversation.
    return { session, text: lastLines(renderClaudeTranscript(readFileSync(transcript, "utf8")), lines) };
  }
  const saved = `${sessionDirFor(deps.config.paths, session.id)}/scrollback.txt`;
  if (!existsSync(saved)) {
    throw new RemoteError("NO_LOGS", `Cannot show logs of session '${session.name}': it has no saved output`, session.source === "hook" ? "Hook-enrolled sessions run outside remote, and Claude Code's transcript for this one is not there (any more)." : "The host ended before it could save its scrollback.", "not-found");
  }
  return { session, text: lastLines(readFileSync(saved, "utf8"), lines) };
}

const lastLines = (text: string, lines: number | undefined) => (lines === undefined ? text : text.split("\n").slice(-lines).join("\n"));

/** Removes ended sessions (exited, failed, and lost: nobody will end those) from the registry, with their saved logs. */
export async function pruneSessions(deps: Pick<AppDeps, "store" | "process" | "config" | "clock" | "target">): Promise<SessionListing[]> {
  const dead = (await listFreshSessions(deps)).filter((s) => !isLive(s.view));
  for (const s of dead) {
    // An ended container stays for its exit code until now.
    if (s.target !== undefined) await deps.target(s.target).remove(s.target);
    deps.store().remove(s.id);
    rmSync(sessionDirFor(deps.config.paths, s.id), { recursive: true, force: true });
  }
  return dead;
}

/** Streams a session's live output from `fromOffset` until it exits or the caller aborts. */
export async function followOutput(
  deps: Pick<AppDeps, "connector" | "random">,
  socketPath: HostAddress,
  fromOffset: number | undefined,
  onData: (data: Uint8Array, isSnapshot: boolean) => void,
): Promise<void> {
  const conn = await deps.connector.connect(socketPath, (frame) => {
    if (frame.type === FrameType.output) onData(frame.data, false);
    else if (frame.type === FrameType.snapshot) onData(frame.data, true);
  });
  conn.send({ type: FrameType.hello, hello: { v: 1, clientId: `logs-${deps.random.id(8)}`, mode: "attach", readOnly: true, fromOffset, everyByte: true } });
  await conn.closed;
}
