import { defineCommand } from "../define-command.ts";
import type { CliContext } from "../context.ts";
import { removeRemoteWorkspace } from "../../workspace/manage.ts";
import { remoteArgs } from "./_remote.ts";

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "rm", description: "Delete a workspace on the control plane (refused while a push holds its lock); local folders are not touched." },
    args: { id: { type: "positional", required: true, description: "Workspace id" }, ...remoteArgs },
    run: async ({ args }) => {
      const deps = ctx.deps();
      await removeRemoteWorkspace(deps, args.id, { remote: args.remote, insecure: args.insecure });
      deps.stderr(`removed workspace ${args.id}\n`);
    },
  });
