import { defineCommand } from "../define-command.ts";
import { json, type CliContext } from "../context.ts";
import { pushWorkspace } from "../../workspace/push.ts";
import { jsonArg } from "./_shared.ts";
import { remoteArgs } from "./_remote.ts";
import { bytes, progressBar } from "./_workspace.ts";

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "push", description: "Send this folder's changes (git's ignore rules apply) to its workspace; an unlinked folder gets a new workspace and is linked." },
    args: { name: { type: "string", description: "Name of a workspace this push creates (default: the folder's name)" }, json: jsonArg, ...remoteArgs },
    run: async ({ args }) => {
      const deps = ctx.deps();
      // A bar only for a person watching: not in a pipe, not with --json.
      const bar = deps.workspace().progressTerminal && !args.json ? progressBar(deps.stderr, "reading") : undefined;
      const result = await pushWorkspace(deps, { remote: args.remote, insecure: args.insecure, name: args.name, onProgress: bar?.update }).finally(() => bar?.done());
      if (args.json) {
        const { workspaceId, filesSent, bytesSent, filesUnchanged, bytesSkipped, filesDeleted, version, created, archiveBytes } = result;
        return deps.stdout(json({ workspaceId, filesSent, bytesSent, filesUnchanged, bytesSkipped, filesDeleted, version, created, archiveBytes }));
      }
      if (result.created) deps.stderr(`created workspace ${result.workspaceId} and linked this folder (.remote/workspace.json)\n`);
      deps.stdout(
        `pushed ${result.workspaceId} (version ${result.version}): ${result.filesSent} file(s) sent (${bytes(result.bytesSent)}), ${result.filesUnchanged} unchanged (${bytes(result.bytesSkipped)} skipped), ${result.filesDeleted} deleted\n`,
      );
    },
  });
