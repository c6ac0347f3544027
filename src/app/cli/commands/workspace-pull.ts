import { defineCommand } from "../define-command.ts";
import { json, type CliContext } from "../context.ts";
import { pullWorkspace } from "../../workspace/pull.ts";
import { jsonArg } from "./_shared.ts";
import { remoteArgs } from "./_remote.ts";
import { workspaceIdArg } from "./_workspace.ts";

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "pull", description: "Bring the workspace's state here; a file changed on both sides stops the pull before anything is written. --id pulls into an empty folder and links it." },
    args: { id: workspaceIdArg, json: jsonArg, ...remoteArgs },
    run: async ({ args }) => {
      const deps = ctx.deps();
      const result = await pullWorkspace(deps, { id: args.id, remote: args.remote, insecure: args.insecure });
      if (args.json) return deps.stdout(json(result));
      deps.stdout(
        result.unchanged
          ? `workspace ${result.workspaceId} (version ${result.version}): already up to date\n`
          : `pulled ${result.workspaceId} (version ${result.version}): ${result.written} written, ${result.deleted} deleted${result.backedUp > 0 ? `, ${result.backedUp} kept as .bak` : ""}\n`,
      );
    },
  });
