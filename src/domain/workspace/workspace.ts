import type { WorkspaceLock } from "./lock.ts";

/**
 * A workspace as the control plane keeps it. `path` and `home` are where it lives on the
 * machine that created it: a session on any target mounts it at that same absolute path
 * with that same HOME (path parity), so Claude's project key (the cwd with `/` -> `-`)
 * and the absolute paths in a transcript still match after a migration.
 */
export type WorkspaceRecord = {
  readonly id: string;
  readonly name: string;
  readonly path: string;
  readonly home: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Bumped by every committed change; a commit names the version it was planned against. */
  readonly version: number;
  readonly files: number;
  readonly bytes: number;
  readonly lock?: WorkspaceLock | undefined;
};

/** The name a workspace gets from its folder when none is given. */
export const defaultWorkspaceName = (path: string): string => path.split("/").filter(Boolean).at(-1) ?? "workspace";
