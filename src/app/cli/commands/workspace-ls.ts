import { defineCommand } from "../define-command.ts";
import { json, table, type CliContext } from "../context.ts";
import { listRemoteWorkspaces } from "../../workspace/manage.ts";
import { jsonArg } from "./_shared.ts";
import { remoteArgs } from "./_remote.ts";
import { bytes } from "./_workspace.ts";

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "ls", description: "List the workspaces of a control plane (--remote, else this folder's link, else the configured one)." },
    args: { json: jsonArg, ...remoteArgs },
    run: async ({ args }) => {
      const deps = ctx.deps();
      const workspaces = await listRemoteWorkspaces(deps, { remote: args.remote, insecure: args.insecure });
      if (args.json) return deps.stdout(json(workspaces));
      if (workspaces.length === 0) return deps.stderr("no workspaces: `remote workspace push` in a folder creates one\n");
      deps.stdout(
        table(
          ["ID", "NAME", "VERSION", "FILES", "SIZE", "UPDATED", "LOCK", "PATH"],
          workspaces.map((w) => [w.id, w.name, String(w.version), String(w.files), bytes(w.bytes), w.updatedAt.replace("T", " ").slice(0, 19), w.lock ? w.lock.owner : "-", w.path]),
        ),
      );
    },
  });
