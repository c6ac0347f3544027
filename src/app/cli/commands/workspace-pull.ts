import { defineCommand } from "../define-command.ts";
import { json, type CliContext } from "../context.ts";
import { pullWorkspace } from "../../workspace/pull.ts";
import { parseConflictPolicy } from "../../../domain/workspace/merge-plan.ts";
import { jsonArg } from "./_shared.ts";
import { remoteArgs } from "./_remote.ts";
import { onConflictArg, workspaceIdArg } from "./_workspace.ts";

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "pull", description: "Bring the workspace's state here as a 3-way merge against the last push or clean pull. --id pulls into an empty folder and links it." },
    args: { id: workspaceIdArg, "on-conflict": onConflictArg, json: jsonArg, ...remoteArgs },
    run: async ({ args }) => {
      const onConflict = parseConflictPolicy(args["on-conflict"]);
      const deps = ctx.deps();
      const result = await pullWorkspace(deps, { id: args.id, remote: args.remote, insecure: args.insecure, onConflict });
      ctx.setExitCode(result.exitCode);
      if (args.json) return deps.stdout(json(result));
      deps.stdout(
        result.unchanged
          ? `workspace ${result.workspaceId} (version ${result.version}): already up to date\n`
          : `pulled ${result.workspaceId} (version ${result.version}): ${result.written} written, ${result.deleted} deleted${result.backedUp > 0 ? `, ${result.backedUp} kept as .bak` : ""}\n`,
      );
      for (const conflict of result.conflicts) deps.stderr(`conflict: ${conflict.path} (${conflict.reason}): ${conflict.resolution === "markers" ? "conflict markers written" : conflict.resolution === "backup" ? "yours kept as .bak, theirs taken" : `kept ${conflict.resolution}`}\n`);
      if (result.exitCode !== 0) deps.stderr("the base is unchanged: settle the conflicts, then push\n");
    },
  });
