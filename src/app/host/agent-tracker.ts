import type { AgentSignal, AgentStatus } from "../../domain/agent-state/agent-state.ts";
import { foldSignal, startingStatus, type SignalMode } from "../../domain/agent-state/fold.ts";
import { isHookSource, readHook } from "../../domain/agent-state/hook-signals.ts";
import type { EventLogPort } from "../../domain/agent-state/state-event.ts";
import { errorMessage } from "../../domain/errors.ts";
import { outputReply, type SignalRequest } from "../../domain/host-protocol.ts";
import { detectThrottle } from "../../domain/jobs/throttle.ts";
import type { OutputWindow } from "../../domain/output-window.ts";
import type { ClockPort, LogPort } from "../../domain/ports.ts";
import type { SessionRecord } from "../../domain/session.ts";
import { createTokenCheck } from "../server/auth.ts";
import type { EventBus } from "../plugins.ts";

export type AgentSignalOptions = {
  /** The secret this session's hooks present (REMOTE_SIGNAL_TOKEN in the agent's env). Absent: hooks are refused. */
  readonly token?: string | undefined;
  readonly mode: SignalMode;
  /** The profile whose rate-limit messages to look for in the output; absent (a shell): none. */
  readonly throttleProfile?: string | undefined;
  /** How long output must stop before the agent counts as quiet. @default 2000 */
  readonly quietMs?: number | undefined;
  /** IANA zone for reset times without one. */
  readonly timeZone?: string | undefined;
};

export type StateChange = { readonly previous: AgentStatus | undefined; readonly current: AgentStatus };

/**
 * Follows one session's agent state inside its host: hook signals (checked against the
 * session's own token), output activity (a signal when output starts and when it stops),
 * and rate-limit messages in the output (looked for when it stops). Each change is stored
 * on the record, appended to the event log and told to plugins (`session:state`).
 */
export function createAgentTracker(
  deps: { readonly clock: ClockPort; readonly log: LogPort; readonly bus: EventBus; readonly events?: EventLogPort | undefined; readonly window: Pick<OutputWindow, "start" | "end" | "read"> },
  session: { readonly record: () => SessionRecord; readonly setStatus: (status: AgentStatus) => void; readonly options?: AgentSignalOptions | undefined },
) {
  const options = session.options ?? { mode: "activity" as const };
  const tokenOk = options.token === undefined ? () => false : createTokenCheck(options.token);
  const quietMs = options.quietMs ?? 2000;
  let seq = 0;
  let flowing = false;
  let quiet: ReturnType<typeof setTimeout> | undefined;
  let checkedTo = 0;
  let ended = false;

  const stamp = () => ({ at: deps.clock.now().toISOString(), seq: ++seq });

  /** Records and tells a change; a busy store costs this one change, never the session. */
  const announce = (change: StateChange) => {
    const record = session.record();
    try {
      deps.events?.append({
        subject: "session",
        subjectId: record.id,
        name: record.name,
        state: change.current.state,
        previous: change.previous?.state,
        at: change.current.since,
        resetAt: change.current.resetAt,
        detail: change.current.detail,
      });
    } catch (error) {
      deps.log.warn(`could not log the state of ${record.id}: ${errorMessage(error)}`);
    }
    void deps.bus.emit("session:state", { session: record, previous: change.previous, current: change.current });
  };

  /** Folds a signal in; returns the change when the state moved. */
  const fold = (signal: AgentSignal): StateChange | undefined => {
    const previous = session.record().agentStatus;
    const current = foldSignal(previous, signal, options.mode);
    if (current === undefined) return undefined;
    return { previous, current };
  };
  const apply = (signal: AgentSignal) => {
    if (ended) return;
    const change = fold(signal);
    if (change === undefined) return;
    try {
      session.setStatus(change.current);
    } catch (error) {
      deps.log.warn(`could not record the agent state of ${session.record().id}: ${errorMessage(error)}`);
      return;
    }
    if (change.previous?.state !== change.current.state) announce(change);
  };

  const onQuiet = () => {
    quiet = undefined;
    flowing = false;
    const now = deps.clock.now();
    if (options.throttleProfile !== undefined) {
      const reply = outputReply(deps.window, checkedTo);
      checkedTo = reply.to;
      const hit = detectThrottle(options.throttleProfile, reply.text, { now, timeZone: options.timeZone });
      if (hit !== undefined) apply({ kind: "throttle", source: "throttle", ...stamp(), resetAt: hit.resetAt?.toISOString(), detail: hit.line });
    }
    apply({ kind: "quiet", source: "output", ...stamp() });
  };

  return {
    /** The first state, once the agent is spawned. */
    begin: () => {
      const first = startingStatus(deps.clock.now().toISOString());
      try {
        session.setStatus(first);
        announce({ previous: undefined, current: first });
      } catch (error) {
        deps.log.warn(`could not record the agent state of ${session.record().id}: ${errorMessage(error)}`);
      }
    },
    /** On every output chunk (the hot path): a signal only when output starts flowing; the quiet timer is pushed back. */
    output: () => {
      if (ended) return;
      if (!flowing) {
        flowing = true;
        apply({ kind: "output", source: "output", ...stamp() });
      }
      if (quiet === undefined) {
        quiet = setTimeout(onQuiet, quietMs);
        quiet.unref?.();
      } else quiet.refresh();
    },
    /** A hook's report; refused unless it carries this session's token. */
    hook: (request: SignalRequest): { ok: true; applied: boolean } | { error: string } => {
      if (!tokenOk(request.token)) {
        deps.log.warn(`refused a ${String(request.source).slice(0, 20)} hook signal for ${session.record().id}: wrong token`);
        return { error: "refused: the token is not this session's" };
      }
      if (!isHookSource(request.source) || typeof request.payload !== "string" || typeof request.at !== "string" || Number.isNaN(Date.parse(request.at))) {
        return { error: "invalid signal" };
      }
      const reading = readHook(request.source, request.payload);
      if (reading === undefined) return { ok: true, applied: false };
      const before = session.record().agentStatus;
      apply({ ...reading, at: new Date(Date.parse(request.at)).toISOString() });
      return { ok: true, applied: session.record().agentStatus !== before };
    },
    /** The agent exited: the final state, for the exit write (stored with it, announced after it). */
    end: (): StateChange | undefined => {
      clearTimeout(quiet);
      const change = fold({ kind: "end", source: "host", ...stamp() });
      ended = true;
      return change;
    },
    announce,
  };
}
