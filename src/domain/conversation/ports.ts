import type { ListedFile } from "./locate.ts";

/** Files under a HOME (paths relative to it, "/"-separated): where claude, codex and gemini keep conversations. */
export type ConversationFilesPort = {
  /** Regular files under `dir`, recursively; [] when it does not exist. */
  readonly list: (home: string, dir: string) => ListedFile[];
  /** The first line (a transcript's header), "" for an empty file. */
  readonly firstLine: (home: string, path: string) => string;
  readonly read: (home: string, path: string) => string | undefined;
  /** Atomic, 0600, folders made 0700 on the way. */
  readonly write: (home: string, path: string, content: string) => void;
};

export type OpencodeContext = { readonly home: string; readonly cwd: string; readonly env: Readonly<Record<string, string>> };

/** opencode keeps conversations in SQLite: they move through its own `export` / `import` (SPEC §2). */
export type OpencodeSessionsPort = {
  /** The newest session of `cwd` (`opencode session list`), undefined when none. */
  readonly latest: (context: OpencodeContext) => Promise<string | undefined>;
  /** `opencode export <id>` (JSON), undefined when opencode does not know the id. */
  readonly exportSession: (id: string, context: OpencodeContext) => Promise<string | undefined>;
  /** `opencode import <file>` of an export: adds the session and its messages (it never removes one). */
  readonly importSession: (json: string, context: OpencodeContext) => Promise<void>;
  /** `opencode session delete <id>`: before a diverged copy is replaced (an import alone would merge both). */
  readonly deleteSession: (id: string, context: OpencodeContext) => Promise<void>;
};

export type ConversationPorts = { readonly files: ConversationFilesPort; readonly opencode: OpencodeSessionsPort };
