import { defineCommand } from "../define-command.ts";
import { json, type CliContext } from "../context.ts";
import { linkWorkspace } from "../../workspace/manage.ts";
import { jsonArg } from "./_shared.ts";
import { remoteArgs } from "./_remote.ts";
import { workspaceIdArg } from "./_workspace.ts";

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "link", description: "Link this folder to workspace --id (or to a new empty one) in .remote/workspace.json; nothing is sent or written." },
    args: { id: workspaceIdArg, name: { type: "string", description: "Name of the workspace it creates (without --id)" }, json: jsonArg, ...remoteArgs },
    run: async ({ args }) => {
      const deps = ctx.deps();
      const linked = await linkWorkspace(deps, { id: args.id, name: args.name, remote: args.remote, insecure: args.insecure });
      if (args.json) return deps.stdout(json(linked));
      deps.stdout(`${linked.created ? "created and linked" : "linked to"} workspace ${linked.workspaceId} on ${linked.remote}\n`);
    },
  });
