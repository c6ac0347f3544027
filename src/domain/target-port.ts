/** The target port (issue 9): where sessions run besides this machine's host server. */
import type { ContainerStatus, PodSpec, TargetHandle } from "./target.ts";

/** A raw duplex byte stream to a session host's socket (framing is the connector's job). */
export type ByteStream = {
  readonly write: (data: Uint8Array) => void;
  /** Called with each chunk read; set once, before bytes flow. */
  readonly onData: (handler: (data: Uint8Array) => void) => void;
  readonly close: () => void;
  /** Resolves once the far end reached the socket; rejects with why it could not (no socket, container gone). */
  readonly opened: Promise<void>;
  /** Resolves when the stream is gone, with the bridge's complaint when it failed. */
  readonly closed: Promise<{ readonly error?: string | undefined }>;
};

/** What a command run inside a target ended with. */
export type ExecResult = { readonly code: number; readonly stdout: string; readonly stderr: string };

/** A credential file as a target carries it: HOME-relative path (checked) and bytes. */
export type CredentialFile = { readonly path: string; readonly content: Uint8Array };

/** What a refresh keeps for a session: whose files (a Secret is re-rendered with the session's labels) and the files. */
export type CredentialPush = { readonly sessionId: string; readonly profile: string; readonly files: readonly CredentialFile[] };

/** An ended session's volumes as a helper beside it mounts them: at the paths its HOME and workspace had. */
export type SessionVolumes = { readonly sessionId: string; readonly profile: string; readonly home: string; readonly workspace: string };

/** Runs argv (as is) in the helper, `stdin` fed then closed. */
export type VolumeExec = (argv: readonly string[], stdin?: Uint8Array) => Promise<ExecResult>;

/** What a target is asked to start: one session host for one session. */
export type TargetSpec = {
  readonly sessionId: string;
  readonly name: string;
  readonly profile: string;
  readonly image: string;
  /** The session spec the in-container host reads (JSON), passed as one env var. */
  readonly podSpec: string;
  readonly env: Readonly<Record<string, string>>;
  /** --cpu / --memory as Kubernetes quantities ("500m", "512Mi"); none means the engine's default. */
  readonly cpu?: string | undefined;
  readonly memory?: string | undefined;
  /**
   * Path parity (a workspace's session): HOME and the workspace at these absolute paths, on the
   * session's volume (claim), so they survive the container; absent: the image's own layout.
   */
  readonly home?: string | undefined;
  readonly workspace?: string | undefined;
  /** The credential bundle for a Pod's Secret (never env or args); a container gets its bundle through `exec` once started. */
  readonly credentials?: readonly CredentialFile[] | undefined;
};

/**
 * Somewhere sessions run besides this machine's host server. `create` starts a session
 * host for exactly one session (our binary as the entrypoint) and returns the handle to
 * store; `openStream` carries the framed host protocol to it unchanged, so attach, redraw,
 * offsets and exactly-once input are the local code. Adapters: src/adapters/docker.
 */
export type TargetPort = {
  readonly kind: TargetHandle["kind"];
  /** Never pulls: an absent image throws IMAGE_NOT_FOUND and leaves nothing created. */
  readonly create: (spec: TargetSpec) => Promise<TargetHandle>;
  readonly status: (handle: TargetHandle) => Promise<ContainerStatus>;
  /** A byte stream to `socketPath` inside the target (waiting a while for it to appear: a session still starting). */
  readonly openStream: (handle: TargetHandle, socketPath: string) => ByteStream;
  /**
   * Runs `argv` inside the session's container or Pod (argv as is: no shell unless argv
   * names one), `stdin` fed then closed; resolves with the command's exit code and output.
   * Plugin sync reaches a session's HOME through it.
   */
  readonly exec: (handle: TargetHandle, argv: readonly string[], stdin?: Uint8Array) => Promise<ExecResult>;
  /**
   * The last `lines` of the container's or Pod's own output (its entrypoint's stderr): read before
   * removing one that ended before its session was ready, for why. "" when there is none to read.
   */
  readonly lastOutput: (handle: TargetHandle, lines: number) => Promise<string>;
  /** Stops (if running) and removes the container; a missing one is not an error. */
  readonly remove: (handle: TargetHandle) => Promise<void>;
  /**
   * Kubernetes: the session's Secret updated with these files, so a Pod created again copies
   * them (a refresh pushes them into the live HOME through `exec` either way). Absent where
   * nothing outside the session keeps them.
   */
  readonly storeCredentials?: (handle: TargetHandle, push: CredentialPush) => Promise<void>;
  /**
   * A hard refresh: the session's host and agent start again on the same volume and
   * Secret (so HOME and the fresh credentials are there), same session id and handle.
   * Absent where a session cannot be restarted in place (a container's HOME is its own layer).
   */
  readonly recreate?: (handle: TargetHandle) => Promise<void>;
  /**
   * `work` with an exec into a short-lived helper beside a session whose container ended or is
   * gone (nothing can be exec'd in it): the session's image and user, its volumes (claim) at
   * the same paths, HOME set as the session's; removed after. Throws VOLUMES_GONE when they
   * were deleted (`rm --volumes`).
   */
  readonly onVolumes: <T>(handle: TargetHandle, volumes: SessionVolumes, work: (exec: VolumeExec) => Promise<T>) => Promise<T>;
  /** Deletes what outlives a stop: the workspace + HOME volume (a PVC, a named volume); none is not an error. */
  readonly removeVolumes: (handle: TargetHandle) => Promise<void>;
  /** Every session of ours there (by label: session-labels.ts), with its status: how a CLI that lost its store finds them again. */
  readonly list: () => Promise<FoundSession[]>;
};

/** A session found by its labels: enough to record it again and reach its host. */
export type FoundSession = {
  readonly sessionId: string;
  readonly handle: TargetHandle;
  readonly status: ContainerStatus;
  /** What its host was told to run (the container's REMOTE_POD_SESSION), when readable. */
  readonly spec?: PodSpec | undefined;
  readonly createdAt?: string | undefined;
  /** Where its host listens inside the target. */
  readonly socketPath: string;
};
