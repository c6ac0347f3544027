import { defineCommand } from "../define-command.ts";
import { json, type CliContext } from "../context.ts";
import { workspaceStatus } from "../../workspace/manage.ts";
import { jsonArg } from "./_shared.ts";
import { insecureArg } from "./_remote.ts";

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "status", description: "This folder's workspace: changes here since the last push or pull, and whether the workspace moved since." },
    args: { json: jsonArg, insecure: insecureArg },
    run: async ({ args }) => {
      const deps = ctx.deps();
      const s = await workspaceStatus(deps, { insecure: args.insecure });
      if (args.json) return deps.stdout(json(s));
      const lines = [
        `workspace ${s.workspaceId} on ${s.remote}`,
        `base: version ${s.baseVersion}`,
        `here: ${s.local.added} added, ${s.local.modified} modified, ${s.local.deleted} deleted since the base`,
        s.offline !== undefined
          ? `remote: unreachable (${s.offline})`
          : `remote: version ${s.workspace?.version}, ${s.workspace?.files} files${s.remoteChanged ? " (changed since the base: pull)" : ""}${s.workspace?.lock ? `, locked by ${s.workspace.lock.owner} until ${s.workspace.lock.expiresAt}` : ""}`,
        ...s.local.paths.map((p) => `  ${p}`),
      ];
      deps.stdout(`${lines.join("\n")}\n`);
    },
  });
