import { createWorkspaceTree } from "../../src/adapters/workspace/tree.ts";
import type { AppDeps } from "../../src/app/deps.ts";
import { readBase, readLink } from "../../src/app/workspace/local-state.ts";

/** The base a linked folder keeps in .remote/ (its version and entries), read as push and pull read it. */
export function baseOf(root: string) {
  const deps = { workspace: () => ({ tree: createWorkspaceTree() }) } as unknown as Pick<AppDeps, "workspace">;
  const link = readLink(deps, root);
  if (!link) throw new Error(`${root} is not linked`);
  const { version, entries } = readBase(deps, root, link.workspaceId);
  return { version, entries };
}
