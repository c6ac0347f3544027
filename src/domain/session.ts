import { RemoteError } from "./errors.ts";
import type { TargetHandle } from "./target.ts";
import type { AgentStatus } from "./agent-state/vocabulary.ts";
import { isFinal, lostReason, type SessionState, type SessionView } from "./session-lifecycle.ts";

export type { SessionState, SessionView } from "./session-lifecycle.ts";
export type SessionSource = "run" | "hook";

/** Identifies a process beyond its pid: the kernel's start time, so pid reuse is not "alive". */
export type ProcessIdentity = { readonly pid: number; readonly startTime: string };

export type SessionRecord = {
  readonly id: string;
  readonly name: string;
  readonly profile: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly source: SessionSource;
  readonly state: SessionState;
  /** The session host (source "run") or the enrolled agent process (source "hook"). */
  readonly host?: ProcessIdentity | undefined;
  /** The agent CLI's pid inside the PTY. */
  readonly pid?: number | undefined;
  /** The agent beyond its pid, so an agent whose host died can be found (and stopped) without hitting a reused pid. */
  readonly agent?: ProcessIdentity | undefined;
  readonly socketPath?: string | undefined;
  readonly exitCode?: number | null | undefined;
  /** The signal that ended the agent, when it did not exit by itself (exitCode is then null). */
  readonly exitSignal?: string | undefined;
  /** Why the session failed (state "failed"): "host not ready within 10000 ms", ... */
  readonly reason?: string | undefined;
  /** The process launching it (`remote run`, `remote serve`): while starting and without a host, it answers for the record. */
  readonly launcher?: ProcessIdentity | undefined;
  readonly clients: number;
  readonly createdAt: string;
  readonly endedAt?: string | undefined;
  readonly meta: Readonly<Record<string, unknown>>;
  /** Where it runs when not on this machine's host server (a container); its socketPath is inside that target. */
  readonly target?: TargetHandle | undefined;
  /** What its agent is doing (issue 13): working, waiting, needs-approval, ...; absent until a first signal. */
  readonly agentStatus?: AgentStatus | undefined;
};

/** What every `remote run` names, wherever the session runs (this machine, a container, a Pod). */
export type SessionRunBasics = {
  readonly profile: string;
  readonly name?: string | undefined;
  /** Where the agent starts (inside the container or Pod for those targets). */
  readonly cwd?: string | undefined;
  readonly resume?: string | true | undefined;
  readonly model?: string | undefined;
  readonly effort?: string | undefined;
  readonly args?: readonly string[] | undefined;
  /** Stored with the session from its first write (a delegated job marks its sessions with its claim). */
  readonly meta?: Readonly<Record<string, unknown>> | undefined;
};

export type SessionPatch = Partial<Omit<SessionRecord, "id" | "createdAt" | "source">>;

/**
 * What `ls` shows: the stored state corrected by a liveness check the caller performs.
 * A record that is not final answers to a process: its host once it has one, before
 * that the process launching it. When that process is gone the record is "lost".
 */
export function viewState(record: SessionRecord, isAlive: (who: ProcessIdentity) => boolean): SessionView {
  if (isFinal(record.state)) return record.state;
  // A container's truth is its engine's: readers fold its status into the record first (targets/reconcile.ts).
  if (record.target !== undefined && record.state === "running") return record.state;
  const responsible = record.host ?? (record.state === "starting" ? record.launcher : undefined);
  // A hook-enrolled session may have no identity of its agent: trust its events.
  if (responsible === undefined) return record.source === "hook" ? record.state : "lost";
  return isAlive(responsible) ? record.state : "lost";
}

/** Why a viewed session is where it is, when that needs saying (failed or lost). */
export function viewReason(record: SessionRecord, view: SessionView): string | undefined {
  if (view === "failed") return record.reason;
  if (view === "lost") return lostReason(record.state, record.host !== undefined);
  return undefined;
}

export const isLive = (view: SessionView) => view === "running" || view === "starting";

/**
 * Find the one session a person meant: exact id, then exact name (live first, then the
 * newest exited one), then a unique id prefix. Ambiguity is an error, never a guess.
 */
export function resolveSessionRef(records: readonly SessionRecord[], ref: string, isLiveRecord: (r: SessionRecord) => boolean): SessionRecord {
  const byId = records.find((r) => r.id === ref);
  if (byId) return byId;
  const named = records.filter((r) => r.name === ref);
  const liveNamed = named.filter(isLiveRecord);
  if (liveNamed.length === 1) return liveNamed[0] as SessionRecord;
  if (liveNamed.length === 0 && named.length > 0) {
    return [...named].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0] as SessionRecord;
  }
  const prefixed = ref.length >= 3 ? records.filter((r) => r.id.startsWith(ref)) : [];
  if (prefixed.length === 1) return prefixed[0] as SessionRecord;
  if (liveNamed.length > 1 || prefixed.length > 1) {
    const ids = [...liveNamed, ...prefixed].map((r) => r.id).join(", ");
    throw new RemoteError("AMBIGUOUS_SESSION", `Cannot pick session '${ref}': it matches ${ids}`, "Use the full id from `remote ls`.", "usage");
  }
  throw new RemoteError("SESSION_NOT_FOUND", `Cannot find session '${ref}': no session has that id or name`, "Run `remote ls` to see sessions (`remote ls --json` for scripts).", "not-found");
}

/** Names are how people address sessions; keep them shell- and URL-friendly. */
export function validateSessionName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) {
    throw new RemoteError("INVALID_NAME", `Cannot use session name '${name}': use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit`, "Pick a name like 'demo' or 'fix-login'.", "usage");
  }
  return name;
}

export const defaultSessionName = (profile: string, id: string) => `${profile}-${id.slice(0, 4)}`;

/**
 * A record as `remote run` first writes it, on any target: starting, under the name asked
 * for (checked) or a default one, with its launcher answering for it until a host claims
 * it (if the launcher dies first, readers see it lost, not starting forever).
 */
export function startingRecord(fields: {
  readonly id: string;
  readonly name?: string | undefined;
  readonly profile: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly socketPath: string;
  readonly createdAt: string;
  readonly launcher: ProcessIdentity | undefined;
  readonly meta?: Readonly<Record<string, unknown>> | undefined;
}): SessionRecord {
  const { id, profile } = fields;
  return {
    id,
    name: fields.name === undefined ? defaultSessionName(profile, id) : validateSessionName(fields.name),
    profile,
    command: fields.command,
    args: fields.args,
    cwd: fields.cwd,
    source: "run",
    state: "starting",
    socketPath: fields.socketPath,
    clients: 0,
    createdAt: fields.createdAt,
    launcher: fields.launcher,
    meta: fields.meta ?? {},
  };
}
