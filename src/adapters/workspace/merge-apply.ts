import { chmodSync, lstatSync, mkdirSync, renameSync, rmdirSync, rmSync, symlinkSync } from "node:fs";
import { resolve, sep } from "node:path";
import { RemoteError } from "../../domain/errors.ts";
import type { PullPlan } from "../../domain/workspace/merge-plan.ts";
import { writeFileAtomically } from "../../shared/atomic-file.ts";

export type ApplyPullPlanOptions = {
  /** The linked directory the plan was made for. */
  readonly root: string;
  readonly plan: PullPlan;
  /** The bytes of a remote file by its sha256 (the downloaded archive or blob store). */
  readonly remoteContent: (sha256: string, path: string) => Promise<Uint8Array>;
};

const inside = (root: string, path: string): string => {
  const full = resolve(root, path);
  if (!full.startsWith(resolve(root) + sep)) throw new RemoteError("WORKSPACE_PATH_OUTSIDE", `Cannot write '${path}': it is outside the workspace`, "The plan is corrupt; pull again.", "corrupt");
  return full;
};

const exists = (path: string) => {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
};

const writeFile = (path: string, content: string | Uint8Array, mode: number) => {
  if (exists(path) && lstatSync(path).isSymbolicLink()) rmSync(path);
  writeFileAtomically(path, content, mode);
  chmodSync(path, mode); // exact mode, whatever the umask
};

/** Carries out a pull plan in order on the real directory. A plan is applied whole or fails at the first error. */
export async function applyPullPlan({ root, plan, remoteContent }: ApplyPullPlanOptions): Promise<void> {
  for (const action of plan.actions) {
    const path = inside(root, action.path);
    switch (action.op) {
      case "backup":
        renameSync(path, inside(root, action.to));
        break;
      case "remove":
        if (action.type !== "dir") rmSync(path, { force: true });
        else if (exists(path)) {
          // Files the manifest does not list (ignored ones) keep their directory.
          try {
            rmdirSync(path);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== "ENOTEMPTY") throw error;
          }
        }
        break;
      case "mkdir":
        mkdirSync(path, { recursive: true });
        break;
      case "write-text":
        writeFile(path, action.text, action.mode);
        break;
      case "write":
        if (action.entry.type === "file") writeFile(path, await remoteContent(action.entry.sha256, action.path), action.entry.mode);
        else {
          rmSync(path, { force: true });
          symlinkSync(action.entry.target, path);
        }
        break;
    }
  }
}
