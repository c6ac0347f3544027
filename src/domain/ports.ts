/**
 * The ports: what the use cases need from the outside world, shaped by our need.
 * Adapters in src/adapters implement them; tests hand in memory versions.
 */
import type { HookEvent } from "./enrollment.ts";
import type { Frame, TerminalIdentity } from "./host-protocol.ts";
import type { ProcessIdentity, SessionPatch, SessionRecord } from "./session.ts";
import type { AdmissionState } from "./jobs/admission.ts";
import type { AccountChoice, AccountRecord } from "./jobs/accounts.ts";
import type { JobRecord, JobState, NewJob } from "./jobs/job.ts";
import type { WorktreeCheck } from "./jobs/prune.ts";
import type { TargetHandle } from "./target.ts";
import type { ProbeOutcome } from "./credentials/freshness.ts";

export type ClockPort = { readonly now: () => Date };
export type RandomPort = { readonly random: () => number; readonly id: (length?: number) => string };

/**
 * Durable registry of sessions. Every write is atomic; concurrent writers never lose an
 * update. A patch whose `state` the lifecycle forbids (session-lifecycle.ts: a final
 * record made running again) throws ILLEGAL_TRANSITION and writes nothing, checked inside
 * the same write, so two processes racing cannot both win.
 */
export type SessionStorePort = {
  readonly insert: (record: SessionRecord) => void;
  readonly get: (id: string) => SessionRecord | undefined;
  readonly list: () => SessionRecord[];
  /** Applies the patch atomically and returns the new record, or undefined when the id is unknown. */
  readonly update: (id: string, patch: SessionPatch) => SessionRecord | undefined;
  /** Read-modify-write in one transaction: `change` sees the current record and returns the patch (or undefined for none). */
  readonly mutate: (id: string, change: (current: SessionRecord) => SessionPatch | undefined) => SessionRecord | undefined;
  /** Insert, or merge the patch into an existing record with the same id, in one transaction. */
  readonly upsert: (record: SessionRecord, patchIfExists: SessionPatch) => SessionRecord;
  readonly remove: (id: string) => boolean;
  readonly close: () => void;
};

export type ProcessPort = {
  /** Alive and the same process (start time matches): pid reuse is not alive. */
  readonly isAlive: (who: ProcessIdentity) => boolean;
  readonly identify: (pid: number) => ProcessIdentity | undefined;
  readonly signal: (pid: number, signal: NodeJS.Signals, group?: boolean) => boolean;
  /** Our parent, its parent, ... up to (not including) pid 1. */
  readonly ancestors: () => ProcessEntry[];
  /** The executable a command name resolves to on this PATH (an absolute path is checked as is). */
  readonly which: (command: string, path: string | undefined) => string | undefined;
};

/** A framed, bidirectional connection to one session host. */
export type HostConnection = {
  readonly send: (frame: Frame) => void;
  readonly close: () => void;
  /** Resolves when the connection is gone, for whatever reason. */
  readonly closed: Promise<void>;
  /** Stop/restart reading frames from the host (backpressure for relays); optional for simple fakes. */
  readonly pause?: () => void;
  readonly resume?: () => void;
};
/**
 * Where a session host listens: a Unix socket path on this machine, or a socket inside a
 * target (a container), reached through the target's byte stream.
 */
export type HostAddress = string | { readonly target: TargetHandle; readonly socketPath: string };
export type HostConnectorPort = {
  /**
   * `greeting`: frames sent first, before anything `send` sends. A local socket writes them as it
   * connects, in the same turn (the host is at work on a hello while the event loop takes the socket over).
   */
  readonly connect: (address: HostAddress, onFrame: (frame: Frame) => void, greeting?: readonly Frame[]) => Promise<HostConnection>;
  /**
   * One request and its reply, blocking, without the event loop (a one-shot command's round trip:
   * an event-loop connect alone costs such a command more than the rest of its start). Undefined when this
   * connector cannot do it here: then `connect`. "unreachable": nothing accepted the connection (`connect`
   * would fail too, and its error says why).
   */
  readonly exchange?: (address: HostAddress, frames: readonly Frame[], timeoutMs: number) => Exchanged | undefined;
};

/** How a blocking exchange ended (see HostConnectorPort.exchange). */
export type Exchanged = { readonly kind: "reply"; readonly reply: unknown } | { readonly kind: "unreachable" } | { readonly kind: "closed" } | { readonly kind: "timeout" };

/** Starts a session host as a detached process and waits until its socket is ready. */
export type HostLauncherPort = {
  readonly launch: (sessionId: string, env: Readonly<Record<string, string>>, size: { cols: number; rows: number }) => Promise<ProcessIdentity>;
};

/** The person's terminal, for attach. */
export type TerminalPort = {
  readonly isTTY: boolean;
  /** Names this terminal for a session host on this machine to open (Hello.terminal); undefined where it cannot be named. */
  readonly identity?: () => TerminalIdentity | undefined;
  readonly size: () => { cols: number; rows: number };
  readonly setRaw: (raw: boolean) => void;
  readonly write: (data: Uint8Array | string) => void;
  readonly onInput: (handler: (data: Uint8Array) => void) => () => void;
  readonly onResize: (handler: () => void) => () => void;
};

/** A person's terminal opened by the session host itself (see Hello.terminal). */
export type TerminalDevice = {
  /** Writes what the terminal takes now, never waiting; returns how many bytes it took (fewer: it is full, or gone). */
  readonly write: (data: Uint8Array) => number;
  /** Keys as they are typed; `end` once the terminal is gone (hung up). */
  readonly read: (handlers: { readonly input: (data: Uint8Array) => void; readonly end: () => void }) => void;
  /** Stops reading and closes it (idempotent). */
  readonly close: () => void;
};
export type TerminalDevicePort = {
  /** Opens the terminal named, if it is that very device (same dev, inode, rdev) and the caller's own; undefined otherwise. */
  readonly open: (identity: TerminalIdentity) => TerminalDevice | undefined;
};

export type LogPort = {
  readonly info: (message: string) => void;
  readonly warn: (message: string) => void;
  readonly error: (message: string) => void;
};

export type PtyExit = { readonly exitCode: number | null; readonly signal: string | null };
export type PtyProcess = {
  readonly pid: number;
  readonly write: (data: Uint8Array | string) => void;
  readonly resize: (cols: number, rows: number) => void;
  /** Resolves when the process has exited AND its output is drained (or a short grace passed). */
  readonly exited: Promise<PtyExit>;
};
export type PtySpawnOptions = {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly cols: number;
  readonly rows: number;
  readonly onData: (data: Uint8Array) => void;
};
export type PtyPort = { readonly spawn: (options: PtySpawnOptions) => PtyProcess };

/** A headless terminal model fed with the PTY bytes: the source of exact redraws. */
export type Screen = {
  readonly write: (data: Uint8Array) => void;
  readonly resize: (cols: number, rows: number) => void;
  readonly size: () => { cols: number; rows: number };
  /**
   * Escape sequences that repaint the current screen on a freshly reset terminal, and the output offset they reflect.
   * `settled`: also wait for output the model held back during a flood (a redraw after one should be of its end).
   */
  readonly snapshot: (options?: { readonly settled?: boolean }) => Promise<{ offset: number; data: string }>;
  /** The scrollback and screen as plain text lines (trailing blank lines dropped). */
  readonly text: (lastLines?: number) => Promise<{ offset: number; text: string }>;
  /** Frees the model (hosts share a process: an ended session must give its memory back). */
  readonly dispose: () => void;
};
export type ScreenPort = { readonly create: (cols: number, rows: number) => Screen };

export type ServerClient = {
  /** Returns how many bytes the kernel took; the rest must be retried on drain. */
  readonly write: (data: Uint8Array) => number;
  readonly end: () => void;
};
export type ServerHandlers<C> = {
  readonly open: (client: ServerClient) => C;
  readonly data: (state: C, chunk: Uint8Array) => void;
  readonly drain: (state: C) => void;
  readonly close: (state: C) => void;
};
export type SocketServerPort = {
  /**
   * Listens on `socketPath`, replacing a file left there, or with `exclusive` never: then a
   * path that exists throws SOCKET_IN_USE (one host server per user, even when several start at once).
   */
  readonly listen: <C>(socketPath: string, handlers: ServerHandlers<C>, options?: { readonly exclusive?: boolean }) => { readonly stop: () => void };
};

export type GitPort = {
  /** The top of the work tree containing `cwd`, or undefined outside a repository. */
  readonly repoRoot: (cwd: string) => string | undefined;
  readonly addWorktree: (repo: string, path: string) => void;
  /** What removing the worktree at `path` would lose (see WorktreeCheck). */
  readonly inspectWorktree: (path: string) => WorktreeCheck;
  /**
   * `git worktree remove` (which refuses a worktree with changes unless `force`); a worktree
   * whose folder is gone is dropped from git's list instead (nothing to do when the
   * repository is gone too). Throws WORKTREE_REMOVE_FAILED.
   */
  readonly removeWorktree: (repo: string, path: string, options?: { readonly force?: boolean }) => void;
  /** Adds `pattern` to the repository's info/exclude (shared by its worktrees) unless it is there. */
  readonly ensureExcluded: (repo: string, pattern: string) => void;
};

/** A process and its command name, for walking up from a hook to the agent that ran it. */
export type ProcessEntry = { readonly pid: number; readonly name: string };

/** Hook events waiting to be folded into the session store (one file each, so concurrent hooks never collide). */
export type HookInboxPort = {
  readonly put: (event: HookEvent) => void;
  /** Everything waiting now; `done` removes exactly those after they are stored. */
  readonly take: () => { readonly events: HookEvent[]; readonly done: () => void };
};

// ---- Delegation (issue 4) ----

/** Durable jobs, in the same SQLite file as sessions. Every state move is one transaction. */
export type JobStorePort = {
  /** Records a new pending job; the store assigns its FIFO `seq`. */
  readonly insert: (fields: Omit<NewJob, "seq">, now: Date) => JobRecord;
  readonly get: (id: string) => JobRecord | undefined;
  /** By ascending seq; `states` narrows to those (the active ones use an index). */
  readonly list: (filter?: { readonly states?: readonly JobState[] }) => JobRecord[];
  /** Read-modify-write in one IMMEDIATE transaction; `change` returns the next record or undefined for none. */
  readonly mutate: (id: string, change: (current: JobRecord) => JobRecord | undefined) => JobRecord | undefined;
  /**
   * In one IMMEDIATE transaction: picks the next job to start (see nextToClaim) and moves
   * it pending → running with this claim, or returns undefined when none may start.
   */
  readonly claimNext: (input: {
    readonly cap: number;
    /** The claim time; a clock is read inside the claim's transaction, so claim times follow claim order across processes. */
    readonly now: Date | (() => Date);
    readonly token: string;
    readonly onlyId?: string | undefined;
  }) => JobRecord | undefined;
  /** Deletes the job's row if it has ended (done or failed); returns whether it did. A job still active is never deleted. */
  readonly removeEnded: (id: string) => boolean;
  /** When jobs were throttled since `since` (recorded by mutate on every move into throttled). */
  readonly throttleTimes: (since: Date) => Date[];
  /** How many jobs are in each state. */
  readonly counts: () => Readonly<Record<JobState, number>>;
  readonly admission: () => AdmissionState | undefined;
  readonly saveAdmission: (state: AdmissionState) => void;
  readonly close: () => void;
};

/** Account metadata (tokens live in the SecretStorePort). */
export type AccountStorePort = {
  readonly add: (account: AccountRecord) => void;
  readonly get: (id: string) => AccountRecord | undefined;
  readonly list: () => AccountRecord[];
  readonly remove: (id: string) => boolean;
  /** In one transaction: `choose` sees every account; the chosen one's lastUsedAt becomes `now`. */
  readonly rotate: <C extends AccountChoice>(choose: (accounts: AccountRecord[]) => C, now: Date) => C;
  readonly markExhausted: (id: string, until: Date) => void;
};

/** Secrets kept one file each, mode 0600, never logged. */
export type SecretStorePort = {
  readonly write: (key: string, secret: string) => void;
  readonly read: (key: string) => string | undefined;
  readonly remove: (key: string) => void;
};

export type SpawnedProcess = {
  readonly pid: number;
  readonly exited: Promise<{ readonly exitCode: number | null; readonly signal: string | null }>;
};
/** Runs an agent CLI headless: argv array, stdout and stderr appended to one file, own process group. */
export type CommandSpawnPort = {
  readonly spawn: (options: {
    readonly command: string;
    readonly args: readonly string[];
    readonly cwd: string;
    readonly env: Readonly<Record<string, string>>;
    readonly outputPath: string;
  }) => SpawnedProcess;
};

/** Starts this program again, detached (own session), with `args` (a job runner `__job`, the automatic conductor); stdout discarded, stderr appended to logPath (0600). */
export type SelfLauncherPort = {
  readonly launch: (args: readonly string[], options: { readonly env: Readonly<Record<string, string>>; readonly cwd: string; readonly logPath: string }) => ProcessIdentity | undefined;
};

// ---- Credentials that follow a session (issue 9) ----

/** The person's own files, read for a credential bundle; their contents are never logged. */
export type HomeFilesPort = {
  /** The bytes of a regular file (links followed), undefined when there is none; CREDENTIAL_UNREADABLE when it cannot be read. */
  readonly read: (absolutePath: string) => Uint8Array | undefined;
};

/** Runs a CLI's own status command (argv array) with a deadline; its output is captured for the verdict, never printed. */
export type StatusProbePort = {
  readonly run: (argv: readonly string[], options: { readonly env: Readonly<Record<string, string>>; readonly timeoutMs: number }) => Promise<ProbeOutcome>;
};

// ---- Notifications (issue 13) ----

/** A desktop notification through the system's notifier (notify-send, osascript), argv only. */
export type DesktopNotifierPort = {
  /** The program it runs, for logs ("notify-send"). */
  readonly program: string;
  /** Resolves when the notifier accepted it; rejects with what it said otherwise. `urgent`: stays up until dismissed (where the notifier can). */
  readonly notify: (title: string, body: string, urgent: boolean) => Promise<void>;
};

/** One HTTP POST of a text body. `status` 0: nothing answered (refused, reset, timed out), `error` says how. */
export type HttpPostPort = {
  readonly post: (
    url: string,
    request: { readonly body: string; readonly headers: Readonly<Record<string, string>>; readonly timeoutMs: number },
  ) => Promise<{ readonly status: number; readonly error?: string | undefined }>;
};
