import type { WorkspaceTreePort } from "../../domain/workspace/ports.ts";
import type { PullPlan } from "../../domain/workspace/merge-plan.ts";
import { sha256Hex } from "../../shared/sha256.ts";

export type ApplyPullPlanRequest = {
  /** The linked directory the plan was made for. */
  readonly root: string;
  readonly plan: PullPlan;
  /** The bytes of a remote file by its sha256 (from the pull's archive or the blob store). */
  readonly remoteBytes: (sha256: string, path: string) => Uint8Array | Promise<Uint8Array>;
};

/**
 * Carries out a pull plan (src/domain/workspace/merge-plan.ts) in its order through the
 * tree port, which never writes through a link and prunes folders a removal empties, so
 * `remove` of a folder and `mkdir` need no call of their own. Stops at the first error.
 */
export async function applyPullPlan(ports: { readonly tree: WorkspaceTreePort }, { root, plan, remoteBytes }: ApplyPullPlanRequest): Promise<void> {
  const { tree } = ports;
  for (const action of plan.actions) {
    if (action.op === "backup") tree.rename(root, action.path, action.to);
    else if (action.op === "remove" && action.type !== "dir") tree.remove(root, action.path);
    else if (action.op === "write") {
      const { entry } = action;
      if (entry.type === "link") tree.write(root, action.path, entry);
      else tree.write(root, action.path, { type: "file", sha256: entry.sha256, size: entry.size ?? 0, mode: entry.mode }, await remoteBytes(entry.sha256, action.path));
    } else if (action.op === "write-text") {
      const bytes = new TextEncoder().encode(action.text);
      tree.write(root, action.path, { type: "file", sha256: sha256Hex([bytes]), size: bytes.length, mode: action.mode }, bytes);
    }
  }
}
