/**
 * A workspace's session in a container or Pod, from the control plane's side, going in:
 * everything through the target's exec (no mount of ours, no network), before its agent
 * starts: the workspace's files from the blob store at the workspace's own path
 * (`remote __unpack`), a migrated conversation into its HOME by the restore rules
 * (`remote __conversation restore`), then `remote __prepared`; and the folder's workspace
 * link and base (`.remote/`), as a local copy of it has. Coming out: container-keep.ts.
 */
import type { ConversationBundle } from "../../domain/conversation/bundle.ts";
import type { ConversationPolicy } from "../../domain/conversation/restore-rules.ts";
import { RemoteError } from "../../domain/errors.ts";
import type { TargetHandle } from "../../domain/target.ts";
import type { TargetPort } from "../../domain/target-port.ts";
import type { WorkspaceBase, WorkspaceLink } from "../../domain/workspace/schemas.ts";
import type { WorkspaceRecord } from "../../domain/workspace/workspace.ts";
import type { AppDeps } from "../deps.ts";
import { exportArchive, workspaceManifest } from "../workspace/control.ts";
import { FOLDER_BASE, FOLDER_LINK, liveContainerFolder } from "./container-folder.ts";
import { execInside, jsonInput } from "./inside-wire.ts";

type Deps = Pick<AppDeps, "workspace" | "clock" | "random" | "config" | "target">;

export { CONVERSATION_META } from "../../domain/workspace/session-meta.ts";

/** Before a container session's agent starts (runInContainer's `prepare`): its files, its conversation, then the go-ahead. */
export function containerPreparation(
  deps: Deps,
  input: { readonly workspace?: WorkspaceRecord | undefined; readonly conversation?: ConversationBundle | undefined; readonly policy?: ConversationPolicy | undefined; readonly origin: string },
): (target: TargetPort, handle: TargetHandle, session: { readonly cwd: string }) => Promise<void> {
  return async (target, handle, { cwd }) => {
    const workspace = input.workspace;
    if (workspace) {
      const { version, entries } = workspaceManifest(deps, workspace.id);
      const exported = exportArchive(deps, workspace.id, Object.keys(entries).sort());
      // The base below must be what was written: a push in between would make it lie.
      if (exported.version !== version) throw new RemoteError("WORKSPACE_MOVED", `Cannot start a session for workspace '${workspace.id}': it moved to version ${exported.version} while its files were read`, "Start it again.", "conflict");
      await execInside(target, handle, ["__unpack", workspace.path], exported.archive);
      // A copy linked to the workspace at that version: a commit of the folder later sends only what the session changed.
      const folder = liveContainerFolder(deps, handle, workspace.path);
      await folder.writeState(FOLDER_LINK, { remote: input.origin, workspaceId: workspace.id, path: workspace.path, home: workspace.home } satisfies WorkspaceLink);
      await folder.writeState(FOLDER_BASE, { workspaceId: workspace.id, version, entries } satisfies WorkspaceBase);
    }
    if (input.conversation) await execInside(target, handle, ["__conversation", "restore"], jsonInput({ bundle: input.conversation, cwd, ...(input.policy && { policy: input.policy }) }));
    await execInside(target, handle, ["__prepared"]);
  };
}

/** Path parity: a workspace's session has HOME and the folder at the workspace's own paths (HOME: `fallbackHome` for a record without one). */
export const containerLayout = (workspace: WorkspaceRecord, fallbackHome: string) => ({ home: workspace.home || fallbackHome, workspace: workspace.path });

