/**
 * One session's HOME, wherever it is: a directory here (a session's own HOME, or the
 * person's), or inside a container or Pod reached through the target's exec (argv arrays).
 * Paths are HOME-relative. Adapters: src/adapters/plugin-home.
 */
export type PluginHomePort = {
  /** For messages: "~" here, "<container>:~" there. */
  readonly label: string;
  /** HOME as the session sees it. */
  readonly home: string;
  /** A file's text and mode, or undefined when there is none. */
  readonly read: (path: string) => Promise<{ readonly text: string; readonly mode: number } | undefined>;
  /** `read` of several files at once (one exec for a container: a probe reads seven). */
  readonly readAll: (paths: readonly string[]) => Promise<({ readonly text: string; readonly mode: number } | undefined)[]>;
  /** Replaces the file whole (temp file beside it, then renamed), with `mode`; makes its directories. */
  readonly write: (path: string, text: string, mode: number) => Promise<void>;
  /** Copies `path` to `to` (keeping its mode) unless `to` exists: the one backup before a first change. */
  readonly backupOnce: (path: string, to: string) => Promise<void>;
  /** Copies a directory of this machine into `path` (merged over what is there; links kept as links). */
  readonly copyIn: (localDir: string, path: string) => Promise<void>;
  readonly remove: (path: string) => Promise<void>;
  /** The realpath of a file in that HOME, or undefined when there is none. */
  readonly realpath: (path: string) => Promise<string | undefined>;
  /** Runs argv there with HOME set, in HOME; resolves with its exit code and output. */
  readonly run: (argv: readonly string[]) => Promise<{ readonly code: number; readonly stdout: string; readonly stderr: string }>;
};

/** Which HOME: a directory on this machine, or one inside a session's container or Pod. */
export type PluginPlace =
  | { readonly kind: "local"; readonly home: string }
  | { readonly kind: "target"; readonly handle: import("../target.ts").TargetHandle; readonly home: string };
