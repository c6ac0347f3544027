/** The ports workspaces need (apart from src/domain/ports.ts, which is near its size budget). */
import type { ArchiveHeader, ArchiveLimits } from "./archive-rules.ts";
import type { Entry, Manifest } from "./entry.ts";
import type { WorkspaceLock } from "./lock.ts";
import type { LocalIndex } from "./local-index.ts";
import type { WorkspaceRecord } from "./workspace.ts";

/**
 * A session's folder as the control plane reads and writes it, wherever it lies (this
 * machine's disk, or inside a container through its exec).
 */
export type FolderAccess = {
  readonly root: string;
  /** Every file and link, as a push scans it (ignore rules; links out of the folder left out). */
  readonly scan: () => Promise<Manifest>;
  readonly read: (paths: readonly string[]) => Promise<Map<string, Uint8Array>>;
  /** `.remote/<name>` as JSON, undefined when absent. */
  readonly readState: (name: string) => Promise<unknown>;
  readonly writeState: (name: string, value: unknown) => Promise<void>;
};

export type ManifestChangeSet = { readonly set: Readonly<Record<string, Entry>>; readonly deleted: readonly string[] };

/** The control plane's workspace metadata (SQLite, beside sessions and jobs). Each method is one transaction. */
export type WorkspaceStorePort = {
  readonly create: (record: WorkspaceRecord) => void;
  readonly get: (id: string) => WorkspaceRecord | undefined;
  readonly list: () => WorkspaceRecord[];
  readonly manifest: (id: string) => { readonly version: number; readonly entries: Manifest } | undefined;
  /** Read-modify-write of the lock: `decide` sees the record and returns the next lock (undefined: none) or throws to change nothing. */
  readonly setLock: (id: string, decide: (current: WorkspaceRecord) => WorkspaceLock | undefined) => WorkspaceRecord | undefined;
  /** `check` sees the record (and throws to refuse: lock lost, version moved); then the change is applied and the version bumped. */
  readonly commit: (id: string, check: (current: WorkspaceRecord) => void, change: ManifestChangeSet, now: Date) => WorkspaceRecord | undefined;
  /** `check` may refuse (throw); returns the blobs no other workspace references, or undefined when the id is unknown. */
  readonly remove: (id: string, check: (current: WorkspaceRecord) => void) => string[] | undefined;
};

/** Content-addressed file contents (sha256, hex), written atomically; a blob never changes once stored. */
export type BlobStorePort = {
  readonly has: (sha256: string) => boolean;
  /** Stores the bytes (unless present) and returns their sha256. */
  readonly put: (bytes: Uint8Array) => string;
  readonly get: (sha256: string) => Uint8Array | undefined;
  readonly remove: (sha256s: readonly string[]) => void;
};

/** One archive member as read: its header, the file mode, and a regular file's bytes. */
export type ArchiveItem = { readonly header: ArchiveHeader; readonly mode: number; readonly bytes?: Uint8Array | undefined };
/** A member to write: a file (with its bytes) or a link. */
export type PackItem = { readonly path: string; readonly entry: Entry; readonly bytes?: Uint8Array | undefined };

/** Tar (the `tar` package), gzip optional; reading stops at the limits, and decides nothing else (checkArchive does). */
export type ArchivePort = {
  readonly pack: (items: readonly PackItem[], options?: { readonly gzip?: boolean }) => Uint8Array;
  /** Throws ARCHIVE_TOO_LARGE past the limits, INVALID_ARCHIVE on a damaged archive. */
  readonly unpack: (archive: Uint8Array, limits: ArchiveLimits) => Promise<ArchiveItem[]>;
};

export type PathKind = "missing" | "file" | "link" | "directory" | "other";

/** A local directory tree, as a push reads it and a pull writes it. Never follows a symlink. */
export type WorkspaceTreePort = {
  /**
   * Brings `index` up to date with every file and link not ignored (git's rules: nested
   * .gitignore, .git/info/exclude; .git and .remote always out): stats every indexed path,
   * lists again only folders whose stamp moved, hashes only files whose stamp moved.
   * `changed`: the index must be written back.
   */
  readonly scan: (root: string, index: LocalIndex) => { readonly hashed: number; readonly changed: boolean };
  /** A regular file's bytes (a link or anything else is refused). */
  readonly read: (root: string, path: string) => Uint8Array;
  readonly kind: (root: string, path: string) => PathKind;
  /** Writes a file or link at `path`, replacing what is there atomically; every folder on the way must be a real folder (created when missing). */
  readonly write: (root: string, path: string, entry: Entry, bytes?: Uint8Array) => void;
  /** Removes a file or link (and the folders it leaves empty, up to the root). */
  readonly remove: (root: string, path: string) => void;
  readonly rename: (root: string, from: string, to: string) => void;
  /** True when `root` has nothing in it but (maybe) our .remote folder. */
  readonly isEmpty: (root: string) => boolean;
  /** `.remote/<name>` as JSON, undefined when absent. */
  readonly readState: (root: string, name: string) => unknown;
  readonly writeState: (root: string, name: string, value: unknown) => void;
  /** `.remote/<name>` as bytes (the index), undefined when absent. */
  readonly readStateBytes: (root: string, name: string) => Uint8Array | undefined;
  readonly writeStateBytes: (root: string, name: string, bytes: Uint8Array) => void;
  /** Appends to `.remote/<name>` (created 0600). */
  readonly appendStateBytes: (root: string, name: string, bytes: Uint8Array) => void;
  readonly removeState: (root: string, name: string) => void;
};
