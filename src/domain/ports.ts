/**
 * The ports: what the use cases need from the outside world, shaped by our need.
 * Adapters in src/adapters implement them; tests hand in memory versions.
 */
import type { HookEvent } from "./enrollment.ts";
import type { Frame } from "./host-protocol.ts";
import type { ProcessIdentity, SessionPatch, SessionRecord } from "./session.ts";

export type ClockPort = { readonly now: () => Date };
export type RandomPort = { readonly random: () => number; readonly id: (length?: number) => string };

/** Durable registry of sessions. Every write is atomic; concurrent writers never lose an update. */
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
export type HostConnectorPort = {
  readonly connect: (socketPath: string, onFrame: (frame: Frame) => void) => Promise<HostConnection>;
};

/** Starts a session host as a detached process and waits until its socket is ready. */
export type HostLauncherPort = {
  readonly launch: (sessionId: string, env: Readonly<Record<string, string>>, size: { cols: number; rows: number }) => Promise<ProcessIdentity>;
};

/** The person's terminal, for attach. */
export type TerminalPort = {
  readonly isTTY: boolean;
  readonly size: () => { cols: number; rows: number };
  readonly setRaw: (raw: boolean) => void;
  readonly write: (data: Uint8Array | string) => void;
  readonly onInput: (handler: (data: Uint8Array) => void) => () => void;
  readonly onResize: (handler: () => void) => () => void;
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
  /** Escape sequences that repaint the current screen on a freshly reset terminal, and the output offset they reflect. */
  readonly snapshot: () => Promise<{ offset: number; data: string }>;
  /** The scrollback and screen as plain text lines (trailing blank lines dropped). */
  readonly text: (lastLines?: number) => Promise<{ offset: number; text: string }>;
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
  readonly listen: <C>(socketPath: string, handlers: ServerHandlers<C>) => { readonly stop: () => void };
};

export type GitPort = {
  /** The top of the work tree containing `cwd`, or undefined outside a repository. */
  readonly repoRoot: (cwd: string) => string | undefined;
  readonly addWorktree: (repo: string, path: string) => void;
  readonly removeWorktree: (repo: string, path: string) => void;
};

/** A process and its command name, for walking up from a hook to the agent that ran it. */
export type ProcessEntry = { readonly pid: number; readonly name: string };

/** Hook events waiting to be folded into the session store (one file each, so concurrent hooks never collide). */
export type HookInboxPort = {
  readonly put: (event: HookEvent) => void;
  /** Everything waiting now; `done` removes exactly those after they are stored. */
  readonly take: () => { readonly events: HookEvent[]; readonly done: () => void };
};
