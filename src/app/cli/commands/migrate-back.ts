import { defineCommand } from "citty";
import { json, type CliContext } from "../context.ts";
import { migrateBack } from "../../migrate/back.ts";
import { parseConflictPolicy } from "../../../domain/workspace/merge-plan.ts";
import { jsonArg } from "./_shared.ts";
import { insecureArg } from "./_remote.ts";
import { onConflictArg } from "./_workspace.ts";

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "back", description: "Stop the far session, bring its conversation and this folder's files home (3-way merge), print the command that resumes the conversation here." },
    args: {
      "on-conflict": { ...onConflictArg, description: `${onConflictArg.description}. A diverged conversation: block (default, nothing touched), backup (yours kept under a new id), keep-local` },
      keep: { type: "boolean", description: "Leave the far session running" },
      json: jsonArg,
      insecure: insecureArg,
    },
    run: async ({ args }) => {
      const onConflict = parseConflictPolicy(args["on-conflict"]);
      const deps = ctx.deps();
      const result = await migrateBack(deps, { onConflict, keep: args.keep, insecure: args.insecure });
      if (result.hasConflicts) ctx.setExitCode(1);
      if (args.json) return deps.stdout(json(result));
      if (result.backupId !== undefined) deps.stderr(`your diverged conversation is kept as ${result.backupId}\n`);
      for (const path of result.conflicts) deps.stderr(`conflict left in ${path}: settle it, then \`remote workspace push\`\n`);
      deps.stderr(`conversation ${result.conversationId} is back; resume it with:\n`);
      deps.stdout(`${result.resumeCommand}\n`);
      deps.stderr(`(or \`${result.remoteResumeCommand}\`)\n`);
    },
  });
